/**
 * Rules: edit a rule in the draft editor, simulate it over the population,
 * propose it with a written reason; a second administrator reviews it on the
 * Approvals page with the proposer's simulation and approves it, which publishes it, and the
 * proposal's reason is in an affected citizen's audit trail. The proposer
 * alone cannot publish. CEL errors at their column as you type; protected
 * fields refused. Publishing changes data, so this file has its own console.
 */
import type { Browser, Page } from '@playwright/test';
import { api, expect, openConsole, readNumber, reply, shot, test } from './fixtures';
import { ACCOUNTS, startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

/** Another person at another workstation: a browser context of their own, logged in as them. */
async function secondWorkstation(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  return context.newPage();
}

async function openRule(page: Page, ruleId: string): Promise<void> {
  await openConsole(page, server, '/rules');
  await page.getByTestId('rules-tab-editor').click();
  await page.locator(`[data-testid="rule-item"][data-rule-id="${ruleId}"]`).click();
  await expect(page.getByTestId('rule-id')).toHaveValue(ruleId);
}

/** The error box under an expression field: its column attribute, the source line with the caret, and the message. */
async function caretColumn(page: Page, testId: string): Promise<number> {
  const pre = await page.getByTestId(`${testId}-error`).locator('pre').textContent();
  const caretLine = (pre ?? '').split('\n')[1] ?? '';
  return caretLine.indexOf('^') + 1;
}

test('a harsher bank-arrears rule is simulated and proposed by one administrator, approved by another, and the proposal\'s reason is in an affected citizen\'s audit trail', async ({ page, pageErrors, browser }) => {
  const before = await api(server, 'overview');
  expect(before.rulesetVersion).toBe(1);

  await openRule(page, 'bank-arrears');
  await shot(page, 'rules-editor-bank-arrears');
  const points = page.getByTestId('rule-points');
  await expect(points).toHaveValue('-10.0 * event.months_overdue');
  await points.fill('-15.0 * event.months_overdue');
  await expect(page.getByTestId('rule-points-ok')).toHaveText('✓ valid, returns double');
  await expect(page.locator('[data-testid="rule-item"][data-rule-id="bank-arrears"]')).toContainText('changed');
  await expect(page.getByTestId('draft-changes')).not.toHaveText('no changes');
  await expect(page.getByTestId('draft-validity')).toHaveText('valid');

  // Simulate: before/after over the whole population, nothing written.
  await page.getByTestId('rules-tab-simulate').click();
  await expect(page.getByTestId('draft-diff-view')).toContainText('-15.0 * event.months_overdue');
  await page.getByTestId('simulate-button').click();
  const results = page.getByTestId('simulation-results');
  await expect(results).toBeVisible({ timeout: 30_000 });
  const changed = readNumber(await page.getByTestId('sim-changed').textContent());
  expect(changed).toBeGreaterThan(0);
  const histogram = page.getByTestId('sim-histogram');
  await expect(histogram.getByText('Published (before)')).toBeVisible();
  await expect(histogram.getByText('Draft (after)')).toBeVisible();
  expect(await histogram.locator('.recharts-bar-rectangle path').count()).toBeGreaterThan(2);
  await expect(page.getByTestId('sim-transitions')).toBeVisible();
  // Harsher arrears: nobody rises, the largest fall is a bank-arrears debtor with a lower score after than before.
  await expect(page.getByTestId('sim-top-up')).toHaveText('Nobody.');
  const fall = page.getByTestId('sim-top-down').locator('tbody tr').first();
  const moverId = ((await fall.locator('td').first().locator('p').textContent()) ?? '').split(' · ')[0].trim();
  expect(moverId).toMatch(/^C\d+$/);
  const simBefore = readNumber(await fall.locator('td').nth(1).textContent());
  const simAfter = readNumber(await fall.locator('td').nth(2).textContent());
  expect(simAfter).toBeLessThan(simBefore);
  await shot(page, 'rules-simulation');
  expect((await api(server, 'overview')).rulesetVersion, 'a simulation publishes nothing').toBe(1);
  expect((await api(server, 'citizen', { citizenId: moverId })).summary.score).toBe(simBefore);

  // Propose with a written reason, through the confirmation: nothing is published yet.
  const reason = `E2E check: bank arrears weigh 15 points a month (council decision ${Date.now()})`;
  await expect(page.getByTestId('publish-button')).toBeDisabled();
  await page.getByTestId('publish-reason').fill(reason);
  await page.getByTestId('publish-button').click();
  const dialog = page.getByRole('dialog', { name: 'Propose this draft for approval?' });
  await expect(dialog).toContainText(reason);
  await expect(dialog).toContainText(`Simulated: ${changed.toLocaleString('en')} of`);
  await shot(page, 'rules-propose-confirm', { fullPage: false });
  await dialog.getByTestId('publish-confirm').click();
  const proposed = page.getByTestId('propose-result');
  await expect(proposed).toContainText(/Proposal #\d+ is waiting for another administrator/);
  const proposalId = Number(/#(\d+)/.exec((await proposed.textContent()) ?? '')?.[1]);
  await shot(page, 'rules-proposed');
  expect((await api(server, 'overview')).rulesetVersion, 'a proposal publishes nothing').toBe(1);

  // The second administrator, at their own workstation: the proposal waits on the Approvals page.
  const approver = await secondWorkstation(browser);
  await openConsole(approver, server, '/approvals', ACCOUNTS.admin2);
  await expect(approver.getByTestId('nav-approvals-count')).toHaveText('1');
  const card = approver.locator(`[data-testid="pending-proposal"][data-proposal-id="${proposalId}"]`);
  await expect(card.getByTestId('proposal-kind')).toHaveText('Ruleset');
  await expect(card).toContainText(`proposed by ${ACCOUNTS.admin.username}`);
  await expect(card.getByTestId('proposal-reason-text')).toContainText(reason);
  await expect(card.getByTestId('proposal-diff-view')).toContainText('-15.0 * event.months_overdue');
  await expect(card.getByTestId('proposal-waiting')).toHaveCount(0);

  // They see what the proposer saw: the simulation is stored with the proposal, on data that has not changed since.
  const simulation = card.getByRole('button', { name: /Simulation over the whole population/ });
  await expect(simulation).toContainText('simulated');
  await expect(simulation).not.toContainText('not simulated');
  await expect(simulation).not.toContainText('out of date');
  await simulation.click();
  await expect(card.getByTestId('proposal-simulation-by')).toContainText(`Simulated by ${ACCOUNTS.admin.username}`);
  await expect(card.getByTestId('sim-changed')).toHaveText(changed.toLocaleString('en'));
  await expect(card.getByTestId('proposal-simulate')).toHaveCount(0);
  await expect(card.getByTestId('proposal-simulation-stale')).toHaveCount(0);
  await shot(approver, 'approvals-proposal-simulated');

  // Approve with their own reason, through the confirmation: that publishes version 2.
  const approval = `E2E: checked against the council minutes (${Date.now()})`;
  await expect(card.getByTestId('proposal-approve')).toBeDisabled();
  await card.getByTestId('proposal-reason').fill(approval);
  await card.getByTestId('proposal-approve').click();
  const confirm = approver.getByRole('dialog', { name: `Approve and publish proposal #${proposalId}?` });
  await expect(confirm).toContainText(reason);
  await expect(confirm).toContainText(`Simulated by ${ACCOUNTS.admin.username}: ${changed.toLocaleString('en')} of`);
  await shot(approver, 'approvals-approve-confirm', { fullPage: false });
  await confirm.getByTestId('proposal-approve-confirm').click();
  await expect(approver.getByTestId('publish-outcome')).toContainText(`Proposal #${proposalId} approved: version 2 is published`, { timeout: 30_000 });
  await expect(approver.getByText('ruleset v2')).toBeVisible();
  await expect(approver.getByTestId('no-pending')).toBeVisible();
  const past = approver.locator(`[data-testid="past-proposal"][data-proposal-id="${proposalId}"]`);
  await expect(past.getByTestId('past-proposal-status')).toHaveText('approved');
  await expect(past).toContainText(approval);
  await shot(approver, 'approvals-published');

  // The operation: the proposal's reason, both names.
  const { rows } = await api(server, 'operations', { kind: 'ruleset_published' });
  expect(rows[0]).toMatchObject({
    reason,
    actor: ACCOUNTS.admin2.username,
    details: { proposal_id: proposalId, proposed_by: ACCOUNTS.admin.username, approved_by: ACCOUNTS.admin2.username },
  });
  await expect(past.getByTestId('past-proposal-operation')).toHaveText(`#${rows[0].id}`);

  // The citizen who fell most: a new audit-trail entry with exactly the proposal's reason and the simulated scores.
  await openConsole(approver, server, `/citizen/${moverId}`, ACCOUNTS.admin2);
  await expect(approver.getByTestId('citizen-score')).toHaveText(simAfter.toFixed(2));
  const entry = approver.getByTestId('audit-entry').filter({ has: approver.getByTestId('audit-reason').getByText(reason, { exact: true }) });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(`#${rows[0].id} ruleset published`);
  await expect(entry).toContainText(`by ${ACCOUNTS.admin2.username} · ruleset v2`);
  await expect(entry).toContainText(`${simBefore.toFixed(2)}`);
  await expect(entry).toContainText(`${simAfter.toFixed(2)}`);
  await expect(approver.getByTestId('audit-entry')).toHaveCount(2);
  await shot(approver, 'rules-affected-citizen');

  // The entry leads to the operation, which names both administrators.
  await entry.getByRole('link', { name: `#${rows[0].id} ruleset published` }).click();
  await expect(approver).toHaveURL(new RegExp(`#/operations/${rows[0].id}$`));
  await expect(approver.getByTestId('operation-reason')).toHaveText(reason);
  const details = approver.getByTestId('operation-details-json');
  await expect(details).toContainText(`Proposed by${ACCOUNTS.admin.username}`);
  await expect(details).toContainText(`Approved by${ACCOUNTS.admin2.username}`);
  await expect(details).toContainText(approval);
  await shot(approver, 'rules-publish-operation');
  await approver.context().close();
  expect(pageErrors).toEqual([]);
});

test('the proposer alone cannot publish: their own proposal waits for another administrator and approving it is refused', async ({ page }) => {
  const current = await api(server, 'rulesetCurrent');
  const spec = structuredClone(current.spec);
  const rule = spec.rules.find((r: { id: string }) => r.id === 'bank-arrears');
  rule.points = '-20.0 * event.months_overdue';
  const reason = `E2E: one administrator trying to publish alone (${Date.now()})`;
  // Unsimulated, it is refused; with a finished simulation of it, proposed.
  const unsimulated = await reply(server, 'proposeRuleset', { ruleset: spec, reason, simulationJobId: 'never-ran' });
  expect(unsimulated.error?.message).toContain("no simulation job 'never-ran'");
  const { jobId } = await api(server, 'simulate', { ruleset: spec });
  await expect.poll(async () => (await api(server, 'jobStatus', { jobId })).state, { timeout: 30_000 }).toBe('done');
  const { proposalId } = await api(server, 'proposeRuleset', { ruleset: spec, reason, simulationJobId: jobId });

  await openConsole(page, server, '/approvals');
  const card = page.locator(`[data-testid="pending-proposal"][data-proposal-id="${proposalId}"]`);
  await expect(card.getByTestId('proposal-waiting')).toHaveText('yours — waiting for another administrator');
  await expect(card.getByTestId('proposal-approve')).toHaveCount(0);
  await expect(card.getByTestId('proposal-reject')).toHaveCount(0);
  await shot(page, 'approvals-own-proposal');

  // Whatever a client sends, the server refuses it.
  const refused = await reply(server, 'decideProposal', { proposalId, approve: true, reason: 'approving my own proposal' });
  expect(refused.ok).toBe(false);
  expect(refused.error?.code).toBe('conflict');
  expect(refused.error?.message).toContain('another administrator must approve it');
  expect((await api(server, 'rulesetCurrent')).version).toBe(current.version);
  expect((await api(server, 'proposals', { status: 'pending' })).map((p: { id: number }) => p.id)).toEqual([proposalId]);

  // What the proposer can do: withdraw it, with a reason.
  await card.getByTestId('proposal-withdraw').click();
  await page.getByTestId('proposal-withdraw-reason').fill('E2E: withdrawn by its proposer');
  await page.getByTestId('proposal-withdraw-confirm').click();
  await expect(page.getByTestId('decision-result')).toContainText(`Proposal #${proposalId} (ruleset) withdrawn`);
  await expect(page.locator(`[data-testid="past-proposal"][data-proposal-id="${proposalId}"]`).getByTestId('past-proposal-status')).toHaveText('withdrawn');
  expect((await api(server, 'rulesetCurrent')).version).toBe(current.version);
});

test('a broken CEL expression shows its error at its column as you type, and the draft cannot be simulated', async ({ page }) => {
  await openRule(page, 'bank-arrears');

  // A syntax error: the caret goes just past the dangling operator.
  const condition = page.getByTestId('rule-condition');
  await condition.fill('');
  await condition.pressSequentially('event.months_overdue >');
  const conditionError = page.getByTestId('rule-condition-error');
  await expect(conditionError).toHaveAttribute('data-column', '23');
  await expect(conditionError).toContainText('Column 23: Unexpected token: EOF');
  expect(await caretColumn(page, 'rule-condition')).toBe(23);
  await expect(page.getByTestId('validation-problem').filter({ hasText: 'rule bank-arrears · condition · column 23' })).toHaveCount(1);
  await shot(page, 'rules-cel-syntax-error');

  // Typing on fixes it.
  await condition.pressSequentially(' 1.0');
  await expect(page.getByTestId('rule-condition-ok')).toHaveText('✓ valid, returns bool');
  await expect(conditionError).toHaveCount(0);

  // A type error (double times int): the caret is under the multiplication that has no overload.
  const points = page.getByTestId('rule-points');
  await points.fill('event.months_overdue * 2');
  const pointsError = page.getByTestId('rule-points-error');
  await expect(pointsError).toContainText('no such overload: double * int');
  await expect(pointsError).toHaveAttribute('data-column', '1');
  expect(await caretColumn(page, 'rule-points')).toBe(1);
  await points.fill('-10.0 + event.months_overdue * 2');
  await expect(pointsError).toContainText('Column 9: no such overload: double * int');
  expect(await caretColumn(page, 'rule-points')).toBe(9);
  await expect(page.getByTestId('draft-validity')).toHaveText('1 problem');
  await shot(page, 'rules-cel-type-error');

  await page.getByTestId('rules-tab-simulate').click();
  await expect(page.getByTestId('simulate-button')).toBeDisabled();
  await expect(page.getByText("Fix the draft's problems first.")).toBeVisible();
  await expect(page.getByTestId('publish-button')).toBeDisabled();
});

test('a rule cannot read a protected field: the field chip is refused, the expression is rejected, and proposing it is refused', async ({ page }) => {
  await openRule(page, 'court-judgment');
  const chip = page.getByTestId('field-chip-defendant_ethnicity');
  await expect(chip).toHaveAttribute('data-protected', 'true');
  await expect(chip).toHaveAttribute('aria-disabled', 'true');

  const condition = page.getByTestId('rule-condition');
  await condition.click();
  await chip.click({ force: true });
  await expect(condition).toHaveValue('true');

  await condition.fill('event.defendant_ethnicity == "x"');
  const error = page.getByTestId('rule-condition-error');
  await expect(error).toContainText("field 'defendant_ethnicity' of 'court_judgment' is protected and cannot be used by a rule");
  await expect(error).toHaveAttribute('data-column', '7');
  expect(await caretColumn(page, 'rule-condition')).toBe(7);
  await expect(page.getByTestId('validation-problem').filter({ hasText: 'protected' })).toHaveCount(1);
  await shot(page, 'rules-protected-field');
  await page.getByTestId('rules-tab-simulate').click();
  await expect(page.getByTestId('simulate-button')).toBeDisabled();

  // The server refuses it too, whatever a client sends.
  const current = await api(server, 'rulesetCurrent');
  const spec = structuredClone(current.spec);
  spec.rules.find((r: { id: string }) => r.id === 'court-judgment').condition = 'event.defendant_ethnicity == "x"';
  const validation = await api(server, 'validateRuleset', { ruleset: spec });
  expect(validation.ok).toBe(false);
  expect(JSON.stringify(validation.problems)).toContain('protected');
  const pendingBefore = (await api(server, 'proposals', { status: 'pending' })).length;
  const refused = await reply(server, 'proposeRuleset', { ruleset: spec, reason: 'an attempt to read a protected field', simulationJobId: 'none' });
  expect(refused.ok).toBe(false);
  expect(refused.error?.code).toBe('rejected');
  expect(refused.error?.message).toContain('protected');
  expect((await api(server, 'proposals', { status: 'pending' })).length).toBe(pendingBefore);
  expect((await api(server, 'rulesetCurrent')).version).toBe(current.version);
});

test("the data changes after the proposer's simulation: the approver sees it is out of date, runs it again, and only then may approve", async ({ browser }) => {
  const current = await api(server, 'rulesetCurrent');
  const spec = structuredClone(current.spec);
  spec.rules.find((r: { id: string }) => r.id === 'bank-arrears').points = '-12.0 * event.months_overdue';
  const { jobId } = await api(server, 'simulate', { ruleset: spec });
  await expect.poll(async () => (await api(server, 'jobStatus', { jobId })).state, { timeout: 30_000 }).toBe('done');
  const { proposalId } = await api(server, 'proposeRuleset', { ruleset: spec, reason: `E2E: a proposal the data moves past (${Date.now()})`, simulationJobId: jobId });
  const stored = (await api(server, 'proposals', { status: 'pending' })).find((p: { id: number }) => p.id === proposalId);
  const citizenId = [...stored.simulation.result.topDown, ...stored.simulation.result.topUp][0].citizenId;

  // A manual adjustment, proposed by one administrator and approved by the other: the data the simulation ran on has changed.
  const adjustment = await api(server, 'proposeAdjustment', { citizenId, points: 5, justification: 'E2E: a court order after the simulation' });
  await api(server, 'decideProposal', { proposalId: adjustment.proposalId, approve: true, reason: 'checked the order' }, ACCOUNTS.admin2);
  const refused = await reply(server, 'decideProposal', { proposalId, approve: true, reason: 'approving a stale simulation' }, ACCOUNTS.admin2);
  expect(refused.error?.message).toContain('run the simulation again before approving');

  const approver = await secondWorkstation(browser);
  await openConsole(approver, server, '/approvals', ACCOUNTS.admin2);
  const card = approver.locator(`[data-testid="pending-proposal"][data-proposal-id="${proposalId}"]`);
  const simulation = card.getByRole('button', { name: /Simulation over the whole population/ });
  await expect(simulation).toContainText('simulation out of date');
  await simulation.click();
  await expect(card.getByTestId('proposal-simulation-stale')).toContainText('the data changed since the simulation: 1 operation(s)');
  await card.getByTestId('proposal-reason').fill('E2E: reviewed on today’s data');
  await expect(card.getByTestId('proposal-approve')).toBeDisabled();
  await expect(card.getByTestId('proposal-needs-simulation')).toBeVisible();
  await card.getByTestId('proposal-simulate').click();
  await expect(card.getByTestId('proposal-simulation-by')).toContainText(`Simulated by ${ACCOUNTS.admin2.username}`, { timeout: 30_000 });
  await expect(simulation).not.toContainText('out of date');
  await expect(card.getByTestId('proposal-simulation-stale')).toHaveCount(0);
  await expect(card.getByTestId('proposal-approve')).toBeEnabled();
  await shot(approver, 'approvals-proposal-resimulated');
  // Leave the published version as it was for the other tests: reject it.
  await card.getByTestId('proposal-reject').click();
  await expect.poll(async () => (await api(server, 'proposals', { status: 'pending' })).some((p: { id: number }) => p.id === proposalId)).toBe(false);
  expect((await api(server, 'rulesetCurrent')).version).toBe(current.version);
});
