/**
 * The main process's messages in a reader's language, with i18next (an
 * instance of its own, not the renderer's): `translator('zh-CN')('disclosure:title')`.
 * A key missing in a language falls back to English, and a key missing in
 * both is a programming error the catalog test catches first.
 */
import i18next, { type TFunction } from 'i18next';
import { LANGUAGES, type Language } from '../../shared/language.js';
import { MESSAGE_NAMESPACES, MESSAGES } from '../../shared/messages.js';

const instance = i18next.createInstance();
void instance.init({
  resources: MESSAGES,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: MESSAGE_NAMESPACES,
  defaultNS: MESSAGE_NAMESPACES[0],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export type Translate = TFunction;

/** Messages of `language`; `namespace` is the default for keys without one. */
export function translator(language: Language, namespace?: string): Translate {
  return instance.getFixedT(language, namespace ?? null);
}
