/**
 * Small random populations for the §7 invariant tests: a fast-check
 * arbitrary of citizens, friendships and events, a writer of interchange
 * folders (event_kinds.json, citizens.csv, relationships.csv, events.csv), a
 * ruleset that exercises caps, ttl windows and evaluation errors, and
 * snapshots of what a database holds.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../electron/db/connection.js';

export const AS_OF = '2025-06-30T12:00:00.000Z';
const AS_OF_MS = Date.parse(AS_OF);
const DAY_MS = 86_400_000;

export const POPULATION_KINDS = [
  { kind: 'late_payment', fields: { amount: { type: 'number' }, on_time: { type: 'bool' } } },
  {
    kind: 'volunteer_service',
    fields: { hours: { type: 'number' }, organisation: { type: 'string' }, health_condition: { type: 'string', protected: true } },
  },
  { kind: 'court_judgment', fields: { case_type: { type: 'string' }, judgment_date: { type: 'date' } } },
];

/**
 * Negative rules big enough to push citizens below the friend threshold, a
 * cap on each side, ttl windows that cut some events, and a rule that fails
 * on events without `amount` (evaluation errors contribute 0).
 */
export const POPULATION_RULESET = {
  base_score: 1000,
  score_min: 0,
  score_max: 2000,
  friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
  tiers: [
    { name: 'AAA', min: 1050 },
    { name: 'AA', min: 1030 },
    { name: 'A', min: 960 },
    { name: 'B', min: 850 },
    { name: 'C', min: 600 },
    { name: 'D', min: 0 },
  ],
  rules: [
    {
      id: 'late',
      name: 'Late payment',
      description: '',
      dimension: 'financial',
      event_kind: 'late_payment',
      condition: '!event.on_time',
      points: '-1.5 * event.amount',
      ttl_days: 365,
      cap: { min: -400 },
    },
    {
      id: 'on-time',
      name: 'Paid on time',
      description: '',
      dimension: 'financial',
      event_kind: 'late_payment',
      condition: 'has(event.on_time) && event.on_time',
      points: '3',
      cap: { max: 12 },
    },
    {
      id: 'volunteer',
      name: 'Volunteering',
      description: '',
      dimension: 'civic',
      event_kind: 'volunteer_service',
      condition: 'has(event.hours) && event.hours > 0.0',
      points: 'event.hours / 4.0',
      ttl_days: 1096,
      cap: { max: 40 },
    },
    {
      id: 'judgment',
      name: 'Court judgment',
      description: '',
      dimension: 'legal',
      event_kind: 'court_judgment',
      condition: 'true',
      points: 'event.case_type == "fraud" ? -250 : (event.case_type == "civil" ? -90 : -15)',
    },
  ],
};

