/**
 * Domain types and file schemas shared by the main process and the renderer.
 * Imports nothing of the project, no Node, no DOM: only zod.
 */
import { z } from 'zod';
import { LANGUAGES, type Language } from './language.js';

/** A citizen id: 1–64 characters of A-Z a-z 0-9 _ - (SCORING_MODEL §1). */
export const CITIZEN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const CitizenId = z.string().regex(CITIZEN_ID_PATTERN, 'citizen id must be 1-64 characters of A-Z a-z 0-9 _ -');

export const FieldType = z.enum(['number', 'string', 'bool', 'date']);
export type FieldType = z.infer<typeof FieldType>;

/** One field of an event kind's schema; `protected` fields can never be read by a rule. */
export const FieldSpec = z.strictObject({ type: FieldType, protected: z.boolean().optional() });
export type FieldSpec = z.infer<typeof FieldSpec>;

export const EventKindName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'event kind must be lower_snake_case, 1-64 characters');

/** A registered event kind with its data schema (`event_kinds.json` holds a list of these). */
export const EventKindSpec = z.strictObject({
  kind: EventKindName,
  fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'field names are identifiers'), FieldSpec),
});
export type EventKindSpec = z.infer<typeof EventKindSpec>;
export const EventKindsFile = z.array(EventKindSpec);

/** C0/C1 controls, bidirectional embeddings/overrides/isolates and line separators: they break or reorder the text shown around them. */
const UNSAFE_TEXT = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a person reads (a translated name or description): at most `max` characters, one line, nothing that reorders what is shown around it. */
export function readableText(max: number) {
  return z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      const bad = UNSAFE_TEXT.exec(text);
      if (bad) {
        const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
        ctx.addIssue({ code: 'custom', message: `contains the control, bidirectional formatting or separator character U+${code} at character ${bad.index + 1}` });
      } else if (LONE_SURROGATE.test(text)) ctx.addIssue({ code: 'custom', message: 'contains a lone UTF-16 surrogate' });
    });
}

/** A rule's or a measure's texts in one more language; what it leaves out is read in the ruleset's own words. */
export const TextTranslation = z.strictObject({
  name: readableText(200).min(1, 'a translated name may not be empty'),
  description: readableText(2000).optional(),
});
export type TextTranslation = z.infer<typeof TextTranslation>;

/**
 * Texts per console language (`{"zh-CN": {"name": ..., "description": ...}}`).
 * They are shown to readers only: they never enter CEL and do not change a score.
 */
export const TextTranslations = z.strictObject(
  Object.fromEntries(LANGUAGES.map((language) => [language, TextTranslation.optional()])) as Record<Language, z.ZodOptional<typeof TextTranslation>>,
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')} is not a console language (${LANGUAGES.join(', ')})` : undefined) },
);
export type TextTranslations = z.infer<typeof TextTranslations>;

/** One rule of a ruleset (SCORING_MODEL §2). */
export const RuleSpec = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'rule id must be 1-64 characters of A-Z a-z 0-9 _ . -'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000),
  dimension: z.string().min(1).max(64),
  event_kind: EventKindName,
  condition: z.string().min(1).max(2000),
  points: z.string().min(1).max(2000),
  ttl_days: z.number().int().positive().optional(),
  cap: z.strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() }).optional(),
  /** The name and description in other console languages (README, "Interchange format"). */
  i18n: TextTranslations.optional(),
});
export type RuleSpec = z.infer<typeof RuleSpec>;

export const TierSpec = z.strictObject({ name: z.string().min(1).max(16), min: z.number().finite() });
export type TierSpec = z.infer<typeof TierSpec>;

export const MeasureSpec = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'measure id must be 1-64 characters of A-Z a-z 0-9 _ . -'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  kind: z.enum(['benefit', 'restriction']),
  tiers: z.array(z.string().min(1).max(16)).min(1),
  /** The name and description in other console languages. */
  i18n: TextTranslations.optional(),
});
export type MeasureSpec = z.infer<typeof MeasureSpec>;

