/**
 * Rule and measure texts in the reader's language: the ruleset's translation
 * where it has one, its own words otherwise (shared/localizedText.ts). The
 * hook follows the console's language, so a switch re-renders the names.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../../shared/language';
import { localizedText, type Localizable, type LocalizedText } from '../../../shared/localizedText';

export function useRuleText(): { text: (item: Localizable) => LocalizedText; name: (item: Localizable) => string; dimension: (dimension: string) => string; language: Language } {
  const { t, i18n } = useTranslation('common');
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const text = useCallback((item: Localizable) => localizedText(item, language), [language]);
  const name = useCallback((item: Localizable) => localizedText(item, language).name, [language]);
  // A dimension is a free label of the ruleset: the common ones (financial, legal, civic) are named in the reader's language, any other is shown as written.
  const dimension = useCallback((d: string) => (/^[a-z][a-z0-9_]*$/.test(d) ? t(`dimension.${d}`, { defaultValue: d }) : d), [t]);
  return { text, name, dimension, language };
}
