/**
 * The main process's messages (shared/locales: the disclosure PDF, refusals,
 * the command line) are complete in both languages: the same namespaces and
 * keys (plural forms as each language's Intl.PluralRules asks), no empty
 * message, the same placeholders; and every key the main process's source
 * asks for with a literal exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/language.js';
import { MESSAGES, type Catalog } from '../../../shared/messages.js';

const ROOT = join(import.meta.dirname, '../../..');
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(tree: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const stems = (keys: Iterable<string>) => new Set([...keys].map((k) => k.replace(PLURAL, '')));
const placeholders = (m: string) => [...m.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((x) => x[1]).filter((p) => p !== 'count').sort().join();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

describe('main-process message catalogs', () => {
  it('every language has the files on disk that shared/messages.ts loads, and the same namespaces', () => {
    for (const language of LANGUAGES) {
      const onDisk = readdirSync(join(ROOT, 'shared/locales', language)).map((f) => f.replace(/\.json$/, '')).sort();
      expect(Object.keys(MESSAGES[language]).sort(), language).toEqual(onDisk);
    }
  });

  it('has the same keys in both languages, with the plural forms each needs, none empty, the same placeholders', () => {
    const problems: string[] = [];
    for (const namespace of Object.keys(MESSAGES.en)) {
      const en = flatten(MESSAGES.en[namespace]);
      for (const language of LANGUAGES) {
        const mine = flatten(MESSAGES[language][namespace] ?? {});
        const forms = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
        for (const stem of stems(en.keys())) {
          const plural = !en.has(stem);
          const needed = plural ? forms.map((f) => `${stem}_${f}`) : [stem];
          for (const key of needed) if (!mine.has(key)) problems.push(`${language}/${namespace}: missing ${key}`);
        }
        for (const [key, message] of mine) {
          if (!stems(en.keys()).has(key.replace(PLURAL, ''))) problems.push(`${language}/${namespace}: ${key} is not in English`);
          if (!message.trim()) problems.push(`${language}/${namespace}: ${key} is empty`);
          const english = en.get(key) ?? en.get(`${key.replace(PLURAL, '')}_other`);
          if (english !== undefined && placeholders(english) !== placeholders(message)) problems.push(`${language}/${namespace}: ${key} has {{${placeholders(message)}}}, English {{${placeholders(english)}}}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("every literal key the main process's source asks a translator for exists", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of sourceFiles(join(ROOT, 'electron'))) {
      const source = readFileSync(file, 'utf8');
      // A file that makes a translator names its namespace; one that is handed a translator qualifies its keys (ns:key).
      // The command line's files ask cli/i18n.ts's t(), whose namespace is `cli`.
      const commandLine = /^electron\/cli(\.ts$|\/)/.test(relative(ROOT, file)) ? 'cli' : undefined;
      const namespace = /translator\([^,)]+,\s*'([\w-]+)'\)/.exec(source)?.[1] ?? commandLine;
      if (!namespace && !/\bTranslate\b/.test(source)) continue;
      for (const m of source.matchAll(/\bt\(\s*'([^'`$]+)'/g)) {
        if (!namespace && !m[1].includes(':')) {
          problems.push(`${relative(ROOT, file)}: ${m[1]} has no namespace (write ns:key)`);
          continue;
        }
        const [ns, key] = m[1].includes(':') ? (m[1].split(':', 2) as [string, string]) : [namespace!, m[1]];
        checked++;
        for (const language of LANGUAGES) {
          const keys = stems(flatten(MESSAGES[language][ns] ?? {}).keys());
          if (!keys.has(key)) problems.push(`${relative(ROOT, file)}: ${ns}:${key} missing in ${language}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});
