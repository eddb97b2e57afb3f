/**
 * The pages of the record, the search, the overview, disputes, operations,
 * the access log, ledger verification and backups, walked in Simplified
 * Chinese: headings, table heads and figures in the language, dates the
 * Chinese way, and a screenshot of each page to look at
 * (test-results/screenshots/zh-*.png).
 */
import type { Locator, Page } from '@playwright/test';
import { api, expect, shot, sharedConsole, statePurpose, test, walkedInChinese } from './fixtures';
import { ACCOUNTS, REPO } from './server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DEFAULT_RULES = (JSON.parse(readFileSync(join(REPO, 'resources/default/ruleset.json'), 'utf8')) as { rules: { name: string }[] }).rules;

const c = sharedConsole();
const who = ACCOUNTS.admin;

const open = walkedInChinese(c, who);

/** Opens a page logged in as the administrator, whose account speaks Chinese. */
async function openInChinese(page: Page, route: string): Promise<void> {
  await open(page, route);
  await expect(page.getByTestId('current-user')).toContainText('系统管理员');
}

/** Words of the English console that must not show in a Chinese dialog (identifiers such as CEL, CSV or citizen ids may). */
const ENGLISH_WORDS = /\b(Cancel|Save|Record|Reason|Dispute|Retract|Confirm|Evidence|Statement|required|characters)\b/;

/** Closes the open dialog with its close button in the title bar (Escape may be taken by a field inside). */
const closeDialog = (page: Page) => page.getByRole('dialog').locator('.mantine-Modal-close').click();

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 2, name });

test('overview, search and a citizen\'s record in Chinese, with the charts as tables', async ({ page, pageErrors }) => {
  await openInChinese(page, '/');
  await expect(heading(page, '概览')).toBeVisible();
  await expect(page.getByRole('heading', { name: '各信用等级公民人数' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '信用分分布' })).toBeVisible();
  // The tier chart's figures as a table, for a screen reader and on request.
  await page.getByTestId('tier-chart-toggle').click();
  await expect(page.getByTestId('tier-chart-table').getByRole('columnheader', { name: '公民人数' })).toBeVisible();
  await expect(page.getByTestId('tier-chart-toggle')).toHaveText('以图表显示');
  await expect(page.getByRole('columnheader', { name: '时间（UTC）' }).first()).toBeVisible();
  await shot(page, 'zh-overview-page');

  await page.getByTestId('nav-search').click();
  await expect(heading(page, '查询公民')).toBeVisible();
  await expect(page.getByTestId('search-total')).toContainText(/共 [\d,]+ 名公民/);
  await expect(page.getByRole('button', { name: /信用分/ })).toBeVisible();
  await shot(page, 'zh-search');

  const first = (await api(c, 'search', { query: '', limit: 1, sort: 'score', descending: false }, who)).rows[0] as { citizenId: string };
  await page.goto(`${c.base}/?token=${c.token}#/citizen/${first.citizenId}`);
  await expect(page.getByTestId('purpose-prompt')).toContainText('您为何要查阅');
  await shot(page, 'zh-purpose-prompt', { fullPage: false });
  await statePurpose(page, '端到端测试：中文界面');
  await expect(page.getByRole('heading', { name: '拉低信用分的主要原因' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '信用分构成' })).toBeVisible();
  await expect(page.getByTestId('breakdown-base')).toBeVisible();
  await expect(page.getByTestId('score-breakdown')).toContainText('基础分');
  await expect(page.getByRole('heading', { name: '审计轨迹：信用分为何变化' })).toBeVisible();
  await expect(page.getByTestId('record-viewers')).toContainText('端到端测试：中文界面');
  // Dates the Chinese way: 2026/11/01 00:00.
  await expect(page.getByTestId('audit-trail')).toContainText(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);
  await expect(page.getByTestId('event-list')).toContainText('发生时间（UTC）');
  // A protected field is marked in words (no padlock emoji, which a workstation without an emoji font draws as a box),
  // and a date field is written the Chinese way like the others (2026/10/27, not 2026-10-27).
  await expect(page.getByTestId('event-list')).toContainText('被告民族（受保护）');
  await expect(page.getByTestId('event-list')).not.toContainText('🔒');
  await expect(page.locator('[data-testid="event-kind-group"][data-kind="court_judgment"]')).toContainText(/\d{4}\/\d{2}\/\d{2}/);
  await expect(page.getByTestId('event-list')).not.toContainText(/\d{4}-\d{2}-\d{2}/);
  // Rules are named in the reader's language in the outlook too (the ruleset carries the Chinese names).
  await expect(page.getByTestId('outlook-headline')).toBeVisible();
  for (const rule of DEFAULT_RULES) await expect(page.getByTestId('outlook-card')).not.toContainText(rule.name);
  // A rule's dimension is named in Chinese (金融, 司法, 社会), not FINANCIAL.
  await expect(page.getByTestId('score-breakdown')).not.toContainText(/financial|legal|civic/i);
  await shot(page, 'zh-citizen');

  // The dialogs of the record, each opened, looked at in Chinese and closed without saving anything.
  /** Opens a dialog, checks it has no English, shoots it and closes it. */
  const lookAtDialog = async (opener: Locator, name: string) => {
    await opener.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).not.toContainText(ENGLISH_WORDS);
    await shot(page, name, { fullPage: false });
    await closeDialog(page);
    await expect(dialog).toBeHidden();
  };
  await lookAtDialog(page.getByTestId('record-event-button'), 'zh-dialog-record-event');
  await lookAtDialog(page.getByTestId('event-dispute-button').first(), 'zh-dialog-open-dispute');
  await lookAtDialog(page.getByTestId('event-retract-button').first(), 'zh-dialog-retract-event');
  // The lowest score is in tier D, whose restriction waits for an official's confirmation.
  await lookAtDialog(page.getByTestId('measure-confirm-button').first(), 'zh-dialog-confirm-measure');
  expect(pageErrors).toEqual([]);
});

