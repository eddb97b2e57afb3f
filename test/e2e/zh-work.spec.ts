/**
 * The officials' working pages in Simplified Chinese: rules (editor, live
 * expression check, simulation with its chart and table, proposing),
 * approvals (the proposer's view and the approver's, approving publishes),
 * import (a file with a bad row refused, in Chinese), users, the dialogs of a
 * dispute and of an account change, a backup's check, the auditor's
 * checkpoints, and first start and login on an empty database. Each page is
 * screenshotted for a reader to look at. The accounts' language is set
 * through the API as a user would pick it, and put back to English after.
 * Publishing changes data, so this file has its own console.
 */
import type { Browser, Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, expect, openConsole, shot, test } from './fixtures';
import { ACCOUNTS, cli, DB_NAME, startCredence, type RunningServer } from './server';

let server: RunningServer;
const proposer = ACCOUNTS.admin;
const approver = ACCOUNTS.admin2;
const auditor = ACCOUNTS.auditor;

test.beforeAll(async () => {
  server = await startCredence();
  for (const who of [proposer, approver, auditor]) await api(server, 'setLanguage', { language: 'zh-CN' }, who);
});
test.afterAll(async () => {
  if (server) for (const who of [proposer, approver, auditor]) await api(server, 'setLanguage', { language: 'en' }, who);
  await server?.stop();
});

async function secondWorkstation(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  return context.newPage();
}

