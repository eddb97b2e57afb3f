/**
 * Fairness report (issue 13, part 3): a draft that hurts one district is
 * simulated and the district is flagged under the four-fifths rule; the
 * approver sees the flag with the proposal, is refused when approving without
 * an acknowledgement (in the console and through the API: the careless or
 * hostile approver), acknowledges it with a reason and approves; the report
 * and the acknowledgement are in the version history, the current scores'
 * report is on the Overview, and the CSV export is logged. Publishing changes
 * data, so this file has its own console.
 */
import type { Browser, Page } from '@playwright/test';
import { api, expect, openConsole, reply, shot, test } from './fixtures';
import { ACCOUNTS, startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

async function secondWorkstation(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  return context.newPage();
}

async function finished(jobId: string): Promise<{ state: string; error: string | null }> {
  for (;;) {
    const status = await api(server, 'jobStatus', { jobId });
    if (status.state !== 'running') return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** 40 citizens of a new district, Hexi, each with one theft of utilities on record (-60 under the published ruleset: tier B). */
async function importHexi(): Promise<void> {
  const citizens = ['citizen_id,name,district,birth_date'];
  const events = ['event_id,citizen_id,kind,occurred_at,data'];
  for (let i = 0; i < 40; i++) {
    const id = `HX${String(i).padStart(3, '0')}`;
    citizens.push(`${id},Hexi Resident ${i},Hexi,${1950 + i}-0${(i % 9) + 1}-15`);
    events.push(`EHX${i},${id},utility_theft,2026-06-01T10:00:00Z,"{""value"": 120}"`);
  }
  const { jobId } = await api(server, 'importFiles', {
    files: [
      { name: 'citizens.csv', content: `${citizens.join('\n')}\n` },
      { name: 'events.csv', content: `${events.join('\n')}\n` },
    ],
    provider: 'Hexi water works',
    reason: 'E2E: the Hexi district joins the console',
  });
  expect((await finished(jobId)).state).toBe('done');
}

test('a draft that hurts one district is flagged, cannot be approved without an acknowledgement, and the acknowledged report is kept with the version', async ({ page, pageErrors, browser }) => {
  test.setTimeout(300_000);
  await importHexi();

  // The draft: theft of utilities costs 300 points instead of 60.
  await openConsole(page, server, '/rules');
  await page.getByTestId('rules-tab-editor').click();
  await page.locator('[data-testid="rule-item"][data-rule-id="utility-theft"]').click();
  await page.getByTestId('rule-points').fill('-300');
  await expect(page.getByTestId('draft-validity')).toHaveText('valid');
  await page.getByTestId('rules-tab-simulate').click();
  await page.getByTestId('simulate-button').click();
  await expect(page.getByTestId('simulation-results')).toBeVisible({ timeout: 60_000 });

  // The simulation's fairness report: Hexi falls to C and is flagged, with its size and its ratio before.
  const report = page.getByTestId('fairness-report');
  await expect(report).toBeVisible();
  const hexi = report.getByTestId('fairness-district').locator('[data-testid="fairness-row"][data-group="Hexi"]');
  await expect(hexi).toHaveAttribute('data-flagged', 'true');
  await expect(hexi).toContainText('40');
  await expect(hexi.getByTestId('fairness-ratio')).toContainText('→ 0.00');
  await expect(hexi).toContainText('Below 4/5');
  await expect(report.getByTestId('fairness-flags')).toContainText(/District Hexi: 40 citizens, adverse-impact ratio 0\.00 \(under the published ruleset: 0\.9\d|1\.00\)/);
  // Age bands are the console's, from the birth date: every band is listed, the 18-29 band too.
  await expect(report.getByTestId('fairness-age')).toContainText('60 and over');
  await shot(page, 'fairness-simulation');
  await report.getByTestId('fairness-district').scrollIntoViewIfNeeded();
  await shot(page, 'fairness-simulation-report', { fullPage: false });

  // Propose it.
  const reason = `E2E: utility theft must weigh 300 points (${Date.now()})`;
  await page.getByTestId('publish-reason').fill(reason);
  await page.getByTestId('publish-button').click();
  await page.getByRole('dialog', { name: 'Propose this draft for approval?' }).getByTestId('publish-confirm').click();
  const proposed = page.getByTestId('propose-result');
  await expect(proposed).toContainText(/Proposal #\d+ is waiting/);
  const proposalId = Number(/#(\d+)/.exec((await proposed.textContent()) ?? '')?.[1]);

  // The approver sees the flag with the proposal's simulation.
  const approver = await secondWorkstation(browser);
  await openConsole(approver, server, '/approvals', ACCOUNTS.admin2);
  const card = approver.locator(`[data-testid="pending-proposal"][data-proposal-id="${proposalId}"]`);
  await card.getByRole('button', { name: /Simulation over the whole population/ }).click();
  const proposalReport = card.getByTestId('fairness-report');
  await expect(proposalReport.getByTestId('fairness-flags')).toContainText('District Hexi');
  await proposalReport.scrollIntoViewIfNeeded();
  await shot(approver, 'fairness-approval-view', { fullPage: false });

  // A careless approver: a reason for the approval, but no acknowledgement of the flags. Refused by the main process.
  await card.getByTestId('proposal-reason').fill('agreed at the council meeting');
  await card.getByTestId('proposal-approve').click();
  const confirm = approver.getByRole('dialog', { name: `Approve and publish proposal #${proposalId}?` });
  await expect(confirm.getByTestId('fairness-flags')).toContainText('District Hexi');
  await confirm.getByTestId('proposal-approve-confirm').click();
  await expect(confirm).toContainText(/fairness report flags \d+ group\(s\) below four fifths.*district Hexi \(ratio 0\.00, 40 citizens\)/);
  await shot(approver, 'fairness-approve-refused', { fullPage: false });
  // Through the API as well, and with a blank acknowledgement: refused, nothing published.
  for (const input of [{}, { fairnessAcknowledgement: '   ' }]) {
    const refused = await reply(server, 'decideProposal', { proposalId, approve: true, reason: 'agreed at the council meeting', ...input }, ACCOUNTS.admin2);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatchObject({ code: 'rejected', message: expect.stringMatching(/acknowledge them with a reason/) as unknown });
  }
  expect((await api(server, 'overview')).rulesetVersion).toBe(1);

  // Acknowledged with a reason: published.
  const acknowledgement = 'Hexi residents were caught in the 2026 water-meter fraud; the council accepts the impact';
  await confirm.getByTestId('fairness-acknowledgement-reason').fill(acknowledgement);
  await shot(approver, 'fairness-approve-acknowledged', { fullPage: false });
  await confirm.getByTestId('proposal-approve-confirm').click();
  await expect(approver.getByTestId('publish-outcome')).toContainText(`Proposal #${proposalId} approved: version 2 is published`, { timeout: 60_000 });

  // Kept with the version and in its operation.
  const stored = await api(server, 'fairnessReport', { version: 2 });
  expect(stored).toMatchObject({ current: false, rulesetVersion: 2, acknowledgement, acknowledgedBy: ACCOUNTS.admin2.username });
  expect(stored.report.flags).toContainEqual(expect.objectContaining({ dimension: 'district', group: 'Hexi', size: 40, ratio: 0 }));
  const operation = (await api(server, 'operations', { limit: 5 })).rows.find((o: { id: number }) => o.id === stored.operationId);
  expect(operation.details).toMatchObject({ fairness_acknowledgement: acknowledgement });

  // In the version history.
  await openConsole(approver, server, '/rules', ACCOUNTS.admin2);
  await approver.getByTestId('rules-tab-history').click();
  await approver.getByTestId('fairness-version-2').click();
  const modal = approver.getByRole('dialog', { name: 'Fairness report of version 2' });
  await expect(modal.getByTestId('fairness-acknowledged')).toContainText(acknowledgement);
  await expect(modal.locator('[data-testid="fairness-row"][data-group="Hexi"]')).toHaveAttribute('data-flagged', 'true');
  await shot(approver, 'fairness-version-history', { fullPage: false });

  // On the Overview: the current scores' report, and its CSV (an export in the access log).
  await openConsole(page, server, '/');
  const current = page.getByTestId('fairness-report');
  await expect(current.locator('[data-testid="fairness-row"][data-group="Hexi"]')).toHaveAttribute('data-flagged', 'true');
  await current.scrollIntoViewIfNeeded();
  await shot(page, 'fairness-overview', { fullPage: false });
  const download = page.waitForEvent('download');
  await current.getByTestId('fairness-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^fairness-current-\d{4}-\d{2}-\d{2}\.csv$/);
  const log = await api(server, 'accessLog', { action: 'export', offset: 0, limit: 20 }, ACCOUNTS.auditor);
  expect(log.rows.some((r: { detail: string; username: string }) => r.username === ACCOUNTS.admin.username && /fairness report CSV of current/.test(r.detail))).toBe(true);

  expect(pageErrors).toEqual([]);
});

interface Group {
  group: string;
  size: number;
  tierCounts: number[] | null;
  meanScore: number | null;
  withheld?: boolean;
}

test("a district of one citizen shows its size only: nobody reads that citizen's tier or score from the report without opening the record", async ({ page, pageErrors }) => {
  // One new citizen, alone in their district, with a court judgment on record.
  const { jobId } = await api(server, 'importFiles', {
    files: [
      { name: 'citizens.csv', content: 'citizen_id,name,district,birth_date\nLONE001,Lone Resident,Lone Island,1961-03-02\n' },
      { name: 'events.csv', content: 'event_id,citizen_id,kind,occurred_at,data\nELONE1,LONE001,utility_theft,2026-06-01T10:00:00Z,"{""value"": 50}"\n' },
    ],
    provider: 'Lone Island office',
    reason: 'E2E: a district of one citizen',
  });
  expect((await finished(jobId)).state).toBe('done');
  // The auditor, who reads the report with the widest view, through the API as a script would.
  const reply = await api<{ report: { after: { tiers: string[]; dimensions: { dimension: string; groups: Group[] }[] } } }>(server, 'fairnessReport', {}, ACCOUNTS.auditor);
  const districts = reply.report.after.dimensions.find((d) => d.dimension === 'district')!.groups;
  const lone = districts.find((g) => g.group === 'Lone Island')!;
  expect(lone).toMatchObject({ size: 1, tierCounts: null, meanScore: null, withheld: true });
  // Subtracting the shown districts from the population's tier counts (the Overview's) gives at least 10 citizens, never the one.
  const overview = await api<{ tiers: { tier: string; count: number }[] }>(server, 'overview', {}, ACCOUNTS.auditor);
  const population = overview.tiers.reduce((n, t) => n + t.count, 0);
  const shown = districts.filter((g) => !g.withheld).reduce((n, g) => n + g.tierCounts!.reduce((a, b) => a + b, 0), 0);
  expect(population - shown).toBeGreaterThanOrEqual(10);
  expect(JSON.stringify(reply)).not.toContain('LONE001');

  await openConsole(page, server, '/');
  const row = page.getByTestId('fairness-report').locator('[data-testid="fairness-row"][data-group="Lone Island"]');
  await expect(row.getByTestId('fairness-withheld')).toHaveText('Withheld: too few citizens');
  await row.scrollIntoViewIfNeeded();
  await shot(page, 'fairness-withheld', { fullPage: false });

  // The simulation's table by district: the same district shows its size only, with the reason under the table.
  await openConsole(page, server, '/rules');
  await page.getByTestId('rules-tab-simulate').click();
  await page.getByTestId('simulate-button').click();
  await expect(page.getByTestId('simulation-results')).toBeVisible({ timeout: 60_000 });
  const simRow = page.getByTestId('sim-districts').getByRole('row').filter({ hasText: 'Lone Island' });
  await expect(simRow).toHaveAttribute('data-withheld', 'true');
  await expect(simRow.getByRole('cell')).toHaveText(['Lone Island', '1', 'Withheld: too few citizens']);
  await expect(page.getByTestId('sim-districts-withheld')).toContainText('fewer than 10 citizens');
  await simRow.scrollIntoViewIfNeeded();
  await shot(page, 'simulation-district-withheld', { fullPage: false });
  expect(pageErrors).toEqual([]);
});
