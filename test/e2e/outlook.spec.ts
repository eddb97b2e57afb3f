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

interface EventPreview {
  before: { score: number; tier: string } | null;
  after: { score: number; tier: string } | null;
  counts: boolean;
  reach: { citizens: number; maxHops: number; byHop: { hops: number; citizens: number }[] };
}

test('before recording an event, the form shows the score it would give and how far it travels through friendships; nothing is recorded', async ({ page, pageErrors }) => {
  const target = await findTarget();
  const event = { citizenId: target.citizenId, kind: 'bill_payment', occurredAt: '2026-10-15T09:30:00Z', data: { amount: 120, provider: 'city water', on_time: false } };
  const expected = await api<EventPreview>(server, 'previewEvent', { ...event, purpose: 'E2E: the figures' });
  expect(expected.counts).toBe(true);
  const eventsBefore = (await api(server, 'citizenEvents', { citizenId: target.citizenId, limit: 1 })).total as number;

  await openConsole(page, server, `/citizen/${target.citizenId}`);
  await page.getByTestId('record-event-button').click();
  const modal = page.getByTestId('record-event-modal');
  await page.getByTestId('record-event-kind').click();
  await page.getByRole('option', { name: 'bill payment', exact: true }).click();
  await modal.getByTestId('record-field-amount').fill('120');
  await modal.getByTestId('record-field-provider').fill('city water');
  await modal.getByTestId('record-field-on_time').click();
  await page.getByRole('option', { name: 'no', exact: true }).click();
  await modal.getByTestId('record-event-occurred').fill('2026-10-15T09:30');
  await modal.getByTestId('record-event-preview').click();
  const effect = modal.getByTestId('record-event-effect');
  await expect(effect.getByTestId('record-event-effect-score')).toHaveText(
    expected.before!.score === expected.after!.score
      ? `${target.citizenId}'s score would stay ${expected.before!.score.toFixed(2)} (${expected.before!.tier}).`
      : `${target.citizenId}'s score would go from ${expected.before!.score.toFixed(2)} (${expected.before!.tier}) to ${expected.after!.score.toFixed(2)} (${expected.after!.tier}).`,
  );
  const sentence = effect.getByTestId('record-event-reach-sentence');
  if (expected.reach.citizens === 0) await expect(sentence).toHaveText("Recording it would move no other citizen's score.");
  else {
    await expect(sentence).toContainText(`Recording it would move ${expected.reach.citizens} other citizen`);
    await expect(sentence).toContainText(`the farthest ${expected.reach.maxHops} friendship`);
    await expect(effect.getByTestId('record-event-reach-hops').getByRole('row')).toHaveCount(expected.reach.byHop.length + 1);
  }
  await shot(page, 'record-event-effect', { fullPage: false });
  // Changing the form withdraws the preview: it was of what the form said then.
  await modal.getByTestId('record-field-amount').fill('130');
  await expect(effect).toBeHidden();
  await modal.getByTestId('record-event-preview').click();
  await expect(modal.getByTestId('record-event-effect')).toBeVisible();

  await page.keyboard.press('Escape');
  expect((await api(server, 'citizenEvents', { citizenId: target.citizenId, limit: 1 })).total, 'a preview records nothing').toBe(eventsBefore);
  expect(pageErrors).toEqual([]);
});

test("a draft ruleset's simulation shows how many citizens' scores move through friendships and how far", async ({ page, pageErrors }) => {
  test.setTimeout(300_000);
  // The draft: theft of utilities costs 300 points instead of 60.
  await openConsole(page, server, '/rules');
  await page.getByTestId('rules-tab-editor').click();
  await page.locator('[data-testid="rule-item"][data-rule-id="utility-theft"]').click();
  await page.getByTestId('rule-points').fill('-300');
  await expect(page.getByTestId('draft-validity')).toHaveText('valid');
  await page.getByTestId('rules-tab-simulate').click();
  await page.getByTestId('simulate-button').click();
  await expect(page.getByTestId('simulation-results')).toBeVisible({ timeout: 60_000 });
  const reach = page.getByTestId('sim-reach');
  await expect(reach.getByTestId('sim-reach-sentence')).toContainText('Through friendships, the draft also moves');
  const rows = reach.getByTestId('sim-reach-hops').getByRole('row');
  expect(await rows.count()).toBeGreaterThan(1);
  // The counts by distance add up to the sentence's figure.
  const cells = await reach.getByTestId('sim-reach-hops').locator('tbody td').allTextContents();
  const total = cells.reduce((n, c) => n + readNumber(c), 0);
  await expect(reach.getByTestId('sim-reach-sentence')).toContainText(`moves ${total.toLocaleString('en')} citizen`);
  await reach.scrollIntoViewIfNeeded();
  await reach.screenshot({ path: 'test-results/screenshots/simulation-reach.png' });
  await shot(page, 'simulation-reach-page', { fullPage: false });
  expect(pageErrors).toEqual([]);
});

