/**
 * Recourse and reach on a record (issue 13, parts 1 and 2): an official opens
 * the record of a citizen whose negative record will expire and whose low
 * score penalises friends. The outlook says when the score is expected to
 * rise and to what, labelled a projection under the current ruleset, as a
 * chart with its table; the network card lists the friends the score
 * penalises with the points each loses, and a pending dispute's reach
 * through friendships before it is decided. The Overview shows the friend
 * penalty's share of the points deducted, by district. Opening a dispute
 * changes data, so this file has its own console.
 */
import { api, expect, openConsole, readNumber, shot, test } from './fixtures';
import { startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

interface OutlookPoint {
  at: string;
  score: number;
  tier: string;
  records: { eventId: string; occurredAt: string; points: number; change: string }[];
}
interface Outlook {
  now: { score: number; tier: string };
  points: OutlookPoint[];
  nextTier: { tier: string; at: string } | null;
  disputes: { disputeId: number; reach: { citizens: number; maxHops: number } }[];
}
interface NetworkView {
  total: number;
  friends: { citizenId: string; lost: number }[];
}

/** The lowest-scored citizen whose first outlook point raises the score as a negative record of theirs expires, and whose shortfall penalises friends. */
async function findTarget(): Promise<{ citizenId: string; outlook: Outlook; network: NetworkView; point: OutlookPoint; record: OutlookPoint['records'][number] }> {
  const { rows } = await api<{ rows: { citizenId: string }[] }>(server, 'search', { sort: 'score', limit: 120 });
  for (const { citizenId } of rows) {
    const outlook = await api<Outlook>(server, 'scoreOutlook', { citizenId, purpose: 'E2E: choosing a record' });
    const point = outlook.points[0];
    const record = point?.records.find((r) => r.change === 'expires' && r.points < 0);
    if (!point || !record || point.score <= outlook.now.score) continue;
    const network = await api<NetworkView>(server, 'networkView', { citizenId, purpose: 'E2E: choosing a record' });
    if (network.friends.length > 0) return { citizenId, outlook, network, point, record };
  }
  throw new Error('no demo citizen has an expiring negative record and friends penalised by their score');
}

test('an official sees when a low score will recover, whom it penalises now, and how far upholding a dispute would travel', async ({ page, pageErrors }) => {
  const target = await findTarget();
  // A pending dispute of a record that counts now: its reach is shown before anyone decides it.
  const { disputeId } = await api<{ disputeId: number }>(server, 'openDispute', { citizenId: target.citizenId, eventId: target.record.eventId, statement: 'The citizen says this record was settled.' });
  const after = await api<Outlook>(server, 'scoreOutlook', { citizenId: target.citizenId, purpose: 'E2E: the dispute' });
  const projected = after.disputes.find((d) => d.disputeId === disputeId)!;

  await openConsole(page, server, `/citizen/${target.citizenId}`);
  const card = page.getByTestId('outlook-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('outlook-label')).toHaveText('Projection under the current ruleset');
  const date = target.point.at.slice(0, 10);
  await expect(page.getByTestId('outlook-headline')).toHaveText(
    `The score is expected to rise to ${target.point.score.toFixed(2)} (${target.point.tier}) on ${date}, when the record of ${target.record.occurredAt.slice(0, 10)} expires.`,
  );
  // The chart is drawn, and its figures are a table for screen readers and on request.
  await expect(page.getByTestId('outlook-chart-chart').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('outlook-chart-hidden-table').getByRole('row')).toHaveCount(after.points.length + 2);
  await card.getByTestId('outlook-chart-toggle').click();
  const table = page.getByTestId('outlook-chart-table');
  await expect(table).toBeVisible();
  await expect(table.getByRole('row').nth(2)).toContainText(target.point.score.toFixed(2));
  await expect(page.getByTestId('outlook-disputes')).toContainText(`#${disputeId}`);

  // Whom the score affects: every penalised friend, and the total they lose.
  const network = page.getByTestId('network-card');
  await expect(network.getByTestId('network-friend-row')).toHaveCount(target.network.friends.length);
  const total = readNumber((await network.getByRole('row').last().getByRole('cell').last().textContent()) ?? '');
  expect(Math.round(total * 100)).toBe(Math.round(target.network.total * 100));
  const reach = network.getByTestId('network-reach');
  await expect(reach).toContainText(`Upholding dispute #${disputeId}`);
  if (projected.reach.citizens > 0) await expect(reach).toContainText(`the farthest ${projected.reach.maxHops} friendship`);

  await card.getByTestId('outlook-chart-toggle').click();
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'outlook-record');
  await card.screenshot({ path: 'test-results/screenshots/outlook-card.png' });
  await network.screenshot({ path: 'test-results/screenshots/network-card.png' });

  // The same in Chinese, from the header.
  await page.getByTestId('language-switch').getByText('简体中文').click();
  await expect(page.getByTestId('outlook-label')).toHaveText('按现行规则集的预测');
  await expect(page.getByTestId('outlook-headline')).toContainText(`信用分将升至 ${target.point.score.toFixed(2)}（${target.point.tier} 级）`);
  await card.screenshot({ path: 'test-results/screenshots/outlook-card-zh.png' });
  await network.screenshot({ path: 'test-results/screenshots/network-card-zh.png' });
  await page.getByTestId('language-switch').getByText('English').click();
  await expect(page.getByTestId('outlook-label')).toHaveText('Projection under the current ruleset');
  expect(pageErrors).toEqual([]);
});

test('the Overview shows how much of the points deducted come from the friend penalty, by district', async ({ page, pageErrors }) => {
  const share = await api<{ rows: { district: string | null; friendLoss: number; loss: number }[] }>(server, 'friendPenaltyShare', {});
  const districts = share.rows.filter((r) => r.district !== null);
  await openConsole(page, server, '/');
  const panel = page.getByTestId('friend-penalty-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('friend-penalty-total')).toContainText('come from the friend penalty');
  await expect(page.getByTestId('friend-penalty-chart-hidden-table').getByRole('row')).toHaveCount(districts.length + 2);
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: 'test-results/screenshots/friend-penalty-panel.png' });
  expect(pageErrors).toEqual([]);
});
