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
 * - Figures of a group with fewer than DISCLOSURE_MIN scored citizens are
 *   withheld (size only): a group of one would disclose that citizen's tier
 *   and score to anyone who reads the report, without a record access and
 *   its log row. When the withheld groups of a dimension together number
 *   fewer than DISCLOSURE_MIN, the next smallest groups are withheld too
 *   (those too small to judge first), so subtracting the shown groups from
 *   the population's totals cannot recover them. Withholding hides figures
 *   only: which group is the reference and which are flagged is decided on
 *   every group as before, so adding a citizen in a district of their own
 *   cannot make a flag disappear (a withheld group's flag shows no ratio).
 * - Age is in completed years at the as-of instant's UTC date: a citizen born
 *   on 1996-11-30 is 30 from 2026-11-30T00:00:00Z. A 29 February birthday
 *   counts from 1 March in other years. No birth date, an unreadable one or
 *   one after the as-of: the `unknown` band. Rules never see any of this.
 */
import { AGE_BANDS, DISCLOSURE_MIN, type AgeBand, type FairnessDimension, type FairnessDimensionName, type FairnessFlag, type FairnessGroup, type FairnessSide } from '../../shared/fairness.js';

export const MIN_GROUP_SIZE = 30;
export const FOUR_FIFTHS = 0.8;
export { DISCLOSURE_MIN };

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

/** One dimension's groups judged against its best-off judged group; the figures of groups too small to disclose withheld. */
export function judgeDimension(
  dimension: FairnessDimensionName,
  tallies: readonly GroupTally[],
  tiers: readonly string[],
  minGroupSize = MIN_GROUP_SIZE,
  disclosureMin = DISCLOSURE_MIN,
): FairnessDimension {
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
  const withheld = withheldGroups(
    rows.map((r) => r.size),
    disclosureMin,
    minGroupSize,
  );
  const groups: FairnessGroup[] = rows.map((r, i) => {
    const isRef = r === ref;
    const ratio = !ref || r.size === 0 ? null : isRef ? 1 : r.favourable / r.size / (ref.favourable / ref.size);
    const judged = {
      tooSmall: !r.judged,
      reference: isRef,
      flagged: ref !== null && r.judged && !isRef && belowFourFifths(r.favourable, r.size, ref.favourable, ref.size),
    };
    if (withheld.has(i)) return { group: r.t.group, size: r.size, tierCounts: null, meanScore: null, favourable: null, favourableRate: null, ratio: null, withheld: true, ...judged };
    return {
      group: r.t.group,
      size: r.size,
      tierCounts: r.tierCounts,
      meanScore: r.size ? r.t.sumCents / r.size / 100 : null,
      favourable: r.favourable,
      favourableRate: r.size ? r.favourable / r.size : null,
      ratio,
      withheld: false,
      ...judged,
    };
  });
  return { dimension, groups, reference: ref?.t.group ?? null };
}

/**
 * The groups (indexes into `sizes`) whose figures are withheld: every
 * non-empty group under `min`, then, while those together number fewer than
 * `min`, the smallest other non-empty group (one too small to judge, under
 * `judgeMin`, before a judged one; the first of equals), so the withheld
 * figures cannot be recovered by subtracting the shown ones from a total.
 */
export function withheldGroups(sizes: readonly number[], min = DISCLOSURE_MIN, judgeMin = MIN_GROUP_SIZE): Set<number> {
  const out = new Set<number>();
  let total = 0;
  sizes.forEach((n, i) => {
    if (n > 0 && n < min) {
      out.add(i);
      total += n;
    }
  });
  if (out.size === 0) return out;
  const rest = sizes
    .map((n, i) => [n, i] as const)
    .filter(([n, i]) => n > 0 && !out.has(i))
    .sort((a, b) => Number(a[0] >= judgeMin) - Number(b[0] >= judgeMin) || a[0] - b[0] || a[1] - b[1]);
  for (const [n, i] of rest) {
    if (total >= min) break;
    out.add(i);
    total += n;
  }
  return out;
}

/**
 * A report kept before figures were withheld (a published version's, a
 * proposal's simulation): withhold them now, as a report made today would.
 * Which groups were the reference and flagged stays as recorded (they were
 * decided on and acknowledged); a withheld group's flag loses its ratios.
 */
export function withholdSmallGroups<R extends { minGroupSize: number; before: FairnessSide | null; after: FairnessSide; flags: FairnessFlag[] }>(report: R, min = DISCLOSURE_MIN): R {
  const hidden = new Set<string>();
  const side = (s: FairnessSide, label: 'before' | 'after'): FairnessSide => ({
    ...s,
    dimensions: s.dimensions.map((d) => {
      const withheld = withheldGroups(
        d.groups.map((g) => g.size),
        min,
        report.minGroupSize,
      );
      return {
        ...d,
        groups: d.groups.map((g, i) => {
          if (!withheld.has(i)) return { ...g, withheld: false };
          hidden.add(`${label}\u0000${d.dimension}\u0000${g.group}`);
          return { ...g, tierCounts: null, meanScore: null, favourable: null, favourableRate: null, ratio: null, withheld: true };
        }),
      };
    }),
  });
  const before = report.before && side(report.before, 'before');
  const after = side(report.after, 'after');
  const flags = report.flags.map((f) => ({
    ...f,
    ratio: hidden.has(`after\u0000${f.dimension}\u0000${f.group}`) ? null : f.ratio,
    ratioBefore: hidden.has(`before\u0000${f.dimension}\u0000${f.group}`) ? null : f.ratioBefore,
  }));
  return { ...report, before, after, flags };
}

/** One ruleset's scores by district and by age band. */
export function fairnessSide(
  input: { rulesetVersion: number | null; tiers: readonly string[]; districts: Tallies; ages: Tallies },
  minGroupSize = MIN_GROUP_SIZE,
  disclosureMin = DISCLOSURE_MIN,
): FairnessSide {
  const district = judgeDimension('district', input.districts.list(), input.tiers, minGroupSize, disclosureMin);
  const age = judgeDimension('age', input.ages.list(AGE_BANDS, AGE_BANDS), input.tiers, minGroupSize, disclosureMin);
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
      if (!g.flagged) continue;
      flags.push({ dimension: d.dimension, group: g.group, size: g.size, ratio: g.ratio, ratioBefore: prior?.groups.find((x) => x.group === g.group)?.ratio ?? null });
    }
  }
  return flags;
}
