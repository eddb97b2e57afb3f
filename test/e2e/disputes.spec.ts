/**
 * A dispute on a citizen's record, as officials handle it: one opens it on
 * an event with the citizen's statement and moves it under review; a second
 * one upholds it (the opener may not); the event is retracted, the score
 * recomputed, and the audit trail has an "appeal decided" entry with the
 * second official's reason. Upholding changes data,
 * so this file has its own console.
 */
import type { Page } from '@playwright/test';
import { api, expect, openConsole, readNumber, shot, statePurpose, test } from './fixtures';
import { ACCOUNTS, startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

/** A reload keeps the purpose stated for the record in this tab: asked again only if it was not kept. */
async function statePurposeIfAsked(page: Page): Promise<void> {
  await expect(page.getByTestId('citizen-name').or(page.getByTestId('purpose-prompt')).first()).toBeVisible();
  if (await page.getByTestId('purpose-prompt').count()) await statePurpose(page);
}

interface Target {
  citizenId: string;
  eventId: string;
  kind: string;
  points: number;
  score: number;
}

/**
 * A citizen with a recent event that lowers their score under a rule its cap
 * does not bind: retracting it must raise the score. Recent, so that its row
 * is among the first ones of the events list.
 */
async function findTarget(): Promise<Target> {
  const { rows } = await api<{ rows: { citizenId: string }[] }>(server, 'search', { limit: 60 });
  for (const { citizenId } of rows) {
    const record = await api(server, 'citizen', { citizenId });
    const e = record.explanation;
    if (!e) continue;
    const lowering = new Map<string, number>();
    for (const rule of e.rules as { capped: boolean; total: number; events: { eventId: string; points: number }[] }[]) {
      if (rule.capped || rule.total >= 0) continue;
      for (const ev of rule.events) if (ev.points < 0) lowering.set(ev.eventId, ev.points);
    }
    if (lowering.size === 0 || e.own <= 0) continue;
    const events = await api<{ rows: { eventId: string; kind: string; retracted: boolean }[] }>(server, 'citizenEvents', { citizenId, limit: 6 });
    const ev = events.rows.find((r) => lowering.has(r.eventId) && !r.retracted);
    if (ev) return { citizenId, eventId: ev.eventId, kind: ev.kind, points: lowering.get(ev.eventId)!, score: record.summary.score };
  }
  throw new Error('no demo citizen has a recent event that lowers an uncapped rule total');
}

test('an official opens a dispute on an event and reviews it, a second official upholds it: the event is retracted and the audit trail says why', async ({ page, browser, pageErrors }) => {
  const target = await findTarget();
  const statement = `E2E: the citizen says ${target.eventId} was recorded against the wrong person`;
  const reviewReason = 'E2E: asked the registry for the original record';
  const upholdReason = `E2E: the registry confirms the mistake (${Date.now()})`;

  await openConsole(page, server, `/citizen/${target.citizenId}`, ACCOUNTS.official);
  await expect(page.getByTestId('citizen-score')).toHaveText(target.score.toFixed(2));
  await expect(page.getByTestId('disputes-empty')).toBeVisible();
  const row = page.locator(`[data-testid="event-row"][data-event-id="${target.eventId}"]`);

  // Open: the citizen's statement, in their words.
  await row.getByTestId('event-dispute-button').click();
  const openModal = page.getByTestId('open-dispute-modal');
  await expect(openModal).toContainText(target.eventId);
  await page.getByTestId('open-dispute-reason').fill(statement);
  await shot(page, 'dispute-open-modal', { fullPage: false });
  await page.getByTestId('open-dispute-confirm').click();
  const dispute = page.getByTestId('dispute');
  await expect(dispute).toHaveCount(1);
  await expect(dispute.getByTestId('dispute-status')).toHaveText('open');
  await expect(dispute.getByTestId('dispute-statement')).toContainText(statement);
  await expect(dispute).toContainText(`event ${target.eventId}: ${target.kind.replace(/_/g, ' ')}`);
  await expect(dispute.getByTestId('dispute-deadline')).toContainText('Decision due');
  await expect(row.getByTestId('event-disputed-badge')).toHaveText('disputed');
  await expect(row.getByTestId('event-dispute-button')).toHaveCount(0);
  await expect(page.getByTestId('citizen-open-disputes')).toHaveText('1 open dispute');
  await shot(page, 'dispute-opened');

  // Under review, then upheld, each with a reason.
  await dispute.getByTestId('dispute-review-button').click();
  await page.getByTestId('dispute-under_review-reason').fill(reviewReason);
  await page.getByTestId('dispute-under_review-confirm').click();
  await expect(dispute.getByTestId('dispute-status')).toHaveText('under review');
  // The official who opened it cannot decide it: another official does, at their own workstation.
  await expect(dispute.getByTestId('dispute-uphold-button')).toHaveCount(0);
  await expect(dispute.getByTestId('dispute-second-person')).toHaveText('You opened this dispute: another official decides it.');
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const second = await context.newPage();
  await openConsole(second, server, `/citizen/${target.citizenId}`, ACCOUNTS.admin);
  const theirs = second.getByTestId('dispute');
  await theirs.getByTestId('dispute-uphold-button').click();
  const upholdModal = second.getByTestId('dispute-upheld-modal');
  await expect(upholdModal).toContainText('appeal decided');
  await second.getByTestId('dispute-upheld-reason').fill(upholdReason);
  await shot(second, 'dispute-uphold-modal', { fullPage: false });
  await second.getByTestId('dispute-upheld-confirm').click();
  await expect(theirs.getByTestId('dispute-status')).toHaveText('upheld');
  await context.close();
  await page.reload();
  await statePurposeIfAsked(page);
  await expect(dispute.getByTestId('dispute-status')).toHaveText('upheld');
  await expect(dispute.getByTestId('dispute-history')).toContainText(reviewReason);
  await expect(dispute.getByTestId('dispute-history')).toContainText(upholdReason);
  await expect(page.getByTestId('citizen-open-disputes')).toHaveCount(0);

  // The event is retracted and no longer counts: the score rises by its points.
  await expect(row).toContainText('retracted');
  await expect(row.getByTestId('event-disputed-badge')).toHaveText('dispute upheld');
  const after = await api(server, 'citizen', { citizenId: target.citizenId });
  expect(after.summary.score).toBeGreaterThan(target.score);
  await expect(page.getByTestId('citizen-score')).toHaveText(after.summary.score.toFixed(2));
  expect(readNumber(await page.getByTestId('citizen-score').textContent())).toBeCloseTo(target.score - target.points, 1);

  // The audit trail: an "appeal decided" entry by the official, with the reason for upholding.
  const operation = dispute.getByTestId('dispute-operation');
  await expect(operation).toContainText('(appeal decided)');
  const operationId = Number(/#(\d+)/.exec((await operation.textContent()) ?? '')?.[1]);
  const entry = page.getByTestId('audit-entry').filter({ hasText: 'appeal decided' });
  await expect(entry).toHaveCount(1);
  await expect(entry.getByRole('link')).toHaveText(`#${operationId} appeal decided`);
  await expect(entry.getByTestId('audit-reason')).toHaveText(upholdReason);
  await expect(entry).toContainText(`by ${ACCOUNTS.admin.username}`);
  await expect(entry).toContainText(target.score.toFixed(2));
  await expect(entry).toContainText(after.summary.score.toFixed(2));
  await shot(page, 'dispute-upheld-record');
  expect(pageErrors).toEqual([]);
});