test('disputes, operations, access log, ledger verification and backups in Chinese', async ({ page, pageErrors }) => {
  await openInChinese(page, '/disputes');
  await expect(heading(page, '异议')).toBeVisible();
  await expect(page.getByTestId('disputes-filter-status')).toHaveValue('待决定');
  await shot(page, 'zh-disputes');

  await page.getByTestId('nav-operations').click();
  await expect(heading(page, '操作与台账')).toBeVisible();
  await expect(page.getByTestId('operations-total')).toContainText(/共 [\d,]+ 项操作/);
  await expect(page.getByTestId('operation-row').filter({ hasText: '发布规则集' }).first()).toBeVisible();
  await shot(page, 'zh-operations');
  await page.getByTestId('operation-row').filter({ hasText: '发布规则集' }).first().click();
  await expect(page.getByTestId('operation-details')).toContainText('写入的台账条目');
  await expect(page.getByTestId('ledger-table')).toContainText('信用分：原 → 新');
  await shot(page, 'zh-operation');
  await page.getByTestId('verify-ledger').click();
  await expect(page.getByTestId('verify-result')).toContainText('台账完好');

  await page.getByTestId('nav-access').click();
  await expect(heading(page, '访问日志')).toBeVisible();
  // The newest page is this run's reads; logins are found through the action filter (in Chinese).
  await expect(page.getByTestId('access-table')).toContainText('查阅台账');
  // The details the main process wrote, in Chinese: the ledger read names the operation and the citizens it returned.
  const ledgerRead = page.getByTestId('access-row').filter({ hasText: '查阅台账' }).first();
  await expect(ledgerRead).toContainText(/操作 \d+ 的台账条目，自第 0 条起：共 \d+ 条；涉及 \d+ 名公民/);
  await expect(page.getByTestId('access-table')).not.toContainText('ledger entries of operation');
  await expect(page.getByTestId('access-table')).not.toContainText('citizen(s)');
  await page.getByTestId('access-action').click();
  await page.getByRole('option', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('access-row').first()).toContainText('登录');
  // This administrator's own login (other specs log in meanwhile, so the newest row may be someone else's).
  const adminLogin = page.getByTestId('access-row').filter({ hasText: who.username }).first();
  await expect(adminLogin).toContainText('角色：系统管理员');
  await expect(adminLogin).not.toContainText('role admin');
  await expect(page.getByTestId('bulk-read-alerts')).toContainText('批量查阅');
  await shot(page, 'zh-access-log');
  // The question before purposes become required, in Chinese; closed, the setting stays as it was.
  const required = page.getByTestId('purpose-required-switch');
  const wasRequired = await required.isChecked();
  await required.click();
  const purposeDialog = page.getByRole('dialog');
  await expect(purposeDialog).toBeVisible();
  await expect(purposeDialog).not.toContainText(ENGLISH_WORDS);
  await shot(page, 'zh-dialog-purpose-setting', { fullPage: false });
  await closeDialog(page);
  await expect(purposeDialog).toBeHidden();
  expect(await required.isChecked()).toBe(wasRequired);

  await page.getByTestId('nav-ledger').click();
  await expect(heading(page, '台账校验')).toBeVisible();
  await expect(page.getByTestId('chain-status')).toContainText('记录一致');
  await shot(page, 'zh-ledger');

  await page.getByTestId('nav-backups').click();
  await expect(heading(page, '备份')).toBeVisible();
  await expect(page.getByTestId('backup-now')).toHaveText('立即备份');
  await shot(page, 'zh-backups');
  expect(pageErrors).toEqual([]);
});
