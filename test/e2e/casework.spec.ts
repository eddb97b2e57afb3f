/**
 * Casework as officials do it every day (issue 10), keyboard and mouse, in
 * its own console (it records events and decides disputes):
 * - keys typed in the search filters never open a record: the access log
 *   has exactly the openings that were made;
 * - a record asks why it is opened, wherever it is opened from, keeps the
 *   purpose per record, offers recent ones, and an administrator can make it
 *   mandatory (a refusal is logged);
 * - "Record an event" and "Retract" with the new figures;
 * - the disputes worklist: soonest deadline first, overdue in red, a badge,
 *   filters, assignment; the opener cannot decide; an upheld dispute that
 *   moves no score says why.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { applyKey } from '../../electron/db/encryption';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { api, expect, openConsole, readNumber, reply, shot, statePurpose, test } from './fixtures';
import { ACCOUNTS, startCredence, type RunningServer } from './server';

test.use({ viewport: { width: 1440, height: 900 } });

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

interface AccessRow {
  id: number;
  username: string;
  action: string;
  citizenId: string | null;
  purpose: string | null;
  outcome: string;
}

/** The openings of records by one account, as the auditor reads them, newest first. */
async function openings(username: string): Promise<{ total: number; rows: AccessRow[] }> {
  return api(server, 'accessLog', { username, action: 'view_record', limit: 50 }, ACCOUNTS.auditor);
}

/** Tab (only Tab) until `target` has the focus. */
async function tabTo(page: Page, target: Locator, max = 10): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/**
 * Chooses an option of the focused select (labelled `label`) with the keys alone: Down opens the
 * list, Down moves to the next option, Enter takes it. Each key waits for the
 * list to answer the one before (a key pressed while the list is still
 * opening is lost), so the option taken is the one `downs` presses reach.
 */
async function chooseWithKeys(page: Page, label: string, downs: number): Promise<void> {
  await page.keyboard.press('ArrowDown');
  const listbox = page.getByRole('listbox', { name: label });
  await expect(listbox).toBeVisible();
  const options = listbox.getByRole('option');
  const highlighted = async () => options.evaluateAll((all) => all.findIndex((o) => o.hasAttribute('data-combobox-selected')));
  await expect.poll(highlighted).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < downs; i++) {
    const from = await highlighted();
    await page.keyboard.press('ArrowDown');
    await expect.poll(highlighted).toBe(from + 1);
  }
  await page.keyboard.press('Enter');
  await expect(listbox).toBeHidden();
}