/** A ruleset file as published: every number here is a parameter, never a constant in code. */
export const RulesetSpec = z.strictObject({
  base_score: z.number().finite(),
  score_min: z.number().finite(),
  score_max: z.number().finite(),
  friend_penalty: z.strictObject({
    threshold: z.number().finite(),
    weight: z.number().finite(),
    cap: z.number().finite().nonnegative(),
  }),
  tiers: z.array(TierSpec).min(1),
  rules: z.array(RuleSpec),
  /** What each tier brings. A restriction is never applied by the score alone: an official confirms it per citizen. */
  measures: z.array(MeasureSpec).optional(),
  /** When true, only citizens whose consent at the scoring instant is `given` are scored (SCORING_MODEL §3 "Scope"); absent: false. */
  consent_required: z.boolean().optional(),
});
export type RulesetSpec = z.infer<typeof RulesetSpec>;

export const OperationKind = z.enum([
  'event_recorded',
  'events_imported',
  'event_retracted',
  'ruleset_published',
  'relationship_changed',
  'records_expired',
  'manual_adjustment',
  'appeal_decided',
  'dispute_opened',
  'dispute_assigned',
  'dispute_reviewed',
  'dispute_decided',
  'backup_restored',
  'consent_changed',
]);
export type OperationKind = z.infer<typeof OperationKind>;

/** A consent record's status (SCORING_MODEL §1): only `given` puts a citizen in scope when the ruleset requires consent. */
export const ConsentStatus = z.enum(['given', 'withdrawn', 'refused']);
export type ConsentStatus = z.infer<typeof ConsentStatus>;

/** A problem found in an input: where (file, line, rule, position) and why. */
export const InputProblem = z.object({
  file: z.string().optional(),
  line: z.number().optional(),
  rule: z.string().optional(),
  field: z.string().optional(),
  position: z.number().optional(),
  /** English. */
  message: z.string(),
  /** The message as a `server` catalog key and its parameters, for the reader's language (shared/keyedText.ts). */
  key: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type InputProblem = z.infer<typeof InputProblem>;

/** One rule's part of a citizen's explanation. */
export const RuleContribution = z.object({
  ruleId: z.string(),
  ruleName: z.string(),
  /** The rule's name and description in other languages, for `localizedText`. */
  i18n: TextTranslations.optional(),
  dimension: z.string(),
  /** Sum of the event contributions before the cap. */
  raw: z.number(),
  /** Total after the cap: what counts. */
  total: z.number(),
  capped: z.boolean(),
  /** How many events count under this rule; `events` may list only the newest of them. */
  eventCount: z.number(),
  events: z.array(z.object({ eventId: z.string(), occurredAt: z.string(), points: z.number() })),
});
export type RuleContribution = z.infer<typeof RuleContribution>;

export const FriendShare = z.object({
  citizenId: z.string(),
  name: z.string(),
  score: z.number(),
  tier: z.string(),
  shortfall: z.number(),
  share: z.number(),
});
export type FriendShare = z.infer<typeof FriendShare>;

export const ReasonCode = z.object({
  /** A rule id, or `friend_penalty`. */
  code: z.string(),
  label: z.string(),
  points: z.number(),
});
export type ReasonCode = z.infer<typeof ReasonCode>;

/** Everything a score is made of (SCORING_MODEL §5). */
export const Explanation = z.object({
  citizenId: z.string(),
  name: z.string(),
  district: z.string(),
  rulesetVersion: z.number(),
  asOf: z.string(),
  base: z.number(),
  rules: z.array(RuleContribution),
  adjustments: z.number(),
  own: z.number(),
  friendPenalty: z.number(),
  friendPenaltyUncapped: z.number(),
  friends: z.array(FriendShare),
  activeFriendCount: z.number(),
  score: z.number(),
  tier: z.string(),
  reasonCodes: z.array(ReasonCode),
});
export type Explanation = z.infer<typeof Explanation>;
