/**
 * Ruleset validation and compilation (SCORING_MODEL §2). A ruleset is checked
 * as a whole and every problem is reported with the rule and the position, so
 * whoever publishes fixes them in one pass.
 */
import { RulesetSpec, type EventKindSpec, type InputProblem, type RuleSpec } from '../../shared/domain.js';
import { keyed } from '../../shared/englishText.js';
import type { KeyedText } from '../../shared/keyedText.js';
import { schemaProblem } from './rulesetSchema.js';
import { compileExpression, RULE_LIMITS, RuleEvaluationError, type EventData, type Evaluator, type ExpressionError } from './cel.js';

/** An expression error's key and parameters, when it has them, for a problem. */
const keyOf = (e: ExpressionError): { key?: string; params?: Record<string, unknown> } => (e.key ? { key: e.key, params: e.params ?? {} } : {});

export interface CompiledRule {
  index: number;
  spec: RuleSpec;
  condition: Evaluator;
  points: Evaluator;
  ttlMs: number | null;
  capMin: number;
  capMax: number;
}

export interface CompiledRuleset {
  spec: RulesetSpec;
  rules: CompiledRule[];
  /** Rules by event kind, in ruleset order. */
  byKind: Map<string, CompiledRule[]>;
}

export type RulesetValidation = { ok: true; ruleset: CompiledRuleset } | { ok: false; problems: InputProblem[] };

const DAY_MS = 86_400_000;
export const MAX_FRIEND_WEIGHT = 0.95;