test('keys typed in the search filters never open a record: the access log has exactly the openings made', async ({ page, pageErrors }) => {
  const who = ACCOUNTS.official;
  await openConsole(page, server, '/search', who);
  const before = await openings(who.username);
  const box = page.getByTestId('search-input');
  await expect(box).toBeFocused();
  await expect(page.getByTestId('search-row').first()).toBeVisible();

  // District and tier chosen with Down Down Enter, as the issue tried it.
  await tabTo(page, page.getByTestId('filter-district'));
  await chooseWithKeys(page, 'District', 2);
  await expect(page.getByTestId('filter-district')).not.toHaveValue('');
  // The tier: the third (A), which every district of the demo has.
  await tabTo(page, page.getByTestId('filter-tier'));
  await chooseWithKeys(page, 'Tier', 3);
  await expect(page.getByTestId('filter-tier')).toHaveValue('A');
  // Enter in the score fields.
  await tabTo(page, page.getByLabel('Score from'));
  await page.keyboard.type('0');
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByLabel('to', { exact: true }));
  await page.keyboard.type('2000');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/search$/);
  await shot(page, 'casework-search-filters-by-keyboard');
  expect((await openings(who.username)).total, 'openings after keys in the filters').toBe(before.total);

  // The list itself takes the keys once it has the focus: Down, Enter opens one record.
  const rows = page.getByTestId('search-row');
  expect(await rows.count(), 'the chosen district and tier have citizens').toBeGreaterThan(0);
  await tabTo(page, page.getByTestId('search-results'), 12);
  await page.keyboard.press('ArrowDown');
  const chosen = (await page.locator('[data-testid="search-row"][aria-selected="true"] span').first().textContent())!.trim();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/citizen/${chosen}$`));
  const purpose = `E2E keyboard case ${Date.now() % 100000}`;
  await expect(page.getByTestId('purpose-input')).toBeFocused();
  await page.keyboard.type(purpose);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('citizen-name')).toBeVisible();

  const after = await openings(who.username);
  expect(after.total, 'one opening, the one made').toBe(before.total + 1);
  expect(after.rows[0]).toMatchObject({ citizenId: chosen, purpose, outcome: 'allowed' });
  expect(pageErrors).toEqual([]);
});

test('a record asks for the purpose wherever it is opened from, keeps it per record, and an administrator can make it mandatory', async ({ page, browser, pageErrors }) => {
  const who = ACCOUNTS.official;
  // A citizen with a friend on the record: the friend's link must ask afresh.
  const { rows } = await api<{ rows: { citizenId: string }[] }>(server, 'search', { limit: 80 });
  let citizenId = '';
  let friendId = '';
  for (const r of rows) {
    const record = await api(server, 'citizen', { citizenId: r.citizenId, purpose: 'E2E: choosing a test record' });
    const friend = record.explanation?.friends?.[0];
    if (friend) {
      citizenId = r.citizenId;
      friendId = friend.citizenId;
      break;
    }
  }
  expect(friendId, 'a citizen with a friend on the record').not.toBe('');
  const first = `E2E case 2026/${Date.now() % 1000}`;
  const second = 'E2E: checking the friend penalty';

  await openConsole(page, server, '/search', who);
  await page.goto(`${server.base}/?token=${server.token}#/citizen/${citizenId}`);
  await expect(page.getByTestId('purpose-prompt')).toBeVisible();
  await expect(page.getByTestId('citizen-name')).toHaveCount(0);
  await shot(page, 'casework-purpose-prompt');
  await statePurpose(page, first);
  const viewers = page.getByTestId('record-viewers');
  await expect(viewers.getByRole('row').filter({ hasText: who.username }).first()).toContainText(first);

  // A friend's record, opened from the friends table: asked again; the first purpose is offered, not assumed.
  await page.locator(`#friends a[href$="/citizen/${friendId}"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`#/citizen/${friendId}$`));
  await expect(page.getByTestId('purpose-prompt')).toBeVisible();
  await expect(page.getByTestId('purpose-recent')).toContainText(first);
  await shot(page, 'casework-purpose-prompt-recent');
  await statePurpose(page, second);
  await expect(page.getByTestId('record-viewers').getByRole('row').filter({ hasText: who.username }).first()).toContainText(second);
  const logged = await openings(who.username);
  expect(logged.rows.find((r) => r.citizenId === friendId)?.purpose).toBe(second);

  // Back to the first record in this tab: its own purpose, not the friend's.
  await page.goBack();
  await expect(page.getByTestId('citizen-name')).toBeVisible();
  await expect.poll(async () => (await openings(who.username)).rows[0]).toMatchObject({ citizenId, purpose: first });

  // The administrator makes the purpose mandatory, on the access log page.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const admin = await context.newPage();
  await openConsole(admin, server, '/access', ACCOUNTS.admin);
  await admin.getByTestId('purpose-required-switch').click({ force: true });
  await admin.getByTestId('purpose-required-reason').fill('E2E: office policy 2026/7');
  await admin.getByTestId('purpose-required-confirm').click();
  await expect(admin.getByTestId('purpose-setting')).toContainText('mandatory');
  await shot(admin, 'casework-access-log-purpose-mandatory');
  await context.close();

  // Now a record cannot be opened without one: no way past in the console, and the API refuses and logs it.
  const third = rows.find((r) => r.citizenId !== citizenId && r.citizenId !== friendId)!.citizenId;
  await page.goto(`${server.base}/?token=${server.token}#/citizen/${third}`);
  await expect(page.getByTestId('purpose-prompt')).toContainText('mandatory');
  await expect(page.getByTestId('purpose-skip')).toHaveCount(0);
  await expect(page.getByTestId('purpose-submit')).toBeDisabled();
  const refused = await reply(server, 'citizen', { citizenId: third }, who);
  expect(refused).toMatchObject({ ok: false, error: { code: 'rejected' } });
  const log = await api<{ rows: AccessRow[] }>(server, 'accessLog', { username: who.username, citizenId: third }, ACCOUNTS.auditor);
  expect(log.rows[0]).toMatchObject({ action: 'view_record', outcome: 'refused' });
  expect(pageErrors).toEqual([]);
});

