/**
 * The console in Simplified Chinese and English: chosen on the login screen
 * before anyone is logged in, kept as the account's preference, switched from
 * the header without a reload, with dates and numbers written the locale's
 * way and the time zone stated.
 */
import { api, expect, shot, sharedConsole, test } from './fixtures';
import { ACCOUNTS } from './server';

const c = sharedConsole();
const who = ACCOUNTS.auditor;

// The auditor's language is stored with the account: put it back for the other specs whatever happens here.
test.afterAll(async () => {
  await api(c, 'setLanguage', { language: 'en' }, who);
});

test('Chinese chosen at the login screen becomes the account\'s language; English comes back without a reload', async ({ page, pageErrors }) => {
  await page.goto(`${c.base}/?token=${c.token}#/`);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.getByTestId('language-switch').getByText('简体中文').click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('login-submit')).toHaveText('登录');
  await shot(page, 'zh-login');

  await page.getByTestId('login-username').fill(who.username);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('current-user')).toHaveText(`${who.displayName} · 审计人员`);
  await expect(page.getByTestId('nav-overview')).toContainText('概览');
  await expect(page.getByTestId('nav-access')).toContainText('访问日志');
  await expect(page.getByTestId('time-zone-note')).toHaveText('所有时间均为 UTC（协调世界时）');
  // The scoring date through Intl for zh-CN: 2026/11/01 00:00.
  await expect(page.getByTestId('scoring-date')).toContainText(/评分基准时间 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2} UTC/);
  await expect.poll(loginLanguage).toBe('zh-CN');
  await shot(page, 'zh-overview');

  // Back to English from the header: the same page, not a reload.
  await page.evaluate(() => Object.assign(window, { notReloaded: true }));
  await page.getByTestId('language-switch').getByText('English').click();
  await expect(page.getByTestId('nav-overview')).toHaveText('Overview');
  await expect(page.getByTestId('scoring-date')).toContainText(/scoring date \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await expect.poll(loginLanguage).toBe('en');
  expect(pageErrors).toEqual([]);
});

/** The language a fresh login of the account is given (what the next workstation will speak). */
async function loginLanguage(): Promise<string | undefined> {
  const res = await fetch(`${c.base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-credence-token': c.token },
    body: JSON.stringify({ username: who.username, password: who.password }),
  });
  const reply = (await res.json()) as { ok: boolean; value?: { user: { language?: string } } };
  return reply.value?.user.language;
}
