/**
 * Fairness arithmetic on small populations worked out by hand: favourable
 * rates, the reference group, the four-fifths boundary, small and empty
 * groups, and age bands on their boundaries at the as-of instant.
 */
import { describe, expect, it } from 'vitest';
import { ageBand, ageInYears, belowFourFifths, fairnessFlags, fairnessSide, judgeDimension, Tallies, unfavourableTiers, withheldGroups, withholdSmallGroups, type GroupTally } from '../../../electron/engine/fairness.js';

const TIERS = ['AAA', 'AA', 'A', 'B', 'C', 'D'];

/** A group of `fav` citizens in tier B (score 900) and `unfav` in tier C (score 700). */
function group(name: string, fav: number, unfav: number): GroupTally {
  const t = new Tallies();
  if (fav) t.add(name, 'B', fav, fav * 90000);
  if (unfav) t.add(name, 'C', unfav, unfav * 70000);
  return t.list([name])[0];
}

const at = (iso: string) => Date.parse(iso);

describe('favourable rate and adverse-impact ratio', () => {
  it('the best-off group is the reference with ratio 1; another at 30/50 of 45/50 has ratio 2/3 and is flagged', () => {
    const d = judgeDimension('district', [group('North', 45, 5), group('South', 30, 20)], TIERS);
    const [north, south] = d.groups;
    expect(d.reference).toBe('North');
    expect(north).toMatchObject({ size: 50, favourable: 45, favourableRate: 0.9, ratio: 1, reference: true, flagged: false, tooSmall: false });
    // mean: (30 * 900 + 20 * 700) / 50 = 820
    expect(south).toMatchObject({ size: 50, favourable: 30, favourableRate: 0.6, reference: false, flagged: true, meanScore: 820 });
    expect(south.ratio).toBeCloseTo(2 / 3, 12);
    expect(south.tierCounts).toEqual([0, 0, 0, 30, 20, 0]);
  });

  it('exactly four fifths of the best is not flagged; one citizen fewer is', () => {
    // best 50/50 = 1; 40/50 = 0.8 exactly
    const exact = judgeDimension('district', [group('A', 50, 0), group('B', 40, 10)], TIERS);
    expect(exact.groups[1]).toMatchObject({ ratio: 0.8, flagged: false });
    // best 45/50 = 0.9; 36/50 = 0.72 = 0.8 * 0.9 exactly (0.72 / 0.9 is 0.7999999999999999 in doubles)
    const tricky = judgeDimension('district', [group('A', 45, 5), group('B', 36, 14)], TIERS);
    expect(tricky.groups[1].flagged).toBe(false);
    const below = judgeDimension('district', [group('A', 45, 5), group('B', 35, 15)], TIERS);
    expect(below.groups[1].flagged).toBe(true);
    expect(belowFourFifths(36, 50, 45, 50)).toBe(false);
    expect(belowFourFifths(35, 50, 45, 50)).toBe(true);
  });

  it('groups under the minimum size are shown, never flagged and never the reference', () => {
    // Tiny: 12/12 favourable would be the best rate, but 12 < 30.
    const d = judgeDimension('district', [group('Tiny', 12, 0), group('Big', 27, 3), group('Mid', 10, 20), group('Few', 0, 29)], TIERS);
    expect(d.reference).toBe('Big');
    const by = Object.fromEntries(d.groups.map((g) => [g.group, g]));
    expect(by.Tiny).toMatchObject({ tooSmall: true, flagged: false, reference: false, favourableRate: 1 });
    expect(by.Tiny.ratio).toBeCloseTo(1 / 0.9, 12);
    expect(by.Mid).toMatchObject({ tooSmall: false, flagged: true });
    // 29 citizens, none favourable: ratio 0, but too small to judge
    expect(by.Few).toMatchObject({ size: 29, tooSmall: true, flagged: false, ratio: 0 });
  });

  it('a group of size 0 has no rate, no mean and no ratio', () => {
    const d = judgeDimension('age', [group('18-29', 40, 0), group('60+', 0, 0)], TIERS);
    expect(d.groups[1]).toMatchObject({ size: 0, meanScore: null, favourableRate: null, ratio: null, tooSmall: true, flagged: false });
  });

  it('all groups equal: every ratio 1, nothing flagged, the first is the reference', () => {
    const d = judgeDimension('district', [group('East', 20, 20), group('West', 20, 20), group('North', 30, 30)], TIERS);
    expect(d.groups.map((g) => g.ratio)).toEqual([1, 1, 1]);
    expect(d.groups.some((g) => g.flagged)).toBe(false);
    expect(d.reference).toBe('East');
  });

  it('no judged group, or nobody favourable anywhere: no reference, no ratios, no flags', () => {
    expect(judgeDimension('district', [group('A', 10, 0), group('B', 0, 10)], TIERS)).toMatchObject({ reference: null });
    const none = judgeDimension('district', [group('A', 0, 40), group('B', 0, 40)], TIERS);
    expect(none.reference).toBeNull();
    expect(none.groups.every((g) => g.ratio === null && !g.flagged)).toBe(true);
  });

  it('C, D and any tier below them are unfavourable; without C or D, the two lowest', () => {
    expect(unfavourableTiers(TIERS)).toEqual(['C', 'D']);
    expect(unfavourableTiers([...TIERS, 'E'])).toEqual(['C', 'D', 'E']);
    expect(unfavourableTiers(['A', 'B', 'D'])).toEqual(['D']);
    expect(unfavourableTiers(['gold', 'silver', 'bronze', 'none'])).toEqual(['bronze', 'none']);
    expect(unfavourableTiers(['only'])).toEqual(['only']);
  });

  it('flags name the group with its ratio before and after', () => {
    const before = fairnessSide({ rulesetVersion: 1, tiers: TIERS, districts: tallies([['N', 45, 5], ['S', 40, 10]]), ages: new Tallies() });
    const after = fairnessSide({ rulesetVersion: 2, tiers: TIERS, districts: tallies([['N', 45, 5], ['S', 30, 20]]), ages: new Tallies() });
    const flags = fairnessFlags(after, before);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ dimension: 'district', group: 'S', size: 50 });
    expect(flags[0].ratio).toBeCloseTo(2 / 3, 12);
    expect(flags[0].ratioBefore).toBeCloseTo(8 / 9, 12);
    // every age band is listed, empty ones too
    expect(after.dimensions[1].groups.map((g) => g.group)).toEqual(['under-18', '18-29', '30-44', '45-59', '60+', 'unknown']);
    expect(after.citizens).toBe(100);
  });
});

