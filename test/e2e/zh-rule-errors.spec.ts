/**
 * A rule expression's errors on the Rules page in Simplified Chinese: a
 * syntax error, a missing bracket, an invalid RE2 pattern and a type error
 * read in Chinese, at their column, with no word of the parser's English;
 * each is screenshotted (test-results/screenshots/zh-rules-*.png). The
 * draft is edited, never proposed: the shared console's data is unchanged.
 */
import type { Page } from '@playwright/test';
import { expect, shot, sharedConsole, test, walkedInChinese } from './fixtures';
import { ACCOUNTS } from './server';

const c = sharedConsole();
const who = ACCOUNTS.admin;

const openInChinese = walkedInChinese(c, who);

async function openRuleInChinese(page: Page, ruleId: string): Promise<void> {
  await openInChinese(page, '/rules');
  await page.getByTestId('rules-tab-editor').click();
  await page.locator(`[data-testid="rule-item"][data-rule-id="${ruleId}"]`).click();
}

/** The parser's, checker's and RE2's English words, none of which may be shown to a Chinese reader. */
const ENGLISH = /Unexpected|Expected|token|EOF|RPAREN|overload|invalid|missing|error parsing|regexp/;

test('CEL errors in Chinese: a syntax error, a missing bracket, an RE2 pattern, a type error', async ({ page, pageErrors }) => {
  await openRuleInChinese(page, 'bank-arrears');
  const condition = page.getByTestId('rule-condition');
  const conditionError = page.getByTestId('rule-condition-error');

  await condition.fill('');
  await condition.pressSequentially('event.months_overdue >');
  await expect(conditionError).toHaveAttribute('data-column', '23');
  await expect(conditionError).toContainText('第 23 列：表达式不完整，末尾缺少内容（例如运算符后面缺少操作数）');
  await expect(conditionError).not.toContainText(ENGLISH);
  await expect(page.getByTestId('validation-problem').filter({ hasText: '表达式不完整' })).toHaveCount(1);
  await expect(page.getByTestId('validation-problem').filter({ hasText: ENGLISH })).toHaveCount(0);
  await shot(page, 'zh-rules-cel-syntax-error');

  await condition.fill('(event.months_overdue >= 1.0');
  await expect(conditionError).toContainText('第 29 列：缺少右括号“)”，表达式在此处提前结束');
  await expect(conditionError).not.toContainText(ENGLISH);

  await condition.fill('event.lender.matches("Bank (of China")');
  await expect(conditionError).toHaveAttribute('data-column', '22');
  await expect(conditionError).toContainText('正则表达式无效（RE2 语法）：缺少右括号“)”（出错部分：“Bank (of China”）');
  await expect(conditionError).not.toContainText(ENGLISH);
  await shot(page, 'zh-rules-cel-regex-error');

  await condition.fill('event.months_overdue == 1');
  await expect(conditionError).toContainText('“==”不能用于 double 与 int 类型的操作数：整数与小数不能直接混合运算');
  await expect(page.getByTestId('rule-condition-hint')).toBeVisible();
  await expect(conditionError).not.toContainText(ENGLISH);

  await condition.fill('has(event.months_overdue) && event.months_overdue >= 1.0');
  await expect(page.getByTestId('rule-condition-ok')).toBeVisible();
  await expect(conditionError).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test("rule names in the editor in the reader's language, and a rule's Chinese name edited beside its own words", async ({ page, pageErrors }) => {
  await openRuleInChinese(page, 'utility-theft');
  const item = page.locator('[data-testid="rule-item"][data-rule-id="utility-theft"]');
  // The list and the heading read the ruleset's Chinese name; the name field keeps the ruleset's own words.
  await expect(item).toContainText('盗用水电气');
  await expect(page.locator('[data-testid="rule-item"][data-rule-id="blood-donation"]')).toContainText('无偿献血');
  await expect(page.getByTestId('rule-editor').getByRole('heading', { level: 4 })).toHaveText('盗用水电气');
  await expect(page.getByTestId('rule-name')).toHaveValue('Theft of utilities');
  const zhName = page.getByTestId('rule-name-zh');
  await expect(zhName).toHaveValue('盗用水电气');
  await zhName.fill('窃取水电气');
  await expect(item).toContainText('窃取水电气');
  await expect(page.getByTestId('draft-validity')).toHaveText('校验通过');
  await shot(page, 'zh-rules-chinese-name', { fullPage: false });
  // Left empty, the Chinese reader reads the ruleset's own words.
  await zhName.fill('');
  await page.getByTestId('rule-description-zh').fill('');
  await expect(item).toContainText('Theft of utilities');
  await expect(page.getByTestId('draft-validity')).toHaveText('校验通过');
  expect(pageErrors).toEqual([]);
});

test("the rule tester refuses a sample in Chinese, naming the sample by its number (through the rule sandbox)", async ({ page, pageErrors }) => {
  await openRuleInChinese(page, 'court-judgment');
  const tester = page.getByTestId('rule-tester');
  await expect(tester).toContainText('测试此规则');
  await tester.getByLabel('样例 1 的 judgment_date').fill('2024-02-30');
  await tester.getByTestId('test-run').click();
  const refusal = tester.getByText(/^样例 1：/);
  await expect(refusal).toHaveText('样例 1：字段“judgment_date”必须是 YYYY-MM-DD 格式的日期，实际为 "2024-02-30"');
  await expect(tester).not.toContainText(/sample|must be|got /);
  await refusal.scrollIntoViewIfNeeded();
  await shot(page, 'zh-rules-tester-sample-refused', { fullPage: false });
  expect(pageErrors).toEqual([]);
});
