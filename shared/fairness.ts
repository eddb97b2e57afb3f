/**
 * The shape of a fairness report (issue 13, part 3): for a ruleset's scores,
 * the tier distribution, mean score and favourable rate of each district and
 * age band, and each group's adverse-impact ratio against the best-off group
 * (the four-fifths rule). The arithmetic is electron/engine/fairness.ts.
 */
import { z } from 'zod';

/** Age bands, by completed years at the as-of date (UTC); `unknown`: no birth date, or one after the as-of. */
export const AGE_BANDS = ['under-18', '18-29', '30-44', '45-59', '60+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Fewer scored citizens than this in a group (or in a dimension's withheld groups together): its figures are withheld (electron/engine/fairness.ts). */
export const DISCLOSURE_MIN = 10;

export const FairnessDimensionName = z.enum(['district', 'age']);
export type FairnessDimensionName = z.infer<typeof FairnessDimensionName>;

export const FairnessGroup = z.object({
  /** The district's name, or the age band (AGE_BANDS). */
  group: z.string(),
  /** Scored citizens in the group. */
  size: z.number(),
  /** Citizens per tier, in the order of the side's `tiers` (null: withheld). */
  tierCounts: z.array(z.number()).nullable(),
  /** Mean stored score (null for an empty group, or withheld). */
  meanScore: z.number().nullable(),
  /** Citizens outside the unfavourable tiers (null: withheld). */
  favourable: z.number().nullable(),
  favourableRate: z.number().nullable(),
  /** favourableRate / the reference group's (null: no reference, or an empty group). */
  ratio: z.number().nullable(),
  /** Fewer citizens than the report's minimum group size: shown, never judged or flagged, never the reference. */
  tooSmall: z.boolean(),
  /**
   * Too few citizens to show figures without disclosing a person's tier and
   * score (engine/fairness.ts DISCLOSURE_MIN): only the size is shown.
   * Absent in a report kept before figures were withheld (read through
   * withholdSmallGroups).
   */
  withheld: z.boolean().optional(),
  /** The best-off group judged (ratio 1 by definition). */
  reference: z.boolean(),
  /** Judged and below four fifths of the reference. */
  flagged: z.boolean(),
});
export type FairnessGroup = z.infer<typeof FairnessGroup>;

export const FairnessDimension = z.object({
  dimension: FairnessDimensionName,
  groups: z.array(FairnessGroup),
  /** The reference (best-off judged) group, null when none is large enough or none has a favourable outcome. */
  reference: z.string().nullable(),
});
export type FairnessDimension = z.infer<typeof FairnessDimension>;

/** One ruleset's scores, grouped. */
export const FairnessSide = z.object({
  rulesetVersion: z.number().nullable(),
  tiers: z.array(z.string()),
  /** The tiers that count as an unfavourable outcome (C and D, and any tier below them). */
  unfavourableTiers: z.array(z.string()),
  citizens: z.number(),
  dimensions: z.array(FairnessDimension),
});
export type FairnessSide = z.infer<typeof FairnessSide>;

export const FairnessFlag = z.object({
  dimension: FairnessDimensionName,
  group: z.string(),
  size: z.number(),
  /** null: the group's figures are withheld (too few citizens to disclose). */
  ratio: z.number().nullable(),
  /** The same group's ratio under the ruleset compared against (null: none, not computed there, or withheld). */
  ratioBefore: z.number().nullable(),
});
export type FairnessFlag = z.infer<typeof FairnessFlag>;

export const FairnessReport = z.object({
  /** The scoring instant: the age bands are taken at its date. */
  asOf: z.string(),
  minGroupSize: z.number(),
  /** Groups under this size (or whose withheld neighbours together are) show their size only (absent in reports kept before figures were withheld). */
  disclosureMin: z.number().optional(),
  /** The four-fifths threshold: a ratio strictly below it is flagged. */
  threshold: z.number(),
  /** The published ruleset's scores before the draft (null: nothing published, or a report of the current scores alone). */
  before: FairnessSide.nullable(),
  /** The draft's scores (a simulation or a publish), or the current scores. */
  after: FairnessSide,
  /** The judged groups of `after` below the threshold: the approver acknowledges them with a reason. */
  flags: z.array(FairnessFlag),
});
export type FairnessReport = z.infer<typeof FairnessReport>;

/** A published version's report as stored with it, with the approver's acknowledgement of its flags. */
export const StoredFairnessReport = z.object({
  rulesetVersion: z.number(),
  operationId: z.number(),
  report: FairnessReport,
  acknowledgement: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type StoredFairnessReport = z.infer<typeof StoredFairnessReport>;