test('an official records an event from the kind\'s form and sees the new figures; a double click records it once; Retract takes it back', async ({ page, pageErrors }) => {
  const who = ACCOUNTS.official;
  // A citizen whose late bills are not yet at the rule's floor, so a late bill lowers the score.
  const { rows } = await api<{ rows: { citizenId: string; score: number }[] }>(server, 'search', { limit: 60, sort: 'score', descending: true });
  const citizenId = rows[5].citizenId;
  await openConsole(page, server, `/citizen/${citizenId}`, who);
  const before = readNumber(await page.getByTestId('citizen-score').textContent());
  const eventsBefore = (await api(server, 'citizenEvents', { citizenId, limit: 1 })).total as number;

  await page.getByTestId('record-event-button').click();
  const modal = page.getByTestId('record-event-modal');
  await page.getByTestId('record-event-kind').click();
  await page.getByRole('option', { name: 'bill payment', exact: true }).click();
  await expect(modal.getByTestId('record-field-on_time')).toBeVisible();
  await modal.getByTestId('record-field-amount').fill('120');
  await modal.getByTestId('record-field-provider').fill('city water');
  await modal.getByTestId('record-field-on_time').click();
  await page.getByRole('option', { name: 'no', exact: true }).click();
  await modal.getByTestId('record-event-occurred').fill('2026-10-15T09:30');
  await modal.getByTestId('record-event-reason').fill('E2E: reminder letter from the water company, ref 2026/555');
  await shot(page, 'casework-record-event-form', { fullPage: false });
  await modal.getByTestId('record-event-submit').dblclick();
  const result = page.getByTestId('record-event-result');
  await expect(result).toContainText('recorded');
  await expect(result).toContainText(before.toFixed(2));
  await shot(page, 'casework-record-event-result', { fullPage: false });
  const record = await api(server, 'citizen', { citizenId, purpose: 'E2E: checking the figures' });
  expect(record.summary.score).toBeLessThan(before);
  await expect(result).toContainText(record.summary.score.toFixed(2));
  expect((await api(server, 'citizenEvents', { citizenId, limit: 1 })).total, 'one event, despite the double click').toBe(eventsBefore + 1);
  const op = (await api(server, 'operations', { kind: 'event_recorded', limit: 1 })).rows[0];
  expect(op).toMatchObject({ actor: who.username, reason: 'E2E: reminder letter from the water company, ref 2026/555' });
  await page.getByTestId('record-event-close').click();
  await expect(page.getByTestId('citizen-score')).toHaveText(record.summary.score.toFixed(2));

  // Retract it, with a reason: the score is back where it was.
  const eventId = op.details.event_id as string;
  const row = page.locator(`[data-testid="event-row"][data-event-id="${eventId}"]`);
  await row.getByTestId('event-retract-button').click();
  await page.getByTestId('event-retract-reason').fill('E2E: the letter was for a neighbour');
  await page.getByTestId('event-retract-confirm').click();
  await expect(page.getByTestId('citizen-score')).toHaveText(before.toFixed(2));
  await expect(row).toContainText('retracted');
  expect((await api(server, 'operations', { kind: 'event_retracted', limit: 1 })).rows[0]).toMatchObject({ actor: who.username, details: { event_id: eventId } });
  await shot(page, 'casework-event-retracted');
  expect(pageErrors).toEqual([]);
});

