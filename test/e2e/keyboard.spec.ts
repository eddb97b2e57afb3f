/**
 * The console with the keyboard alone (issue 12): log in, search, open a
 * record, open a dispute, edit a rule and simulate it, approve it, import a
 * folder — Tab, Shift+Tab, arrows, Enter, Space and typing, never the mouse.
 * Every control reached shows that it has the focus, and after a dialog the
 * focus comes back to a sensible place (not lost on the page body).
 * These steps change data, so the file has its own console.
 */
import type { Locator, Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, expect, shot, test } from './fixtures';
import { ACCOUNTS, startCredence, type Account, type RunningServer } from './server';

test.use({ viewport: { width: 1440, height: 900 } });
// Many single key presses, each checked: slower than clicks, never a measure of speed.
test.setTimeout(240_000);

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

/** The look of an element that can show focus: compared focused and not. */
const focusLook = (el: Element) => {
  const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor].join(' | ');
};

/**
 * Tab (Shift+Tab when `backwards`) until `target` has the focus, then check
 * the focus is visible: the element (or the input wrapper around it) looks
 * different focused than blurred.
 */
async function tabTo(page: Page, target: Locator, options: { max?: number; backwards?: boolean } = {}): Promise<void> {
  const max = options.max ?? 40;
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
  await expectFocusVisible(target);
}

async function expectFocusVisible(target: Locator): Promise<void> {
  // Read after the controls' short colour transitions have run.
  const [focused, blurred] = await target.evaluate(async (el, look) => {
    const fn = new Function(`return (${look})`)() as (e: Element) => string;
    const shown = (e: Element) => fn(e) + ' || ' + (e.parentElement ? fn(e.parentElement) : '');
    const settle = () => new Promise((r) => setTimeout(r, 300));
    await settle();
    const a = shown(el);
    (el as HTMLElement).blur();
    await settle();
    const b = shown(el);
    (el as HTMLElement).focus({ focusVisible: true } as FocusOptions);
    return [a, b];
  }, focusLook.toString());
  expect(focused, 'the focused control looks different from the blurred one').not.toBe(blurred);
}

/** A tab of a tab list, reached as the keyboard does: Tab to the selected tab (the only one in the Tab order), then the arrows, then Enter. */
async function chooseTab(page: Page, testId: string, options: { backwards?: boolean } = {}): Promise<void> {
  await tabTo(page, page.getByRole('tab', { selected: true }), { max: 80, backwards: options.backwards });
  const target = page.getByTestId(testId);
  for (let i = 0; i < 6 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('ArrowRight');
  await expect(target).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(target).toHaveAttribute('aria-selected', 'true');
}

/** The focus is on a control, not lost on the body, once the dialog has finished closing. */
async function expectFocusKept(page: Page): Promise<void> {
  const where = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return !el || el === document.body ? 'body' : `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.slice(0, 40) ?? ''}]`;
    });
  await expect.poll(where, { message: 'after the dialog the focus is on a control', timeout: 5_000 }).not.toBe('body');
}

async function logInByKeyboard(page: Page, who: Account, route = '/'): Promise<void> {
  await page.goto(`${server.base}/?token=${server.token}#${route}`);
  const username = page.getByTestId('login-username');
  await expect(username).toBeFocused();
  await page.keyboard.type(who.username);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('login-password')).toBeFocused();
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('current-user')).toContainText(who.displayName, { timeout: 30_000 });
}

test('an official logs in, searches, opens a record, states the purpose and opens a dispute with the keyboard alone', async ({ page, pageErrors }) => {
  const { rows } = await api<{ rows: { citizenId: string; name: string }[] }>(server, 'search', { query: '', limit: 40 });
  let target: { citizenId: string; name: string } | undefined;
  for (const row of rows) {
    const events = await api<{ rows: { retracted: boolean }[] }>(server, 'citizenEvents', { citizenId: row.citizenId, limit: 5 });
    const found = await api<{ total: number; rows: { citizenId: string }[] }>(server, 'search', { query: row.name, limit: 5 });
    if (events.rows.some((e) => !e.retracted) && found.rows[0]?.citizenId === row.citizenId) {
      target = row;
      break;
    }
  }
  if (!target) throw new Error('no citizen found first by their own name with an event to dispute');

  await logInByKeyboard(page, ACCOUNTS.official);
  await tabTo(page, page.getByTestId('nav-search'));
  await page.keyboard.press('Enter');
  const input = page.getByTestId('search-input');
  await expect(input).toBeFocused();
  await page.keyboard.type(target.name);
  await expect(page.getByTestId('search-row').first()).toContainText(target.citizenId);
  // The first match is the one under the cursor: Down then Up comes back to it, Enter opens it.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/citizen/${target.citizenId}$`));

  // The purpose prompt takes the focus; Enter states it.
  const purpose = page.getByTestId('purpose-input');
  await expect(purpose).toBeFocused();
  await page.keyboard.type('E2E keyboard: checking a complaint');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('citizen-score')).toBeVisible();

  // Open a dispute on the first event: Tab to its button, Enter, type, Tab to confirm, Enter.
  const button = page.getByTestId('event-dispute-button').first();
  await tabTo(page, button, { max: 120 });
  await shot(page, 'keyboard-dispute-button-focused', { fullPage: false });
  await page.keyboard.press('Enter');
  const modal = page.getByRole('dialog');
  await expect(modal).toContainText('Dispute event');
  await expect(page.getByTestId('open-dispute-reason')).toBeFocused();
  await page.keyboard.type('E2E keyboard: the citizen says this was someone else');
  await tabTo(page, page.getByTestId('open-dispute-confirm'), { max: 6 });
  await page.keyboard.press('Enter');
  await expect(modal).toHaveCount(0);
  await expect(page.getByTestId('dispute')).toHaveCount(1);
  await expectFocusKept(page);
  await shot(page, 'keyboard-dispute-opened', { fullPage: false });

  // Escape closes a dialog without acting, and the focus goes back to where it was.
  const another = page.getByTestId('event-dispute-button').first();
  await tabTo(page, another, { max: 120 });
  await page.keyboard.press('Enter');
  await expect(modal).toContainText('Dispute event');
  await page.keyboard.press('Escape');
  await expect(modal).toHaveCount(0);
  await expect(another).toBeFocused();
  await expect(page.getByTestId('dispute')).toHaveCount(1);
  expect(pageErrors).toEqual([]);
});

