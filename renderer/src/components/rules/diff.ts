/**
 * What changed between two rulesets, field by field: parameters, tiers (by
 * name), and rules matched by id. Auditors read this to see why scores moved
 * between versions; officials read it before publishing.
 */
import type { RuleSpec } from '../../../../shared/domain';
import { LANGUAGES } from '../../../../shared/language';
import i18next from '../../i18n';
import { cleanRule, type DraftRuleset, type Num } from './draft';

export type Value = string | number | null | undefined;

export interface FieldChange {
  field: string;
  before: Value;
  after: Value;
}

export interface RuleChange {
  id: string;
  name: string;
  /** The rule's texts in each language (the draft's), so the change is headed by the name in the reader's language. */
  i18n?: RuleSpec['i18n'];
  fields: FieldChange[];
}

export interface RulesetDiff {
  parameters: FieldChange[];
  tiers: { name: string; before: Num | undefined; after: Num | undefined }[];
  tierOrderChanged: boolean;
  added: RuleSpec[];
  removed: RuleSpec[];
  changed: RuleChange[];
  ruleOrderChanged: boolean;
  /** Number of differences, 0 when the two rulesets score alike. */
  size: number;
}

const PARAMETERS: [string, (r: DraftRuleset) => Num][] = [
  ['base_score', (r) => r.base_score],
  ['score_min', (r) => r.score_min],
  ['score_max', (r) => r.score_max],
  ['friend_penalty.threshold', (r) => r.friend_penalty.threshold],
  ['friend_penalty.weight', (r) => r.friend_penalty.weight],
  ['friend_penalty.cap', (r) => r.friend_penalty.cap],
];

export const RULE_FIELDS: [string, (r: RuleSpec) => Value][] = [
  ['name', (r) => r.name],
  ['description', (r) => r.description],
  ['dimension', (r) => r.dimension],
  ['event_kind', (r) => r.event_kind],
  ['condition', (r) => r.condition],
  ['points', (r) => r.points],
  ['ttl_days', (r) => r.ttl_days],
  ['cap.min', (r) => r.cap?.min],
  ['cap.max', (r) => r.cap?.max],
  // The texts in each console language: a change of wording alone is a change to approve.
  ...LANGUAGES.flatMap((language): [string, (r: RuleSpec) => Value][] => [
    [`i18n.${language}.name`, (r) => r.i18n?.[language]?.name],
    [`i18n.${language}.description`, (r) => r.i18n?.[language]?.description],
  ]),
];

const same = (a: Value, b: Value) => (a ?? null) === (b ?? null);

export function diffRulesets(before: DraftRuleset, after: DraftRuleset): RulesetDiff {
  const parameters = PARAMETERS.map(([field, get]) => ({ field, before: get(before), after: get(after) })).filter((c) => !same(c.before, c.after));

  const tierNames = [...new Set([...before.tiers.map((t) => t.name), ...after.tiers.map((t) => t.name)])];
  const tiers = tierNames
    .map((name) => ({ name, before: before.tiers.find((t) => t.name === name)?.min, after: after.tiers.find((t) => t.name === name)?.min }))
    .filter((t) => t.before !== t.after);
  const commonTiers = (list: DraftRuleset['tiers'], other: DraftRuleset['tiers']) => list.map((t) => t.name).filter((n) => other.some((o) => o.name === n));
  const tierOrderChanged = commonTiers(before.tiers, after.tiers).join('\u0000') !== commonTiers(after.tiers, before.tiers).join('\u0000');

  const beforeRules = new Map(before.rules.map((r) => [r.id, cleanRule(r)]));
  const afterRules = new Map(after.rules.map((r) => [r.id, cleanRule(r)]));
  const added = [...afterRules.values()].filter((r) => !beforeRules.has(r.id));
  const removed = [...beforeRules.values()].filter((r) => !afterRules.has(r.id));
  const changed: RuleChange[] = [];
  for (const [id, a] of afterRules) {
    const b = beforeRules.get(id);
    if (!b) continue;
    const fields = RULE_FIELDS.map(([field, get]) => ({ field, before: get(b), after: get(a) })).filter((c) => !same(c.before, c.after));
    if (fields.length > 0) changed.push({ id, name: a.name, i18n: a.i18n, fields });
  }
  const commonIds = (list: RuleSpec[], other: Map<string, RuleSpec>) => list.map((r) => r.id).filter((id) => other.has(id));
  const ruleOrderChanged = commonIds(before.rules, afterRules).join('\u0000') !== commonIds(after.rules, beforeRules).join('\u0000');

  const size = parameters.length + tiers.length + (tierOrderChanged ? 1 : 0) + added.length + removed.length + changed.length + (ruleOrderChanged ? 1 : 0);
  return { parameters, tiers, tierOrderChanged, added, removed, changed, ruleOrderChanged, size };
}

/**
 * A rule whose points or condition changed while its description stayed the
 * same: the description (what citizens and officials read) may now contradict
 * what the rule does, e.g. "-2 for each bill paid late" with points -5.
 */
export function descriptionUnchanged(c: RuleChange): boolean {
  return c.fields.some((f) => f.field === 'points' || f.field === 'condition') && !c.fields.some((f) => f.field === 'description');
}

const t = i18next.t.bind(i18next);

/** The warning for a rule whose description may no longer say what it does, in the reader's language. */
export const staleDescription = (): string => t('rules:diff.staleDescription');

/** "2 rules changed, 1 added" — a one-line summary for badges and confirmations, in the reader's language. */
export function summariseDiff(d: RulesetDiff): string {
  if (d.size === 0) return t('rules:diff.noChanges');
  const parts: string[] = [];
  if (d.changed.length) parts.push(t('rules:diff.rulesChanged', { count: d.changed.length }));
  if (d.added.length) parts.push(t('rules:diff.added', { n: d.added.length }));
  if (d.removed.length) parts.push(t('rules:diff.removed', { n: d.removed.length }));
  if (d.ruleOrderChanged) parts.push(t('rules:diff.ruleOrder'));
  const params = d.parameters.length + d.tiers.length + (d.tierOrderChanged ? 1 : 0);
  if (params) parts.push(t('rules:diff.parameters', { count: params }));
  return parts.join(t('rules:diff.separator'));
}