test('the disputes worklist: soonest deadline first, overdue in red, a badge, filters, assignment; the opener cannot decide; an upheld dispute that moves no score says why', async ({ page, browser, pageErrors }) => {
  const official = ACCOUNTS.official;
  const { rows } = await api<{ rows: { citizenId: string; district: string }[] }>(server, 'search', { limit: 40 });
  // Two disputes by the official: an old event outside every rule's window, and a recent one.
  const [a, b] = [rows[10], rows[20]];
  await api(server, 'recordEvent', { citizenId: a.citizenId, eventId: 'E2E-OLD-1', kind: 'utility_theft', occurredAt: '2015-03-01T00:00:00Z', data: { value: 40, utility: 'water' }, reason: 'E2E: from the archive of 2015' }, official);
  await api(server, 'recordEvent', { citizenId: b.citizenId, eventId: 'E2E-NEW-1', kind: 'utility_theft', occurredAt: '2026-09-01T00:00:00Z', data: { value: 40, utility: 'power' }, reason: 'E2E: from the provider report' }, official);
  const old = (await api(server, 'openDispute', { citizenId: a.citizenId, eventId: 'E2E-OLD-1', statement: 'I did not live there in 2015' }, official)).disputeId as number;
  const recent = (await api(server, 'openDispute', { citizenId: b.citizenId, eventId: 'E2E-NEW-1', statement: 'the meter was read wrongly' }, official)).disputeId as number;
  // Time passes for the recent one: its deadline is behind us (written to the console's database, as a clock would).
  const file = join(server.dir, 'demo.sqlite');
  const db = new Database(file);
  applyKey(db, file, { passphrase: process.env.CREDENCE_DB_PASSPHRASE! });
  db.pragma('busy_timeout = 5000');
  db.prepare("UPDATE disputes SET deadline = '2026-01-01T00:00:00.000Z' WHERE id = ?").run(recent);
  db.close();

  await openConsole(page, server, '/disputes', official);
  await expect(page.getByTestId('nav-disputes-count')).toHaveText('2');
  const list = page.getByTestId('disputes-row');
  await expect(list).toHaveCount(2);
  // Soonest (here: past) deadline first, in red.
  await expect(list.first()).toContainText(String(recent));
  await expect(list.first()).toHaveAttribute('data-overdue', 'true');
  // Red: the deadline cell's text colour is Mantine's red.
  await expect(list.first().getByTestId('disputes-deadline')).toHaveCSS('color', /^rgb\((2[0-4]\d), ([2-6]\d), ([2-6]\d)\)$/);
  await expect(list.first()).toContainText('overdue');
  await expect(page.getByTestId('disputes-total')).toContainText('1 overdue');
  await shot(page, 'casework-disputes-worklist');

  // Filters: overdue only, district, opened by.
  await page.getByTestId('disputes-filter-overdue').click();
  await expect(list).toHaveCount(1);
  await page.getByTestId('disputes-filter-overdue').click();
  await page.getByTestId('disputes-filter-opened-by').fill('somebody-else');
  await expect(page.getByTestId('disputes-none')).toBeVisible();
  await page.getByTestId('disputes-filter-opened-by').fill(official.username);
  await expect(list).toHaveCount(2);

  // Assign the old one to the second administrator, with a reason.
  await list.filter({ hasText: a.citizenId }).getByTestId('disputes-assign').click();
  await page.getByTestId('dispute-assign-select').click();
  await page.getByRole('option', { name: new RegExp(ACCOUNTS.admin2.username) }).click();
  await page.getByTestId('dispute-assign-reason').fill('E2E: she handles the archive cases');
  await shot(page, 'casework-dispute-assign', { fullPage: false });
  await page.getByTestId('dispute-assign-confirm').click();
  await expect(list.filter({ hasText: a.citizenId }).getByTestId('disputes-assignee')).toHaveText(ACCOUNTS.admin2.username);

  // The official starts the review of the old one from the record, and may not decide it.
  await list.filter({ hasText: a.citizenId }).getByRole('link').first().click();
  await expect(page.getByTestId('purpose-recent')).toContainText(`dispute #${old}`);
  await page.getByTestId('purpose-recent-option').first().click();
  const dispute = page.locator(`[data-testid="dispute"][data-dispute-id="${old}"]`);
  await dispute.getByTestId('dispute-review-button').click();
  await page.getByTestId('dispute-under_review-reason').fill('E2E: asked the archive');
  await page.getByTestId('dispute-under_review-confirm').click();
  await expect(dispute.getByTestId('dispute-second-person')).toBeVisible();
  await expect(dispute.getByTestId('dispute-uphold-button')).toHaveCount(0);
  const refused = await reply(server, 'moveDispute', { disputeId: old, status: 'upheld', reason: 'deciding my own dispute' }, official);
  expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });

  // The assigned reviewer upholds it: the event was outside every window, so the score does not move, and the record says why.
  const scoreBefore = (await api(server, 'citizen', { citizenId: a.citizenId, purpose: 'E2E: before the decision' })).summary.score;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const reviewer = await context.newPage();
  await openConsole(reviewer, server, `/citizen/${a.citizenId}`, ACCOUNTS.admin2);
  const theirs = reviewer.locator(`[data-testid="dispute"][data-dispute-id="${old}"]`);
  await theirs.getByTestId('dispute-uphold-button').click();
  await reviewer.getByTestId('dispute-upheld-reason').fill('E2E: the archive confirms another tenant');
  await reviewer.getByTestId('dispute-upheld-confirm').click();
  await expect(theirs.getByTestId('dispute-status')).toHaveText('upheld');
  await expect(theirs.getByTestId('dispute-outcome-note')).toContainText('the score did not change');
  await expect(theirs.getByTestId('dispute-outcome-note')).toContainText("older than the 1826-day window of rule 'utility-theft'");
  await theirs.scrollIntoViewIfNeeded();
  await shot(reviewer, 'casework-dispute-upheld-no-change', { fullPage: false });
  await context.close();
  expect((await api(server, 'citizen', { citizenId: a.citizenId, purpose: 'E2E: after the decision' })).summary.score).toBe(scoreBefore);

  // Every step is an operation and an access-log row.
  const ops = (await api<{ rows: { kind: string; details: Record<string, unknown> }[] }>(server, 'operations', { limit: 30 })).rows.filter((o) => o.details.dispute_id === old);
  expect(ops.map((o) => o.kind).reverse()).toEqual(['dispute_opened', 'dispute_assigned', 'dispute_reviewed', 'appeal_decided']);
  const steps = (await api<{ rows: AccessRow[] }>(server, 'accessLog', { citizenId: a.citizenId, limit: 100 }, ACCOUNTS.auditor)).rows.map((r) => `${r.action} ${r.username} ${r.outcome}`);
  for (const s of [`open_dispute ${official.username} allowed`, `assign_dispute ${official.username} allowed`, `review_dispute ${official.username} allowed`, `decide_dispute ${official.username} refused`, `decide_dispute ${ACCOUNTS.admin2.username} allowed`]) {
    expect(steps, s).toContain(s);
  }
  await page.reload();
  await expect(page.getByTestId('nav-disputes-count')).toHaveText('1');
  expect(pageErrors).toEqual([]);
});