test('an administrator edits a rule and simulates and proposes it, another approves it, with the keyboard alone', async ({ page, browser, pageErrors }) => {
  await logInByKeyboard(page, ACCOUNTS.admin, '/rules');
  await chooseTab(page, 'rules-tab-editor');
  // The rule list: Tab to the bank-arrears rule and open it with Enter.
  const rule = page.locator('[data-testid="rule-item"][data-rule-id="bank-arrears"]');
  await tabTo(page, rule, { max: 80 });
  await page.keyboard.press('Enter');
  const points = page.getByTestId('rule-points');
  await tabTo(page, points, { max: 40 });
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('-12.0 * event.months_overdue');
  await expect(page.getByTestId('rule-points-ok')).toContainText('valid');

  await chooseTab(page, 'rules-tab-simulate', { backwards: true });
  await tabTo(page, page.getByTestId('simulate-button'), { max: 40 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('simulation-results')).toBeVisible({ timeout: 60_000 });

  const reason = `E2E keyboard: arrears weigh 12 points a month (${Date.now()})`;
  await tabTo(page, page.getByTestId('publish-reason'), { max: 80 });
  await page.keyboard.type(reason);
  await tabTo(page, page.getByTestId('publish-button'), { max: 10 });
  await page.keyboard.press('Enter');
  const confirm = page.getByTestId('publish-confirm');
  await expect(confirm).toBeVisible();
  await tabTo(page, confirm, { max: 10 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('propose-result')).toContainText(/#\d+/);
  await expectFocusKept(page);

  // The second administrator approves at their own workstation, keyboard only.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const approver = await context.newPage();
  await logInByKeyboard(approver, ACCOUNTS.admin2, '/approvals');
  const card = approver.getByTestId('pending-proposal').first();
  await tabTo(approver, card.getByTestId('proposal-reason'), { max: 120 });
  await approver.keyboard.type('E2E keyboard: checked against the council minutes');
  await tabTo(approver, card.getByTestId('proposal-approve'), { max: 10 });
  await approver.keyboard.press('Enter');
  const approveConfirm = approver.getByTestId('proposal-approve-confirm');
  await expect(approveConfirm).toBeVisible();
  await tabTo(approver, approveConfirm, { max: 10 });
  await approver.keyboard.press('Enter');
  await expect(approver.getByTestId('publish-outcome')).toContainText('version 2', { timeout: 60_000 });
  await expectFocusKept(approver);
  await shot(approver, 'keyboard-approved', { fullPage: false });
  await context.close();
  expect((await api(server, 'overview')).rulesetVersion).toBe(2);
  expect(pageErrors).toEqual([]);
});

test('an official imports a folder with the keyboard alone', async ({ page, pageErrors }, testInfo) => {
  const dir = testInfo.outputPath('keyboard-folder');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'citizens.csv'), 'citizen_id,name,district,birth_date\nC9000077,Keyboard Testperson,Yatou,1980-01-02\n');
  const before = (await api(server, 'overview')).population;

  await logInByKeyboard(page, ACCOUNTS.official, '/import');
  await tabTo(page, page.getByTestId('import-pick-folder'), { max: 60 });
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(dir);
  await expect(page.getByTestId('import-file-list')).toContainText('citizens.csv');
  await tabTo(page, page.getByTestId('import-provider'), { max: 40 });
  await page.keyboard.type('Keyboard district registry');
  await tabTo(page, page.getByTestId('import-validate'), { max: 40 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('import-report-valid')).toBeVisible({ timeout: 60_000 });
  await tabTo(page, page.getByTestId('import-reason'), { max: 60 });
  await page.keyboard.type('E2E keyboard: one citizen from the registry');
  await tabTo(page, page.getByTestId('import-run'), { max: 10 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('import-report-done')).toBeVisible({ timeout: 60_000 });
  expect((await api(server, 'overview')).population).toBe(before + 1);
  expect(pageErrors).toEqual([]);
});
