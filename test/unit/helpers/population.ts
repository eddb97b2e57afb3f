/**
 * Populations for the §7 invariant tests, large and dense enough to matter:
 * hundreds of citizens on a ring, each with 5-20 mostly local friends, low
 * scorers clustered in stretches of the ring with mediocre neighbours around
 * them (so a friend penalty travels several hops), events and friendships
 * exactly on the ttl and `until` boundaries of both as-ofs, contributions on
 * micro-point and cent ties, and a history of operations after publishing
 * (batched imports on a chosen scoring path, a recorded event, retractions,
 * friendship date changes, adjustments, a retention purge, a new as-of, a new
 * ruleset version).
 *
 * A scenario is built from a few drawn numbers by a seeded generator, so
 * fast-check draws (and reports) only those. Each ruleset is given twice:
 * as the CEL the engine publishes and as the JS twin the reference scorer
 * (test/reference/scorer.ts) evaluates.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../electron/db/connection.js';
import { instantMs, type Data, type RefInput, type RefRule, type RefRuleset } from '../../reference/scorer.js';

const DAY_MS = 86_400_000;

export const POPULATION_KINDS = [
  { kind: 'late_payment', fields: { amount: { type: 'number' }, on_time: { type: 'bool' } } },
  {
    kind: 'volunteer_service',
    fields: { hours: { type: 'number' }, organisation: { type: 'string' }, health_condition: { type: 'string', protected: true } },
  },
  { kind: 'court_judgment', fields: { case_type: { type: 'string' }, judgment_date: { type: 'date' } } },
  { kind: 'adjustment_note', fields: { p: { type: 'number' } } },
];

const TIERS = [
  { name: 'AAA', min: 1050 },
  { name: 'AA', min: 1030 },
  { name: 'A', min: 960 },
  { name: 'B', min: 850 },
  { name: 'C', min: 600 },
  { name: 'D', min: 0 },
];

/** Reading a field the event lacks is an evaluation error in CEL: the JS twins throw alike. */
function field(d: Data, name: string): unknown {
  if (!Object.hasOwn(d, name)) throw new Error(`no such key: ${name}`);
  return d[name];
}

export interface RulesetParams {
  lateTtl: number;
  lateCapMin: number;
  volunteerTtl: number;
  noteTtl: number;
  weight: number;
  penaltyCap: number;
}

export const rulesetParamsArb: fc.Arbitrary<RulesetParams> = fc.record({
  lateTtl: fc.constantFrom(1, 30, 365),
  lateCapMin: fc.constantFrom(-400, -150),
  volunteerTtl: fc.constantFrom(7, 1096),
  noteTtl: fc.constantFrom(1, 10, 90),
  weight: fc.constantFrom(0.5, 0.95, 0.25),
  penaltyCap: fc.constantFrom(100, 60),
});

/**
 * The ruleset as published (CEL) and its JS twin for the reference: caps on
 * both sides, ttl windows, a rule that errors on events without `on_time` or
 * `amount`, and a rule whose points are whatever the event says (`p`: the
 * micro-point and cent ties).
 */
export function makeRuleset(p: RulesetParams): { spec: Record<string, unknown>; reference: RefRuleset } {
  const rules: (RefRule & { cel: { condition: string; points: string } })[] = [
    {
      id: 'late',
      eventKind: 'late_payment',
      cel: { condition: '!event.on_time', points: '-1.5 * event.amount' },
      condition: (d) => !field(d, 'on_time'),
      points: (d) => -1.5 * (field(d, 'amount') as number),
      ttlDays: p.lateTtl,
      cap: { min: p.lateCapMin },
    },
    {
      id: 'on-time',
      eventKind: 'late_payment',
      cel: { condition: 'has(event.on_time) && event.on_time', points: '3' },
      condition: (d) => Object.hasOwn(d, 'on_time') && d.on_time === true,
      points: () => 3,
      cap: { max: 12 },
    },
    {
      id: 'volunteer',
      eventKind: 'volunteer_service',
      cel: { condition: 'has(event.hours) && event.hours > 0.0', points: 'event.hours / 4.0' },
      condition: (d) => Object.hasOwn(d, 'hours') && (d.hours as number) > 0,
      points: (d) => (field(d, 'hours') as number) / 4,
      ttlDays: p.volunteerTtl,
      cap: { max: 40 },
    },
    {
      id: 'judgment',
      eventKind: 'court_judgment',
      cel: { condition: 'true', points: 'event.case_type == "fraud" ? -250 : (event.case_type == "civil" ? -90 : -15)' },
      condition: () => true,
      points: (d) => {
        const t = field(d, 'case_type');
        return t === 'fraud' ? -250 : t === 'civil' ? -90 : -15;
      },
    },
    {
      id: 'note',
      eventKind: 'adjustment_note',
      cel: { condition: 'true', points: 'event.p' },
      condition: () => true,
      points: (d) => field(d, 'p') as number,
      ttlDays: p.noteTtl,
      cap: { min: -500, max: 500 },
    },
  ];
  const spec = {
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: p.weight, cap: p.penaltyCap },
    tiers: TIERS,
    rules: rules.map((r) => ({
      id: r.id,
      name: r.id,
      description: '',
      dimension: 'test',
      event_kind: r.eventKind,
      condition: r.cel.condition,
      points: r.cel.points,
      ...(r.ttlDays !== undefined ? { ttl_days: r.ttlDays } : {}),
      ...(r.cap ? { cap: r.cap } : {}),
    })),
  };
  const reference: RefRuleset = { baseScore: 1000, scoreMin: 0, scoreMax: 2000, threshold: 850, weight: p.weight, penaltyCap: p.penaltyCap, tiers: TIERS, rules };
  return { spec, reference };
}

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
export type ScoringPath = 'incremental' | 'full' | 'auto';