test('in Chinese: the effect of an event before it is recorded, and a draft that changes only the friend-penalty threshold reaching every citizen it moves', async ({ page, pageErrors }) => {
  test.setTimeout(300_000);
  await api(server, 'setLanguage', { language: 'zh-CN' });
  try {
    const target = await findTarget();
    const expected = await api<EventPreview>(server, 'previewEvent', {
      citizenId: target.citizenId,
      kind: 'bill_payment',
      occurredAt: '2026-10-16T09:30:00Z',
      data: { amount: 80, provider: '济南供水', on_time: false },
      purpose: 'E2E: the figures in Chinese',
    });
    await openConsole(page, server, `/citizen/${target.citizenId}`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    // The language is chosen before the dialog opens: its overlay covers the header.
    await page.getByTestId('record-event-button').click();
    const modal = page.getByTestId('record-event-modal');
    await page.getByTestId('record-event-kind').click();
    await page.getByRole('option', { name: '缴费记录', exact: true }).click();
    await modal.getByTestId('record-field-amount').fill('80');
    await modal.getByTestId('record-field-provider').fill('济南供水');
    await modal.getByTestId('record-field-on_time').click();
    await page.getByRole('option', { name: '否', exact: true }).click();
    await modal.getByTestId('record-event-occurred').fill('2026-10-16T09:30');
    await modal.getByTestId('record-event-preview').click();
    const effect = modal.getByTestId('record-event-effect');
    await expect(effect.getByTestId('record-event-effect-score')).toContainText(expected.before!.score.toFixed(2));
    await expect(effect.getByTestId('record-event-effect-score')).toContainText(expected.after!.score.toFixed(2));
    const sentence = effect.getByTestId('record-event-reach-sentence');
    if (expected.reach.citizens === 0) await expect(sentence).toHaveText('录入该记录不会影响其他公民的信用分。');
    else await expect(sentence).toHaveText(`录入该记录将通过好友关系影响其他 ${expected.reach.citizens} 名公民的信用分，最远相隔 ${expected.reach.maxHops} 层好友关系。`);
    await expect(effect).not.toContainText(/[A-Za-z]{4,}/);
    await shot(page, 'zh-record-event-effect', { fullPage: false });
    await page.keyboard.press('Escape');

    // A draft that changes only T: no citizen's own score moves, so every citizen it moves is reached through friendships.
    await page.getByTestId('nav-rules').click();
    await page.getByTestId('rules-tab-editor').click();
    await page.getByTestId('select-parameters').click();
    const threshold = page.getByTestId('param-fp-threshold');
    await threshold.fill('');
    await threshold.fill('900');
    await expect(page.getByTestId('draft-validity')).toHaveText('校验通过');
    await page.getByTestId('rules-tab-simulate').click();
    await page.getByTestId('simulate-button').click();
    await expect(page.getByTestId('simulation-results')).toBeVisible({ timeout: 120_000 });
    const reach = page.getByTestId('sim-reach');
    await expect(reach.getByTestId('sim-reach-sentence')).toContainText('草案修改了关联扣分参数，因此通过好友关系将影响');
    const cells = await reach.getByTestId('sim-reach-hops').locator('tbody td').allTextContents();
    const reached = cells.reduce((n, c) => n + readNumber(c), 0);
    const changed = readNumber((await page.getByTestId('sim-changed').textContent()) ?? '');
    expect(reached, 'every citizen the settings move is reached through friendships').toBe(changed);
    await expect(reach.getByTestId('sim-reach-sentence')).toContainText(`将影响 ${reached.toLocaleString('zh-CN')} 名`);
    await reach.scrollIntoViewIfNeeded();
    await reach.screenshot({ path: 'test-results/screenshots/zh-simulation-settings-reach.png' });
    await shot(page, 'zh-simulation-settings-reach-page', { fullPage: false });
  } finally {
    await api(server, 'setLanguage', { language: 'en' });
  }
  expect(pageErrors).toEqual([]);
});
