/** Display helpers shared by the pages. */
import { formatPoints } from '../../shared/points';

/** A figure to the cent, rounded as the model rounds a stored score (§5), so the page says what the export says. */
export const score = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : formatPoints(x));
/**
 * Parts of a score are shown exactly when they are not whole cents (a friend
 * penalty of 0.625 stays 0.625): rounding each part separately would make a
 * breakdown that does not add up to the stored score, which is rounded once.
 */
export const exact = (x: number): string => {
  // Only a part with a third decimal (0.625) can round differently alone than in the total; longer fractions show to the cent.
  const thousandths = Math.round(x * 1000);
  return Math.abs(thousandths / 1000 - x) < 1e-9 && thousandths % 10 !== 0 ? x.toFixed(3) : formatPoints(x);
};
export const points = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${exact(Math.abs(x))}`;
export const when = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
export const count = (n: number): string => n.toLocaleString('en');

export const TIER_COLORS: Record<string, string> = { AAA: 'teal', AA: 'green', A: 'lime', B: 'yellow', C: 'orange', D: 'red' };
export const tierColor = (tier: string | null | undefined): string => (tier ? (TIER_COLORS[tier] ?? 'gray') : 'gray');
