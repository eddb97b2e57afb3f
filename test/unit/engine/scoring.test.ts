/**
 * Stored-score arithmetic (SCORING_MODEL §5): the two-step rounding to cents,
 * tiers at their boundaries, reason codes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { capTotal, centsOfMicro as engineCentsOfMicro, formatCents, formatPoints, MAX_EXACT_POINTS, microOfDecimal, reasonCodes, scoreCents, tierFor, toMicro, type ReasonFactor } from '../../../electron/engine/scoring.js';

/** The definition in integers: cents = round(m / 10^4), half away from zero, for integer micro-points m. */
function centsOfMicro(m: number): number {
  const q = Math.floor((Math.abs(m) + 5000) / 10000);
  return m < 0 ? -q : q;
}

describe('scoreCents: m = round(s * 10^6), cents = round(m / 10^4), both half away from zero', () => {
  it('rounds 994.825 (not representable as a double) up to 99483 cents', () => {
    expect(scoreCents(994.825)).toBe(99483);
  });

  it('rounds a decimal tie reached by two summation orders the same way, where toFixed disagrees', () => {
    // 900 - 1.005 and 900 - 0.5025 - 0.5025 are both 898.995 in decimals, one ulp apart as doubles.
    const a = 900 - 1.005;
    const b = 900 - 0.5025 - 0.5025;
    expect(a).not.toBe(b);
    expect([a.toFixed(2), b.toFixed(2)]).toEqual(['899.00', '898.99']);
    expect([scoreCents(a), scoreCents(b)]).toEqual([89900, 89900]);
  });

  it('rounds own 996.5 minus penalty 1.675 to 99483 whatever the summation order', () => {
    expect(scoreCents(996.5 - 1.675)).toBe(99483);
    expect(scoreCents(1000 - 3.5 - 1.675)).toBe(99483);
    expect(scoreCents(1000 - (3.5 + 1.675))).toBe(99483);
    expect(scoreCents(-1.675 + 996.5)).toBe(99483);
    expect(scoreCents(1000 - 1.675 - 3.5)).toBe(99483);
  });

  it('rounds other decimal ties that doubles hold slightly below the tie up, like 1.005 and 2.675', () => {
    expect((2.675).toFixed(2)).toBe('2.67');
    expect(scoreCents(1.005)).toBe(101);
    expect(scoreCents(2.675)).toBe(268);
    expect(scoreCents(1.115)).toBe(112);
  });

  it('rounds exact binary ties away from zero: 0.125 -> 13, 0.375 -> 38, 0.005 -> 1', () => {
    expect(scoreCents(0.125)).toBe(13);
    expect(scoreCents(0.375)).toBe(38);
    expect(scoreCents(0.005)).toBe(1);
    expect(scoreCents(1000.625)).toBe(100063);
  });

  it('rounds negative ties away from zero, mirroring the positive ones', () => {
    expect(scoreCents(-994.825)).toBe(-99483);
    expect(scoreCents(-0.125)).toBe(-13);
    expect(scoreCents(-0.005)).toBe(-1);
    expect(scoreCents(-2.675)).toBe(-268);
    expect(scoreCents(-1.004)).toBe(-100);
  });

  it('rounds below a tie down and above a tie up', () => {
    expect(scoreCents(994.824)).toBe(99482);
    expect(scoreCents(994.826)).toBe(99483);
    expect(scoreCents(-994.824)).toBe(-99482);
    expect(scoreCents(-994.826)).toBe(-99483);
  });

  it('rounds to micro-points first: 994.8249996 reaches the tie and rounds up, 994.8249994 does not', () => {
    expect(scoreCents(994.8249996)).toBe(99483);
    expect(scoreCents(994.8249994)).toBe(99482);
    expect(scoreCents(-994.8249996)).toBe(-99483);
  });

  it('takes a fixed-point figure within the model tolerance (1e-10 points) of a half micro-point as that tie, so paths that stop on either side agree', () => {
    // 791.6649995 is a tie at both steps: m = 791664999.5 -> 791665000 -> 79166.5 -> 79167 cents (791664999 would give 79166).
    // A full sweep and an incremental push stop within 1e-11 of it, on either side.
    for (const d of [0, 1e-11, -1e-11, 5e-11, -5e-11, 9e-11, -9e-11]) {
      expect(scoreCents(791.6649995 + d), `791.6649995 ${d >= 0 ? '+' : '-'} ${Math.abs(d)}`).toBe(79167);
      expect(scoreCents(-(791.6649995 + d))).toBe(-79167);
    }
    // Clearly below the tie (2e-10 points, beyond the tolerance) still rounds down.
    expect(scoreCents(791.6649995 - 2e-10)).toBe(79166);
  });

  it('maps 0, -0 and the clamp bounds to whole cents', () => {
    expect(scoreCents(0)).toBe(0);
    expect(scoreCents(-0)).toBe(0);
    expect(scoreCents(2000)).toBe(200000);
    expect(scoreCents(2062 / 3)).toBe(68733);
    expect(scoreCents(2840 / 3)).toBe(94667);
  });

  it('gives back k for every score k/100 written in whole cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300_000_000, max: 300_000_000 }), (k) => {
        expect(scoreCents(k / 100)).toBe(k);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with integer half-away rounding of m / 10^4 for every score m / 10^6 in micro-points', () => {
    const micro = fc.oneof(
      fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
      // Ties and their neighbours: m = 10^4 k + 5000 + d.
      fc.tuple(fc.integer({ min: -200_000, max: 200_000 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => k * 10_000 + 5000 + d),
    );
    fc.assert(
      fc.property(micro, (m) => {
        expect(scoreCents(m / 1e6)).toBe(centsOfMicro(m));
      }),
      { numRuns: 2000 },
    );
  });

  it('is symmetric: scoreCents(-s) = -scoreCents(s)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e5, max: 1e5, noNaN: true }), (s) => {
        expect(scoreCents(-s) + scoreCents(s)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatCents', () => {
  it('prints cents exactly, with the sign in front of small negatives', () => {
    expect(formatCents(99483)).toBe('994.83');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(-99483)).toBe('-994.83');
    expect(formatCents(200000)).toBe('2000.00');
  });
});

describe('tierFor: the band with the largest minimum <= the stored score', () => {
  const TIERS = [
    { name: 'AAA', min: 1050 },
    { name: 'AA', min: 1030 },
    { name: 'A', min: 960 },
    { name: 'B', min: 850 },
    { name: 'C', min: 600 },
    { name: 'D', min: 0 },
  ];

  it.each([
    [200000, 'AAA'],
    [105000, 'AAA'],
    [104999, 'AA'],
    [103000, 'AA'],
    [102999, 'A'],
    [96000, 'A'],
    [95999, 'B'],
    [85000, 'B'],
    [84999, 'C'],
    [60000, 'C'],
    [59999, 'D'],
    [1, 'D'],
    [0, 'D'],
  ])('%i cents is tier %s', (cents, tier) => {
    expect(tierFor(cents, TIERS)).toBe(tier);
  });

  it('places the worked example scores 687.33, 799.33, 946.67, 900.00 in C, C, B, B', () => {
    expect([68733, 79933, 94667, 90000].map((c) => tierFor(c, TIERS))).toEqual(['C', 'C', 'B', 'B']);
  });

  it('compares against minimums that are not whole points exactly', () => {
    const tiers = [
      { name: 'high', min: 960.5 },
      { name: 'mid', min: 850.01 },
      { name: 'low', min: -10 },
    ];
    expect(tierFor(96050, tiers)).toBe('high');
    expect(tierFor(96049, tiers)).toBe('mid');
    expect(tierFor(85001, tiers)).toBe('mid');
    expect(tierFor(85000, tiers)).toBe('low');
    expect(tierFor(-1000, tiers)).toBe('low');
  });

  it('agrees with the definition for every score and a random descending tier list', () => {
    const tiersArb = fc
      .uniqueArray(fc.integer({ min: -50_000, max: 250_000 }), { minLength: 1, maxLength: 8 })
      .map((mins) => mins.sort((a, b) => b - a).map((c, i) => ({ name: `T${i}`, min: c / 100 })));
    fc.assert(
      fc.property(tiersArb, fc.integer({ min: -50_000, max: 250_000 }), (tiers, cents) => {
        fc.pre(cents / 100 >= tiers[tiers.length - 1].min);
        const best = tiers.filter((t) => t.min * 100 <= cents + 1e-9).reduce((a, b) => (b.min > a.min ? b : a));
        expect(tierFor(cents, tiers)).toBe(best.name);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('capTotal', () => {
  it('clamps a rule total into [cap.min, cap.max] and leaves it alone without a cap', () => {
    expect(capTotal(-150, -120, Infinity)).toBe(-120);
    expect(capTotal(15, -Infinity, 12)).toBe(12);
    expect(capTotal(-30, -120, 12)).toBe(-30);
    expect(capTotal(-1e9, -Infinity, Infinity)).toBe(-1e9);
  });
});

describe('reasonCodes: up to 4 largest negative factors, largest first', () => {
  const f = (code: string, points: number): ReasonFactor => ({ code, label: code, points });

  it('keeps only negative factors: zero and positive ones are never reasons', () => {
    expect(reasonCodes([f('a', 5), f('b', 0), f('c', -1), f('d', 12)]).map((r) => r.code)).toEqual(['c']);
  });

  it('orders by size, the most negative first', () => {
    const out = reasonCodes([f('small', -2), f('friend_penalty', -37.5), f('big', -120), f('mid', -20)]);
    expect(out.map((r) => [r.code, r.points])).toEqual([
      ['big', -120],
      ['friend_penalty', -37.5],
      ['mid', -20],
      ['small', -2],
    ]);
  });

  it('returns at most 4, dropping the smallest negatives', () => {
    const out = reasonCodes([f('a', -1), f('b', -2), f('c', -3), f('d', -4), f('e', -5), f('f', -6)]);
    expect(out.map((r) => r.code)).toEqual(['f', 'e', 'd', 'c']);
  });

  it('returns nothing for a citizen without negative factors', () => {
    expect(reasonCodes([])).toEqual([]);
    expect(reasonCodes([f('a', 3)])).toEqual([]);
  });

  it('breaks ties by code so the order is stable', () => {
    expect(reasonCodes([f('zeta', -10), f('alpha', -10), f('mid', -10)]).map((r) => r.code)).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('for random factors returns the min(4, #negatives) most negative, sorted, and does not change the input', () => {
    const factorsArb = fc.array(fc.record({ code: fc.string({ minLength: 1, maxLength: 6 }), label: fc.constant('x'), points: fc.double({ min: -500, max: 500, noNaN: true }) }), { maxLength: 12 });
    fc.assert(
      fc.property(factorsArb, (factors) => {
        const copy = factors.map((x) => ({ ...x }));
        const out = reasonCodes(factors);
        expect(factors).toEqual(copy);
        const negatives = factors.filter((x) => x.points < 0).map((x) => x.points).sort((a, b) => a - b);
        expect(out.map((x) => x.points)).toEqual(negatives.slice(0, 4));
      }),
      { numRuns: 500 },
    );
  });
});

describe('round6: toMicro (SCORING_MODEL §3)', () => {
  it('rounds half away from zero on the number as written', () => {
    expect(toMicro(0.0049995)).toBe(5000);
    expect(toMicro(-0.0049995)).toBe(-5000);
    expect(toMicro(0.0000005)).toBe(1);
    expect(toMicro(-0.0000005)).toBe(-1);
    expect(toMicro(0.00000049999)).toBe(0);
    expect(toMicro(1.0000005)).toBe(1_000_001);
    expect(toMicro(0.1234565)).toBe(123_457);
    expect(toMicro(1000)).toBe(1_000_000_000);
    expect(toMicro(-0)).toBe(0);
    expect(toMicro(1e-300)).toBe(0);
    expect(toMicro(Infinity)).toBe(Infinity);
    expect(toMicro(-Infinity)).toBe(-Infinity);
    expect(() => toMicro(NaN)).toThrow(RangeError);
  });

  it('the fast path agrees with the decimal digits on random doubles and on 7-decimal ties', () => {
    const decimal = (x: number) => (x < 0 ? -microOfDecimal(-x) : microOfDecimal(x));
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -MAX_EXACT_POINTS, max: MAX_EXACT_POINTS }), (x) => {
        expect(toMicro(x)).toBe(decimal(x));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.integer({ min: 0, max: 9 }), (tenMillionths, lastDigit) => {
        // A number written with 7 decimals, its last digit a 5 (a tie) or any other.
        const x = Number(`${tenMillionths < 0 ? '-' : ''}${Math.floor(Math.abs(tenMillionths) / 1e6)}.${String(Math.abs(tenMillionths) % 1e6).padStart(6, '0')}${lastDigit}`);
        const units = Math.abs(tenMillionths);
        const expected = lastDigit >= 5 ? units + 1 : units;
        expect(Math.abs(toMicro(x))).toBe(expected);
        expect(toMicro(x)).toBe(decimal(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('centsOfMicro rounds m / 10^4 half away from zero in integers', () => {
    expect(engineCentsOfMicro(791_665_000)).toBe(79_167);
    expect(engineCentsOfMicro(-791_665_000)).toBe(-79_167);
    expect(engineCentsOfMicro(791_664_999)).toBe(79_166);
    expect(formatPoints(800 - 8.335)).toBe('791.67');
    expect(formatPoints(-0.004)).toBe('0.00');
  });
});
