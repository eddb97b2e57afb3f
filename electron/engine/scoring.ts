/**
 * Pure scoring arithmetic (SCORING_MODEL §3, §5): rule totals with caps, own
 * score, the stored cents with their two-step rounding, tiers, reason codes.
 */
import type { TierSpec } from '../../shared/domain.js';
import { MICRO, microOfComputed } from '../../shared/points.js';
import { clamp } from './network.js';

// The cent arithmetic of §5 lives in shared/ so that the console formats figures the same way.
export { centsOfMicro, formatCents, formatPoints, MICRO, scoreCents } from '../../shared/points.js';

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

/** m = round(x * 10^6), half away from zero: a computed figure (score, penalty) in micro-points (§5 first step), a figure within the fixed point's tolerance of a half taken as the tie. */
export function microOf(x: number): number {
  return microOfComputed(x);
}

export function centsToScore(cents: number): number {
  return cents / 100;
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
