/**
 * The console speaks English and Simplified Chinese completely: every
 * namespace exists in both languages with the same keys (plural forms as each
 * language's Intl.PluralRules asks), no message is empty, placeholders agree
 * between the languages, and every key the renderer's source asks for exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/language.js';

const ROOT = join(import.meta.dirname, '../../..');
const LOCALES = join(ROOT, 'renderer/src/i18n/locales');
const SOURCE = join(ROOT, 'renderer/src');
const PLURAL = /_(zero|one|two|few|many|other)$/;

type Tree = { [key: string]: string | Tree };

/** Dotted key -> message, for every leaf of a catalog. */
export function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

function catalogs(): Map<string, Map<string, Map<string, string>>> {
  const byLanguage = new Map<string, Map<string, Map<string, string>>>();
  for (const language of readdirSync(LOCALES)) {
    const namespaces = new Map<string, Map<string, string>>();
    for (const file of readdirSync(join(LOCALES, language))) {
      if (!file.endsWith('.json')) continue;
      namespaces.set(file.slice(0, -5), flatten(JSON.parse(readFileSync(join(LOCALES, language, file), 'utf8')) as Tree));
    }
    byLanguage.set(language, namespaces);
  }
  return byLanguage;
}

/** The keys a language must have for `keys` of the other: a plural key's stem gets the forms this language uses. */
function expected(keys: Iterable<string>, language: string): Set<string> {
  const forms = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
  const out = new Set<string>();
  for (const key of keys) {
    const stem = key.replace(PLURAL, '');
    if (stem === key) out.add(key);
    else for (const form of forms) out.add(`${stem}_${form}`);
  }
  return out;
}

const placeholders = (message: string): string[] => [...message.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'locales' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Keys used with a literal first argument: t('key'), t('ns:key'), i18nKey="key"; the namespace from useTranslation('ns') in the same file. */
export function usedKeys(source: string): { namespace: string; key: string }[] {
  const declared = /useTranslation\(\s*'([\w-]+)'/.exec(source)?.[1] ?? 'common';
  const found: { namespace: string; key: string }[] = [];
  for (const m of source.matchAll(/\bt\(\s*'([^'`$]+)'|i18nKey="([^"]+)"/g)) {
    const literal = m[1] ?? m[2];
    const [namespace, key] = literal.includes(':') ? (literal.split(':', 2) as [string, string]) : [declared, literal];
    found.push({ namespace, key });
  }
  return found;
}

describe('translation catalogs', () => {
  const all = catalogs();

  it('has exactly the two console languages, each with the same namespaces', () => {
    expect([...all.keys()].sort()).toEqual([...LANGUAGES].sort());
    const en = [...all.get('en')!.keys()].sort();
    expect(en.length).toBeGreaterThan(0);
    for (const language of LANGUAGES) expect([...all.get(language)!.keys()].sort(), language).toEqual(en);
  });

  it('every namespace has the same keys in both languages, with the plural forms each needs', () => {
    const problems: string[] = [];
    for (const namespace of all.get('en')!.keys()) {
      for (const language of LANGUAGES) {
        const mine = new Set(all.get(language)!.get(namespace)!.keys());
        for (const other of LANGUAGES) {
          if (other === language) continue;
          for (const key of expected(all.get(other)!.get(namespace)!.keys(), language)) {
            if (!mine.has(key)) problems.push(`${language}/${namespace}.json lacks "${key}" (present in ${other})`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('no message is empty, and both languages use the same placeholders', () => {
    const problems: string[] = [];
    const en = all.get('en')!;
    for (const [namespace, messages] of en) {
      for (const language of LANGUAGES) {
        for (const [key, message] of all.get(language)!.get(namespace)!) {
          if (!message.trim()) problems.push(`${language}/${namespace}.json "${key}" is empty`);
          const stem = key.replace(PLURAL, '');
          const english = messages.get(key) ?? messages.get(`${stem}_other`);
          if (english !== undefined) {
            // A plural form may leave {{count}} out ("one proposal"); every other placeholder must match.
            const a = placeholders(message).filter((p) => p !== 'count');
            const b = placeholders(english).filter((p) => p !== 'count');
            if (a.join() !== b.join()) problems.push(`${language}/${namespace}.json "${key}" has {{${a.join('}}, {{')}}} where English has {{${b.join('}}, {{')}}}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('no message names a <Trans> component after a void HTML element (a <link> or <br> tag renders empty)', () => {
    const VOID = /<\/?(area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)>/;
    const problems: string[] = [];
    for (const [language, namespaces] of all) {
      for (const [namespace, messages] of namespaces) {
        for (const [key, message] of messages) if (VOID.test(message)) problems.push(`${language}/${namespace}.json "${key}": ${VOID.exec(message)![0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every key the renderer asks for exists in both languages', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of sourceFiles(SOURCE)) {
      for (const { namespace, key } of usedKeys(readFileSync(file, 'utf8'))) {
        checked++;
        for (const language of LANGUAGES) {
          const messages = all.get(language)!.get(namespace);
          const has = messages && (messages.has(key) || [...messages.keys()].some((k) => k.replace(PLURAL, '') === key));
          if (!has) problems.push(`${relative(ROOT, file)}: ${namespace}:${key} is missing in ${language}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('the checker itself: finds keys with and without a namespace, and a key missing from a catalog', () => {
    expect(usedKeys("const { t } = useTranslation('citizen');\nt('score.title'); t('common:nav.search', { count }); <Trans i18nKey=\"a.b\" />")).toEqual([
      { namespace: 'citizen', key: 'score.title' },
      { namespace: 'common', key: 'nav.search' },
      { namespace: 'citizen', key: 'a.b' },
    ]);
    expect([...expected(['rows_one', 'rows_other', 'title'], 'zh-CN')].sort()).toEqual(['rows_other', 'title']);
    expect([...expected(['rows_other'], 'en')].sort()).toEqual(['rows_one', 'rows_other']);
  });
});
