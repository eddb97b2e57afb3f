/**
 * The working copy of a ruleset that an official edits before publishing. It
 * lives in localStorage so it survives reloads; while nobody has touched it,
 * the draft simply is the published ruleset. Numbers may be empty (null) while
 * being typed: the server's validation names them rather than this code
 * guessing a value.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Output } from '../../../../shared/contract';
import type { RuleSpec, RulesetSpec } from '../../../../shared/domain';
import i18next from '../../i18n';
import defaultRuleset from '../../../../resources/default/ruleset.json';
import { keyedMessage } from '../../i18n/serverText';

export type Num = number | null;

export interface DraftRuleset {
  base_score: Num;
  score_min: Num;
  score_max: Num;
  friend_penalty: { threshold: Num; weight: Num; cap: Num };
  tiers: { name: string; min: Num }[];
  rules: RuleSpec[];
  /** Score only citizens who consented (SCORING_MODEL §3); absent: false. */
  consent_required?: boolean;
}

export interface StoredDraft {
  spec: DraftRuleset;
  /** The published version this draft started from (null: none was published). */
  basedOn: number | null;
  /** Set when the draft was restored from an older version. */
  restoredFrom?: number;
  savedAt: string;
}

export type Problem = Output<'validateRuleset'>['problems'][number];
export type Current = Output<'rulesetCurrent'>;

const STORAGE_KEY = 'credence.rules.draft';

/**
 * The parameters of the default ruleset (resources/default/ruleset.json, the
 * one a new installation's demo publishes; SCORING_MODEL §2) without its
 * rules: the starting point for a database where nothing was published yet.
 * Taken from that file, never restated here.
 */
const { rules: _defaultRules, measures: _defaultMeasures, ...defaultParameters } = defaultRuleset;
export const EMPTY_RULESET: RulesetSpec = { ...defaultParameters, rules: [] };

/** JSON with sorted keys: two drafts with the same content give the same string. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** The document sent to validate, simulate and publish: optional fields left out when empty. */
export function toSubmit(draft: DraftRuleset): DraftRuleset {
  return { ...draft, rules: draft.rules.map(cleanRule) };
}

export function cleanRule(rule: RuleSpec): RuleSpec {
  const out: RuleSpec = { id: rule.id, name: rule.name, description: rule.description, dimension: rule.dimension, event_kind: rule.event_kind, condition: rule.condition, points: rule.points };
  if (rule.ttl_days !== undefined && rule.ttl_days !== null) out.ttl_days = rule.ttl_days;
  const cap: RuleSpec['cap'] = {};
  if (typeof rule.cap?.min === 'number') cap.min = rule.cap.min;
  if (typeof rule.cap?.max === 'number') cap.max = rule.cap.max;
  if (cap.min !== undefined || cap.max !== undefined) out.cap = cap;
  // The rule's texts in other languages travel with it: editing a rule must not drop them.
  if (rule.i18n && Object.keys(rule.i18n).length > 0) out.i18n = rule.i18n;
  return out;
}

export function newRule(draft: DraftRuleset, kinds: Current['kinds']): RuleSpec {
  const taken = new Set(draft.rules.map((r) => r.id));
  let n = draft.rules.length + 1;
  while (taken.has(`new-rule-${n}`)) n++;
  return { id: `new-rule-${n}`, name: i18next.t('rules:editor.newRuleName', { n }), description: '', dimension: 'civic', event_kind: kinds[0]?.kind ?? '', condition: 'true', points: '0' };
}

function readStored(): StoredDraft | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as StoredDraft;
    return parsed && typeof parsed === 'object' && parsed.spec && Array.isArray(parsed.spec.rules) ? parsed : null;
  } catch {
    return null;
  }
}

export interface DraftHandle {
  draft: DraftRuleset;
  /** True once the official edited or restored something (a draft is stored). */
  stored: boolean;
  basedOn: number | null;
  restoredFrom?: number;
  savedAt?: string;
  update: (change: (d: DraftRuleset) => DraftRuleset) => void;
  replace: (spec: DraftRuleset, restoredFrom?: number) => void;
  discard: () => void;
}

/** The draft of this workstation, falling back to the published ruleset while none is stored. */
export function useRulesetDraft(current: Current | undefined): DraftHandle {
  const [stored, setStored] = useState<StoredDraft | null>(readStored);
  useEffect(() => {
    if (stored) localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    else localStorage.removeItem(STORAGE_KEY);
  }, [stored]);
  // Another window of the console edits the same draft: follow it.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => e.key === STORAGE_KEY && setStored(readStored());
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  const published = current?.spec ?? EMPTY_RULESET;
  const version = current?.version ?? null;
  const update = useCallback(
    (change: (d: DraftRuleset) => DraftRuleset) =>
      setStored((s) => {
        const base = s ?? { spec: structuredClone(published), basedOn: version, savedAt: '' };
        return { ...base, spec: change(base.spec), savedAt: new Date().toISOString() };
      }),
    [published, version],
  );
  const replace = useCallback(
    (spec: DraftRuleset, restoredFrom?: number) => setStored({ spec: structuredClone(spec), basedOn: version, restoredFrom, savedAt: new Date().toISOString() }),
    [version],
  );
  const discard = useCallback(() => setStored(null), []);
  return useMemo(
    () => ({
      draft: stored?.spec ?? published,
      stored: stored !== null,
      basedOn: stored ? stored.basedOn : version,
      restoredFrom: stored?.restoredFrom,
      savedAt: stored?.savedAt,
      update,
      replace,
      discard,
    }),
    [stored, published, version, update, replace, discard],
  );
}

/** "rules.3.ttl_days" -> "ttl_days"; rule-level fields are named without the rule's index. */
export function ruleField(p: Problem): string {
  return (p.field ?? '').replace(/^rules\.\d+\.?/, '');
}

/**
 * A ruleset field as the reader's language names it ("points" -> "分值"); a
 * field the catalog does not name (a tier's, an unknown one) stays as the
 * ruleset spells it.
 */
export function ruleFieldLabel(field: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(field)) return field;
  return i18next.t(`rules:ruleFields.${field.replace(/[.-]/g, '_')}`, { defaultValue: field });
}

/** The problems of one rule, by its position: validation names rules by id, or `#n` when the id itself is broken. */
export function problemsOfRule(problems: Problem[], rule: RuleSpec, index: number): Problem[] {
  return problems.filter((p) => p.rule !== undefined && (p.rule === rule.id || p.rule === `#${index + 1}` || (p.field ?? '').startsWith(`rules.${index}.`)));
}

/** "rule bank-arrears · condition · column 23: <message>", in the reader's language (field names as the catalog names them, or as the ruleset spells them). */
export function describeProblem(p: Problem): string {
  const t = i18next.t.bind(i18next);
  const where = [p.rule ? t('rules:problem.rule', { rule: p.rule }) : undefined, ruleFieldLabel(ruleField(p) || (p.field ?? '')), p.position !== undefined ? t('rules:problem.column', { n: p.position }) : undefined]
    .filter(Boolean)
    .join(t('rules:problem.whereSeparator'));
  return where ? t('rules:problem.at', { where, message: keyedMessage(p) }) : keyedMessage(p);
}
