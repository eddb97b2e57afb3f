/**
 * The edges in Chinese, as a reader of Chinese meets them: an import whose
 * files the server cannot read (a NUL byte, an unclosed quote, an event kind
 * listed twice) and account refusals (a common password, a name taken) on
 * the Users page. Nothing is written: the import is only validated and the
 * accounts are refused. Screenshots: test-results/screenshots/zh-edges-*.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, expect, shot, sharedConsole, statePurpose, test, walkedInChinese } from './fixtures';
import { ACCOUNTS } from './server';

const c = sharedConsole();
const who = ACCOUNTS.admin;

const openInChinese = walkedInChinese(c, who);

test('import in Chinese: files the server cannot read are named with their line, in Chinese', async ({ page, pageErrors }, testInfo) => {
  const dir = testInfo.outputPath('zh-unreadable');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'event_kinds.json'), JSON.stringify([{ kind: 'parking_fine', fields: {} }, { kind: 'parking_fine', fields: {} }]));
  writeFileSync(join(dir, 'relationships.csv'), 'a,b,since,until\n"C1,C2,2020-01-01,\n');
  writeFileSync(join(dir, 'events.csv'), 'event_id,citizen_id,kind,occurred_at,data\nE1,C1,parking_fine,2024-01-01T00:00:00Z,{}\nE2,C1,parking\u0000fine,2024-01-01T00:00:00Z,{}\n');
  await openInChinese(page, '/import');
  await expect(page.getByRole('heading', { name: '数据导入', level: 2 })).toBeVisible();
  await page.getByTestId('import-folder-input').setInputFiles(dir);
  await page.getByTestId('import-provider').fill('崖头街道办事处');
  await page.getByTestId('import-validate').click();
  await expect(page.getByTestId('import-report-failed')).toContainText('发现 3 个问题', { timeout: 60_000 });
  const problems = page.getByTestId('import-problems');
  await expect(problems).toContainText('记录类型“parking_fine”重复列出');
  await expect(problems).toContainText('引号未闭合：一个带引号的字段一直延续到文件末尾');
  await expect(problems).toContainText('文件含有 NUL 字节（二进制数据，或不带字节顺序标记的 UTF-16）');
  const nul = page.getByTestId('import-problem-row').filter({ hasText: 'NUL' });
  await expect(nul.locator('td').nth(1)).toHaveText('3');
  await expect(problems).not.toContainText(/NUL byte|unclosed quote|listed twice/);
  await shot(page, 'zh-edges-import-unreadable');
  expect(pageErrors).toEqual([]);
});

test('users in Chinese: a common password and a name already taken are refused in Chinese', async ({ page, pageErrors }) => {
  await openInChinese(page, '/users');
  await expect(page.getByRole('heading', { name: '用户管理', level: 2 })).toBeVisible();
  await page.getByTestId('new-username').fill('wang-fang');
  await page.getByTestId('new-password').fill('password');
  await page.getByTestId('new-reason').fill('新入职的经办人员');
  await page.getByTestId('create-account').click();
  await expect(page.getByTestId('create-result')).toContainText('该密码在常见或已泄露密码名单上，攻击者会首先尝试');
  await expect(page.getByTestId('create-result')).not.toContainText('common or breached');
  await page.getByTestId('new-username').fill(ACCOUNTS.official.username);
  await page.getByTestId('new-password').fill('a long enough passphrase');
  await page.getByTestId('create-account').click();
  await expect(page.getByTestId('create-result')).toContainText(`名为 ${ACCOUNTS.official.username} 的账号已存在`);
  await shot(page, 'zh-edges-users-refused');
  const users = (await api(c, 'users', {}, who)) as { username: string }[];
  expect(users.map((u) => u.username)).not.toContain('wang-fang');
  expect(pageErrors).toEqual([]);
});

test('a consent dated in the future is refused in Chinese, and nothing is recorded', async ({ page, pageErrors }) => {
  const purpose = 'E2E：核对授权同意记录';
  const found = (await api(c, 'search', { query: '', limit: 1, purpose }, who)) as { rows: { citizenId: string }[] };
  const citizen = found.rows[0].citizenId;
  const before = (await api(c, 'citizen', { citizenId: citizen, purpose }, who)) as { consent?: { history?: unknown[] } };
  await openInChinese(page, `/citizen/${citizen}`);
  await statePurpose(page, purpose);
  const card = page.getByTestId('consent-card');
  await card.getByTestId('consent-record').click();
  const modal = page.getByTestId('consent-modal');
  await modal.getByTestId('consent-status-given').click();
  await modal.getByTestId('consent-at').fill('2099-01-01T09:00:00Z');
  await modal.getByTestId('consent-evidence').fill('授权书 2099/001');
  await modal.getByTestId('consent-reason').fill('公民在窗口递交了书面授权书');
  await modal.getByTestId('consent-confirm').click();
  const refusal = modal.getByRole('alert').filter({ hasText: '2099-01-01T09:00:00Z' });
  await expect(refusal).toContainText('时间 2099-01-01T09:00:00Z 晚于当前时间：请在公民实际给予、撤回或拒绝授权同意之后再登记');
  await expect(refusal).not.toContainText(/in the future|record consent/);
  await shot(page, 'zh-edges-consent-future', { fullPage: false });
  const after = (await api(c, 'citizen', { citizenId: citizen, purpose }, who)) as { consent?: { history?: unknown[] } };
  expect(before.consent?.history).toBeDefined();
  expect(after.consent?.history).toHaveLength(before.consent!.history!.length);
  expect(pageErrors).toEqual([]);
});
