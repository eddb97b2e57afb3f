/**
 * The reference scorer (test/reference/scorer.ts) against the figures
 * SCORING_MODEL.md itself gives: the §4 worked examples, the §5 rounding
 * example, the issue-7 repro, the ttl and friendship boundaries, micro-point
 * ties, and consent scope. The property tests trust it only as far as this.
 */
import { describe, expect, it } from 'vitest';
import { centsOf, instantMs, referenceScores, toMicro, type RefInput, type RefRule, type RefRuleset } from '../../reference/scorer.js';

const TIERS = [
  { name: 'AAA', min: 1050 },
  { name: 'AA', min: 1030 },
  { name: 'A', min: 960 },
  { name: 'B', min: 850 },
  { name: 'C', min: 600 },
  { name: 'D', min: 0 },
];
/** A rule `adj`: condition true, points event.p. */
const ADJ: RefRule = { id: 'adj', eventKind: 'adj', condition: () => true, points: (d) => d.p as number };
const ruleset = (over: Partial<RefRuleset> = {}): RefRuleset => ({
  baseScore: 1000,
  scoreMin: 0,
  scoreMax: 2000,
  threshold: 850,
  weight: 0.5,
  penaltyCap: 100,
  tiers: TIERS,
  rules: [ADJ],
  ...over,
});
const AS_OF = '2025-07-01T00:00:00Z';
let n = 0;
const ev = (citizen: string, p: number, occurredAt = '2024-01-01T00:00:00Z', extra: Partial<RefInput['events'][number]> = {}) => ({ id: `e${++n}`, citizen, kind: 'adj', occurredAt, data: { p }, ...extra });
/** Own scores set by one event each (own = 1000 + p). */
function withOwn(own: Record<string, number>, relationships: RefInput['relationships'], over: Partial<RefInput> = {}): RefInput {
  return {
    citizens: Object.keys(own),
    relationships,
    events: Object.entries(own).map(([id, o]) => ev(id, o - 1000)),
    ruleset: ruleset(),
    asOf: AS_OF,
    ...over,
  };
}
const since = (a: string, b: string, s = '2020-01-01', until = '') => ({ a, b, since: s, until });