test('rules in Chinese: the editor checks an expression, the simulation is labelled and tabled, and the draft is proposed', async ({ page, pageErrors }) => {
  test.setTimeout(180_000);
  await openConsole(page, server, '/rules', proposer);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { name: '评分规则', level: 2 })).toBeVisible();
  await expect(page.getByTestId('rules-tab-published')).toHaveText('已发布（第1版）');
  await expect(page.getByTestId('published-rules').getByRole('columnheader', { name: '记录类型' })).toBeVisible();
  // The dimensions of the default ruleset in Chinese.
  await expect(page.getByTestId('published-rules')).toContainText('金融');
  await expect(page.getByTestId('published-rules')).not.toContainText(/financial|civic/);
  await expect(page.getByText(/^阈值 \d+ · 权重 [\d.]+$/)).toBeVisible();
  await shot(page, 'zh-rules-published');

  await page.getByTestId('rules-tab-editor').click();
  await page.locator('[data-testid="rule-item"][data-rule-id="bank-arrears"]').click();
  await expect(page.getByTestId('rule-tester')).toContainText('测试此规则');
  await page.getByTestId('rule-points').fill('-15.0 * event.months_overdue');
  await expect(page.getByTestId('rule-points-ok')).toHaveText('✓ 有效，返回 double');
  await expect(page.getByTestId('draft-validity')).toHaveText('校验通过');
  await expect(page.getByTestId('draft-changes')).toHaveText('修改评分规则 1 条');
  await expect(page.locator('[data-testid="rule-item"][data-rule-id="bank-arrears"]')).toContainText('已修改');
  await shot(page, 'zh-rules-editor');

  // A CEL error: the position in Chinese, the compiler's message as it is (code).
  await page.getByTestId('rule-points').fill('-15 * event.months_overdue');
  await expect(page.getByTestId('rule-points-error')).toContainText(/第 \d+ 列：/);
  await expect(page.getByTestId('rule-points-hint')).toContainText('信用记录中的数值均为小数');
  await page.getByTestId('rule-points-apply-hint').click();
  await expect(page.getByTestId('rule-points-ok')).toHaveText('✓ 有效，返回 double');
  // An invalid expression: the checker's message itself in Chinese, not the English the main process keeps beside it.
  await page.getByTestId('rule-points').fill('-15.0 * event.no_such_field');
  await expect(page.getByTestId('rule-points-error')).toContainText(/字段“no_such_field”未在记录类型“[a-z_]+”中声明/);
  await expect(page.getByTestId('rule-points-error')).not.toContainText('is not declared');
  await expect(page.getByTestId('validation-problems')).toContainText('字段“no_such_field”未在记录类型');
  await shot(page, 'zh-rules-cel-error');
  await page.getByTestId('rule-points').fill('-15.0 * event.months_overdue');
  await expect(page.getByTestId('rule-points-ok')).toHaveText('✓ 有效，返回 double');

  await page.getByTestId('rules-tab-simulate').click();
  await expect(page.getByTestId('draft-diff')).toContainText('草稿的变动');
  // The changed rule under its Chinese name, the changed field named in Chinese (its ruleset name beneath).
  const changed = page.getByTestId('draft-diff').getByTestId('diff-rule-changed');
  await expect(changed).toContainText('银行贷款逾期');
  await expect(changed).not.toContainText('Bank arrears');
  await expect(changed.getByRole('row').nth(1)).toContainText('分值');
  await page.getByTestId('simulate-button').click();
  const results = page.getByTestId('simulation-results');
  await expect(results).toBeVisible({ timeout: 90_000 });
  await expect(results).toContainText('信用分分布（调整前后对比）');
  const histogram = page.getByTestId('sim-histogram');
  await expect(histogram.getByText('已发布（调整前）')).toBeVisible();
  await expect(histogram.getByText('草稿（调整后）')).toBeVisible();
  // The chart's figures as a table for screen readers, in Chinese.
  const table = page.getByRole('table', { name: '各分数段公民人数（调整前后对比）' });
  await expect(table.getByRole('columnheader', { name: '分数段' })).toBeAttached();
  expect(await table.locator('tbody tr').count()).toBeGreaterThan(2);
  await expect(page.getByRole('table', { name: '调整前（行）与调整后（列）各信用等级的公民人数' })).toBeVisible();
  await expect(page.getByTestId('sim-top-up')).toHaveText('无。');
  await expect(page.getByTestId('sim-districts').getByRole('columnheader', { name: /辖区/ })).toBeVisible();
  await shot(page, 'zh-rules-simulation');

  await page.getByTestId('publish-reason').fill('根据市政府常务会议决定，加大对银行逾期的扣分力度');
  await page.getByTestId('publish-button').click();
  const dialog = page.getByRole('dialog', { name: '将此草稿提交审批？' });
  await expect(dialog).toContainText('模拟测算：');
  await shot(page, 'zh-rules-propose-confirm', { fullPage: false });
  await dialog.getByTestId('publish-confirm').click();
  await expect(page.getByTestId('propose-result')).toContainText(/提议 #\d+ 正等待另一位系统管理员决定/);

  await page.getByTestId('rules-tab-history').click();
  await expect(page.getByTestId('versions-table').getByRole('columnheader', { name: '时间（UTC）' })).toBeVisible();
  await expect(page.getByTestId('versions-table')).toContainText('第1版');
  await shot(page, 'zh-rules-history');

  // The fairness report of a published version, and the question before a version replaces the draft, in Chinese (nothing replaced).
  await page.getByTestId('fairness-version-1').click();
  const fairness = page.getByRole('dialog');
  await expect(fairness).toContainText('公平性');
  await expect(fairness.getByRole('columnheader', { name: '辖区' }).first()).toBeVisible();
  await shot(page, 'zh-rules-version-fairness', { fullPage: false });
  await fairness.locator('.mantine-Modal-close').click();
  await expect(fairness).toBeHidden();
  await page.getByTestId('restore-version-1').click();
  const restore = page.getByRole('dialog');
  await expect(restore.getByTestId('restore-confirm')).toHaveText('替换为第1版');
  await shot(page, 'zh-rules-restore-confirm', { fullPage: false });
  await restore.locator('.mantine-Modal-close').click();
  await expect(restore).toBeHidden();
  await expect(page.getByTestId('draft-changes')).toHaveText('修改评分规则 1 条');

  await page.getByTestId('nav-approvals').click();
  await expect(page.getByRole('heading', { name: '审批', level: 2 })).toBeVisible();
  const mine = page.getByTestId('pending-proposal').first();
  await expect(mine.getByTestId('proposal-kind')).toHaveText('规则集');
  await expect(mine.getByTestId('proposal-waiting')).toHaveText('您的提议——等待另一位系统管理员决定');
  await shot(page, 'zh-approvals-proposer');
  expect(pageErrors).toEqual([]);
});