export type Step =
  | { op: 'import'; path: ScoringPath; citizens: CitizenRow[]; relationships: RelationshipRow[]; events: EventRow[] }
  | { op: 'retract'; eventId: string }
  | { op: 'dates'; path: ScoringPath; relationship: RelationshipRow }
  | { op: 'adjust'; citizen: string; points: number }
  | { op: 'record'; event: EventRow }
  /** Scoring moved to a new as-of, on a chosen path (the incremental one rescores only the citizens the move concerns). */
  | { op: 'recompute'; asOf: string; path: ScoringPath }
  /** A kind's retention set to `days`, then a purge as of `asOf` (deletes its events with occurred_at <= asOf - days). */
  | { op: 'purge'; kind: string; days: number; asOf: string; path: ScoringPath }
  /** A new ruleset version at the current as-of: other weight, penalty cap and late-payment cap (same ttls, so the boundary events still sit on them). */
  | { op: 'publish'; ruleset: { spec: Record<string, unknown>; reference: RefRuleset } };

export interface Scenario {
  asOf: string;
  laterAsOf: string;
  ruleset: { spec: Record<string, unknown>; reference: RefRuleset };
  /** Imported before publishing. */
  initial: { citizens: CitizenRow[]; relationships: RelationshipRow[]; events: EventRow[] };
  steps: Step[];
}

export interface ScenarioParams {
  seed: number;
  citizens: number;
  clusters: number;
  asOf: number;
  later: number;
  ruleset: RulesetParams;
  /** Share (0-10) of imports forced on the incremental path; the rest split between full and auto. */
  incrementalShare: number;
}

/** Scoring instants: midday, midnight, the last millisecond of a day, and one written with an offset. */
const AS_OFS = ['2025-06-30T12:00:00.000Z', '2025-07-01T00:00:00Z', '2025-06-30T23:59:59.999Z', '2025-07-01T01:30:00+01:30'];
/** How far the second as-of moves, in ms: a day, a week, past a year. */
const LATER = [DAY_MS, 7 * DAY_MS + 3_600_000, 400 * DAY_MS];

export const scenarioParamsArb = (minCitizens = 150, maxCitizens = 400): fc.Arbitrary<ScenarioParams> =>
  fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    citizens: fc.integer({ min: minCitizens, max: maxCitizens }),
    clusters: fc.integer({ min: 2, max: 4 }),
    asOf: fc.integer({ min: 0, max: AS_OFS.length - 1 }),
    later: fc.integer({ min: 0, max: LATER.length - 1 }),
    ruleset: rulesetParamsArb,
    incrementalShare: fc.integer({ min: 6, max: 9 }),
  });

/** mulberry32: a small seeded generator, so a scenario is a pure function of its parameters. */
function rngOf(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return { next, int, pick, chance: (p: number) => next() < p };
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => isoDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);

