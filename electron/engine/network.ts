/**
 * The friend-penalty network term (SCORING_MODEL §4) on typed arrays: a CSR
 * adjacency of the friendships active at `asOf`, the fixed point s = F(s) by
 * Gauss-Seidel sweeps, a push-based incremental update that reaches the same
 * fixed point, and per-friend attribution. Pure computation over plain data.
 */

export interface FriendPenaltyParams {
  threshold: number;
  weight: number;
  cap: number;
  scoreMin: number;
  scoreMax: number;
}

/** Undirected graph in compressed sparse row form: friends of i are neighbors[offsets[i] .. offsets[i+1]). */
export interface Graph {
  n: number;
  offsets: Int32Array;
  neighbors: Int32Array;
}

/**
 * Stop when the largest change of a sweep is below this. The model requires
 * 1e-10 or tighter; a tighter bound keeps full and incremental results far
 * from the micro-point rounding step, so both round identically.
 */
export const FIXED_POINT_TOLERANCE = 1e-11;
/** An incremental update keeps pushing a change to friends while it is above this. */
export const PUSH_TOLERANCE = 1e-12;

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Build the CSR from edge endpoint lists (each undirected edge once). */
export function buildGraph(n: number, a: Int32Array, b: Int32Array, edgeCount = a.length): Graph {
  const degree = new Int32Array(n + 1);
  for (let e = 0; e < edgeCount; e++) {
    degree[a[e]]++;
    degree[b[e]]++;
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + degree[i];
  const cursor = offsets.slice(0, n);
  const neighbors = new Int32Array(offsets[n]);
  for (let e = 0; e < edgeCount; e++) {
    const x = a[e];
    const y = b[e];
    neighbors[cursor[x]++] = y;
    neighbors[cursor[y]++] = x;
  }
  return { n, offsets, neighbors };
}

/** raw(i) = (w / |N(i)|) * sum of friends' shortfalls, given current scores s. */
export function rawPenalty(i: number, g: Graph, s: Float64Array, p: FriendPenaltyParams): number {
  const start = g.offsets[i];
  const end = g.offsets[i + 1];
  if (end === start) return 0;
  let sum = 0;
  for (let k = start; k < end; k++) {
    const short = p.threshold - s[g.neighbors[k]];
    if (short > 0) sum += short;
  }
  return (p.weight / (end - start)) * sum;
}

function scoreFrom(own: number, raw: number, p: FriendPenaltyParams): number {
  return clamp(own - (raw < p.cap ? raw : p.cap), p.scoreMin, p.scoreMax);
}

export interface FixedPointResult {
  s: Float64Array;
  iterations: number;
  msPerIteration: number;
}

/**
 * Solve s = F(s) from scratch, starting at s = own. Calls `onSweep` after
 * each sweep (progress, cancellation by throwing).
 */
export function solveFixedPoint(
  own: Float64Array,
  g: Graph,
  p: FriendPenaltyParams,
  onSweep?: (iteration: number, maxChange: number) => void,
): FixedPointResult {
  const n = g.n;
  const s = Float64Array.from(own);
  let iterations = 0;
  const started = performance.now();
  for (;;) {
    iterations++;
    let maxChange = 0;
    for (let i = 0; i < n; i++) {
      const next = scoreFrom(own[i], rawPenalty(i, g, s, p), p);
      const change = Math.abs(next - s[i]);
      if (change > maxChange) maxChange = change;
      s[i] = next;
    }
    onSweep?.(iterations, maxChange);
    if (maxChange < FIXED_POINT_TOLERANCE) break;
  }
  return { s, iterations, msPerIteration: (performance.now() - started) / iterations };
}

/** Read access to a graph and its current scores, in memory (CSR) or backed by the database. */
export interface NetworkView {
  friends(i: number): ArrayLike<number>;
  score(i: number): number;
}

/** A view whose scores can be moved: what an incremental update works on. */
export interface MutableNetworkView extends NetworkView {
  own(i: number): number;
  setScore(i: number, s: number): void;
}

export function csrView(g: Graph, s: Float64Array, own?: Float64Array): MutableNetworkView {
  return {
    friends: (i) => g.neighbors.subarray(g.offsets[i], g.offsets[i + 1]),
    score: (i) => s[i],
    own: (i) => (own ? own[i] : Number.NaN),
    setScore: (i, v) => {
      s[i] = v;
    },
  };
}

export function rawPenaltyOf(view: NetworkView, i: number, p: FriendPenaltyParams): number {
  const friends = view.friends(i);
  if (friends.length === 0) return 0;
  let sum = 0;
  for (let k = 0; k < friends.length; k++) {
    const short = p.threshold - view.score(friends[k]);
    if (short > 0) sum += short;
  }
  return (p.weight / friends.length) * sum;
}

/**
 * Move an existing fixed point to the new one after `own` changed for some
 * citizens or their friendships changed. Only citizens whose inputs changed
 * are visited; a change is pushed to friends while it exceeds PUSH_TOLERANCE
 * and can matter to them (the citizen was or is below the threshold).
 * Returns the citizens whose score moved, with their score before.
 */
export function updateFixedPoint(view: MutableNetworkView, p: FriendPenaltyParams, dirty: Iterable<number>): Map<number, number> {
  const queued = new Set<number>();
  let queue: number[] = [];
  for (const i of dirty) {
    if (!queued.has(i)) {
      queued.add(i);
      queue.push(i);
    }
  }
  const before = new Map<number, number>();
  while (queue.length > 0) {
    const next: number[] = [];
    for (const i of queue) {
      queued.delete(i);
      const old = view.score(i);
      const s = scoreFrom(view.own(i), rawPenaltyOf(view, i, p), p);
      if (s === old) continue;
      if (!before.has(i)) before.set(i, old);
      view.setScore(i, s);
      if (Math.abs(s - old) < PUSH_TOLERANCE) continue;
      if (old >= p.threshold && s >= p.threshold) continue;
      const friends = view.friends(i);
      for (let k = 0; k < friends.length; k++) {
        const j = friends[k];
        if (!queued.has(j)) {
          queued.add(j);
          next.push(j);
        }
      }
    }
    queue = next;
  }
  for (const [i, old] of before) if (view.score(i) === old) before.delete(i);
  return before;
}

export interface PenaltyBreakdown {
  raw: number;
  penalty: number;
  /** Friend index and share of the penalty, shares adding up to `penalty`. */
  shares: { friend: number; shortfall: number; share: number }[];
}

/** Friend j's share = (w/|N(i)|) * shortfall(j) * penalty(i)/raw(i) (SCORING_MODEL §4). */
export function attributePenalty(view: NetworkView, i: number, p: FriendPenaltyParams): PenaltyBreakdown {
  const friends = view.friends(i);
  const raw = rawPenaltyOf(view, i, p);
  const penalty = Math.min(p.cap, raw);
  const scale = raw === 0 ? 0 : penalty / raw;
  const per = friends.length > 0 ? p.weight / friends.length : 0;
  const shares = [];
  for (let k = 0; k < friends.length; k++) {
    const j = friends[k];
    const shortfall = Math.max(0, p.threshold - view.score(j));
    shares.push({ friend: j, shortfall, share: per * shortfall * scale });
  }
  return { raw, penalty, shares };
}
