/**
 * Pure scoring arithmetic (SCORING_MODEL §3, §5): rule totals with caps, own
 * score, the stored cents with their two-step rounding, tiers, reason codes.
 */
import type { TierSpec } from '../../shared/domain.js';
import { clamp } from './network.js';

/** Round half away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Micro-points per point (SCORING_MODEL §3: every term of own(i) is a whole number of them). */
export const MICRO = 1_000_000;
/** The largest number of points held exactly as micro-points in a double: (2^53 - 1) / 10^6. */
export const MAX_EXACT_POINTS = Number.MAX_SAFE_INTEGER / MICRO;

/**
 * round6 (SCORING_MODEL §3): points to whole micro-points, half away from
 * zero, of the number as written: the shortest decimal that reads back as
 * this double (what JSON and the console print), so 0.0049995 is a tie and
 * gives 5000 whatever binary value stands for it. Infinities pass through
 * (an absent cap); NaN is refused.
 */
export function toMicro(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('NaN has no micro-point value');
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const y = a * MICRO;
  // Beyond 2^53 every double is a whole number: no fraction left to round
  // (and no exactness either: such a figure only ever meets a cap or a clamp).
  if (y >= 2 ** 53) return x < 0 ? -y : y;
  const frac = y - Math.floor(y);
  // Far from a half (further than the error of one multiplication), the
  // product rounds like the decimal; near one, decide on the decimal digits.
  const m = Math.abs(frac - 0.5) > y * 4e-16 + 1e-9 ? Math.round(y) : microOfDecimal(a);
  return x < 0 ? -m : m;
}

/** round6 of a non-negative finite double from its shortest decimal digits (slow path of toMicro). */
export function microOfDecimal(a: number): number {
  const [mantissa, exponent] = a.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  // a = digits * 10^(exponent - (digits.length - 1)); in micro-points the power is 6 higher.
  const shift = Number(exponent) - digits.length + 7;
  if (shift >= 0) return Number(digits + '0'.repeat(shift));
  const kept = digits.length + shift;
  if (kept < 0) return 0;
  const whole = kept === 0 ? 0 : Number(digits.slice(0, kept));
  return digits.charCodeAt(kept) >= 53 /* '5' */ ? whole + 1 : whole;
}

/** A figure held in micro-points, back in points (the nearest double to m / 10^6). */
export function fromMicro(m: number): number {
  return m / MICRO;
}

/** The cents of a figure in whole micro-points: round(m / 10^4), half away from zero, in integers. */
export function centsOfMicro(m: number): number {
  const sign = m < 0 ? -1 : 1;
  const abs = Math.abs(m);
  const q = Math.floor(abs / 1e4);
  const r = abs - q * 1e4;
  return sign * (r >= 5000 ? q + 1 : q);
}

/**
 * The stored score in cents: m = round(s * 10^6) micro-points, then
 * cents = round(m / 10^4), both half away from zero. The second step is done
 * in integers so an exact tie (m ending in 5000) rounds away from zero.
 */
export function scoreCents(s: number): number {
  return centsOfMicro(roundHalfAway(s * MICRO));
}

/** m = round(x * 10^6), half away from zero: a computed figure (score, penalty) in micro-points (§5 first step). */
export function microOf(x: number): number {
  return roundHalfAway(x * MICRO);
}

/** Any figure (score, own, penalty, rule total) as shown to the cent: the §5 two-step rounding, "-12.35". */
export function formatPoints(x: number): string {
  return formatCents(scoreCents(x));
}

export function centsToScore(cents: number): number {
  return cents / 100;
}

/** "994.83" from cents, exact (no float formatting). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The band with the largest minimum that is <= the stored score. Tiers are strictly descending. */
export function tierFor(cents: number, tiers: TierSpec[]): string {
  const score = cents / 100;
  for (const tier of tiers) if (score >= tier.min) return tier.name;
  return tiers[tiers.length - 1].name;
}

export function capTotal(raw: number, capMin: number, capMax: number): number {
  return clamp(raw, capMin, capMax);
}

export interface ReasonFactor {
  code: string;
  label: string;
  points: number;
}

/** Up to 4 largest negative factors, largest first; ties broken by code for a stable order. */
export function reasonCodes(factors: ReasonFactor[], limit = 4): ReasonFactor[] {
  return factors
    .filter((f) => f.points < 0)
    .sort((x, y) => x.points - y.points || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0))
    .slice(0, limit);
}
