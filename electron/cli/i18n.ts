/**
 * The command line's language: what it says to a person (help, reports,
 * progress, refusals) in English or Simplified Chinese, through i18next's
 * `cli` namespace (shared/locales/<language>/cli.json). Chosen by, first to
 * last: `--lang en|zh-CN`, the CREDENCE_LANG environment variable, the
 * language stored for the account a command runs as, the system locale
 * (LC_ALL, LC_MESSAGES, LANG: zh… is Chinese), else English. What a program
 * reads does not change with it: --json, CSV, exit codes, and the IDs, codes
 * and ISO instants in the tab-separated columns of `users list|pending`
 * (only their labels, "created", "proposed by", follow the language).
 */
import { closestLanguage, isLanguage, LANGUAGES, type Language } from '../../shared/language.js';
import type { Keyed, ServerMessageKey } from '../../shared/messages.js';
import { renderKeyed, type KeyedText } from '../../shared/keyedText.js';
import { translator } from '../services/translate.js';

export const LANG_ENV = 'CREDENCE_LANG';
export const LANG_OPTION = '--lang';

/** Where the language came from: an account's stored language only replaces a guess from the locale. */
export type LanguageSource = 'option' | 'environment' | 'account' | 'locale';

export interface LanguageChoice {
  language: Language;
  source: LanguageSource;
}

/** A --lang or CREDENCE_LANG value that is not a console language: a usage error (exit 2). */
export class LanguageChoiceError extends Error {}

/** The value of --lang in `argv` (`--lang X` or `--lang=X`, the last one wins, nothing after a lone `--`); null when absent, '' when it has no value. */
export function langArgument(argv: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === LANG_OPTION) {
      const next = argv[i + 1];
      found = next === undefined || next.startsWith('-') ? '' : next;
      if (found) i++;
    } else if (arg.startsWith(`${LANG_OPTION}=`)) found = arg.slice(LANG_OPTION.length + 1);
  }
  return found;
}

/** The language of a POSIX locale (LC_ALL, else LC_MESSAGES, else LANG): "zh_CN.UTF-8", "zh_TW", "zh" are Chinese; anything else English. */
export function localeLanguage(env: NodeJS.ProcessEnv): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh([_.@-]|$)/i.test(locale) ? 'zh-CN' : 'en';
}

/** The language a run starts in, before it knows its account. */
export function chooseLanguage(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LanguageChoice {
  const fromLocale = localeLanguage(env);
  const accepted = LANGUAGES.join(', ');
  const option = langArgument(argv);
  if (option !== null) {
    if (isLanguage(option)) return { language: option, source: 'option' };
    // Said in the language the run would otherwise have used.
    const fallback = isLanguage(env[LANG_ENV]) ? env[LANG_ENV] : fromLocale;
    throw new LanguageChoiceError(translator(fallback, 'cli')('language.unknownOption', { value: option, accepted }));
  }
  const fromEnv = env[LANG_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isLanguage(fromEnv)) return { language: fromEnv, source: 'environment' };
    throw new LanguageChoiceError(translator(fromLocale, 'cli')('language.unknownEnvironment', { variable: LANG_ENV, value: fromEnv, accepted }));
  }
  return { language: fromLocale, source: 'locale' };
}

/**
 * The language of a process no one runs with --lang (the desktop console's
 * main process writing to its log): CREDENCE_LANG when it names a console
 * language, else the system's (Electron's app.getLocale(), "zh-CN", "en-US"),
 * else the POSIX locale.
 */
export function processLanguage(systemLocale?: string | null, env: NodeJS.ProcessEnv = process.env): LanguageChoice {
  const fromEnv = env[LANG_ENV];
  if (isLanguage(fromEnv)) return { language: fromEnv, source: 'environment' };
  return { language: systemLocale ? closestLanguage(systemLocale) : localeLanguage(env), source: 'locale' };
}

let current: LanguageChoice | null = null;

function choice(): LanguageChoice {
  // A process that never chose (serve asking for a passphrase) follows the environment.
  if (!current) {
    try {
      current = chooseLanguage([]);
    } catch {
      current = { language: localeLanguage(process.env), source: 'locale' };
    }
  }
  return current;
}

export function setCliLanguage(next: LanguageChoice): void {
  current = next;
}

export function cliLanguage(): Language {
  return choice().language;
}

/** The account's stored language (users.language, set in the console) applies unless --lang or CREDENCE_LANG chose one. */
export function adoptAccountLanguage(stored: Language | null | undefined): void {
  const now = choice();
  if (stored && isLanguage(stored) && (now.source === 'locale' || now.source === 'account')) current = { language: stored, source: 'account' };
}

/** A message of the `cli` namespace in the current language. */
export function t(key: string, options?: Record<string, unknown>): string {
  return translator(choice().language, 'cli')(key, options ?? {});
}

/** A refusal the services keyed (shared/messages.ts) in the current language, else its English message. */
export function refusalText(err: Error): string {
  const keyed = (err as Error & { keyed?: Keyed }).keyed;
  if (!keyed) return err.message;
  const tr = translator(choice().language, 'server');
  if (!tr(`server:${keyed.key}`, { defaultValue: '' })) return err.message;
  // A parameter may itself be keyed (a simulation refusal's reason): put in the same language first.
  return renderKeyed((k, p) => tr(k, p), keyed);
}

/** A keyed sentence of the main process (a daily backup's report) in the current language. */
export function saidText(m: KeyedText): string {
  const tr = translator(choice().language, 'server');
  return renderKeyed((k, p) => tr(k, p), m);
}

/** A problem's text (an import problem, a rule's) in the current language when it is keyed, else its English message. */
export function problemMessage(p: { message: string; key?: string | null; params?: Record<string, unknown> | null }): string {
  if (!p.key) return p.message;
  const tr = translator(choice().language, 'server');
  if (!tr(`server:${p.key}`, { defaultValue: '' })) return p.message;
  return renderKeyed((k, q) => tr(k, q), { key: p.key, params: p.params });
}

/** A message of the `server` namespace (shared by the console) in the current language. */
export function serverMessage(key: ServerMessageKey, params: Record<string, string | number>): string {
  return translator(choice().language, 'server')(`server:${key}`, params);
}

/** The Intl locale of each language: en-CA writes dates year first (2026-11-30), as the console and the exports do. */
const INTL_LOCALE: Record<Language, string> = { en: 'en-CA', 'zh-CN': 'zh-CN' };

/** A count or figure with the locale's digit grouping. */
export function num(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(INTL_LOCALE[choice().language], options).format(n);
}

/** An instant in UTC to the second, saying it is UTC: "2026-11-30 07:14:05 UTC", "UTC 2026/11/30 07:14:05". Not an instant: as given. */
export function instant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const format = new Intl.DateTimeFormat(INTL_LOCALE[choice().language], {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  });
  return t('time.utc', { time: format.format(ms).replace(', ', ' ') });
}
