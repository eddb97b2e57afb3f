/**
 * Fairness arithmetic (issue 13, part 3), pure: the console groups scored
 * citizens by district and by age band, and this module turns the counts
 * into each group's tier distribution, mean score, favourable rate and
 * adverse-impact ratio.
 *
 * - Favourable: a tier outside the unfavourable ones, which are C, D and any
 *   tier below the higher of them (a ruleset that names neither: its two
 *   lowest tiers), so adding a tier under D or renaming nothing else cannot
 *   move citizens out of the count.
 * - The reference group is the judged group (at least `minGroupSize`
 *   citizens) with the highest favourable rate; ties go to the first in the
 *   report's order. Its ratio is 1.
 * - A group's ratio is its favourable rate divided by the reference's. A
 *   judged group is flagged when the ratio is strictly below 4/5, compared
 *   in integers (5 * fav * nRef < 4 * favRef * n), so exactly 0.8 is not
 *   flagged whatever binary fractions would say.
 * - A group under `minGroupSize` is shown with its figures, marked too small,
 *   never flagged and never the reference: a handful of people is not
 *   evidence of a disparity either way.
 * - Age is in completed years at the as-of instant's UTC date: a citizen born
 *   on 1996-11-30 is 30 from 2026-11-30T00:00:00Z. A 29 February birthday
 *   counts from 1 March in other years. No birth date, an unreadable one or
 *   one after the as-of: the `unknown` band. Rules never see any of this.
 */
import { AGE_BANDS, type AgeBand, type FairnessDimension, type FairnessDimensionName, type FairnessFlag, type FairnessGroup, type FairnessSide } from '../../shared/fairness.js';

export const MIN_GROUP_SIZE = 30;
export const FOUR_FIFTHS = 0.8;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Completed years from `birthDate` (YYYY-MM-DD) to the UTC date of `asOfMs`; null when unreadable or after the as-of. */
export function ageInYears(birthDate: string | null, asOfMs: number): number | null {
  const m = birthDate ? DATE.exec(birthDate) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const at = new Date(asOfMs);
  const [ay, amo, ad] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()];
  const age = ay - y - (amo < mo || (amo === mo && ad < d) ? 1 : 0);
  return age < 0 ? null : age;
}

/** The age band of a birth date at the as-of instant. */
export function ageBand(birthDate: string | null, asOfMs: number): AgeBand {
  const age = ageInYears(birthDate, asOfMs);
  if (age === null) return 'unknown';
  if (age < 18) return 'under-18';
  if (age < 30) return '18-29';
  if (age < 45) return '30-44';
  if (age < 60) return '45-59';
  return '60+';
}

/** Tiers ordered best first (as a ruleset lists them): the unfavourable ones, per the module comment. */
export function unfavourableTiers(tiers: readonly string[]): string[] {
  const first = tiers.findIndex((t) => t === 'C' || t === 'D');
  const from = first >= 0 ? first : Math.max(0, tiers.length - 2);
  return tiers.slice(from);
}

/** Scored citizens of one group: how many in each tier (by name) and the sum of their stored scores in cents. */
export interface GroupTally {
  group: string;
  tierCounts: Map<string, number>;
  sumCents: number;
}

/** Collects (group, tier, count, cents) rows into tallies. */
export class Tallies {
  private readonly byGroup = new Map<string, GroupTally>();

  add(group: string, tier: string, count: number, sumCents: number): void {
    let t = this.byGroup.get(group);
    if (!t) this.byGroup.set(group, (t = { group, tierCounts: new Map(), sumCents: 0 }));
    t.tierCounts.set(tier, (t.tierCounts.get(tier) ?? 0) + count);
    t.sumCents += sumCents;
  }

