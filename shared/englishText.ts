/**
 * The English text of a keyed sentence (keyedText.ts), from the English
 * `server` catalog: what is stored beside the key, written to CSV exports
 * and shown by readers that do not translate. An i18next instance of its
 * own, usable from the engine, the services and worker threads alike.
 */
import i18next from 'i18next';
import enServer from './locales/en/server.json';
import { renderKeyed, type KeyedText } from './keyedText.js';

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { server: enServer } },
  lng: 'en',
  fallbackLng: 'en',
  ns: ['server'],
  defaultNS: 'server',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
const t = instance.getFixedT('en');

/** The sentence in English, nested parameters put in English first. */
export function englishText(k: KeyedText): string {
  return renderKeyed((key, params) => t(key, params), k);
}

/** A keyed sentence with its English text beside it, as problems and refusals carry them. */
export function keyed(key: KeyedText['key'], params?: KeyedText['params']): KeyedText & { message: string } {
  const k: KeyedText = params ? { key, params } : { key };
  return { ...k, message: englishText(k) };
}

/** A sentence with its English beside its key, as `keyed` makes it. */
export type Said = KeyedText & { message: string };

/** A problem's text: keyed (read in the reader's language) or plain English. */
export type ProblemText = string | Said;

/** The fields a problem carries for its text: `message`, and `key` with `params` when keyed. */
export function problemFields(text: ProblemText): { message: string; key?: string; params?: Record<string, unknown> } {
  return typeof text === 'string' ? { message: text } : text;
}

/**
 * An error whose text may be keyed: `message` is the English, `keyed` the
 * key and parameters (nested ones too) for the reader's language, read by
 * the console's refusal and the command line's (refusalText).
 */
export class SaidError extends Error {
  readonly said?: Said;
  readonly keyed?: KeyedText;
  constructor(text: string | Said) {
    super(typeof text === 'string' ? text : text.message);
    if (typeof text !== 'string') {
      this.said = text;
      this.keyed = text.params ? { key: text.key, params: text.params } : { key: text.key };
    }
  }
}
