/**
 * What the main process says to people, in both console languages: the
 * disclosure PDF, refusals and errors, the command line's reports. One JSON
 * file per namespace per language under shared/locales/, the same keys in
 * both (test/unit/i18n/mainCatalog.test.ts); plurals use i18next's suffixes.
 * The renderer loads the `server` namespace too, to put a refusal from the
 * main process in the reader's language.
 */
import type { KeyedParam } from './keyedText.js';
import type { Language } from './language.js';
import enDisclosure from './locales/en/disclosure.json';
import zhDisclosure from './locales/zh-CN/disclosure.json';
import enServer from './locales/en/server.json';
import zhServer from './locales/zh-CN/server.json';
import enCli from './locales/en/cli.json';
import zhCli from './locales/zh-CN/cli.json';

export type Catalog = { [key: string]: string | Catalog };

export const MESSAGES: Record<Language, Record<string, Catalog>> = {
  en: { disclosure: enDisclosure, server: enServer, cli: enCli },
  'zh-CN': { disclosure: zhDisclosure, server: zhServer, cli: zhCli },
};

export const MESSAGE_NAMESPACES = Object.keys(MESSAGES.en);

type Leaves<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`> }[keyof T & string];

/** A message the main process can refuse or fail with, in the `server` namespace: TypeScript refuses a key English lacks, the catalog test one Chinese lacks. */
export type ServerMessageKey = Leaves<typeof enServer>;

/**
 * What a refusal says, keyed: the renderer (or the command line) puts
 * `server:<key>` with `params` in the reader's language, falling back to the
 * English `message` sent beside it.
 */
export interface Keyed {
  key: ServerMessageKey;
  /** Plain values, or a keyed sentence put in the same language first (shared/keyedText.ts). */
  params?: Record<string, KeyedParam>;
}
