/**
 * English / 简体中文, each named in itself so either reader finds theirs.
 * Switching applies at once; once logged in it is saved to the account.
 */
import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, isLanguage, type Language } from '../../../shared/language';
import { call } from '../api';
import { applyLanguage, currentLanguage, pickBeforeLogin } from '../i18n';

export function LanguageSwitch({ saveToAccount }: { saveToAccount: boolean }) {
  const { t, i18n } = useTranslation('common');
  const choose = (value: string) => {
    if (!isLanguage(value)) return;
    if (!saveToAccount) return pickBeforeLogin(value);
    applyLanguage(value);
    void call('setLanguage', { language: value });
  };
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.choose')}
      value={isLanguage(i18n.language) ? i18n.language : currentLanguage()}
      onChange={choose}
      data={LANGUAGES.map((language: Language) => ({ value: language, label: <span lang={language}>{LANGUAGE_NAMES[language]}</span> }))}
      data-testid="language-switch"
    />
  );
}
