/**
 * The friend-penalty fixed point (SCORING_MODEL §4) on small graphs solved by
 * hand, attribution shares, and the incremental update reaching the same
 * fixed point as a solve from scratch.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  attributePenalty,
  buildGraph,
  clamp,
  csrView,
  rawPenalty,
  solveFixedPoint,
  updateFixedPoint,
  type FriendPenaltyParams,
  type Graph,
} from '../../../electron/engine/network.js';
import { scoreCents, tierFor } from '../../../electron/engine/scoring.js';

const MODEL: FriendPenaltyParams = { threshold: 850, weight: 0.5, cap: 100, scoreMin: 0, scoreMax: 2000 };
const DEFAULT_TIERS = [
  { name: 'AAA', min: 1050 },
  { name: 'AA', min: 1030 },
  { name: 'A', min: 960 },
  { name: 'B', min: 850 },
  { name: 'C', min: 600 },
  { name: 'D', min: 0 },
];

function graph(n: number, edges: [number, number][]): Graph {
  return buildGraph(n, Int32Array.from(edges.map((e) => e[0])), Int32Array.from(edges.map((e) => e[1])));
}

function solve(own: number[], edges: [number, number][], p = MODEL): Float64Array {
  return solveFixedPoint(Float64Array.from(own), graph(own.length, edges), p).s;
}

/** Largest |F(s)_i - s_i|: how far s is from being the fixed point. */
function residual(own: Float64Array, g: Graph, s: Float64Array, p: FriendPenaltyParams): number {
  let worst = 0;
  for (let i = 0; i < g.n; i++) {
    const next = clamp(own[i] - Math.min(p.cap, rawPenalty(i, g, s, p)), p.scoreMin, p.scoreMax);
    worst = Math.max(worst, Math.abs(next - s[i]));
  }
  return worst;
}

describe('the model worked example (T = 850, w = 0.5, P = 100)', () => {
  it('solves the triangle A, B, C with own 700, 840, 1000 to 2062/3, 2398/3, 2840/3', () => {
    const s = solve([700, 840, 1000], [
      [0, 1],
      [1, 2],
      [0, 2],
    ]);
    expect(s[0]).toBeCloseTo(2062 / 3, 9);
    expect(s[1]).toBeCloseTo(2398 / 3, 9);
    expect(s[2]).toBeCloseTo(2840 / 3, 9);
  });

  it('stores the triangle as 687.33 (C), 799.33 (C), 946.67 (B)', () => {
    const s = solve([700, 840, 1000], [
      [0, 1],
      [1, 2],
      [0, 2],
    ]);
    const cents = Array.from(s, scoreCents);
    expect(cents).toEqual([68733, 79933, 94667]);
    expect(cents.map((c) => tierFor(c, DEFAULT_TIERS))).toEqual(['C', 'C', 'B']);
  });

  it("splits C's penalty of 160/3 between A (122/3) and B (38/3), a quarter of each shortfall", () => {
    const g = graph(3, [
      [0, 1],
      [1, 2],
      [0, 2],
    ]);
    const s = solveFixedPoint(Float64Array.from([700, 840, 1000]), g, MODEL).s;
    const c = attributePenalty(csrView(g, s), 2, MODEL);
    expect(c.penalty).toBeCloseTo(160 / 3, 9);
    const byFriend = new Map(c.shares.map((x) => [x.friend, x.share]));
    expect(byFriend.get(0)).toBeCloseTo(0.25 * (850 - 2062 / 3), 9);
    expect(byFriend.get(1)).toBeCloseTo(0.25 * (850 - 2398 / 3), 9);
  });

  it('caps E (own 1000) at a penalty of 100 from its only friend F (own 0): E 900.00 (B), F 0.00 (D)', () => {
    const g = graph(2, [[0, 1]]);
    const own = Float64Array.from([1000, 0]);
    const s = solveFixedPoint(own, g, MODEL).s;
    expect(Array.from(s)).toEqual([900, 0]);
    expect(Array.from(s, scoreCents).map((c) => tierFor(c, DEFAULT_TIERS))).toEqual(['B', 'D']);
    const e = attributePenalty(csrView(g, s), 0, MODEL);
    expect(e.raw).toBe(425);
    expect(e.penalty).toBe(100);
  });
});

