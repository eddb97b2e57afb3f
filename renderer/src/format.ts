/** Display helpers shared by the pages. */
export const score = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(2));
export const points = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
export const when = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
export const count = (n: number): string => n.toLocaleString('en');

export const TIER_COLORS: Record<string, string> = { AAA: 'teal', AA: 'green', A: 'lime', B: 'yellow', C: 'orange', D: 'red' };
export const tierColor = (tier: string | null | undefined): string => (tier ? (TIER_COLORS[tier] ?? 'gray') : 'gray');