/** Validate an untrusted ruleset document against the registered event kinds. */
export function validateRuleset(input: unknown, kinds: Map<string, EventKindSpec>): RulesetValidation {
  const parsed = RulesetSpec.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.map(String);
        const rule = path[0] === 'rules' && typeof issue.path[1] === 'number' ? ruleIdAt(input, issue.path[1]) : undefined;
        return { rule, field: path.join('.'), ...schemaProblem(issue) };
      }),
    };
  }
  const spec = parsed.data;
  const problems: InputProblem[] = [];
  const fp = spec.friend_penalty;
  if (!(fp.weight >= 0 && fp.weight <= MAX_FRIEND_WEIGHT)) {
    problems.push({ field: 'friend_penalty.weight', ...keyed('ruleset.weight', { max: MAX_FRIEND_WEIGHT, weight: fp.weight }) });
  }
  if (!(spec.score_min < spec.score_max)) problems.push({ field: 'score_min', ...keyed('ruleset.scoreRange') });
  if (spec.base_score < spec.score_min || spec.base_score > spec.score_max) {
    problems.push({ field: 'base_score', ...keyed('ruleset.baseScore') });
  }
  spec.tiers.forEach((tier, i) => {
    if (i > 0 && !(tier.min < spec.tiers[i - 1].min)) {
      problems.push({ field: `tiers.${i}.min`, ...keyed('ruleset.tierOrder', { name: tier.name, min: tier.min, previous: spec.tiers[i - 1].name, previousMin: spec.tiers[i - 1].min }) });
    }
  });
  const lastTier = spec.tiers[spec.tiers.length - 1];
  if (lastTier.min > spec.score_min) {
    problems.push({ field: `tiers.${spec.tiers.length - 1}.min`, ...keyed('ruleset.lastTier', { name: lastTier.name, scoreMin: spec.score_min }) });
  }
  const tierNames = new Set<string>();
  for (const tier of spec.tiers) {
    if (tierNames.has(tier.name)) problems.push({ field: 'tiers', ...keyed('ruleset.tierTwice', { name: tier.name }) });
    tierNames.add(tier.name);
  }

  const measureIds = new Set<string>();
  for (const m of spec.measures ?? []) {
    if (measureIds.has(m.id)) problems.push({ field: `measures.${m.id}`, ...keyed('ruleset.measureTwice', { id: m.id }) });
    measureIds.add(m.id);
    for (const t of m.tiers) if (!tierNames.has(t)) problems.push({ field: `measures.${m.id}`, ...keyed('ruleset.measureTier', { id: m.id, tier: t }) });
  }

  const rules: CompiledRule[] = [];
  const ids = new Set<string>();
  /** Recording one event evaluates every rule of its kind (on the thread that records it): their worst cases add up. */
  const costByKind = new Map<string, { cost: number; rules: string[] }>();
  spec.rules.forEach((rule, index) => {
    if (ids.has(rule.id)) problems.push({ rule: rule.id, ...keyed('ruleset.ruleTwice', { id: rule.id }) });
    ids.add(rule.id);
    const kind = kinds.get(rule.event_kind);
    if (!kind) {
      problems.push({ rule: rule.id, field: 'event_kind', ...keyed('cel.unknownKind', { kind: rule.event_kind }) });
      return;
    }
    const capMin = rule.cap?.min ?? -Infinity;
    const capMax = rule.cap?.max ?? Infinity;
    if (!(capMin <= 0 && 0 <= capMax)) {
      problems.push({ rule: rule.id, field: 'cap', ...keyed('ruleset.cap', { min: String(rule.cap?.min), max: String(rule.cap?.max) }) });
    }
    const condition = compileExpression(rule.condition, kind, 'bool');
    if (!condition.ok) problems.push({ rule: rule.id, field: 'condition', position: condition.error.column, message: condition.error.message, ...keyOf(condition.error) });
    const points = compileExpression(rule.points, kind, 'number');
    if (!points.ok) problems.push({ rule: rule.id, field: 'points', position: points.error.column, message: points.error.message, ...keyOf(points.error) });
    if (condition.ok && points.ok) {
      const cost = condition.cost + points.cost;
      const kindCost = (costByKind.get(rule.event_kind) ?? { cost: 0, rules: [] as string[] });
      kindCost.cost += cost;
      kindCost.rules.push(rule.id);
      costByKind.set(rule.event_kind, kindCost);
      rules.push({
        index,
        spec: rule,
        condition: condition.evaluate,
        points: points.evaluate,
        ttlMs: rule.ttl_days ? rule.ttl_days * DAY_MS : null,
        capMin,
        capMax,
      });
    }
  });
  for (const [kind, { cost, rules: ruleIds }] of costByKind) {
    if (cost > RULE_LIMITS.maxEventCost) {
      problems.push({
        rule: ruleIds[ruleIds.length - 1],
        field: 'event_kind',
        ...keyed('ruleset.kindCost', { kind, rules: ruleIds.join(', '), cost: Math.round(cost), max: RULE_LIMITS.maxEventCost }),
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const byKind = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    const list = byKind.get(rule.spec.event_kind) ?? [];
    list.push(rule);
    byKind.set(rule.spec.event_kind, list);
  }
  return { ok: true, ruleset: { spec, rules, byKind } };
}

function ruleIdAt(input: unknown, index: number): string | undefined {
  const rules = (input as { rules?: { id?: unknown }[] })?.rules;
  const id = Array.isArray(rules) ? rules[index]?.id : undefined;
  return typeof id === 'string' ? id : `#${index + 1}`;
}

/** Whether an event counts for a rule at `asOfMs`: occurred by then, and inside the ttl window if any (SCORING_MODEL §2). */
export function countsAt(rule: CompiledRule, occurredMs: number, asOfMs: number): boolean {
  return occurredMs <= asOfMs && (rule.ttlMs === null || occurredMs > asOfMs - rule.ttlMs);
}

/** c(r, e): the points of one event under one rule; `error` (English, as stored) when evaluation failed, `said` keying it for the reader's language. */
export type Contribution = { points: number; error: null } | { points: 0; error: string; said?: KeyedText };

export function evaluateRule(rule: CompiledRule, data: EventData): Contribution {
  try {
    const cond = rule.condition(data);
    if (cond !== true) return { points: 0, error: null };
    const pts = Number(rule.points(data));
    if (!Number.isFinite(pts)) {
      const said = keyed('cel.eval.notFinite');
      return { points: 0, error: said.message, said: { key: said.key } };
    }
    return { points: pts, error: null };
  } catch (err) {
    if (err instanceof RuleEvaluationError) return { points: 0, error: err.message, said: { key: err.said.key, params: err.said.params } };
    if (err instanceof Error) return { points: 0, error: err.message };
    return { points: 0, error: String(err) };
  }
}

export function formatProblem(p: InputProblem): string {
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.rule ? `rule ${p.rule}` : undefined, p.field, p.position !== undefined ? `column ${p.position}` : undefined]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${p.message}` : p.message;
}
