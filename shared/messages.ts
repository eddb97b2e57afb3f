/**
 * What the main process says to people, in both console languages: the
 * disclosure PDF, refusals and errors, the command line's reports. One JSON
 * file per namespace per language under shared/locales/, the same keys in
 * both (test/unit/i18n/mainCatalog.test.ts); plurals use i18next's suffixes.
 * The renderer loads the `server` namespace too, to put a refusal from the
 * main process in the reader's language.
 */
import type { Language } from './language.js';
import enDisclosure from './locales/en/disclosure.json';
import zhDisclosure from './locales/zh-CN/disclosure.json';

export type Catalog = { [key: string]: string | Catalog };

export const MESSAGES: Record<Language, Record<string, Catalog>> = {
  en: { disclosure: enDisclosure },
  'zh-CN': { disclosure: zhDisclosure },
};

export const MESSAGE_NAMESPACES = Object.keys(MESSAGES.en);
