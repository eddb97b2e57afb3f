/**
 * The cent arithmetic of SCORING_MODEL §5, shared by the engine, the exports
 * and the console: micro-points, then cents, both rounded half away from zero,
 * and figures printed from whole cents (no float formatting), so every path
 * that shows a figure shows the same digits.
 */
/** Round half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Micro-points per point (SCORING_MODEL §3: every term of own(i) is a whole number of them). */
export const MICRO = 1_000_000;

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

/** Any figure (score, own, penalty, rule total) as shown to the cent: the §5 two-step rounding, "-12.35". */
export function formatPoints(x: number): string {
  return formatCents(scoreCents(x));
}

/** "994.83" from cents, exact (no float formatting). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
