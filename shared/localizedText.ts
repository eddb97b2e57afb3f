/**
 * A rule's or a measure's name and description in the reader's language. A
 * ruleset writes its texts once in its own words (`name`, `description`) and
 * may add them in other console languages (`i18n`); a reader gets their own
 * language where the ruleset has it and the ruleset's own words otherwise,
 * field by field, so nothing is ever shown blank.
 */
import type { TextTranslations } from './domain.js';
import type { Language } from './language.js';

/** Anything with texts a reader sees: a rule, a measure, a rule's part of an explanation. */
export interface Localizable {
  name: string;
  description?: string | null;
  i18n?: TextTranslations | null;
}

export interface LocalizedText {
  name: string;
  description: string;
  /** Whether the name is in the reader's language from `i18n` (false: the ruleset's own words). */
  translated: boolean;
}

/** `item`'s name and description for a reader of `language`, falling back to the ruleset's own words. */
export function localizedText(item: Localizable, language: Language): LocalizedText {
  const own = item.i18n?.[language];
  return {
    name: own?.name ?? item.name,
    description: own?.description ?? item.description ?? '',
    translated: own !== undefined,
  };
}

/** Just the name, for tables and lists. */
export function localizedName(item: Localizable, language: Language): string {
  return localizedText(item, language).name;
}
