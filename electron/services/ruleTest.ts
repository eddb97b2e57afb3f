/**
 * The rule tester's computation, on plain data: check one expression, or run
 * one rule on events and samples. It reads no database, so it runs in the
 * rule sandbox (a worker thread with a time and memory budget): ruleLab
 * gathers the data on the main thread and hands it over.
 */
import { keyed, SaidError } from '../../shared/englishText.js';
import { problemsKeyed } from '../../shared/problemText.js';
import type { Output } from '../../shared/contract.js';
import type { EventKindSpec, RuleSpec } from '../../shared/domain.js';
import { compileExpression } from '../engine/cel.js';
import { countsAt, validateRuleset, type Contribution } from '../engine/rules.js';
import { capTotal, fromMicro, toMicro } from '../engine/scoring.js';
import { contributionOf, ruleInput } from './contributions.js';
import { checkEventData } from './validation.js';

/** The input to a rule test: the rule inside a draft ruleset (the published parameters), the kinds, and the events to run on. */
export interface RuleTestRequest {
  draft: { base_score: number; score_min: number; score_max: number; friend_penalty: unknown; tiers: unknown; rules: RuleSpec[] };
  kinds: EventKindSpec[];
  asOfMs: number;
  events: { eventId: string; occurredAt: string; occurredMs: number; data: Record<string, unknown> }[];
  samples: Record<string, unknown>[];
}

export interface ExpressionCheckRequest {
  kind: EventKindSpec | null;
  eventKind: string;
  expression: string;
  expect: 'bool' | 'number';
}

/** The rule or a sample was refused: the message says where and why, keyed for the reader's language. */
export class RuleTestRejected extends SaidError {}

export function runExpressionCheck(q: ExpressionCheckRequest): Output<'checkExpression'> {
  if (!q.kind) return { ok: false, error: { ...keyed('cel.unknownKind', { kind: q.eventKind }), params: { kind: q.eventKind }, column: 1 } };
  const r = compileExpression(q.expression, q.kind, q.expect);
  return r.ok ? { ok: true, type: r.type, compiled: r.compiled } : { ok: false, error: r.error };
}

/** An evaluation error's key and parameters, for the reader's language (the English stays in `error`). */
function errorKey(c: Contribution): { errorKey?: string; errorParams?: Record<string, unknown> } {
  return c.error !== null && c.said ? { errorKey: c.said.key, ...(c.said.params && { errorParams: c.said.params }) } : {};
}

export function runRuleTest(q: RuleTestRequest): Output<'testRule'> {
  const kinds = new Map(q.kinds.map((k) => [k.kind, k]));
  const checked = validateRuleset(q.draft, kinds);
  if (!checked.ok) throw new RuleTestRejected(keyed('ruleTest.invalid', { problems: problemsKeyed(checked.problems) }));
  const rule = checked.ruleset.rules[0];
  const kind = kinds.get(rule.spec.event_kind)!;
  const rows: Output<'testRule'>['rows'] = [];
  for (const e of q.events) {
    const data = ruleInput(kind, e.data);
    const c = contributionOf(rule, data);
    rows.push({ eventId: e.eventId, occurredAt: e.occurredAt, data, matched: c.points !== 0 || c.error !== null, points: c.points, error: c.error, ...errorKey(c), counted: countsAt(rule, e.occurredMs, q.asOfMs) });
  }
  q.samples.forEach((sample, i) => {
    // A sample is checked like an imported event: a field of the wrong type would give a rule a value CEL cannot have.
    const valid = checkEventData(kind, sample);
    if (!valid.ok) throw new RuleTestRejected(keyed('ruleTest.sample', { n: i + 1, problem: valid.said }));
    const data = ruleInput(kind, valid.value);
    const c = contributionOf(rule, data);
    rows.push({ eventId: null, occurredAt: null, data, matched: c.points !== 0 || c.error !== null, points: c.points, error: c.error, ...errorKey(c), counted: true });
  });
  // In micro-points, as scoring adds them (SCORING_MODEL §3).
  const rawMicro = rows.filter((r) => r.counted && r.error === null).reduce((s, r) => s + toMicro(r.points), 0);
  const raw = fromMicro(rawMicro);
  const total = fromMicro(capTotal(rawMicro, toMicro(rule.capMin), toMicro(rule.capMax)));
  return { rows, raw, total, capped: raw !== total };
}