test('approvals in Chinese: the second administrator reads the proposal and its simulation, approves it, and it is published', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await secondWorkstation(browser);
  await openConsole(page, server, '/approvals', approver);
  const card = page.getByTestId('pending-proposal').first();
  await expect(card).toContainText(`由 ${proposer.username} 于`);
  await expect(card.getByTestId('proposal-reason-text')).toContainText('理由：');
  await expect(card.getByRole('button', { name: /全量模拟测算/ })).toContainText('已模拟测算');
  await card.getByRole('button', { name: /全量模拟测算/ }).click();
  await expect(card.getByTestId('proposal-simulation-by')).toContainText(`由 ${proposer.username} 于`);
  await expect(card.getByTestId('simulation-results')).toContainText('提议（调整后）');
  await shot(page, 'zh-approvals-approver');

  await card.getByTestId('proposal-reason').fill('已对照市政府常务会议决定核实');
  await card.getByTestId('proposal-approve').click();
  const confirm = page.getByRole('dialog', { name: /批准并发布提议 #\d+？/ });
  await expect(confirm).toContainText('规则集将立即作为新版本发布');
  await shot(page, 'zh-approvals-confirm', { fullPage: false });
  await confirm.getByTestId('proposal-approve-confirm').click();
  await expect(page.getByTestId('publish-outcome')).toContainText(/提议 #\d+ 已批准：第2版已发布/, { timeout: 120_000 });
  await expect(page.getByTestId('past-proposal-status').first()).toHaveText('已批准');
  await shot(page, 'zh-approvals-published');
  await page.context().close();
});

test('import in Chinese: a citizens file with an impossible date is refused, naming the line, and nothing is written', async ({ page }, testInfo) => {
  const dir = join(testInfo.outputPath('zh-bad-folder'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'citizens.csv'), 'citizen_id,name,district,birth_date\nC9100001,王芳,崖头街道,1980-05-01\nC9100002,李伟,崖头街道,2024-02-30\n');
  writeFileSync(join(dir, 'notes.txt'), '不属于导入格式\n');
  await openConsole(page, server, '/import', proposer);
  await expect(page.getByRole('heading', { name: '数据导入', level: 2 })).toBeVisible();
  await expect(page.getByTestId('import-no-files')).toContainText('尚未选择文件');
  await expect(page.getByTestId('import-format-help')).toContainText('全部写入或全部不写入');
  await shot(page, 'zh-import-empty');

  await page.getByTestId('import-folder-input').setInputFiles(dir);
  await expect(page.getByTestId('import-file-list').getByRole('columnheader', { name: '来源位置' })).toBeVisible();
  await expect(page.getByTestId('import-ignored')).toContainText('未纳入（1 个，不属于导入格式）');
  await page.getByTestId('import-provider').fill('崖头街道办事处');
  await page.getByTestId('import-validate').click();
  await expect(page.getByTestId('import-report-failed')).toContainText('发现 1 个问题：未写入任何内容', { timeout: 60_000 });
  await expect(page.getByTestId('import-problems').getByRole('columnheader', { name: '行号' })).toBeVisible();
  await expect(page.getByTestId('import-problem-row').locator('td').nth(1)).toHaveText('3');
  await expect(page.getByTestId('import-problem-row').locator('td').nth(2)).toContainText('出生日期 birth_date“2024-02-30”不是 YYYY-MM-DD 格式的日期');
  await expect(page.getByTestId('import-problems')).not.toContainText('is not a date');
  await shot(page, 'zh-import-refused');
});

test('users in Chinese: accounts with their roles, pending changes, sessions and the command-line token', async ({ page }) => {
  await openConsole(page, server, '/users', proposer);
  await expect(page.getByRole('heading', { name: '用户管理', level: 2 })).toBeVisible();
  await expect(page.getByTestId('users-table').getByRole('columnheader', { name: '账号' })).toBeVisible();
  await expect(page.getByTestId(`user-${approver.username}`)).toContainText('系统管理员');
  await expect(page.getByTestId('sessions')).toContainText('当前会话');
  await expect(page.getByTestId('create-account')).toHaveText('提议新建账号');
  await shot(page, 'zh-users');

  // An account's actions and the role-change dialog in Chinese (closed without proposing anything).
  const official = ACCOUNTS.official.username;
  await page.getByTestId(`actions-${official}`).click();
  await expect(page.getByTestId(`role-${official}`)).toBeVisible();
  await shot(page, 'zh-users-actions-menu', { fullPage: false });
  await page.getByTestId(`role-${official}`).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('role-select')).toBeVisible();
  await expect(dialog).not.toContainText(/\b(Cancel|Role|Reason|Propose|viewer|auditor)\b/);
  await shot(page, 'zh-users-role-dialog', { fullPage: false });
  await dialog.locator('.mantine-Modal-close').click();
  await expect(dialog).toBeHidden();

  // The other administrator's proposal waits for this one: the dialog to reject it, in Chinese (closed without deciding).
  const { changeId } = (await api(server, 'changeRole', { username: ACCOUNTS.auditor.username, role: 'official', reason: '审计工作调整，改任经办人员' }, approver)) as { changeId: number };
  await page.reload();
  await expect(page.getByTestId(`change-${changeId}`)).toContainText('变更账号');
  await page.getByTestId(`reject-change-${changeId}`).click();
  const reject = page.getByRole('dialog');
  await expect(reject).toContainText(`驳回账号变更 #${changeId}`);
  await expect(reject).toContainText('独立的第二人');
  await expect(reject).not.toContainText(/\b(Cancel|Reason|Reject|Approve|account|change|second)\b/);
  await shot(page, 'zh-users-reject-change', { fullPage: false });
  await reject.locator('.mantine-Modal-close').click();
  await expect(reject).toBeHidden();
  await expect(page.getByTestId(`change-${changeId}`)).toBeVisible();
});

test('disputes in Chinese: a dispute opened on a record, its card on the record and its row on the disputes page', async ({ page, pageErrors }) => {
  const first = (await api(server, 'search', { query: '', limit: 1, sort: 'score', descending: false }, proposer)).rows[0] as { citizenId: string };
  await openConsole(page, server, `/citizen/${first.citizenId}`, proposer);
  await page.getByTestId('event-dispute-button').first().click();
  await page.getByTestId('open-dispute-reason').fill('公民称该判决已被撤销，记录有误');
  await page.getByTestId('open-dispute-confirm').click();
  const dispute = page.getByTestId('dispute');
  await expect(dispute).toHaveCount(1);
  await expect(dispute.getByTestId('dispute-status')).not.toHaveText(/^[a-z_ ]+$/);
  await expect(dispute).toContainText('公民称该判决已被撤销，记录有误');
  await expect(dispute.getByTestId('dispute-history')).toContainText('已记录公民陈述');
  await expect(dispute).not.toContainText("citizen's statement recorded");
  await dispute.scrollIntoViewIfNeeded();
  await shot(page, 'zh-citizen-dispute', { fullPage: false });

  await page.getByTestId('nav-disputes').click();
  await expect(page.getByTestId('disputes-row')).toHaveCount(1);
  await expect(page.getByTestId('disputes-total')).toContainText('共 1 件异议');
  await shot(page, 'zh-disputes-one');

  // The dispute's operation, newest first on the operations page and on its own page: the reason the console wrote, in Chinese.
  await page.getByTestId('nav-operations').click();
  const newest = page.getByTestId('operation-row').first();
  await expect(newest).toContainText('已记录公民陈述');
  await expect(page.getByTestId('operations-table')).not.toContainText("citizen's statement recorded");
  await newest.click();
  await expect(page.getByTestId('operation-reason')).toHaveText('已记录公民陈述');

  // The dialog to assign the dispute, from the disputes page, with its reviewers' roles in Chinese (closed without assigning).
  await page.getByTestId('nav-disputes').click();
  await page.getByTestId('disputes-assign').click();
  const assign = page.getByRole('dialog');
  await expect(assign).toContainText(/指派异议 #\d+/);
  await assign.getByTestId('dispute-assign-select').click();
  const reviewers = page.getByRole('listbox');
  await expect(reviewers).toContainText('系异议提出人，不能作出决定');
  await expect(reviewers).not.toContainText(/，(official|admin|administrator)）/);
  await expect(assign).not.toContainText(/\b(Cancel|Reason|Assign|Reviewer|nobody|opener|decide)\b/);
  await shot(page, 'zh-disputes-assign', { fullPage: false });
  await page.keyboard.press('Escape');
  await assign.locator('.mantine-Modal-close').click();
  await expect(assign).toBeHidden();
  await expect(page.getByTestId('disputes-assignee')).toHaveText('无人');
  expect(pageErrors).toEqual([]);
});

test('disputes in Chinese: the dialogs to start a review and to decide a dispute', async ({ page, browser, pageErrors }) => {
  const disputes = (await api(server, 'disputes', {}, proposer)) as { id: number; citizenId: string; status: string }[];
  const d = disputes.find((x) => x.status === 'open');
  if (!d) throw new Error('no open dispute: the dispute test above opens one');
  await openConsole(page, server, `/citizen/${d.citizenId}`, proposer);
  const card = page.locator(`[data-testid="dispute"][data-dispute-id="${d.id}"]`);
  await card.getByTestId('dispute-review-button').click();
  const review = page.getByRole('dialog');
  await expect(review).toContainText(`开始审查异议 #${d.id}`);
  await expect(review).not.toContainText(/\b(Cancel|Reason|Start|review|dispute|Disputed)\b/);
  await shot(page, 'zh-dispute-review', { fullPage: false });
  // Started as the opener may: the decision is for another person, whose dialogs follow.
  await review.getByTestId('dispute-under_review-reason').fill('已调取法院判决书，开始核实');
  await review.getByTestId('dispute-under_review-confirm').click();
  await expect(review).toBeHidden();
  await expect(card.getByTestId('dispute-second-person')).toContainText('须由另一名经办人员作出决定');

  const other = await secondWorkstation(browser);
  await openConsole(other, server, `/citizen/${d.citizenId}`, approver);
  const theirs = other.locator(`[data-testid="dispute"][data-dispute-id="${d.id}"]`);
  for (const [button, title, name] of [
    ['dispute-uphold-button', `认定异议 #${d.id} 成立`, 'zh-dispute-uphold'],
    ['dispute-reject-button', `认定异议 #${d.id} 不成立`, 'zh-dispute-reject'],
  ] as const) {
    await theirs.getByTestId(button).click();
    const decide = other.getByRole('dialog');
    await expect(decide).toContainText(title);
    await expect(decide).not.toContainText(/\b(Cancel|Reason|Uphold|Reject|dispute|record|score|restriction)\b/);
    await shot(other, name, { fullPage: false });
    await decide.locator('.mantine-Modal-close').click();
    await expect(decide).toBeHidden();
  }
  await expect(theirs.getByTestId('dispute-status')).toHaveText('审查中');
  await other.context().close();
  expect(pageErrors).toEqual([]);
});

test('backups in Chinese: a backup taken now and checked, the check read in Chinese', async ({ page, pageErrors }) => {
  await openConsole(page, server, '/backups', proposer);
  const rows = page.getByTestId('backups-table').locator('tbody tr');
  const before = await rows.count();
  await page.getByTestId('backup-now').click();
  await expect(rows).toHaveCount(before + 1);
  const newest = rows.first();
  await newest.getByTestId('backup-check').click();
  const result = newest.getByTestId('backup-check-result');
  await expect(result).toHaveText('完好');
  // What the check found, on the badge: in Chinese, not the English the main process keeps beside it.
  await expect(result).toHaveAttribute('title', /：完好，已校验哈希链 [\d,]+ 个条目，与其清单相符$/);
  await expect(page.getByTestId('backups-table')).not.toContainText(/\b(intact|yes|no|Check)\b/);
  await shot(page, 'zh-backups-checked');
  expect(pageErrors).toEqual([]);
});

test('ledger checkpoints in Chinese: the auditor signs a checkpoint and verifies it against the pinned key', async ({ page, pageErrors }, testInfo) => {
  test.setTimeout(120_000);
  const passphrase = '审计人员自己的口令，系统管理员不知道';
  // The auditor's key, made as the auditor makes it: on the command line, kept outside the database's folder.
  const keyPath = testInfo.outputPath('auditor.key.json');
  mkdirSync(testInfo.outputPath(), { recursive: true });
  await cli('the auditor key could not be made', ['auditor-key', 'create', '--out', keyPath, '--db', join(server.dir, DB_NAME)], { CREDENCE_AUDITOR_PASSPHRASE: passphrase });
  const publicKeyPem = readFileSync(`${keyPath}.pub.pem`, 'utf8');
  await openConsole(page, server, '/ledger', auditor);
  await expect(page.getByRole('heading', { name: '台账校验', level: 2 })).toBeVisible();

  const choosingKey = page.waitForEvent('filechooser');
  await page.getByTestId('choose-auditor-key').click();
  await (await choosingKey).setFiles(keyPath);
  await page.getByTestId('auditor-passphrase').fill(passphrase);
  const saving = page.waitForEvent('download');
  await page.getByTestId('take-checkpoint').click();
  const checkpointPath = testInfo.outputPath('checkpoint.json');
  await (await saving).saveAs(checkpointPath);
  expect(JSON.parse(readFileSync(checkpointPath, 'utf8'))).toHaveProperty('signature');
  const table = page.getByTestId('checkpoints-table');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table).toContainText(auditor.username);

  await page.getByTestId('trusted-key').fill(publicKeyPem);
  const choosingCheckpoint = page.waitForEvent('filechooser');
  await page.getByTestId('verify-checkpoint').click();
  await (await choosingCheckpoint).setFiles(checkpointPath);
  const result = page.getByTestId('checkpoint-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).not.toContainText(/\b(valid|signature|signed|verified|entries|matches|chain)\b/i);
  await expect(table).not.toContainText(/\b(valid|unpinned|yes|no)\b/);
  await expect(page.locator('main')).not.toContainText(/\b(Choose|Sign|Passphrase|Verify|Checkpoint)\b/);
  await shot(page, 'zh-ledger-checkpoint');
  expect(pageErrors).toEqual([]);
});

test('first start and login in Chinese: the first administrator created, the empty database offers the demo, a wrong password is refused', async ({ page, pageErrors }) => {
  const fresh = await startCredence({ empty: true });
  try {
    await page.goto(`${fresh.base}/?token=${fresh.token}#/`);
    await page.getByTestId('language-switch').getByText('简体中文').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByText('首次启动：创建第一个系统管理员')).toBeVisible();
    await page.getByTestId('setup-username').fill('wang-admin');
    await page.getByTestId('setup-password').fill('市政府信用办的口令');
    await page.getByTestId('setup-repeat').fill('市政府信用办的口令？');
    await page.getByTestId('setup-submit').click();
    await expect(page.getByRole('alert')).toContainText('两次输入的密码不一致。');
    await expect(page.locator('body')).not.toContainText(/\b(First start|Username|Password|Create|administrator|repeat|match)\b/i);
    await shot(page, 'zh-first-start-setup');

    await page.getByTestId('setup-repeat').fill('市政府信用办的口令');
    await page.getByTestId('setup-submit').click();
    const firstRun = page.getByTestId('first-run');
    await expect(firstRun).toContainText('本数据库尚无公民信息');
    await expect(page.getByTestId('current-user')).toContainText('系统管理员');
    await expect(page.locator('main')).not.toContainText(/\b(demo population|Import|citizens|Create)\b/i);
    await shot(page, 'zh-first-start-empty');

    await page.getByTestId('logout').click();
    await expect(page.getByTestId('login-submit')).toHaveText('登录');
    await page.getByTestId('login-username').fill('wang-admin');
    await page.getByTestId('login-password').fill('不是这个口令');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toBeVisible();
    await expect(page.getByTestId('login-error')).not.toContainText(/[A-Za-z]{4,}/);
    await expect(page.locator('body')).not.toContainText(/\b(Log in|Username|Password|failed|recorded)\b/i);
    await shot(page, 'zh-login-refused');
    expect(pageErrors).toEqual([]);
  } finally {
    await fresh.stop();
  }
});
