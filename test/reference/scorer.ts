/**
 * An independent reference scorer, written from /work/shared/SCORING_MODEL.md
 * (§1, §3, §4, §5) alone: no import from electron/ or shared/. Rules are
 * plain JS functions (the tests write the CEL text and its JS twin side by
 * side), so this depends on no expression engine. Own scores are summed in
 * integer micro-points; the fixed point is found by Jacobi sweeps to 1e-12;
 * the stored score is rounded micro-points first, then cents, both half away
 * from zero, in integers.
 */

export type Data = Record<string, unknown>;
export interface RefRule {
  id: string;
  eventKind: string;
  /** Throwing (or a non-finite points value) is an evaluation error: contributes 0. */
  condition: (data: Data) => boolean;
  points: (data: Data) => number;
  ttlDays?: number;
  cap?: { min?: number; max?: number };
}
export interface RefRuleset {
  baseScore: number;
  scoreMin: number;
  scoreMax: number;
  threshold: number;
  weight: number;
  penaltyCap: number;
  /** Strictly descending minimums. */
  tiers: { name: string; min: number }[];
  consentRequired?: boolean;
  rules: RefRule[];
}
export interface RefInput {
  citizens: string[];
  /** `since`/`until` are YYYY-MM-DD; `until` empty or absent: open-ended. */
  relationships: { a: string; b: string; since: string; until?: string }[];
  events: { id: string; citizen: string; kind: string; occurredAt: string; data: Data; retracted?: boolean }[];
  adjustments?: { citizen: string; points: number }[];
  consent?: { citizen: string; status: 'given' | 'withdrawn' | 'refused'; at: string }[];
  ruleset: RefRuleset;
  asOf: string;
}
export interface RefScore {
  /** own(i) in micro-points (exact) and in points. */
  ownMicro: number;
  own: number;
  /** Rule totals after caps, micro-points, every rule of the ruleset. */
  totalsMicro: Record<string, number>;
  raw: number;
  penalty: number;
  s: number;
  /** m = round(s * 1e6), cents = round(m / 1e4). */
  micro: number;
  cents: number;
  tier: string;
  /**
   * The model fixes s only to its 1e-10 tolerance: where s * 1e6 lies that
   * close to a half micro-point and the two roundings give different cents,
   * both are conforming (and the tier of each). Likewise for the penalty.
   */
  centsEither?: [number, number];
  penaltyCents: number;
  penaltyCentsEither?: [number, number];
  evaluationErrors: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 instant (seconds required, at most 3 fraction digits) in ms since the epoch, UTC. */
export function instantMs(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) throw new Error(`reference: '${text}' is not an RFC 3339 instant with seconds and at most millisecond fractions`);
  const [, y, mo, d, h, mi, s, frac = '0', zone] = m;
  const ms = Number(frac.padEnd(3, '0'));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (new Date(local).getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw new Error(`reference: '${text}' is not a real instant`);
  if (zone === 'Z') return local;
  const sign = zone[0] === '-' ? -1 : 1;
  return local - sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}

/** The UTC date (YYYY-MM-DD) of an instant. */
const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Exact integer division rounded half away from zero. */
function divRound(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const q = a / b;
  const r = a - q * b;
  const rounded = 2n * r >= b ? q + 1n : q;
  return neg ? -rounded : rounded;
}

/**
 * round6: micro-points, half away from zero, of the decimal a number stands
 * for (its shortest round-trip spelling, as JavaScript prints it): 0.0049995
 * is a tie and rounds to 5000, as the model's decimal examples read.
 */
export function toMicro(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`reference: ${x} has no micro-point value`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new Error(`reference: cannot read ${String(x)}`);
  const [, sign, int, frac = '', exp = '0'] = m;
  const shift = Number(exp) - frac.length + 6;
  const digits = BigInt(int + frac);
  const micro = shift >= 0 ? digits * 10n ** BigInt(shift) : divRound(digits, 10n ** BigInt(-shift));
  return sign ? -Number(micro) : Number(micro);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** The in-scope citizens: everyone, or with consent_required those whose latest consent record at asOf is `given`. */
function inScope(input: RefInput, asOfMs: number): Set<string> {
  if (!input.ruleset.consentRequired) return new Set(input.citizens);
  const latest = new Map<string, { at: number; status: string }>();
  for (const c of input.consent ?? []) {
    const at = instantMs(c.at);
    const prev = latest.get(c.citizen);
    // Append-only history: of records at the same instant, the later one in the list wins.
    if (at <= asOfMs && (!prev || at >= prev.at)) latest.set(c.citizen, { at, status: c.status });
  }
  return new Set(input.citizens.filter((id) => latest.get(id)?.status === 'given'));
}

export function referenceScores(input: RefInput): Map<string, RefScore> {
  const rs = input.ruleset;
  const asOfMs = instantMs(input.asOf);
  const today = utcDate(asOfMs);
  const scope = inScope(input, asOfMs);

  // §3: c(r, e) in micro-points, rule totals capped, own clamped: all integers.
  const sums = new Map<string, Map<string, number>>();
  const errors = new Map<string, number>();
  for (const id of scope) sums.set(id, new Map(rs.rules.map((r) => [r.id, 0])));
  for (const e of input.events) {
    if (e.retracted || !scope.has(e.citizen)) continue;
    const at = instantMs(e.occurredAt);
    if (at > asOfMs) continue;
    for (const r of rs.rules) {
      if (r.eventKind !== e.kind) continue;
      if (r.ttlDays !== undefined && !(asOfMs - r.ttlDays * 86_400_000 < at)) continue;
      let c = 0;
      try {
        if (r.condition(e.data)) {
          const p = r.points(e.data);
          if (typeof p !== 'number' || !Number.isFinite(p)) throw new Error('non-finite');
          c = toMicro(p);
        }
      } catch {
        errors.set(e.citizen, (errors.get(e.citizen) ?? 0) + 1);
        c = 0;
      }
      const m = sums.get(e.citizen)!;
      m.set(r.id, m.get(r.id)! + c);
    }
  }
  const adjust = new Map<string, number>();
  for (const a of input.adjustments ?? []) adjust.set(a.citizen, (adjust.get(a.citizen) ?? 0) + toMicro(a.points));
  const lo = toMicro(rs.scoreMin);
  const hi = toMicro(rs.scoreMax);
  const own = new Map<string, { micro: number; totals: Record<string, number> }>();
  for (const [id, m] of sums) {
    const totals: Record<string, number> = {};
    let sum = toMicro(rs.baseScore) + (adjust.get(id) ?? 0);
    for (const r of rs.rules) {
      const t = clamp(m.get(r.id)!, r.cap?.min === undefined ? -Infinity : toMicro(r.cap.min), r.cap?.max === undefined ? Infinity : toMicro(r.cap.max));
      totals[r.id] = t;
      sum += t;
    }
    if (!Number.isSafeInteger(sum)) throw new Error(`reference: own(${id}) left the exact integer range`);
    own.set(id, { micro: clamp(sum, lo, hi), totals });
  }

  // §4: N(i) = in-scope friends whose friendship is active at asOf; Jacobi to the fixed point.
  const friends = new Map<string, string[]>([...scope].map((id) => [id, []]));
  for (const r of input.relationships) {
    const active = r.since <= today && (!r.until || today < r.until);
    if (active && scope.has(r.a) && scope.has(r.b)) {
      friends.get(r.a)!.push(r.b);
      friends.get(r.b)!.push(r.a);
    }
  }
  const ids = [...scope];
  const rawOf = (id: string, s: Map<string, number>): number => {
    const f = friends.get(id)!;
    if (f.length === 0) return 0;
    let shortfall = 0;
    for (const j of f) shortfall += Math.max(0, rs.threshold - s.get(j)!);
    return (rs.weight / f.length) * shortfall;
  };
  let s = new Map(ids.map((id) => [id, own.get(id)!.micro / 1e6]));
  for (let sweep = 0; ; sweep++) {
    if (sweep > 100_000) throw new Error('reference: the fixed point did not converge');
    const next = new Map(ids.map((id) => [id, clamp(own.get(id)!.micro / 1e6 - Math.min(rs.penaltyCap, rawOf(id, s)), rs.scoreMin, rs.scoreMax)]));
    let change = 0;
    for (const id of ids) change = Math.max(change, Math.abs(next.get(id)! - s.get(id)!));
    s = next;
    if (change < 1e-12) break;
  }

  // §5: m = round(s * 1e6) half away from zero, then cents = round(m / 1e4) half away, in integers.
  const out = new Map<string, RefScore>();
  for (const id of ids) {
    const o = own.get(id)!;
    const raw = rawOf(id, s);
    const penalty = Math.min(rs.penaltyCap, raw);
    const si = s.get(id)!;
    // s * 1e6 as own micro-points minus the penalty's: the integer part stays exact.
    const sc = centsNear(o.micro - penalty * 1e6, lo, hi);
    const pc = centsNear(penalty * 1e6, -Infinity, Infinity);
    out.set(id, {
      ownMicro: o.micro,
      own: o.micro / 1e6,
      totalsMicro: o.totals,
      raw,
      penalty,
      s: si,
      micro: sc.micro,
      cents: sc.cents,
      tier: tierOf(sc.cents, rs.tiers),
      ...(sc.either ? { centsEither: sc.either } : {}),
      penaltyCents: pc.cents,
      ...(pc.either ? { penaltyCentsEither: pc.either } : {}),
      evaluationErrors: errors.get(id) ?? 0,
    });
  }
  return out;
}

/** The band with the largest minimum that is <= the stored score (tiers strictly descending). */
export function tierOf(cents: number, tiers: { name: string; min: number }[]): string {
  return tiers.find((t) => cents >= Math.round(t.min * 100))?.name ?? tiers[tiers.length - 1].name;
}

/** Micro-points `x` (a computed double) rounded half away from zero, clamped, then cents; both cents where x is within 1e-3 of a half. */
function centsNear(x: number, lo: number, hi: number): { micro: number; cents: number; either?: [number, number] } {
  const sign = x < 0 ? -1 : 1;
  const whole = Math.floor(Math.abs(x));
  const toCents = (m: number) => Number(divRound(BigInt(clamp(sign * m, lo, hi)), 10_000n));
  const micro = clamp(sign * Math.round(Math.abs(x)), lo, hi);
  const cents = Number(divRound(BigInt(micro), 10_000n));
  if (Math.abs(Math.abs(x) - whole - 0.5) >= 1e-3) return { micro, cents };
  const [down, up] = [toCents(whole), toCents(whole + 1)];
  return down === up ? { micro, cents } : { micro, cents, either: [Math.min(down, up), Math.max(down, up)] };
}

/** Cents of any figure shown to the cent (own, penalty): micro-points first, then cents, half away from zero. */
export function centsOf(x: number): number {
  return Number(divRound(BigInt(toMicro(x)), 10_000n));
}