export interface CitizenRow {
  id: string;
  name: string;
  district: string;
}
export interface RelationshipRow {
  a: string;
  b: string;
  since: string;
  until: string;
}
export interface EventRow {
  id: string;
  citizen: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

export interface Population {
  citizens: CitizenRow[];
  relationships: RelationshipRow[];
  events: EventRow[];
}

/** Dates around AS_OF: some friendships start later, some ended before. */
const DATES = ['2019-01-01', '2023-05-10', '2025-06-29', '2025-06-30', '2025-07-01', '2026-01-01'];

function isoDay(offsetDays: number): string {
  return new Date(AS_OF_MS + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

const eventDataArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('late_payment'),
      data: fc.record({ amount: fc.integer({ min: 0, max: 400 }).map((x) => x / 2), on_time: fc.boolean() }, { requiredKeys: [] }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('volunteer_service'),
      data: fc.record(
        { hours: fc.double({ min: 0, max: 200, noNaN: true }), organisation: fc.constantFrom('Red Cross', 'Library'), health_condition: fc.constant('asthma') },
        { requiredKeys: [] },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('court_judgment'),
      data: fc.record({ case_type: fc.constantFrom('fraud', 'civil', 'traffic') }),
    }),
  },
);

/** A population of minCitizens..maxCitizens citizens with random friendships and events. */
export function populationArb(minCitizens = 3, maxCitizens = 14, maxEvents = 40): fc.Arbitrary<Population> {
  return fc.integer({ min: minCitizens, max: maxCitizens }).chain((n) => {
    const ids = Array.from({ length: n }, (_, i) => `C${String(i).padStart(3, '0')}`);
    const pair = fc
      .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => (a < b ? [a, b] : [b, a]) as [number, number]);
    const relationship = fc.record({
      pair,
      since: fc.constantFrom(...DATES.slice(0, 4)),
      until: fc.option(fc.constantFrom(...DATES.slice(2)), { nil: undefined }),
    });
    const event = fc.record({
      citizen: fc.integer({ min: 0, max: n - 1 }),
      // Mostly inside the windows, some older than a ttl, a few after asOf.
      day: fc.oneof(fc.integer({ min: -300, max: 0 }), fc.integer({ min: -1500, max: 10 })),
      body: eventDataArb,
    });
    return fc
      .record({
        relationships: fc.uniqueArray(relationship, { maxLength: n * 2, selector: (r) => `${r.pair[0]}:${r.pair[1]}` }),
        events: fc.array(event, { minLength: Math.min(n, maxEvents), maxLength: maxEvents }),
      })
      .map(({ relationships, events }) => ({
        citizens: ids.map((id, i) => ({ id, name: `Citizen ${i}`, district: i % 2 === 0 ? 'North' : 'South' })),
        relationships: relationships.map((r) => ({
          a: ids[r.pair[0]],
          b: ids[r.pair[1]],
          since: r.since,
          until: r.until !== undefined && r.until > r.since ? r.until : '',
        })),
        events: events.map((e, k) => ({
          id: `E${k}`,
          citizen: ids[e.citizen],
          kind: e.body.kind,
          at: `${isoDay(e.day)}T08:00:00Z`,
          data: e.body.data as Record<string, unknown>,
        })),
      }));
  });
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

export interface FolderContent {
  kinds?: boolean;
  citizens?: CitizenRow[];
  relationships?: RelationshipRow[];
  events?: EventRow[];
}

/** Writes an interchange folder holding only the files that have content. */
export function writeFolder(dir: string, content: FolderContent): string {
  mkdirSync(dir, { recursive: true });
  if (content.kinds) writeFileSync(join(dir, 'event_kinds.json'), JSON.stringify(POPULATION_KINDS, null, 2));
  if (content.citizens?.length) {
    writeFileSync(
      join(dir, 'citizens.csv'),
      csv(['citizen_id', 'name', 'district', 'birth_date'], content.citizens.map((c) => [c.id, c.name, c.district, ''])),
    );
  }
  if (content.relationships?.length) {
    writeFileSync(join(dir, 'relationships.csv'), csv(['a', 'b', 'since', 'until'], content.relationships.map((r) => [r.a, r.b, r.since, r.until])));
  }
  if (content.events?.length) {
    writeFileSync(
      join(dir, 'events.csv'),
      csv(['event_id', 'citizen_id', 'kind', 'occurred_at', 'data'], content.events.map((e) => [e.id, e.citizen, e.kind, e.at, JSON.stringify(e.data)])),
    );
  }
  return dir;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StoredScoreRow {
  citizen_id: string;
  cents: number;
  tier: string;
}

export function storedScores(db: Db): StoredScoreRow[] {
  return db.prepare('SELECT c.citizen_id, s.cents, s.tier FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id').all() as StoredScoreRow[];
}

/** Everything an import could touch, for "nothing changed" comparisons. */
export function databaseSnapshot(db: Db) {
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    operations: count('operations'),
    ledger: count('ledger'),
    scores: db.prepare('SELECT citizen_idx, cents, tier, s, own, penalty, totals FROM scores ORDER BY citizen_idx').all(),
    events: db.prepare('SELECT idx, event_id, data, retracted_by FROM events ORDER BY idx').all(),
    citizens: db.prepare('SELECT idx, citizen_id, name, district, birth_date FROM citizens ORDER BY idx').all(),
    relationships: db.prepare('SELECT a, b, since, until FROM relationships ORDER BY a, b').all(),
    contributions: count('contributions'),
  };
}