describe('solveFixedPoint on small graphs', () => {
  it('leaves isolated citizens at their own score, whatever it is', () => {
    const own = [0, 200, 849.99, 850, 1999.5, 2000];
    expect(Array.from(solve(own, []))).toEqual(own);
  });

  it('a friend at or above the threshold costs nothing, while a friend below it costs each of their friends', () => {
    // 0 (400) penalises 1 and 2 by min(100, 0.5 * 450); they end at 850 (exactly T) and 1100.
    const s = solve([400, 950, 1200], [
      [0, 1],
      [0, 2],
    ]);
    expect(Array.from(s)).toEqual([400, 850, 1100]);
  });

  it('penalises a friend of an isolated low scorer by w/|N| times the shortfall when under the cap', () => {
    // 0 has friends 1 (800, no friends of its own besides 0) and 2 (900).
    // raw(0) = 0.5/2 * (850 - 800) = 12.5; 1 and 2 each have the single friend 0, above T.
    const s = solve([1000, 800, 900], [
      [0, 1],
      [0, 2],
    ]);
    expect(Array.from(s)).toEqual([987.5, 800, 900]);
  });

  it('clamps a score at score_min when the penalty exceeds own', () => {
    // own 30, only friend at 0: raw = 0.5 * 850 = 425, capped at 100; 30 - 100 clamps to 0.
    const s = solve([30, 0], [[0, 1]]);
    expect(Array.from(s)).toEqual([0, 0]);
  });

  it('clamps at a score_min other than 0', () => {
    const s = solve([130, 100], [[0, 1]], { ...MODEL, scoreMin: 100 });
    // 130 - min(100, 0.5 * 750) = 30, clamped to 100; 1 sees 0 at 100 and 0 sees 1 at 100.
    expect(Array.from(s)).toEqual([100, 100]);
  });

  it('binds the cap P on a citizen with many low friends and not on one just below it', () => {
    // Hub 0 with four friends at 600: raw = 0.5/4 * 4 * 250 = 125 -> capped at 100.
    const s = solve([1000, 600, 600, 600, 600], [
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
    expect(s[0]).toBe(900);
    // The same with cap 130: raw 125 < cap, so the raw penalty applies.
    const t = solve([1000, 600, 600, 600, 600], [
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ], { ...MODEL, cap: 130 });
    expect(t[0]).toBe(875);
  });

  it('with weight 0 no one is penalised', () => {
    const s = solve([0, 100, 1000], [
      [0, 1],
      [1, 2],
      [0, 2],
    ], { ...MODEL, weight: 0 });
    expect(Array.from(s)).toEqual([0, 100, 1000]);
  });

  it('solves a two-citizen mutual penalty below the threshold in closed form', () => {
    // s0 = 800 - 0.5 (850 - s1), s1 = 700 - 0.5 (850 - s0), both below T, no cap binding:
    // s0 = 375 + 0.5 s1, s1 = 275 + 0.5 s0 -> s0 = (375 + 137.5) / 0.75 = 683.33.., s1 = 616.66..
    const s = solve([800, 700], [[0, 1]], { ...MODEL, cap: 1000 });
    expect(s[0]).toBeCloseTo(512.5 / 0.75, 9);
    expect(s[1]).toBeCloseTo(275 + 0.5 * (512.5 / 0.75), 9);
  });
});

// ---------------------------------------------------------------------------
// Random graphs

interface Case {
  own: number[];
  edges: [number, number][];
  p: FriendPenaltyParams;
}

/** Mostly penalties that bite (threshold among the scores, a real weight and cap), sometimes the edges of the ranges. */
const paramsArb: fc.Arbitrary<FriendPenaltyParams> = fc.record({
  threshold: fc.oneof({ weight: 4, arbitrary: fc.double({ min: 600, max: 1100, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, 850, 2000) }),
  weight: fc.oneof({ weight: 4, arbitrary: fc.double({ min: 0.05, max: 0.95, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, 0.5, 0.95) }),
  cap: fc.oneof({ weight: 4, arbitrary: fc.double({ min: 20, max: 400, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, 100, 2000) }),
  scoreMin: fc.constant(0),
  scoreMax: fc.constant(2000),
});

const ownArb = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: 0, max: 1500, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 500, 849.5, 850, 1000, 2000) },
);

function caseArb(maxN = 25): fc.Arbitrary<Case> {
  return fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.record({
      own: fc.array(ownArb, { minLength: n, maxLength: n }),
      edges: n < 2 ? fc.constant([]) : edgesArb(n),
      p: paramsArb,
    }),
  );
}

function edgesArb(n: number): fc.Arbitrary<[number, number][]> {
  return fc.uniqueArray(
    fc
      .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => (a < b ? [a, b] : [b, a]) as [number, number]),
    { maxLength: 3 * n, selector: ([a, b]) => `${a}:${b}` },
  );
}

