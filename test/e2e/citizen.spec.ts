/**
 * A citizen's record: the explanation on the page adds up to the displayed
 * score to the cent (parts that are not whole cents are shown exactly, and
 * the score is own − penalty rounded once), the friend shares add up to the
 * penalty, and the reasons, audit trail, viewers and events are there.
 */
import type { Page } from '@playwright/test';
import { api, cents, expect, openConsole, readNumber, sharedConsole, shot, test } from './fixtures';

const c = sharedConsole();

/** Millionths (the page shows parts to at most six decimals), as integers. */
const micros = (x: number): number => Math.round(x * 1e6);
/** An amount rounded to the cent half away from zero, as the stored score is (SCORING_MODEL §5), in cents. */
function roundedCents(x: number): number {
  const m = micros(x);
  return Math.sign(m) * Math.floor((Math.abs(m) + 5_000) / 10_000);
}

interface Explanation {
  citizenId: string;
  name: string;
  base: number;
  own: number;
  score: number;
  friendPenalty: number;
  rules: { ruleName: string; total: number }[];
  friends: { share: number }[];
  reasonCodes: { label: string; points: number }[];
}
interface CitizenRecord {
  summary: { citizenId: string; name: string };
  explanation: Explanation | null;
  history: unknown[];
  eventCount: number;
}

/** The demo citizens' records, fetched through the API in ID order as far as needed, and kept for the worker. */
const records: CitizenRecord[] = [];
let ids: string[] | null = null;
async function findRecord(wanted: (r: CitizenRecord) => boolean, what: string): Promise<CitizenRecord> {
  const known = records.find(wanted);
  if (known) return known;
  ids ??= (await api<{ rows: { citizenId: string }[] }>(c, 'search', { limit: 500 })).rows.map((r) => r.citizenId);
  for (const citizenId of ids.slice(records.length)) {
    const r = await api<CitizenRecord>(c, 'citizen', { citizenId });
    records.push(r);
    if (wanted(r)) return r;
  }
  throw new Error(`no demo citizen is ${what}`);
}

/** What the page shows, read from the page only. */
async function readBreakdown(page: Page) {
  const base = readNumber(await page.getByTestId('breakdown-base').textContent());
  const ruleTotals = (await page.getByTestId('breakdown-rule-total').allTextContents()).map(readNumber);
  const own = readNumber(await page.getByTestId('breakdown-own').textContent());
  const ownLabel = (await page.getByRole('row').filter({ has: page.getByTestId('breakdown-own') }).textContent()) ?? '';
  const penalty = -readNumber(await page.getByTestId('breakdown-penalty').textContent());
  const score = readNumber(await page.getByTestId('breakdown-score').textContent());
  const headline = readNumber(await page.getByTestId('citizen-score').textContent());
  const shares = (await page.getByTestId('friend-share').allTextContents()).map((t) => -readNumber(t));
  return { base, ruleTotals, own, clamped: /clamped/.test(ownLabel), penalty, score, headline, shares };
}

/** base + rule totals, rounded to the cent, is the own score; own − penalty, rounded to the cent, is the score. */
function expectAddsUp(shown: Awaited<ReturnType<typeof readBreakdown>>, id: string): void {
  const own = shown.base + shown.ruleTotals.reduce((s, t) => s + t, 0);
  expect(roundedCents(own), `${id}: base ${shown.base} + rules ${shown.ruleTotals.join(' ')} should be the own score ${shown.own}`).toBe(cents(shown.own));
  expect(roundedCents(shown.own - shown.penalty), `${id}: own ${shown.own} − penalty ${shown.penalty} should be the score ${shown.score}`).toBe(cents(shown.score));
}