test('a viewer sees only the pages they can use, the rules read-only, without errors; every page has its own title', async ({ page, pageErrors }) => {
  const viewer = { username: 'e2e-viewer', password: 'e2e-viewer-password-2026', role: 'viewer', displayName: 'E2E Viewer' } as const;
  const made = await api(server, 'createUser', { username: viewer.username, displayName: viewer.displayName, role: viewer.role, password: viewer.password });
  if (made.changeId) await api(server, 'decideAccountChange', { changeId: made.changeId, approve: true, reason: 'E2E: a reader for the viewer test' }, ACCOUNTS.admin2);
  // A password set by an administrator is changed at the first login.
  const changed = await reply(server, 'changePassword', { current: viewer.password, next: `${viewer.password}-own` }, viewer);
  expect(changed.ok, changed.error?.message).toBe(true);
  const refusalsBefore = (await api<{ rows: AccessRow[] }>(server, 'accessLog', { username: viewer.username, limit: 500 }, ACCOUNTS.auditor)).rows.filter((r) => r.outcome === 'refused').length;

  await openConsole(page, server, '/', viewer);
  await expect(page).toHaveTitle('Overview · Credence');
  for (const hidden of ['users', 'import', 'access', 'ledger', 'approvals', 'disputes']) await expect(page.getByTestId(`nav-${hidden}`)).toHaveCount(0);
  for (const shown of ['overview', 'search', 'rules', 'operations']) await expect(page.getByTestId(`nav-${shown}`)).toBeVisible();
  // The tier chart in the tiers' own colours: as many bar colours as tiers with citizens.
  const fills = await page.locator('.recharts-bar-rectangle path, .recharts-bar-rectangle rect').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
  expect(new Set(fills).size).toBeGreaterThan(2);
  await shot(page, 'casework-viewer-overview');

  await page.getByTestId('nav-rules').click();
  await expect(page).toHaveTitle('Rules · Credence');
  await expect(page.getByTestId('rules-read-only')).toBeVisible();
  await expect(page.getByTestId('published-ruleset')).toBeVisible();
  await expect(page.getByRole('button', { name: /Edit in the draft/ })).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText(/could not check/i)).toHaveCount(0);
  await shot(page, 'casework-viewer-rules');

  await page.getByTestId('nav-operations').click();
  await expect(page).toHaveTitle('Operations & ledger · Credence');
  await expect(page.getByTestId('verify-ledger')).toHaveCount(0);
  await page.getByTestId('nav-search').click();
  await expect(page).toHaveTitle('Search · Credence');

  const refusalsAfter = (await api<{ rows: AccessRow[] }>(server, 'accessLog', { username: viewer.username, limit: 500 }, ACCOUNTS.auditor)).rows.filter((r) => r.outcome === 'refused').length;
  expect(refusalsAfter, 'calls the console made for the viewer that the server refused').toBe(refusalsBefore);
  expect(pageErrors).toEqual([]);
});

