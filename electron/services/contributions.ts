/**
 * c(r, e) for every (event, rule) pair, stored once per ruleset so that a
 * recompute never runs a JS loop over events: the totals are aggregated by
 * SQLite. Written when events arrive and rebuilt when a ruleset is published.
 */
import type { EventKindSpec } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import type { EventData } from '../engine/cel.js';
import { evaluateRule, type CompiledRule, type CompiledRuleset, type Contribution } from '../engine/rules.js';
import { fromMicro, MAX_EXACT_POINTS, toMicro } from '../engine/scoring.js';
import { NO_CLOCK, type PhaseTimer } from './phaseClock.js';

export interface ContributionWriter {
  /** Evaluate every rule of the event's kind and store the non-zero results and errors (written in batches: call flush). */
  add(eventIdx: number, citizenIdx: number, kind: string, occurredMs: number, data: Record<string, unknown>): void;
  /** Store contributions already evaluated (by an import's worker thread): [rule index, points, error]. */
  addEvaluated(eventIdx: number, citizenIdx: number, occurredMs: number, evaluated: readonly [number, number, string | null][]): void;
  /** Store contributions already evaluated, as the table's values (citizen_idx, rule_index, event_idx, occurred_ms, points, error) flat: `values` from `from` to `to`. */
  addValues(values: readonly (number | string | null)[], from: number, to: number): void;
  /** Write the contributions still held. */
  flush(): void;
}

/** The non-zero contributions and errors of one event: [rule index, points, error]. */
export function evaluateEvent(ruleset: CompiledRuleset, kinds: Map<string, EventKindSpec>, kind: string, data: Record<string, unknown>): [number, number, string | null][] {
  const rules = ruleset.byKind.get(kind);
  if (!rules) return [];
  const input = ruleInput(kinds.get(kind)!, data);
  const out: [number, number, string | null][] = [];
  for (const rule of rules) {
    const c = contributionOf(rule, input);
    if (c.points !== 0 || c.error !== null) out.push([rule.index, c.points, c.error]);
  }
  return out;
}

/** Contributions per INSERT statement (6 parameters each). */
const ROWS_PER_STATEMENT = 128;

/**
 * c(r, e) as scored: the rule's points rounded to micro-points, half away
 * from zero (SCORING_MODEL §3 round6), so every stored contribution is a
 * whole number of micro-points and own(i) is an exact integer sum (up to
 * about ±9 billion points: beyond, a double has no fraction left to round
 * and such a total only ever meets a cap or the score clamp).
 */
export function contributionOf(rule: CompiledRule, input: EventData): Contribution {
  const c = evaluateRule(rule, input);
  if (c.error !== null || Math.abs(c.points) > MAX_EXACT_POINTS) return c;
  return { points: fromMicro(toMicro(c.points)), error: null };
}

/** Per kind, the fields rules see: declared and not protected. */
const ruleFields = new WeakMap<EventKindSpec, Set<string>>();

/** Strip protected fields: rules never see them, even though the record holds them. */
export function ruleInput(kind: EventKindSpec, data: Record<string, unknown>): EventData {
  let visible = ruleFields.get(kind);
  if (!visible) {
    visible = new Set(Object.keys(kind.fields).filter((name) => !kind.fields[name].protected));
    ruleFields.set(kind, visible);
  }
  const out: EventData = {};
  for (const name of Object.keys(data)) if (visible.has(name)) out[name] = data[name] as number | string | boolean;
  return out;
}