describe('fixed point properties on random graphs', () => {
  it('solveFixedPoint returns a fixed point of F (residual below 1e-9) inside [score_min, score_max]', () => {
    fc.assert(
      fc.property(caseArb(), ({ own, edges, p }) => {
        const o = Float64Array.from(own);
        const g = graph(own.length, edges);
        const s = solveFixedPoint(o, g, p).s;
        expect(residual(o, g, s, p)).toBeLessThan(1e-9);
        for (const x of s) {
          expect(x).toBeGreaterThanOrEqual(p.scoreMin);
          expect(x).toBeLessThanOrEqual(p.scoreMax);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('attribution shares are non-negative and add up to the penalty (to 1e-9), which is min(P, raw)', () => {
    fc.assert(
      fc.property(caseArb(), ({ own, edges, p }) => {
        const g = graph(own.length, edges);
        const s = solveFixedPoint(Float64Array.from(own), g, p).s;
        const view = csrView(g, s);
        for (let i = 0; i < g.n; i++) {
          const b = attributePenalty(view, i, p);
          expect(b.raw).toBeCloseTo(rawPenalty(i, g, s, p), 9);
          expect(b.penalty).toBe(Math.min(p.cap, b.raw));
          expect(b.shares.map((x) => x.friend).sort((x, y) => x - y)).toEqual(Array.from(view.friends(i)).sort((x, y) => x - y));
          let sum = 0;
          for (const share of b.shares) {
            expect(share.share).toBeGreaterThanOrEqual(0);
            expect(share.shortfall).toBe(Math.max(0, p.threshold - s[share.friend]));
            sum += share.share;
          }
          expect(Math.abs(sum - b.penalty)).toBeLessThanOrEqual(1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('updateFixedPoint from a solved state after own values change reaches the fixed point solved from scratch', () => {
    const changeArb = caseArb().chain((c) =>
      fc.record({
        c: fc.constant(c),
        changes: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: c.own.length - 1 }), ownArb), { minLength: 1, maxLength: 3, selector: (x) => x[0] }),
      }),
    );
    fc.assert(
      fc.property(changeArb, ({ c, changes }) => {
        const g = graph(c.own.length, c.edges);
        const own = Float64Array.from(c.own);
        const s = solveFixedPoint(own, g, c.p).s;
        const before = Float64Array.from(s);
        for (const [i, v] of changes) own[i] = v;
        const moved = updateFixedPoint(csrView(g, s, own), c.p, changes.map(([i]) => i));
        const scratch = solveFixedPoint(own, g, c.p).s;
        for (let i = 0; i < g.n; i++) expect(Math.abs(s[i] - scratch[i])).toBeLessThan(1e-8);
        // The returned map names exactly the citizens that moved, with their score before.
        for (let i = 0; i < g.n; i++) {
          if (s[i] !== before[i]) expect(moved.get(i)).toBe(before[i]);
          else expect(moved.has(i)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('updateFixedPoint after friendships are added and removed reaches the fixed point of the new graph', () => {
    const changeArb = caseArb()
      .filter((c) => c.own.length >= 2)
      .chain((c) => fc.record({ c: fc.constant(c), newEdges: edgesArb(c.own.length) }));
    fc.assert(
      fc.property(changeArb, ({ c, newEdges }) => {
        const own = Float64Array.from(c.own);
        const s = solveFixedPoint(own, graph(c.own.length, c.edges), c.p).s;
        const key = ([a, b]: [number, number]) => `${a}:${b}`;
        const oldKeys = new Set(c.edges.map(key));
        const newKeys = new Set(newEdges.map(key));
        const dirty = new Set<number>();
        for (const e of [...c.edges.filter((e) => !newKeys.has(key(e))), ...newEdges.filter((e) => !oldKeys.has(key(e)))]) {
          dirty.add(e[0]);
          dirty.add(e[1]);
        }
        const g2 = graph(c.own.length, newEdges);
        updateFixedPoint(csrView(g2, s, own), c.p, dirty);
        const scratch = solveFixedPoint(own, g2, c.p).s;
        for (let i = 0; i < g2.n; i++) expect(Math.abs(s[i] - scratch[i])).toBeLessThan(1e-8);
      }),
      { numRuns: 200 },
    );
  });
});
