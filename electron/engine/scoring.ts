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

/**
 * The stored score in cents: m = round(s * 10^6) micro-points, then
 * cents = round(m / 10^4), both half away from zero. The second step is done
 * in integers so an exact tie (m ending in 5000) rounds away from zero.
 */
export function scoreCents(s: number): number {
  const m = roundHalfAway(s * 1e6);
  const sign = m < 0 ? -1 : 1;
  const abs = Math.abs(m);
  const q = Math.floor(abs / 1e4);
  const r = abs - q * 1e4;
  return sign * (r >= 5000 ? q + 1 : q);
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
