/**
 * The one definition of an instant (SCORING_MODEL §1): RFC 3339 with a date,
 * a time WITH seconds, an optional fraction of at most 3 digits (the model
 * counts in milliseconds: a finer fraction would be silently truncated) and
 * `Z` or a numeric offset. Every door that takes an instant (import rows,
 * recorded events, as-of options of the CLI and the contract, recompute)
 * parses it here. Imports nothing: shared by main process and renderer.
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** What an instant looks like, for error messages. */
export const INSTANT_FORM = 'an RFC 3339 instant with seconds, at most 3 fraction digits and Z or an offset (e.g. 2024-05-01T10:00:00Z or 2024-05-01T12:00:00.250+02:00)';

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A real calendar date YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (typeof text === 'string' && text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    // Read without the pattern (an import checks millions): the same answer (tested).
    const hi = twoDigits(text, 0);
    const lo = twoDigits(text, 2);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    if (hi < 0 || lo < 0 || month < 0 || day < 0) return false;
    return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(hi * 100 + lo, month);
  }
  const m = DATE_ONLY.exec(text);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(m[1]), month);
}

function utcMs(year: number, month: number, day: number, h: number, min: number, s: number, ms: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, h, min, s, ms);
  const d = new Date(0);
  // Years 0-99: setUTCFullYear, not Date.UTC, which maps them to 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, min, s, ms);
  return d.getTime();
}

/** The value of the two digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The commonest form, YYYY-MM-DDTHH:MM:SSZ (what an import holds millions
 * of), read without the pattern: the same result as the general path
 * (tested), or undefined for any other 20-character text, which the general
 * path then reads.
 */
function wholeSecondsUtc(text: string): number | null | undefined {
  const t = text.charCodeAt(10);
  const z = text.charCodeAt(19);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (t !== 84 && t !== 116) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || (z !== 90 && z !== 122)) return undefined;
  const hi = twoDigits(text, 0);
  const lo = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const h = twoDigits(text, 11);
  const min = twoDigits(text, 14);
  const s = twoDigits(text, 17);
  if (hi < 0 || lo < 0 || month < 0 || day < 0 || h < 0 || min < 0 || s < 0) return undefined;
  const year = hi * 100 + lo;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || h > 23 || min > 59 || s > 59) return null;
  const ms = utcMs(year, month, day, h, min, s, 0);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Epoch milliseconds of an instant in the form above, or null for anything
 * else: no seconds, a fraction of 4+ digits, no zone, an impossible date or
 * time (hour 24, second 60: a leap second has no millisecond of its own).
 */
export function parseInstantMs(text: string): number | null {
  if (typeof text !== 'string' || text.length > 40) return null;
  if (text.length === 20) {
    const whole = wholeSecondsUtc(text);
    if (whole !== undefined) return whole;
  }
  const m = INSTANT.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || h > 23 || min > 59 || s > 59) return null;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  let offset = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const t = utcMs(year, month, day, h, min, s, ms) - offset;
  return Number.isFinite(t) ? t : null;
}

/** Why an instant is refused, by key (server:instant.flaw.*), in the order they are tested, with the English the key renders. */
const FLAWS: [RegExp, InstantFlaw, string][] = [
  [/^\d{4}-\d{2}-\d{2}$/, 'dateOnly', 'a date without a time'],
  [/[Tt ]\d{2}:\d{2}(?![:\d])/, 'noSeconds', 'the time has no seconds'],
  [/:\d{2}\.\d{4,}/, 'fraction', 'a fraction finer than a millisecond (at most 3 digits)'],
  [/[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?$/, 'noZone', 'no zone (Z or an offset)'],
  [/^\d{4}-\d{2}-\d{2} /, 'space', "a space instead of 'T'"],
];

export type InstantFlaw = 'dateOnly' | 'noSeconds' | 'fraction' | 'noZone' | 'space' | 'other';

function flawOf(text: string): [InstantFlaw, string] {
  for (const [pattern, flaw, english] of FLAWS) if (pattern.test(text)) return [flaw, english];
  return ['other', 'not in that form or not a real date and time'];
}

/** Why `text` is not an instant, in a few English words (for messages that already say it is not one). */
export function instantFlaw(text: string): string {
  return flawOf(text)[1];
}

/** The same reason keyed, for the reader's language (shared/keyedText.ts): its English is instantFlaw's. */
export function instantFlawKeyed(text: string): { key: `instant.flaw.${InstantFlaw}` } {
  return { key: `instant.flaw.${flawOf(text)[0]}` };
}

/** INSTANT_FORM keyed, for the reader's language. */
export const INSTANT_FORM_KEYED = { key: 'instant.form' } as const;

/**
 * An as-of option: an instant as above, or a date alone meaning its start
 * (00:00:00Z). Returns the normalised ISO text and epoch ms, or null.
 */
export function parseAsOf(text: string): { iso: string; ms: number } | null {
  const ms = isIsoDate(text) ? parseInstantMs(`${text}T00:00:00Z`) : parseInstantMs(text);
  if (ms === null) return null;
  const iso = new Date(ms).toISOString();
  return { iso, ms };
}

/** What an as-of option looks like, for error messages. */
export const AS_OF_FORM = `a date YYYY-MM-DD or ${INSTANT_FORM}`;
