/**
 * The cent arithmetic of SCORING_MODEL §5, shared by the engine, the exports
 * and the console: micro-points, then cents, both rounded half away from zero,
 * and figures printed from whole cents (no float formatting), so every path
 * that shows a figure shows the same digits.
 */
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
 * How close to a half micro-point a computed figure counts as the tie it
 * stands for: the model's fixed-point tolerance (1e-10 points). A score or
 * penalty is the limit of an iteration, known only to that tolerance, and two
 * paths (full sweeps, incremental pushes) stop on different sides of an exact
 * tie such as 791.6654995; rounding what they hold as it falls would give
 * different cents for the same data (SCORING_MODEL §7.1). Taken as the tie,
 * both round it away from zero, as §5 does for an exact tie.
 */
export const TIE_WINDOW_MICRO = 1e-4;

/**
 * m = round(x * 10^6), half away from zero, of a computed figure (a score or
 * penalty from the fixed point): a product within TIE_WINDOW_MICRO of a half
 * is that half.
 */
export function microOfComputed(x: number): number {
  const a = Math.abs(x * MICRO);
  const whole = Math.floor(a);
  const m = a - whole >= 0.5 - TIE_WINDOW_MICRO ? whole + 1 : whole;
  return x < 0 ? -m : m;
}

/**
 * The stored score in cents: m = round(s * 10^6) micro-points, then
 * cents = round(m / 10^4), both half away from zero. The second step is done
 * in integers so an exact tie (m ending in 5000) rounds away from zero; the
 * first takes a figure within the fixed point's tolerance of a half as the
 * tie (microOfComputed), so every path gives the same cents.
 */
export function scoreCents(s: number): number {
  return centsOfMicro(microOfComputed(s));
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
