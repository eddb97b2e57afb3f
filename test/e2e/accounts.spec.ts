/**
 * Accounts and accountability on the shared console: the login form refuses
 * a wrong password and lets the right one in with the account's role; a
 * record opened with a stated purpose lists its viewer on the record and, for
 * an auditor, in the access log. Logins and openings only add to the access
 * log, so these tests share the read-only console.
 */
import { api, expect, openConsole, sharedConsole, shot, statePurpose, test } from './fixtures';
import { ACCOUNTS } from './server';

const c = sharedConsole();

test('the login form refuses a wrong password and logs the right one in with its role', async ({ page, pageErrors }) => {
  const who = ACCOUNTS.auditor;
  await page.goto(`${c.base}/?token=${c.token}#/`);
  const username = page.getByTestId('login-username');
  await expect(username).toBeFocused();
  await shot(page, 'login-form');

  await username.fill(who.username);
  await page.getByTestId('login-password').fill(`${who.password}-wrong`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toContainText('wrong username or password');
  await expect(page.getByTestId('current-user')).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('credence.session'))).toBeNull();
  await shot(page, 'login-wrong-password');
  const refusal = await api(c, 'accessLog', { username: who.username, action: 'login', limit: 1 });
  expect(refusal.rows[0]).toMatchObject({ action: 'login', outcome: 'refused', detail: 'wrong username or password' });

  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('current-user')).toHaveText(`${who.displayName} · auditor`);
  expect(await page.evaluate(() => localStorage.getItem('credence.session'))).toMatch(/\S{20,}/);
  // An auditor's navigation: the access log, but neither import nor users.
  await expect(page.getByTestId('nav-access')).toBeVisible();
  await expect(page.getByTestId('nav-import')).toHaveCount(0);
  await expect(page.getByTestId('nav-users')).toHaveCount(0);
  await shot(page, 'login-auditor-overview');

  // Logging out ends the session: the form again.
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-username')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('credence.session'))).toBeNull();
  expect(pageErrors).toEqual([]);
});

test('a record opened with a stated purpose names its viewer on the record and in the auditor\'s access log', async ({ page, browser }) => {
  const { rows } = await api<{ rows: { citizenId: string; name: string }[] }>(c, 'search', { query: '', limit: 20 });
  const citizen = rows[17];
  const purpose = `E2E case 2026/${Date.now() % 1000}: dispute review`;

  // The official opens the record from the search and states the purpose when asked.
  await openConsole(page, c, '/search', ACCOUNTS.official);
  await page.getByTestId('search-input').fill(citizen.citizenId);
  await expect(page.getByTestId('search-row')).toHaveCount(1);
  await page.getByTestId('search-row').click();
  await statePurpose(page, purpose);
  await expect(page.getByTestId('citizen-name')).toHaveText(citizen.name);
  const viewers = page.getByTestId('record-viewers');
  const mine = viewers.getByRole('row').filter({ hasText: ACCOUNTS.official.username });
  await expect(mine.first()).toContainText(purpose);
  await shot(page, 'access-record-viewers');

  // The auditor, at their own workstation, finds that opening in the access log.
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const auditor = await context.newPage();
  await openConsole(auditor, c, '/access', ACCOUNTS.auditor);
  await auditor.getByTestId('access-citizen').fill(citizen.citizenId);
  const logged = await api(c, 'accessLog', { citizenId: citizen.citizenId }, ACCOUNTS.auditor);
  await expect(auditor.getByTestId('access-row')).toHaveCount(logged.total);
  for (const r of await auditor.getByTestId('access-row').all()) await expect(r.getByRole('link', { name: citizen.citizenId })).toBeVisible();
  const row = auditor.getByTestId('access-row').filter({ hasText: ACCOUNTS.official.username }).filter({ hasText: 'view_record' });
  await expect(row.first()).toContainText(purpose);
  await expect(row.first()).toContainText('allowed');
  await shot(auditor, 'access-log-record-view');
  await context.close();
});
