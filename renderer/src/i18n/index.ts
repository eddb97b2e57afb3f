/// <reference types="vite/client" />
/**
 * The console's languages (English and Simplified Chinese) with i18next.
 * Each feature keeps its messages in a namespace of its own:
 * locales/<language>/<namespace>.json, picked up here without a list to edit.
 * Both languages carry the same keys (test/unit/i18n/catalog.test.ts); plurals
 * use i18next's suffixes (_one, _other) chosen by Intl.PluralRules.
 *
 * The language is the account's preference; before anyone logs in it is the
 * one last used on this workstation, else the operating system's.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { closestLanguage, isLanguage, LANGUAGES, type Language } from '../../../shared/language';

type Catalog = Record<string, unknown>;
const files = import.meta.glob<Catalog>('./locales/*/*.json', { eager: true, import: 'default' });
// The main process's refusals (shared/locales/<language>/server.json), keyed so the reader gets them in their language.
const server = import.meta.glob<Catalog>('../../../shared/locales/*/server.json', { eager: true, import: 'default' });

const resources: Record<string, Record<string, Catalog>> = {};
for (const [path, catalog] of Object.entries(files)) {
  const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!match) continue;
  (resources[match[1]] ??= {})[match[2]] = catalog;
}
for (const [path, catalog] of Object.entries(server)) {
  const match = /\/locales\/([^/]+)\/server\.json$/.exec(path);
  if (match) (resources[match[1]] ??= {}).server = catalog;
}
export const NAMESPACES = Object.keys(resources.en ?? {});

const STORAGE_KEY = 'credence.language';

function remembered(): Language | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

function initialLanguage(): Language {
  return remembered() ?? closestLanguage(typeof navigator === 'undefined' ? null : navigator.language);
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: NAMESPACES,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});

function markDocument(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
markDocument(i18next.language as Language);

/** The language the console speaks now. */
export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

let pickedBeforeLogin: Language | null = null;

/** A language picked on the login or first-start screen: the latest word on the account's preference, saved once logged in. */
export function pickBeforeLogin(language: Language): void {
  pickedBeforeLogin = language;
  applyLanguage(language);
}

/** The language picked before this login, if any, once (the caller saves it to the account). */
export function takePickedBeforeLogin(): Language | null {
  const picked = pickedBeforeLogin;
  pickedBeforeLogin = null;
  return picked;
}

/** Speak `language` from now on, on this page and the next start of this workstation; no reload. */
export function applyLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // A browser without storage still switches for this page.
  }
  markDocument(language);
  if (i18next.language !== language) void i18next.changeLanguage(language);
}

export default i18next;