/** An instant written in one of several RFC 3339 spellings (Z, with or without millis, an offset). */
function spell(ms: number, style: number): string {
  const iso = new Date(ms).toISOString();
  if (style === 0) return iso;
  if (style === 1 && ms % 1000 === 0) return iso.replace('.000Z', 'Z');
  const offsetMin = style === 2 ? 120 : -330;
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Points on ties: cent ties (multiples of 0.005) and micro-point ties (odd multiples of 1/128 = 7812.5 micro-points), both signs. */
function tiePoints(rng: ReturnType<typeof rngOf>): number {
  const v = rng.chance(0.5) ? rng.int(1, 400) * 0.005 : (2 * rng.int(0, 300) + 1) / 128;
  return rng.chance(0.5) ? -v : v;
}

export function buildScenario(p: ScenarioParams): Scenario {
  const rng = rngOf(p.seed);
  const ruleset = makeRuleset(p.ruleset);
  const asOf = AS_OFS[p.asOf];
  const asOfMs = Date.parse(asOf);
  const laterMs = asOfMs + LATER[p.later];
  const laterAsOf = new Date(laterMs).toISOString();
  const n = p.citizens;
  const ids = Array.from({ length: n }, (_, i) => `C${String(i).padStart(4, '0')}`);
  const citizens = ids.map((id, i) => ({ id, name: `Citizen ${i}`, district: ['North', 'South', 'East'][i % 3] }));

  // Profiles: clustered stretches of the ring with severe cores and mediocre margins.
  const profile = new Array<'ordinary' | 'mediocre' | 'severe'>(n).fill('ordinary');
  for (let c = 0; c < p.clusters; c++) {
    const start = rng.int(0, n - 1);
    const core = rng.int(3, 8);
    const margin = rng.int(4, 10);
    for (let k = -margin; k < core + margin; k++) {
      const i = (((start + k) % n) + n) % n;
      if (k >= 0 && k < core) profile[i] = 'severe';
      else if (profile[i] !== 'severe') profile[i] = 'mediocre';
    }
  }

  // Friendships: 5-20 each, mostly within 12 places on the ring, some across it.
  const pairs = new Map<string, RelationshipRow>();
  const degree = new Array<number>(n).fill(0);
  const key = (i: number, j: number) => (i < j ? `${i}:${j}` : `${j}:${i}`);
  const asOfDate = isoDate(asOfMs);
  const laterDate = isoDate(laterMs);
  /** since/until around the two as-ofs, on and beside the boundaries. */
  const boundaryDates = (): { since: string; until: string } =>
    rng.pick([
      { since: asOfDate, until: '' },
      { since: addDays(asOfDate, 1), until: '' },
      { since: '2019-03-01', until: asOfDate },
      { since: '2019-03-01', until: addDays(asOfDate, 1) },
      { since: laterDate, until: '' },
      { since: addDays(laterDate, 1), until: '' },
      { since: '2021-01-01', until: laterDate },
      { since: asOfDate, until: addDays(laterDate, 1) },
    ]);
  const addPair = (i: number, j: number, dates: { since: string; until: string }) => {
    if (i === j || pairs.has(key(i, j)) || degree[i] >= 20 || degree[j] >= 20) return false;
    const [a, b] = i < j ? [ids[i], ids[j]] : [ids[j], ids[i]];
    pairs.set(key(i, j), { a, b, ...dates });
    degree[i]++;
    degree[j]++;
    return true;
  };
  for (let i = 0; i < n; i++) {
    const target = rng.int(5, 20);
    for (let tries = 0; degree[i] < target && tries < 80; tries++) {
      const j = rng.chance(0.9) ? (i + rng.int(-12, 12) + n) % n : rng.int(0, n - 1);
      const dates = rng.chance(0.08) ? boundaryDates() : { since: rng.pick(['2018-01-01', '2022-06-15', '2024-12-31']), until: rng.chance(0.05) ? '2030-01-01' : '' };
      addPair(i, j, dates);
    }
  }

  // Events: by profile, plus ties, plus the ttl boundaries of each ttl rule at both as-ofs.
  const events: EventRow[] = [];
  let eventNo = 0;
  const add = (citizen: number, kind: string, ms: number, data: Record<string, unknown>) =>
    events.push({ id: `E${++eventNo}`, citizen: ids[citizen], kind, at: spell(ms, rng.int(0, 3)), data });
  const recent = (days: number) => asOfMs - rng.int(0, days * 24) * 3_600_000 - rng.int(0, 999);
  for (let i = 0; i < n; i++) {
    if (profile[i] === 'severe' && rng.chance(process.env.NO_FLOOR ? 0 : 0.35)) {
      // At the floor: own clamped at score_min, or so close that the penalty clamps s there.
      for (let k = 0; k < 3; k++) add(i, 'court_judgment', recent(900), { case_type: 'fraud' });
      add(i, 'adjustment_note', recent(p.ruleset.noteTtl), { p: -rng.int(160, 400) });
    } else if (profile[i] === 'severe') {
      for (let k = rng.int(1, 3); k > 0; k--) add(i, 'court_judgment', recent(900), { case_type: rng.pick(['fraud', 'civil', 'fraud']) });
      add(i, 'late_payment', recent(p.ruleset.lateTtl), { amount: rng.int(100, 400) / 2, on_time: false });
    } else if (profile[i] === 'mediocre') {
      add(i, 'late_payment', recent(p.ruleset.lateTtl), { amount: rng.int(60, 130), on_time: false });
      if (rng.chance(0.4)) add(i, 'court_judgment', recent(900), { case_type: rng.pick(['civil', 'traffic']) });
    } else {
      for (let k = rng.int(0, 2); k > 0; k--) add(i, 'late_payment', recent(400), rng.chance(0.1) ? { amount: 20 } : { amount: rng.int(0, 40), on_time: rng.chance(0.7) });
      if (rng.chance(0.4)) add(i, 'volunteer_service', recent(1200), rng.chance(0.5) ? { hours: rng.next() * 200, organisation: 'Library' } : { hours: rng.int(1, 200) / 32, health_condition: 'asthma' });
    }
    if (rng.chance(0.25)) add(i, 'adjustment_note', recent(p.ruleset.noteTtl), { p: tiePoints(rng) });
    // Events after the first as-of: they count only once the as-of moves.
    if (rng.chance(0.05)) add(i, 'court_judgment', asOfMs + rng.int(1, 3 * 24) * 3_600_000, { case_type: 'civil' });
  }
  const boundaryData: Record<string, () => Record<string, unknown>> = {
    late_payment: () => ({ amount: rng.int(40, 120), on_time: false }),
    volunteer_service: () => ({ hours: rng.int(8, 160) }),
    adjustment_note: () => ({ p: rng.chance(0.5) ? -rng.int(20, 150) : tiePoints(rng) }),
  };
  const ttls: [string, number][] = [
    ['late_payment', p.ruleset.lateTtl],
    ['volunteer_service', p.ruleset.volunteerTtl],
    ['adjustment_note', p.ruleset.noteTtl],
  ];
  for (const at of [asOfMs, laterMs]) {
    for (const [kind, ttl] of ttls) {
      const lower = at - ttl * DAY_MS;
      const hour = 3_600_000;
      for (const ms of [lower, lower, lower + 1, lower - 1, lower - rng.int(1, 23) * hour, lower + rng.int(1, 23) * hour, at, at, at + 1, at - DAY_MS]) {
        add(rng.int(0, n - 1), kind, ms, boundaryData[kind]());
      }
    }
  }
  // Shuffle so that batches mix kinds and citizens.
  for (let k = events.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [events[k], events[j]] = [events[j], events[k]];
  }

  // Batches: most of the population first, then imports on a chosen path.
  const relationships = [...pairs.values()];
  const batches = 6;
  const batchOfCitizen = ids.map(() => (rng.chance(0.9) ? 0 : rng.int(1, batches)));
  const idx = new Map(ids.map((id, i) => [id, i]));
  const late = (share: number) => (rng.chance(share) ? rng.int(1, batches) : 0);
  const relBatch = relationships.map((r) => Math.max(late(0.15), batchOfCitizen[idx.get(r.a)!], batchOfCitizen[idx.get(r.b)!]));
  const evBatch = events.map((e) => Math.max(late(0.3), batchOfCitizen[idx.get(e.citizen)!]));
  const inBatch = (b: number) => ({
    citizens: citizens.filter((_, i) => batchOfCitizen[i] === b),
    relationships: relationships.filter((_, k) => relBatch[k] === b),
    events: events.filter((_, k) => evBatch[k] === b),
  });
  const pathOf = (): ScoringPath => (rng.int(1, 10) <= p.incrementalShare ? 'incremental' : rng.pick(['full', 'auto'] as const));

  const steps: Step[] = [];
  for (let b = 1; b <= batches; b++) steps.push({ op: 'import', path: pathOf(), ...inBatch(b) });
  // Retractions: low scorers' events (their penalties travel furthest) and boundary events.
  const severeEvents = events.filter((e) => profile[idx.get(e.citizen)!] !== 'ordinary');
  const retracted = new Set<string>();
  for (let k = 0; k < 4; k++) retracted.add(rng.pick(k < 2 ? severeEvents : events).id);
  // A hand-recorded event on a severe citizen: another incremental path.
  const severe = ids.filter((_, i) => profile[i] === 'severe');
  steps.push({ op: 'record', event: { id: 'R1', citizen: rng.pick(severe), kind: 'court_judgment', at: spell(asOfMs - DAY_MS, 2), data: { case_type: 'fraud' } } });
  for (const eventId of retracted) steps.push({ op: 'retract', eventId });
  // Date changes of stored friendships, onto the boundaries.
  for (let k = 0; k < 4; k++) {
    const r = rng.pick(relationships);
    let dates = boundaryDates();
    if (dates.since === r.since && dates.until === r.until) dates = { since: '2010-01-01', until: asOfDate };
    steps.push({ op: 'dates', path: pathOf(), relationship: { ...r, ...dates } });
  }
  for (let k = 0; k < 2; k++) steps.push({ op: 'adjust', citizen: rng.pick(ids), points: rng.chance(0.5) ? tiePoints(rng) : -rng.int(50, 300) });
  // Retention: court judgments (no ttl: they count until deleted) kept 300-800 days, purged as of the first as-of.
  const purge = { op: 'purge' as const, kind: 'court_judgment', days: rng.int(300, 800), asOf: new Date(asOfMs).toISOString(), path: pathOf() };
  const purged = new Set(events.filter((e) => e.kind === purge.kind && Date.parse(e.at) <= asOfMs - purge.days * DAY_MS).map((e) => e.id));
  steps.push(purge);
  steps.push({ op: 'recompute', asOf: laterAsOf, path: pathOf() });
  steps.push({
    op: 'publish',
    ruleset: makeRuleset({ ...p.ruleset, weight: rng.pick([0.5, 0.95, 0.25].filter((w) => w !== p.ruleset.weight)), penaltyCap: rng.pick([100, 60, 150]), lateCapMin: rng.pick([-400, -150, -50]) }),
  });
  // After the move and the new version, more history.
  steps.push({ op: 'retract', eventId: rng.pick(severeEvents.filter((e) => !retracted.has(e.id) && !purged.has(e.id))).id });
  steps.push({ op: 'dates', path: 'incremental', relationship: { ...rng.pick(relationships), since: laterDate, until: '' } });

  return { asOf, laterAsOf, ruleset, initial: inBatch(0), steps };
}

/** The reference input for a scenario's data after its first `done` steps. */
export function referenceInputAfter(s: Scenario, done: number): RefInput {
  const citizens = [...s.initial.citizens];
  const rels = new Map(s.initial.relationships.map((r) => [`${r.a}:${r.b}`, r]));
  const events = s.initial.events.map((e) => ({ id: e.id, citizen: e.citizen, kind: e.kind, occurredAt: e.at, data: e.data, retracted: false }));
  const adjustments: { citizen: string; points: number }[] = [];
  let asOf = s.asOf;
  let ruleset = s.ruleset.reference;
  for (const step of s.steps.slice(0, done)) {
    if (step.op === 'import') {
      citizens.push(...step.citizens);
      for (const r of step.relationships) rels.set(`${r.a}:${r.b}`, r);
      events.push(...step.events.map((e) => ({ id: e.id, citizen: e.citizen, kind: e.kind, occurredAt: e.at, data: e.data, retracted: false })));
    } else if (step.op === 'record') {
      const e = step.event;
      events.push({ id: e.id, citizen: e.citizen, kind: e.kind, occurredAt: e.at, data: e.data, retracted: false });
    } else if (step.op === 'retract') events.find((e) => e.id === step.eventId)!.retracted = true;
    else if (step.op === 'dates') rels.set(`${step.relationship.a}:${step.relationship.b}`, step.relationship);
    else if (step.op === 'adjust') adjustments.push({ citizen: step.citizen, points: step.points });
    else if (step.op === 'publish') ruleset = step.ruleset.reference;
    else if (step.op === 'purge') {
      const cutOff = instantMs(step.asOf) - step.days * DAY_MS;
      for (let k = events.length - 1; k >= 0; k--) if (events[k].kind === step.kind && instantMs(events[k].occurredAt) <= cutOff) events.splice(k, 1);
    }
    else asOf = step.asOf;
  }
  const present = new Set(citizens.map((c) => c.id));
  return {
    citizens: citizens.map((c) => c.id),
    relationships: [...rels.values()].filter((r) => present.has(r.a) && present.has(r.b)),
    events: events.filter((e) => present.has(e.citizen)),
    adjustments,
    ruleset,
    asOf,
  };
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
  s: number;
  own: number;
  penalty: number;
  totals: string;
}

/** Every stored column of every score row, by citizen id. */
export function storedScores(db: Db): StoredScoreRow[] {
  return db
    .prepare('SELECT c.citizen_id, s.cents, s.tier, s.s, s.own, s.penalty, s.totals FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id')
    .all() as StoredScoreRow[];
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