test('a CEL type error suggests its fix (-10 -> -10.0), and the fix applies in one click', async ({ page, pageErrors }) => {
  await openConsole(page, server, '/rules');
  await page.getByTestId('rules-tab-editor').click();
  await page.locator('[data-testid="rule-item"][data-rule-id="bank-arrears"]').click();
  const points = page.getByTestId('rule-points');
  await points.fill('-10 * event.months_overdue');
  await expect(page.getByTestId('rule-points-error')).toContainText('no such overload');
  const hint = page.getByTestId('rule-points-hint');
  await expect(hint).toContainText('-10 → -10.0');
  await expect(hint).toContainText('-10.0 * event.months_overdue');
  await shot(page, 'casework-cel-hint', { fullPage: false });
  await page.getByTestId('rule-points-apply-hint').click();
  await expect(points).toHaveValue('-10.0 * event.months_overdue');
  await expect(page.getByTestId('rule-points-ok')).toHaveText('✓ valid, returns double');

  // Harsher points under the same description: the editor and the diff flag the description as possibly wrong.
  await expect(page.getByTestId('rule-stale-description')).toHaveCount(0);
  await points.fill('-15.0 * event.months_overdue');
  await expect(page.getByTestId('rule-stale-description')).toBeVisible();
  await shot(page, 'casework-stale-description-editor', { fullPage: false });
  await page.getByTestId('rules-tab-simulate').click();
  await expect(page.getByTestId('draft-diff-view').getByTestId('diff-stale-description')).toBeVisible();
  await page.getByTestId('rules-tab-editor').click();
  await page.getByTestId('rule-description').fill('-15 per month a bank loan is overdue. Counts for 5 years.');
  await expect(page.getByTestId('rule-stale-description')).toHaveCount(0);
  await page.getByTestId('rules-tab-simulate').click();
  await expect(page.getByTestId('draft-diff-view').getByTestId('diff-stale-description')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('an explanation shows each rule\'s description next to the points it actually applies', async ({ page }) => {
  const { rows } = await api<{ rows: { citizenId: string }[] }>(server, 'search', { limit: 30 });
  let id = '';
  for (const r of rows) {
    const rec = await api(server, 'citizen', { citizenId: r.citizenId, purpose: 'E2E: choosing a record with a rule' });
    if (rec.explanation?.rules.some((x: { ruleId: string }) => x.ruleId === 'bills-on-time')) {
      id = r.citizenId;
      break;
    }
  }
  expect(id).not.toBe('');
  await openConsole(page, server, `/citizen/${id}`);
  await page.getByTestId('breakdown-rule').filter({ hasText: 'Bills paid on time' }).getByRole('button').click();
  const described = page.getByTestId('breakdown-rule-description');
  await expect(described).toContainText('+1 for each bill paid on time');
  await expect(described).toContainText('Points applied per event: 1');
  await expect(described).toContainText('at 12 at most');
  await page.getByTestId('score-breakdown').scrollIntoViewIfNeeded();
  await shot(page, 'casework-breakdown-description', { fullPage: false });
});