/** Evaluates as events come, writes the results in multi-row statements (time counted to `write` on the clock). */
export function contributionWriter(db: Db, ruleset: CompiledRuleset, kinds: Map<string, EventKindSpec>, clock: PhaseTimer = NO_CLOCK): ContributionWriter {
  const sql = 'INSERT INTO contributions (citizen_idx, rule_index, event_idx, occurred_ms, points, error) VALUES ';
  const insertMany = db.prepare(sql + Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?, ?, ?)').join(', '));
  const insertOne = db.prepare(`${sql}(?, ?, ?, ?, ?, ?)`);
  let pending: (number | string | null)[] = [];
  let rows = 0;
  const flush = () => {
    if (rows === ROWS_PER_STATEMENT) insertMany.run(pending);
    else for (let k = 0; k < rows; k++) insertOne.run(pending.slice(k * 6, k * 6 + 6));
    pending = [];
    rows = 0;
  };
  return {
    add(eventIdx, citizenIdx, kind, occurredMs, data) {
      const rules = ruleset.byKind.get(kind);
      if (!rules) return;
      const input = ruleInput(kinds.get(kind)!, data);
      for (const rule of rules) {
        const c = contributionOf(rule, input);
        if (c.points !== 0 || c.error !== null) {
          pending.push(citizenIdx, rule.index, eventIdx, occurredMs, c.points, c.error);
          if (++rows === ROWS_PER_STATEMENT) clock.within('write', flush);
        }
      }
    },
    addEvaluated(eventIdx, citizenIdx, occurredMs, evaluated) {
      for (const [ruleIndex, points, error] of evaluated) {
        pending.push(citizenIdx, ruleIndex, eventIdx, occurredMs, points, error);
        if (++rows === ROWS_PER_STATEMENT) clock.within('write', flush);
      }
    },
    addValues(values, from, to) {
      for (let k = from; k < to; k += 6) {
        pending.push(values[k], values[k + 1], values[k + 2], values[k + 3], values[k + 4], values[k + 5]);
        if (++rows === ROWS_PER_STATEMENT) clock.within('write', flush);
      }
    },
    flush: () => clock.within('write', flush),
  };
}

/** Replace all contributions with those of `ruleset`, over every non-retracted event. */
export function rebuildContributions(
  db: Db,
  ruleset: CompiledRuleset,
  kinds: Map<string, EventKindSpec>,
  onProgress?: (done: number, total: number) => void,
): void {
  db.prepare('DELETE FROM contributions').run();
  const writer = contributionWriter(db, ruleset, kinds);
  const kindsWithRules = [...ruleset.byKind.keys()];
  if (kindsWithRules.length === 0) return;
  const placeholders = kindsWithRules.map(() => '?').join(',');
  const total = db.prepare(`SELECT count(*) FROM events WHERE retracted_by IS NULL AND kind IN (${placeholders})`).pluck().get(...kindsWithRules) as number;
  // Keyset pages: the connection cannot write while a statement iterates.
  const page = db.prepare(
    `SELECT idx, citizen_idx, kind, occurred_ms, data FROM events WHERE retracted_by IS NULL AND kind IN (${placeholders}) AND idx > ? ORDER BY idx LIMIT 20000`,
  ).raw(true);
  let done = 0;
  let last = 0;
  for (;;) {
    const rows = page.all(...kindsWithRules, last) as [number, number, string, number, string][];
    if (rows.length === 0) break;
    for (const [idx, citizen, kind, ms, data] of rows) writer.add(idx, citizen, kind, ms, JSON.parse(data));
    writer.flush();
    last = rows[rows.length - 1][0];
    done += rows.length;
    onProgress?.(done, total);
  }
  onProgress?.(done, total);
}

/** Evaluation errors per rule under the current contributions (shown to whoever publishes). */
export function evaluationErrors(db: Db, ruleset: CompiledRuleset): { ruleId: string; count: number; example: string }[] {
  const rows = db
    .prepare('SELECT rule_index, count(*) AS n, min(error) AS example FROM contributions WHERE error IS NOT NULL GROUP BY rule_index')
    .all() as { rule_index: number; n: number; example: string }[];
  return rows.map((r) => ({ ruleId: ruleset.spec.rules[r.rule_index].id, count: r.n, example: r.example }));
}
