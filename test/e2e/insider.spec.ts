/**
 * Accounts administration in the console, played by an administrator in a
 * hurry and one in bad faith: a double click proposes one account, not two,
 * and shows no database error; the account is live only when the second
 * administrator approves it on the Users page; a disabled account's session
 * is dead on its next call; one login serves every tab of the browser.
 */
import { api, expect, openConsole, reply, shot, test } from './fixtures';
import { ACCOUNTS, startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

interface Change {
  id: number;
  username: string;
  status: string;
}

test('a double click on "Propose account" proposes one account; the second administrator approves it on the Users page', async ({ page, browser, pageErrors }) => {
  const username = 'e2e-newcomer';
  await openConsole(page, server, '/users', ACCOUNTS.admin);
  await page.getByTestId('new-username').fill(username);
  await page.getByTestId('new-password').fill('newcomer initial password');
  await page.getByTestId('new-reason').fill('E2E: a newcomer in the casework team');
  await page.getByTestId('create-account').dblclick();
  await expect(page.getByTestId('create-result')).toContainText('proposed');
  await expect(page.getByTestId('create-result')).not.toContainText(/UNIQUE|constraint|SQLITE/i);
  const pending = (await api<Change[]>(server, 'accountChanges', { status: 'pending' })).filter((c) => c.username === username);
  expect(pending).toHaveLength(1);
  // Not live yet: the proposer cannot approve it, and the account cannot log in.
  await expect(page.getByTestId(`approve-change-${pending[0].id}`)).toHaveCount(0);
  expect((await reply(server, 'login', { username, password: 'newcomer initial password' }, ACCOUNTS.admin)).ok).toBe(false);
  await shot(page, 'users-pending-change');

  const second = await browser.newPage();
  await openConsole(second, server, '/users', ACCOUNTS.admin2);
  await second.getByTestId(`approve-change-${pending[0].id}`).click();
  await second.getByTestId('decide-change-reason').fill('E2E: confirmed with the casework team');
  await second.getByTestId('decide-change-confirm').click();
  await expect(second.getByTestId(`user-${username}`)).toContainText('password to change');
  await shot(second, 'users-approved');
  await second.close();
  expect(pageErrors).toEqual([]);
});

test("disabling an account on the Users page ends its open session on the next call", async ({ page, pageErrors }) => {
  const victim = { username: 'e2e-leaver', password: 'leaver initial password', role: 'viewer', displayName: 'E2E Leaver' } as const;
  const { changeId } = await api<{ changeId: number }>(server, 'createUser', { ...victim, reason: 'E2E: someone who will leave' }, ACCOUNTS.admin);
  await api(server, 'decideAccountChange', { changeId, approve: true, reason: 'E2E: approved' }, ACCOUNTS.admin2);
  const login = await reply<{ token: string }>(server, 'login', { username: victim.username, password: victim.password }, ACCOUNTS.admin);
  expect(login.ok).toBe(true);
  const headers = { 'content-type': 'application/json', 'x-credence-token': server.token, 'x-credence-session': login.value!.token };
  const ping = async () => (await (await fetch(`${server.base}/api/changePassword`, { method: 'POST', headers, body: JSON.stringify({ current: victim.password, next: 'the leaver own password' }) })).json()) as { ok: boolean; error?: { code: string } };
  expect((await ping()).ok).toBe(true);

  await openConsole(page, server, '/users', ACCOUNTS.admin);
  await page.getByTestId(`actions-${victim.username}`).click();
  await page.getByTestId(`disable-${victim.username}`).click();
  await page.getByTestId('disable-reason').fill('E2E: left the office');
  await page.getByTestId('disable-confirm').click();
  await expect(page.getByTestId(`user-${victim.username}`)).toContainText('disabled');
  const after = await (await fetch(`${server.base}/api/ping`, { method: 'POST', headers, body: '{}' })).json();
  expect(after).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  expect(pageErrors).toEqual([]);
});

test('one login per browser profile: a second tab opens logged in, and logging out in one logs out both', async ({ page, pageErrors }) => {
  await openConsole(page, server, '/', ACCOUNTS.official);
  const tab = await page.context().newPage();
  await tab.goto(`${server.base}/?token=${server.token}#/search`);
  await expect(tab.getByTestId('current-user')).toContainText('· official');
  await tab.getByTestId('logout').click();
  await expect(tab.getByTestId('login-username')).toBeVisible();
  await expect(page.getByTestId('login-username')).toBeVisible();
  expect(pageErrors).toEqual([]);
});