describe('figures of groups too small to disclose are withheld', () => {
  it('a group under 10 is withheld; while the withheld together number under 10, the next smallest is withheld too', () => {
    expect([...withheldGroups([1, 50, 40])]).toEqual([0, 2]);
    expect([...withheldGroups([9, 9, 50])]).toEqual([0, 1]);
    expect([...withheldGroups([3, 4, 3, 100])]).toEqual([0, 1, 2]);
    expect([...withheldGroups([3, 4, 2, 100])]).toEqual([0, 1, 2, 3]);
    // 10 is enough; an empty group discloses nothing and is not counted.
    expect([...withheldGroups([10, 50])]).toEqual([]);
    expect([...withheldGroups([0, 50, 60])]).toEqual([]);
    expect([...withheldGroups([0, 9, 50, 50])]).toEqual([1, 2]);
    // Nothing else to withhold: the lone small group stays withheld.
    expect([...withheldGroups([3])]).toEqual([0]);
  });

  it("a district of one citizen shows its size only, and so does the smallest other, so the population's totals minus the shown groups are at least 10 people", () => {
    const d = judgeDimension('district', [group('Lone', 0, 1), group('North', 45, 5), group('South', 30, 20), group('West', 40, 0)], TIERS);
    const by = Object.fromEntries(d.groups.map((g) => [g.group, g]));
    expect(by.Lone).toEqual({ group: 'Lone', size: 1, tierCounts: null, meanScore: null, favourable: null, favourableRate: null, ratio: null, tooSmall: true, withheld: true, reference: false, flagged: false });
    // No other group too small to judge: the smallest judged one, West, is withheld too. It stays the reference (40/40): withholding hides figures, not judgements.
    expect(by.West).toMatchObject({ size: 40, withheld: true, tierCounts: null, meanScore: null, ratio: null, reference: true });
    expect(d.reference).toBe('West');
    expect(by.South).toMatchObject({ withheld: false, flagged: true, ratio: 0.6, tierCounts: [0, 0, 0, 30, 20, 0] });
    const withheldTotal = d.groups.filter((g) => g.withheld).reduce((n, g) => n + g.size, 0);
    expect(withheldTotal).toBeGreaterThanOrEqual(10);
  });

  it('groups too small to judge are withheld with a tiny one before a judged group is', () => {
    const d = judgeDimension('district', [group('Lone', 1, 0), group('Small', 12, 8), group('North', 45, 5), group('South', 30, 20)], TIERS);
    expect(d.groups.map((g) => g.withheld)).toEqual([true, true, false, false]);
    expect(d.groups[2]).toMatchObject({ reference: true, ratio: 1, meanScore: 880 });
  });

  it('adding one citizen in a district of their own cannot make a flag disappear: the flagged group is withheld, still flagged, with no ratio shown', () => {
    const side = fairnessSide({ rulesetVersion: 2, tiers: TIERS, districts: tallies([['Lone', 1, 0], ['N', 45, 5], ['S', 25, 15]]), ages: new Tallies() });
    const s = side.dimensions[0].groups[2];
    expect(s).toMatchObject({ group: 'S', size: 40, withheld: true, flagged: true, ratio: null, favourableRate: null });
    expect(fairnessFlags(side, null)).toEqual([{ dimension: 'district', group: 'S', size: 40, ratio: null, ratioBefore: null }]);
  });

  it('a report kept before figures were withheld is withheld when read; flags recorded then stay', () => {
    const side = fairnessSide({ rulesetVersion: 1, tiers: TIERS, districts: tallies([['Lone', 1, 0], ['N', 45, 5], ['S', 30, 20]]), ages: new Tallies() }, 30, 0);
    const lone = side.dimensions[0].groups[0];
    expect(lone).toMatchObject({ size: 1, tierCounts: [0, 0, 0, 1, 0, 0], meanScore: 900, withheld: false });
    const old = { asOf: '2026-01-01T00:00:00Z', minGroupSize: 30, before: null, after: side, flags: fairnessFlags(side, null) };
    const read = withholdSmallGroups(old);
    expect(read.after.dimensions[0].groups[0]).toMatchObject({ size: 1, tierCounts: null, meanScore: null, favourable: null, withheld: true });
    // N and S have 50 each: the first of the smallest others, N, is withheld with Lone; S stays.
    expect(read.after.dimensions[0].groups.map((g) => g.withheld)).toEqual([true, true, false]);
    expect(read.flags).toEqual(old.flags);
    // Had the flagged S been the one withheld, its flag would stay and lose its ratio.
    const side2 = fairnessSide({ rulesetVersion: 1, tiers: TIERS, districts: tallies([['Lone', 1, 0], ['N', 45, 5], ['S', 25, 15]]), ages: new Tallies() }, 30, 0);
    const read2 = withholdSmallGroups({ asOf: '2026-01-01T00:00:00Z', minGroupSize: 30, before: null, after: side2, flags: fairnessFlags(side2, null) });
    expect(read2.flags).toEqual([{ dimension: 'district', group: 'S', size: 40, ratio: null, ratioBefore: null }]);
    expect(read2.after.dimensions[0].groups[2]).toMatchObject({ withheld: true, flagged: true, tierCounts: null });
  });
});

