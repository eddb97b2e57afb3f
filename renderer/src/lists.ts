/**
 * Lists inside a sentence, written the language's way: "a, b and c" /
 * "a、b和c" (Intl), and a plain enumeration "a, b, c" / "a、b、c".
 */
import { currentLanguage } from './i18n';
import { intlLocale } from './format';

/** "citizens.csv and events.csv", "citizens.csv和events.csv". */
export const andList = (items: readonly string[]): string => new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(items);

/** "AAA, AA, A" in English, "AAA、AA、A" in Chinese (Intl's narrow unit lists drop the separator in Chinese). */
export const seriesList = (items: readonly string[]): string => items.join(currentLanguage() === 'zh-CN' ? '、' : ', ');
