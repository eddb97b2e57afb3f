/**
 * Display helpers shared by the pages. Numbers, dates and times go through
 * Intl for the console's language; instants are shown in UTC, as stored (the
 * header says so), so a time reads the same on every workstation.
 */
import { formatPoints } from '../../shared/points';
import { currentLanguage } from './i18n';

/** The Intl locale of each console language: en-CA writes dates year first (2026-11-30), as the exports do. */
const INTL_LOCALE = { en: 'en-CA', 'zh-CN': 'zh-CN' } as const;
export const intlLocale = (): string => INTL_LOCALE[currentLanguage()];

const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(kind: 'day' | 'minute'): Intl.DateTimeFormat {
  const key = `${intlLocale()} ${kind}`;
  let f = formats.get(key);
  if (!f) {
    const day = { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' } as const;
    f = new Intl.DateTimeFormat(intlLocale(), kind === 'day' ? day : { ...day, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(key, f);
  }
  return f;
}

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
/** An instant to the minute, in UTC: "2026-11-30 07:14" in English, "2026/11/30 07:14" in Chinese. */
export const when = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateFormat('minute').format(ms).replace(', ', ' ');
};
/** The UTC day of an instant or a date ("2026-11-30", "2026/11/30"). */
export const day = (iso: string): string => {
  const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(ms) ? iso : dateFormat('day').format(ms);
};
export const count = (n: number): string => n.toLocaleString(intlLocale());

export const TIER_COLORS: Record<string, string> = { AAA: 'teal', AA: 'green', A: 'lime', B: 'yellow', C: 'orange', D: 'red' };
export const tierColor = (tier: string | null | undefined): string => (tier ? (TIER_COLORS[tier] ?? 'gray') : 'gray');