function tallies(rows: [string, number, number][]): Tallies {
  const t = new Tallies();
  for (const [g, fav, unfav] of rows) {
    t.add(g, 'B', fav, fav * 90000);
    t.add(g, 'C', unfav, unfav * 70000);
  }
  return t;
}

describe('age at the as-of instant', () => {
  it('a birthday counts from the first instant of that UTC day', () => {
    expect(ageInYears('1996-11-30', at('2026-11-30T00:00:00.000Z'))).toBe(30);
    expect(ageInYears('1996-11-30', at('2026-11-29T23:59:59.999Z'))).toBe(29);
    expect(ageBand('1996-11-30', at('2026-11-30T00:00:00Z'))).toBe('30-44');
    expect(ageBand('1996-11-30', at('2026-11-29T23:59:59Z'))).toBe('18-29');
  });

  it('each band boundary: 18, 30, 45, 60', () => {
    const asOf = at('2026-06-15T12:00:00Z');
    expect(ageBand('2008-06-15', asOf)).toBe('18-29');
    expect(ageBand('2008-06-16', asOf)).toBe('under-18');
    expect(ageBand('1981-06-15', asOf)).toBe('45-59');
    expect(ageBand('1981-06-16', asOf)).toBe('30-44');
    expect(ageBand('1966-06-15', asOf)).toBe('60+');
    expect(ageBand('1966-06-16', asOf)).toBe('45-59');
  });

  it('the as-of instant is read in UTC, whatever offset it was written with', () => {
    // 2026-11-30T01:00+02:00 is 2026-11-29T23:00Z: the birthday has not come yet.
    expect(ageInYears('1996-11-30', at('2026-11-30T01:00:00+02:00'))).toBe(29);
  });

  it('29 February counts from 1 March in other years', () => {
    expect(ageInYears('2000-02-29', at('2018-02-28T23:59:59Z'))).toBe(17);
    expect(ageInYears('2000-02-29', at('2018-03-01T00:00:00Z'))).toBe(18);
    expect(ageInYears('2000-02-29', at('2020-02-29T00:00:00Z'))).toBe(20);
  });

  it('no birth date, an impossible one, or one after the as-of: unknown', () => {
    const asOf = at('2026-01-01T00:00:00Z');
    expect(ageBand(null, asOf)).toBe('unknown');
    expect(ageBand('', asOf)).toBe('unknown');
    expect(ageBand('2001-02-29', asOf)).toBe('unknown');
    expect(ageBand('1990-13-01', asOf)).toBe('unknown');
    expect(ageBand('26-01-01', asOf)).toBe('unknown');
    expect(ageBand('2026-01-02', asOf)).toBe('unknown');
    expect(ageBand('2026-01-01', asOf)).toBe('under-18');
  });
});
