/**
 * Shapes of the recourse and network channels (issue 13, parts 1 and 2):
 * a citizen's score outlook under the current ruleset, the friends their
 * shortfall penalises, how far a change travels through friendships, and
 * the friend penalty's share of the population's score loss by district.
 * Imported by shared/contract.ts; nothing else of the project.
 */
import { z } from 'zod';

/** How far one change travels: citizens (other than the one changed) whose stored score moves, by friendship distance. */
export const Reach = z.object({
  /** Citizens whose stored score (cents) would change, the changed citizen not counted. */
  citizens: z.number(),
  /** The largest friendship distance (hops) from the changed citizen to one of them; 0 when none moves. */
  maxHops: z.number(),
  byHop: z.array(z.object({ hops: z.number(), citizens: z.number() })),
  /** A draft ruleset that changes the friend-penalty settings: citizens 1 friendship away include those it penalises differently for their friends' published scores. */
  viaSettings: z.literal(true).optional(),
});
export type Reach = z.infer<typeof Reach>;

/** What recording one event would do now, before it is recorded: the citizen's score and how far the change travels. */
export const EventPreview = z.object({
  /** The citizen's stored score now (null: not scored, e.g. out of scope, or no ruleset yet). */
  before: z.object({ score: z.number(), tier: z.string() }).nullable(),
  /** The score once recorded (null when not scored). */
  after: z.object({ score: z.number(), tier: z.string() }).nullable(),
  /** Whether a rule of the current ruleset counts the event at the scoring instant (else it moves no score now). */
  counts: z.boolean(),
  /** The scoring instant (null: no ruleset published). */
  asOf: z.string().nullable(),
  reach: Reach,
});
export type EventPreview = z.infer<typeof EventPreview>;

/** One contribution of the citizen's record that starts or stops counting at an instant of the outlook. */
export const OutlookRecord = z.object({
  eventId: z.string(),
  occurredAt: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  points: z.number(),
  /** `expires`: its ttl window ends; `starts`: it is dated after the as-of and starts to count. */
  change: z.enum(['expires', 'starts']),
});
export type OutlookRecord = z.infer<typeof OutlookRecord>;

export const OutlookPoint = z.object({
  /** The instant (RFC 3339, UTC) from which the citizen has this score, if nothing else happens. */
  at: z.string(),
  score: z.number(),
  tier: z.string(),
  own: z.number(),
  penalty: z.number(),
  /** The citizen's own records that change at this instant (may be empty: the friends' outlooks moved the score). */
  records: z.array(OutlookRecord),
  /** Whether friends' records or friendships changing by then moved the friend penalty at this instant. */
  friendsMoved: z.boolean(),
});
export type OutlookPoint = z.infer<typeof OutlookPoint>;

export const Outlook = z.object({
  citizenId: z.string(),
  rulesetVersion: z.number(),
  asOf: z.string(),
  now: z.object({ score: z.number(), tier: z.string(), own: z.number(), penalty: z.number() }),
  /** Dated changes already known, in time order (at most `POINTS_SHOWN`; `pointsTotal` counts them all). */
  points: z.array(OutlookPoint),
  pointsTotal: z.number(),
  /** The first instant at which the projected tier is above today's, and the expiries it takes. */
  nextTier: z
    .object({
      tier: z.string(),
      min: z.number(),
      at: z.string(),
      score: z.number(),
      /** The citizen's negative records whose expiry (in the order they happen) is needed to get there. */
      records: z.array(OutlookRecord),
      recordsTotal: z.number(),
    })
    .nullable(),
  /** Pending disputes of the citizen's events: the score and tier now if each alone were upheld. */
  disputes: z.array(
    z.object({
      disputeId: z.number(),
      eventId: z.string(),
      status: z.string(),
      score: z.number(),
      tier: z.string(),
      /** Upholding moves no score, and why: the event does not count at the as-of, or its rule total is capped. */
      noChange: z.enum(['not_counted', 'capped']).nullable(),
      reach: Reach,
    }),
  ),
  /** Citizens whose data the projection had to consider (the friends whose score could fall below the threshold, and theirs). */
  considered: z.number(),
  /** Citizens whose score was projected at every instant: the citizen and the friends, transitively, not certified to stay at or above the threshold. */
  projected: z.number(),
});
export type Outlook = z.infer<typeof Outlook>;

/** The reverse of the friend-penalty attribution: whom this citizen's shortfall penalises. */
export const NetworkView = z.object({
  citizenId: z.string(),
  score: z.number(),
  threshold: z.number(),
  shortfall: z.number(),
  /** Points the friends lose because of this citizen, in all. */
  total: z.number(),
  friends: z.array(
    z.object({
      citizenId: z.string(),
      name: z.string(),
      score: z.number(),
      tier: z.string(),
      /** The friend's whole friend penalty, and the part of it attributed to this citizen. */
      penalty: z.number(),
      lost: z.number(),
    }),
  ),
});
export type NetworkView = z.infer<typeof NetworkView>;

export const FriendPenaltyShare = z.object({
  rulesetVersion: z.number().nullable(),
  asOf: z.string().nullable(),
  rows: z.array(
    z.object({
      /** null: the whole population. */
      district: z.string().nullable(),
      citizens: z.number(),
      /** Points deducted: negative rule totals, negative adjustments and friend penalties (null: withheld). */
      loss: z.number().nullable(),
      friendLoss: z.number().nullable(),
      /** friendLoss / loss (0 when nothing is deducted; null: withheld). */
      share: z.number().nullable(),
      /** Too few citizens to show figures without disclosing a person's (engine/fairness.ts withheldGroups): the size only. */
      withheld: z.boolean(),
    }),
  ),
});
export type FriendPenaltyShare = z.infer<typeof FriendPenaltyShare>;