describe('the reference scorer gives the figures of SCORING_MODEL.md', () => {
  it('§4 worked example: the triangle A, B, C with own 700, 840, 1000', () => {
    const r = referenceScores(withOwn({ A: 700, B: 840, C: 1000 }, [since('A', 'B'), since('A', 'C'), since('B', 'C')]));
    expect(r.get('A')!.s).toBeCloseTo(2062 / 3, 9);
    expect(r.get('B')!.s).toBeCloseTo(2398 / 3, 9);
    expect(r.get('C')!.s).toBeCloseTo(2840 / 3, 9);
    expect([r.get('A')!.cents, r.get('B')!.cents, r.get('C')!.cents]).toEqual([68733, 79933, 94667]);
    expect([r.get('A')!.tier, r.get('B')!.tier, r.get('C')!.tier]).toEqual(['C', 'C', 'B']);
  });

  it('§4 worked example: E (own 1000) whose only friend F has own 0 is capped at 100', () => {
    const r = referenceScores(withOwn({ E: 1000, F: 0 }, [since('E', 'F')]));
    expect(r.get('E')).toMatchObject({ raw: 425, penalty: 100, cents: 90000, tier: 'B' });
    expect(r.get('F')).toMatchObject({ penalty: 0, cents: 0, tier: 'D' });
  });

  it('issue 7 repro 1: K clamped at 0 keeps the penalty min(P, raw) = 100, not the clamped difference', () => {
    const citizens = ['K', 'J', ...Array.from({ length: 8 }, (_, i) => `F${i + 1}`)];
    const input: RefInput = { citizens, relationships: [since('K', 'J')], events: [ev('K', -960), ev('J', -200), ev('J', -100, '2024-02-01T00:00:00Z')], ruleset: ruleset(), asOf: AS_OF };
    const k = referenceScores(input).get('K')!;
    expect([k.cents, k.tier, centsOf(k.own), centsOf(k.penalty)]).toEqual([0, 'D', 4000, 10000]);
    // Retracting e3 (J back to own 800): raw(K) = 0.5 * (850 - 700) = 75.
    input.events[2].retracted = true;
    const after = referenceScores(input).get('K')!;
    expect([after.cents, centsOf(after.penalty)]).toEqual([0, 7500]);
  });

  it('§5: own 800 minus a penalty of 8.335 stores 791.67 (toFixed would give 791.66)', () => {
    // F and G are each other's only friend; G's own 862.4975 makes s_G = 833.33: F's shortfall-driven penalty is 0.5 * 16.67.
    const r = referenceScores(withOwn({ F: 800, G: 862.4975 }, [since('F', 'G')]));
    expect(r.get('G')!.cents).toBe(83333);
    expect(r.get('F')!.penalty).toBeCloseTo(8.335, 9);
    expect(r.get('F')!.cents).toBe(79167);
    expect(r.get('F')!.centsEither).toBeUndefined();
    expect((800 - 8.335).toFixed(2)).toBe('791.66');
  });

  it('a score the model leaves open: s within its 1e-10 tolerance of a half micro-point at a cent boundary gives both cents', () => {
    // B (own 849.999999, only friend A above T) keeps s = own; A's penalty is 0.5 * 0.000001: s_A = 1000.0049995.
    const r = referenceScores(withOwn({ A: 1000.005, B: 849.999999 }, [since('A', 'B')]));
    expect(r.get('A')!.centsEither).toEqual([100000, 100001]);
    expect(r.get('A')!.penaltyCents).toBe(0);
    expect(r.get('B')!.centsEither).toBeUndefined();
  });

  it('round6 is half away from zero on the decimal a number stands for: ±1/128 is ±7812.5 micro-points', () => {
    expect([toMicro(1 / 128), toMicro(-1 / 128), toMicro(3 / 128), toMicro(-3 / 128)]).toEqual([7813, -7813, 23438, -23438]);
    expect([toMicro(0.005), toMicro(-0.005), toMicro(1000.0049995), toMicro(5e-7), toMicro(-5e-7), toMicro(4e-7)]).toEqual([5000, -5000, 1_000_005_000, 1, -1, 0]);
    expect(toMicro(2 ** -21)).toBe(0); // 0.4768... micro-points
    expect(toMicro(2 ** -20)).toBe(1); // 0.9536...
    expect(toMicro(1e15)).toBe(1e21);
    // The decimal a double stands for: 0.0049995 is a tie (its binary value is a hair below).
    expect([toMicro(0.0000025), toMicro(-0.0000025), toMicro(1.0000005)]).toEqual([3, -3, 1_000_001]);
  });

  it('each contribution is rounded to micro-points before it is summed: 0.0049995 counts 0.005, so the score stores 1000.01', () => {
    const r = referenceScores({ citizens: ['X'], relationships: [], events: [ev('X', 0.0049995)], ruleset: ruleset(), asOf: AS_OF });
    expect(r.get('X')!.ownMicro).toBe(1_000_005_000);
    expect(r.get('X')!.cents).toBe(100001);
  });

  it('cent ties round half away from zero: 1000.005 -> 1000.01, 999.995 -> 1000.00, 0.005 above the minimum', () => {
    const r = referenceScores({ citizens: ['X', 'Y', 'Z'], relationships: [], events: [ev('X', 0.005), ev('Y', -0.005), ev('Z', -999.995)], ruleset: ruleset(), asOf: AS_OF });
    expect([r.get('X')!.cents, r.get('Y')!.cents, r.get('Z')!.cents]).toEqual([100001, 100000, 1]);
  });

  it('ttl window: asOf - ttl*86400 s < occurred_at <= asOf, to the millisecond, offsets honoured', () => {
    const rule: RefRule = { ...ADJ, ttlDays: 10 };
    const lower = instantMs(AS_OF) - 10 * 86_400_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const cases: [string, boolean][] = [
      [at(lower), false],
      [at(lower + 1), true],
      [at(lower - 1), false],
      [AS_OF, true],
      [at(instantMs(AS_OF) + 1), false],
      ['2025-07-01T02:00:00+02:00', true], // = asOf
      ['2025-07-01T02:00:00.001+02:00', false],
      ['2025-06-21T02:00:00+02:00', false], // = the lower bound
      ['2025-06-20T19:00:00.001-05:00', true], // lower bound + 1 ms
    ];
    for (const [when, counts] of cases) {
      const r = referenceScores({ citizens: ['X'], relationships: [], events: [ev('X', -10, when)], ruleset: ruleset({ rules: [rule] }), asOf: AS_OF });
      expect(r.get('X')!.cents, when).toBe(counts ? 99000 : 100000);
    }
  });

  it('friendships: active when since <= date(asOf) < until, dates in UTC', () => {
    const cases: [string, string, boolean][] = [
      ['2025-07-01', '', true],
      ['2025-07-02', '', false],
      ['2020-01-01', '2025-07-01', false],
      ['2020-01-01', '2025-07-02', true],
      ['2025-07-01', '2025-07-02', true],
    ];
    for (const [s, u, active] of cases) {
      const r = referenceScores(withOwn({ A: 1000, B: 800 }, [since('A', 'B', s, u)]));
      expect(r.get('A')!.penalty, `${s}..${u}`).toBe(active ? 25 : 0);
    }
    // 23:30 on June 30 at -05:00 is July 1 in UTC.
    const r = referenceScores({ ...withOwn({ A: 1000, B: 800 }, [since('A', 'B', '2025-07-01')]), asOf: '2025-06-30T23:30:00-05:00' });
    expect(r.get('A')!.penalty).toBe(25);
  });

  it('caps clamp each rule total; adjustments and base are in micro-points; own is clamped', () => {
    const capped: RefRule = { ...ADJ, cap: { min: -300, max: 50 } };
    const input: RefInput = {
      citizens: ['X', 'Y', 'Z'],
      relationships: [],
      events: [ev('X', -200), ev('X', -200), ev('Y', 40), ev('Y', 40), ev('Z', -5000)],
      adjustments: [{ citizen: 'Y', points: 1 / 128 }, { citizen: 'Z', points: -1 }],
      ruleset: ruleset({ rules: [capped], scoreMin: 0 }),
      asOf: AS_OF,
    };
    const r = referenceScores(input);
    expect(r.get('X')!.totalsMicro).toEqual({ adj: -300_000_000 });
    expect(r.get('Y')!.ownMicro).toBe(1_050_007_813);
    expect(r.get('Z')!.ownMicro).toBe(700_000_000 - 1_000_000);
  });

  it('an evaluation error contributes 0 and is counted; retracted and future events do not count', () => {
    const input: RefInput = {
      citizens: ['X'],
      relationships: [],
      events: [ev('X', Number.NaN), { ...ev('X', 0), data: {} }, ev('X', -50, '2024-01-01T00:00:00Z', { retracted: true }), ev('X', -50, '2025-07-01T00:00:00.001Z')],
      ruleset: ruleset({ rules: [{ ...ADJ, points: (d) => { if (!('p' in d)) throw new Error('no such key: p'); return d.p as number; } }] }),
      asOf: AS_OF,
    };
    const x = referenceScores(input).get('X')!;
    expect([x.cents, x.evaluationErrors]).toEqual([100000, 2]);
  });

  it('consent scope: only citizens with given consent at asOf are scored, and they take no part in the network', () => {
    const base = withOwn({ A: 1000, B: 500, C: 1000 }, [since('A', 'B'), since('A', 'C')]);
    const consent: RefInput['consent'] = [
      { citizen: 'A', status: 'given', at: '2024-01-01T00:00:00Z' },
      { citizen: 'B', status: 'given', at: '2024-01-01T00:00:00Z' },
      { citizen: 'B', status: 'withdrawn', at: '2025-06-30T00:00:00Z' },
      { citizen: 'C', status: 'given', at: '2025-07-01T00:00:00.001Z' },
    ];
    expect(referenceScores(base).get('A')!.penalty).toBe(87.5);
    const scoped = referenceScores({ ...base, consent, ruleset: ruleset({ consentRequired: true }) });
    expect([...scoped.keys()]).toEqual(['A']);
    expect(scoped.get('A')).toMatchObject({ penalty: 0, cents: 100000 });
    // B given again before asOf: back in scope, and A's only in-scope friend.
    const again = referenceScores({ ...base, consent: [...consent, { citizen: 'B', status: 'given', at: '2025-06-30T12:00:00Z' }], ruleset: ruleset({ consentRequired: true }) });
    expect([...again.keys()].sort()).toEqual(['A', 'B']);
    expect(again.get('A')!.penalty).toBe(100);
  });

  it('refuses instants the model refuses: no seconds, finer than milliseconds, no zone', () => {
    for (const bad of ['2025-07-01T00:00Z', '2025-07-01T00:00:00.0004Z', '2025-07-01T00:00:00', '2025-02-30T00:00:00Z']) expect(() => instantMs(bad), bad).toThrow(/reference/);
  });
});
