/**
 * Consent (issue 14): on a console whose published ruleset requires consent,
 * an official records a citizen's withdrawal on the record's Consent card;
 * the citizen's record then says plainly they are not scored and why, and a
 * friend whose penalty the citizen's low score caused is rescored without
 * them. Publishing and recording change data, so this file has its own
 * console. Screenshots: the Consent card and the out-of-scope record.
 */
import { api, expect, openConsole, shot, test } from './fixtures';
import { ACCOUNTS, startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

async function finished(jobId: string): Promise<{ state: string; error: string | null }> {
  for (;;) {
    const status = await api(server, 'jobStatus', { jobId });
    if (status.state !== 'running') return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const purpose = 'E2E: consent casework';

test('a withdrawal recorded on the Consent card unscores the citizen and moves a friend penalty', async ({ page, pageErrors }) => {
  test.setTimeout(300_000);
  // Everyone gave consent on the first of January (the consents.csv import), then the ruleset requires it.
  const all = await api(server, 'search', { query: '', limit: 500, purpose });
  const consents = ['citizen_id,status,at,evidence', ...all.rows.map((r: { citizenId: string }) => `${r.citizenId},given,2026-01-01T09:00:00Z,form ${r.citizenId}`)];
  const imported = await api(server, 'importFiles', { files: [{ name: 'consents.csv', content: `${consents.join('\n')}\n` }], provider: 'District service counter', reason: 'E2E: consent forms of the year' }, ACCOUNTS.official);
  expect((await finished(imported.jobId)).state).toBe('done');
  const current = await api(server, 'rulesetCurrent');
  const spec = { ...current.spec, consent_required: true };
  const sim = await api(server, 'simulate', { ruleset: spec });
  expect((await finished(sim.jobId)).state).toBe('done');
  const { proposalId } = await api(server, 'proposeRuleset', { ruleset: spec, reason: 'E2E: score only residents who consented', simulationJobId: sim.jobId });
  const decided = await api(server, 'decideProposal', { proposalId, approve: true, reason: 'agreed at the council meeting', fairnessAcknowledgement: 'no group is affected: everyone consented' }, ACCOUNTS.admin2);
  // Approving a ruleset starts its publish job: the new version counts once the job is done.
  if (decided.jobId) expect((await finished(decided.jobId)).state).toBe('done');
  expect((await api(server, 'overview')).consent).toMatchObject({ required: true, outOfScope: 0 });

  // A low scorer and a friend they penalise (the friend's penalty is under the cap, so it can move).
  const low = await api(server, 'search', { query: '', sort: 'score', descending: false, limit: 50, purpose });
  let pair: { citizen: string; name: string; friend: string; penalty: number } | null = null;
  for (const row of low.rows as { citizenId: string; name: string }[]) {
    const rec = await api(server, 'citizen', { citizenId: row.citizenId, purpose });
    for (const f of rec.explanation?.friends ?? []) {
      const friend = await api(server, 'citizen', { citizenId: f.citizenId, purpose });
      const e = friend.explanation;
      if (e && e.friendPenalty > 0 && e.friendPenalty < e.friendPenaltyUncapped + 1e-9 && e.friends.some((x: { citizenId: string; share: number }) => x.citizenId === row.citizenId && x.share > 0)) {
        pair = { citizen: row.citizenId, name: row.name, friend: f.citizenId, penalty: e.friendPenalty };
        break;
      }
    }
    if (pair) break;
  }
  expect(pair, 'a low scorer who penalises a friend').not.toBeNull();
  const { citizen, name, friend, penalty } = pair!;

  // The official records the withdrawal on the record.
  await page.setViewportSize({ width: 1440, height: 900 });
  await openConsole(page, server, `/citizen/${citizen}`, ACCOUNTS.official);
  const card = page.getByTestId('consent-card');
  await expect(card.getByTestId('consent-scope')).toHaveText('scored');
  await expect(card.getByTestId('consent-history')).toContainText(`form ${citizen}`);
  await card.getByTestId('consent-record').click();
  const modal = page.getByTestId('consent-modal');
  await modal.getByTestId('consent-status-withdrawn').click();
  // The letter is dated the day before the scoring date, so it counts now.
  await modal.getByTestId('consent-at').fill('2026-10-31T15:30:00Z');
  await modal.getByTestId('consent-evidence').fill('withdrawal letter 2026/117');
  await modal.getByTestId('consent-reason').fill('signed withdrawal letter received at the Lixia counter');
  await expect(modal.getByTestId('consent-effect')).toContainText('out of scope');
  await shot(page, 'consent-record-modal', { fullPage: false });
  await modal.getByTestId('consent-confirm').click();
  // The record turns into the out-of-scope record underneath; the form keeps its result open until Done.
  await expect(page.getByTestId('consent-result')).toContainText(`${name} is no longer scored.`);
  await expect(page.getByTestId('consent-friends-moved')).toContainText(/friend/);
  await page.getByTestId('consent-done').click();

  // The record says plainly that the citizen is not scored, and why.
  await expect(page.getByTestId('citizen-unscored')).toContainText('the published ruleset scores only citizens who consented, and their consent was withdrawn');
  await expect(page.getByTestId('citizen-score')).toHaveText('—');
  await expect(card.getByTestId('consent-scope')).toHaveText('not scored');
  await expect(card.getByTestId('consent-history')).toContainText('withdrawal letter 2026/117');
  await expect(card.getByTestId('consent-history')).toContainText(ACCOUNTS.official.username);
  await shot(page, 'consent-out-of-scope-record');
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'consent-card', { fullPage: false });

  // The friend's penalty is computed without them, and the ledger says why.
  const after = await api(server, 'citizen', { citizenId: friend, purpose });
  expect(after.explanation.friends.map((f: { citizenId: string }) => f.citizenId)).not.toContain(citizen);
  expect(after.explanation.friendPenalty).not.toBeCloseTo(penalty, 6);
  const mine = await api(server, 'citizen', { citizenId: citizen, purpose });
  expect(mine.history[0]).toMatchObject({ cause: 'scope', newScore: null, operation: { kind: 'consent_changed', actor: ACCOUNTS.official.username } });
  expect((await api(server, 'overview')).consent).toMatchObject({ required: true, outOfScope: 1 });
  expect(pageErrors).toEqual([]);
});