test('the explanation adds up to the displayed score, to the cent, and shows reasons, audit trail and events', async ({ page, pageErrors }) => {
  const chosen = await findRecord(
    (r) => !!r.explanation && r.explanation.friendPenalty > 0 && r.explanation.rules.length >= 2 && r.explanation.reasonCodes.length >= 2 && r.history.length >= 1 && r.eventCount >= 3,
    'a citizen with a friend penalty, two rules and two reasons',
  );
  const id = chosen.summary.citizenId;

  await openConsole(page, c, `/citizen/${id}`);
  await expect(page.getByTestId('citizen-name')).toHaveText(chosen.summary.name);
  await expect(page.getByTestId('breakdown-rule')).toHaveCount(chosen.explanation!.rules.length);
  await expect(page.getByTestId('event-row').first()).toBeVisible();
  await shot(page, 'citizen-record');

  const shown = await readBreakdown(page);
  expect(shown.ruleTotals.length).toBeGreaterThanOrEqual(2);
  // base + rule totals = own (the page says so when a clamp to the score range cut it)
  expect(shown.clamped).toBe(false);
  expectAddsUp(shown, id);
  expect(shown.penalty).toBeGreaterThan(0);
  expect(shown.headline).toBe(shown.score);
  // the friend shares (shown to the cent) add up to the penalty (shown to the cent, or exactly when it has a third decimal)
  expect(shown.shares.length).toBeGreaterThan(0);
  expect(Math.abs(shown.shares.reduce((s, x) => s + x, 0) - shown.penalty)).toBeLessThanOrEqual(0.005 + 0.005 * shown.shares.length + 1e-9);

  // Reason codes: the largest negative factors, each with the points the breakdown shows.
  const reasons = page.getByTestId('reason-codes').getByRole('listitem');
  await expect(reasons).toHaveCount(chosen.explanation!.reasonCodes.length);
  const ruleRows = page.getByTestId('breakdown-rule');
  for (const item of await reasons.all()) {
    const text = (await item.textContent()) ?? '';
    const pts = readNumber(/([−+±][\d,.]+)\s*$/.exec(text)?.[1] ?? null);
    expect(pts, text).toBeLessThan(0);
    if (text.startsWith('Friends')) expect(micros(-pts)).toBe(micros(shown.penalty));
    else {
      const label = text.replace(/\s*[−+±][\d,.]+\s*$/, '');
      const row = ruleRows.filter({ hasText: label });
      await expect(row, `a breakdown row for reason "${label}"`).toHaveCount(1);
      expect(readNumber(await row.getByTestId('breakdown-rule-total').textContent())).toBe(pts);
    }
  }

  // Audit trail: at least one entry, each with its operation's written reason.
  const entries = page.getByTestId('audit-entry');
  expect(await entries.count()).toBeGreaterThanOrEqual(1);
  for (const reason of await page.getByTestId('audit-reason').allTextContents()) expect(reason.trim().length).toBeGreaterThan(0);
  await expect(entries.first().getByRole('link')).toHaveText(/#\d+ ruleset published/);

  // Who opened this record: this opening, by the account the page is logged in as.
  await expect(page.getByTestId('record-viewers').getByRole('row').filter({ hasText: c.account.username }).first()).toBeVisible();

  // Events on record: the heading's count and the first rows.
  await expect(page.getByRole('heading', { name: `Events on record (${chosen.eventCount})` })).toBeVisible();
  const events = await api<{ rows: { eventId: string; kind: string }[] }>(c, 'citizenEvents', { citizenId: id, limit: 5 });
  const eventRows = page.getByTestId('event-row');
  const shownEvents = await eventRows.count();
  expect(shownEvents).toBeGreaterThan(0);
  expect(shownEvents).toBeLessThanOrEqual(chosen.eventCount);
  // newest first, with date and id, under the heading of its kind (the kind that had the newest event comes first)
  await expect(eventRows.first()).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d/);
  await expect(eventRows.first()).toContainText(events.rows[0].eventId);
  await expect(page.getByTestId('event-kind-group').first()).toHaveAttribute('data-kind', events.rows[0].kind);
  await expect(eventRows.first().getByTestId('event-standing')).toBeVisible();

  // A rule opens on the events that made its total.
  const firstRule = ruleRows.first();
  await firstRule.getByRole('button').click();
  await expect(firstRule.getByRole('button')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('score-breakdown').getByText(/^E\d+ · \d{4}-/).first()).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('a friend penalty with half a cent is shown exactly and still adds up on the page: own − penalty = score', async ({ page }) => {
  // SCORING_MODEL §5: the stored score is own − penalty rounded once, so the page shows the penalty unrounded.
  const halfCent = (x: number) => Math.abs(x * 1000 - Math.round(x * 1000)) < 1e-6 && Math.round(x * 1000) % 10 === 5;
  const chosen = await findRecord((r) => !!r.explanation && halfCent(r.explanation.friendPenalty), 'a citizen whose friend penalty ends in half a cent');
  const id = chosen.summary.citizenId;
  await openConsole(page, c, `/citizen/${id}`);
  await expect(page.getByTestId('breakdown-score')).toBeVisible();
  await shot(page, 'citizen-half-cent-penalty');
  const shown = await readBreakdown(page);
  expect(micros(shown.penalty), `${id}: the penalty as shown`).toBe(micros(chosen.explanation!.friendPenalty));
  expect(shown.headline).toBe(shown.score);
  expectAddsUp(shown, id);
});

test('the "by friend" button of the breakdown scrolls to the friends and stays on the record', async ({ page }) => {
  const chosen = await findRecord((r) => !!r.explanation && r.explanation.friendPenalty > 0, 'a citizen with a friend penalty');
  const id = chosen.summary.citizenId;
  // A narrow window stacks the cards, so the friends start below the fold.
  await page.setViewportSize({ width: 900, height: 700 });
  await openConsole(page, c, `/citizen/${id}`);
  await expect(page.getByTestId('friends-table')).not.toBeInViewport();
  await page.getByTestId('score-breakdown').getByRole('button', { name: 'by friend' }).click();
  const notFound = page.getByText('This page does not exist.');
  // Either the friends come into view or the console lost the record: wait for one, then say which.
  await expect(page.getByTestId('friends-table').or(notFound).first()).toBeVisible();
  expect(await notFound.count(), 'the page after clicking "by friend"').toBe(0);
  expect(page.url()).toMatch(new RegExp(`#/citizen/${id}$`));
  await expect(page.getByTestId('friends-table')).toBeInViewport();
  await shot(page, 'citizen-by-friend-scrolled', { fullPage: false });
});

test('an unknown citizen id says so instead of showing an empty record', async ({ page }) => {
  await openConsole(page, c, '/citizen/C9999999');
  await expect(page.getByRole('alert')).toContainText('C9999999');
  await expect(page.getByTestId('citizen-score')).toHaveCount(0);
  await shot(page, 'citizen-unknown');
});
