/**
 * The console's languages. Stored data stays ISO/UTC and language-neutral;
 * only what a person reads is translated.
 */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, as a language picker shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

/** The console language closest to a BCP 47 tag from a browser or an operating system ("zh-Hans-CN", "zh", "en-US"). */
export function closestLanguage(tag: string | null | undefined): Language {
  return tag && /^zh\b/i.test(tag) ? 'zh-CN' : 'en';
}