  /** Every group seen, plus `always` (each present even when empty), in `order` if given, else by name. */
  list(always: readonly string[] = [], order?: readonly string[]): GroupTally[] {
    for (const g of always) if (!this.byGroup.has(g)) this.byGroup.set(g, { group: g, tierCounts: new Map(), sumCents: 0 });
    const rank = order ? new Map(order.map((g, i) => [g, i])) : null;
    return [...this.byGroup.values()].sort((a, b) =>
      rank ? (rank.get(a.group) ?? rank.size) - (rank.get(b.group) ?? rank.size) || cmp(a.group, b.group) : cmp(a.group, b.group),
    );
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** a/b < c/d for non-negative integers with b, d > 0, exactly. */
const rateBelow = (a: number, b: number, c: number, d: number) => a * d < c * b;

/** Whether favourable rate fav/n is strictly below four fifths of favRef/nRef (exact integer comparison). */
export function belowFourFifths(fav: number, n: number, favRef: number, nRef: number): boolean {
  return 5 * fav * nRef < 4 * favRef * n;
}

/** One dimension's groups judged against its best-off judged group. */
export function judgeDimension(dimension: FairnessDimensionName, tallies: readonly GroupTally[], tiers: readonly string[], minGroupSize = MIN_GROUP_SIZE): FairnessDimension {
  const bad = new Set(unfavourableTiers(tiers));
  const rows = tallies.map((t) => {
    const tierCounts = tiers.map((name) => t.tierCounts.get(name) ?? 0);
    let size = 0;
    let favourable = 0;
    for (const [name, count] of t.tierCounts) {
      size += count;
      if (!bad.has(name)) favourable += count;
    }
    return { t, tierCounts, size, favourable, judged: size >= minGroupSize && size > 0 };
  });
  let ref: (typeof rows)[number] | null = null;
  for (const r of rows) if (r.judged && (!ref || rateBelow(ref.favourable, ref.size, r.favourable, r.size))) ref = r;
  if (ref && ref.favourable === 0) ref = null;
  const groups: FairnessGroup[] = rows.map((r) => {
    const isRef = r === ref;
    const ratio = !ref || r.size === 0 ? null : isRef ? 1 : r.favourable / r.size / (ref.favourable / ref.size);
    return {
      group: r.t.group,
      size: r.size,
      tierCounts: r.tierCounts,
      meanScore: r.size ? r.t.sumCents / r.size / 100 : null,
      favourable: r.favourable,
      favourableRate: r.size ? r.favourable / r.size : null,
      ratio,
      tooSmall: !r.judged,
      reference: isRef,
      flagged: ref !== null && r.judged && !isRef && belowFourFifths(r.favourable, r.size, ref.favourable, ref.size),
    };
  });
  return { dimension, groups, reference: ref?.t.group ?? null };
}

/** One ruleset's scores by district and by age band. */
export function fairnessSide(
  input: { rulesetVersion: number | null; tiers: readonly string[]; districts: Tallies; ages: Tallies },
  minGroupSize = MIN_GROUP_SIZE,
): FairnessSide {
  const district = judgeDimension('district', input.districts.list(), input.tiers, minGroupSize);
  const age = judgeDimension('age', input.ages.list(AGE_BANDS, AGE_BANDS), input.tiers, minGroupSize);
  return {
    rulesetVersion: input.rulesetVersion,
    tiers: [...input.tiers],
    unfavourableTiers: unfavourableTiers(input.tiers),
    citizens: district.groups.reduce((n, g) => n + g.size, 0),
    dimensions: [district, age],
  };
}

/** The flagged groups of `after`, each with its ratio under `before` for comparison. */
export function fairnessFlags(after: FairnessSide, before: FairnessSide | null): FairnessFlag[] {
  const flags: FairnessFlag[] = [];
  for (const d of after.dimensions) {
    const prior = before?.dimensions.find((x) => x.dimension === d.dimension);
    for (const g of d.groups) {
      if (!g.flagged || g.ratio === null) continue;
      flags.push({ dimension: d.dimension, group: g.group, size: g.size, ratio: g.ratio, ratioBefore: prior?.groups.find((x) => x.group === g.group)?.ratio ?? null });
    }
  }
  return flags;
}
