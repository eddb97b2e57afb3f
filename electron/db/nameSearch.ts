/**
 * How citizens are found by name: two FTS5 indexes and the queries over them.
 *
 * `citizens_fts` (unicode61) holds the name, the Latin form of the name
 * (`name_latin`, e.g. pinyin) and the id: words of alphabetic scripts, each
 * query word matching the start of a word ("wang f" finds Wang Fang).
 *
 * unicode61 keeps a run of Han, kana or Hangul characters as one token, so
 * 王芳 would be found by 王 (a prefix) but never by 芳. Names containing such
 * characters are therefore also held in `citizens_cjk`, a trigram index of
 * the name with every name part fenced by a marker (U+0001, which no stored
 * name may contain): 王芳 is held as ␁␁王芳␁␁, 欧阳 建国 as ␁␁欧阳␁␁建国␁␁. A CJK
 * query word W then matches "␁␁W" (the start of a part: surname, full name,
 * surname and the start of the given name) or "W␁␁" (the end of a part: the
 * given name). Both are at least three characters, so even a one-character
 * surname is an index lookup, never a scan (a bare trigram index cannot look
 * up fewer than three characters). The fenced text is built by the triggers
 * in plain SQL, so every writer of `citizens` keeps the index in step.
 *
 * Measured on 1M demo names (CPU time, scratch comparison, 2026-11-30): this
 * index holds 33 MiB, builds in 3.6 s, and looks up a surname, a given name
 * or a full name in 0.9 / 1.5 / 1.6 ms at the 95th percentile. Splitting the
 * name into one token per character for unicode61 (queried as a phrase)
 * holds 26 MiB, builds in 1.7 s and looks up in 0.8 / 1.5 / 3.5 ms, but the
 * split cannot be written in SQL: every writer, or a function registered on
 * every connection, would have to make it. A scan (LIKE '%明哲') costs 14 ms
 * for a rare given name, and grows with the population.
 *
 * Changing `CJK_RANGES`, `NAME_PART_SEPARATORS` or the fence changes what
 * the triggers index: it needs a migration that rebuilds `citizens_cjk`
 * (test/unit/db/nameSearch.test.ts compares the stored triggers with this).
 */
import type { Db } from './connection.js';

/** Scripts written without spaces between words, whose runs unicode61 would keep whole (code point ranges, inclusive). */
export const CJK_RANGES: readonly (readonly [number, number])[] = [
  [0x3005, 0x3007], // 々 〆 〇
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xac00, 0xd7af], // Hangul syllables
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0x20000, 0x3134f], // CJK Unified Ideographs Extensions B-G
];

/** Characters that separate the parts of a name: space, the middle dots of transliterated names (阿依古丽·买买提), the katakana middle dot. */
export const NAME_PART_SEPARATORS = [' ', '\u00b7', '\u30fb'] as const;

/** The fence around each name part in `citizens_cjk`. Stored names never hold control characters (see inputLimits). */
const FENCE = '\u0001\u0001';

const rangeClass = (escape: (cp: number) => string) => CJK_RANGES.map(([lo, hi]) => `${escape(lo)}-${escape(hi)}`).join('');

/** Matches a character of a CJK script. */
export const CJK_CHAR = new RegExp(`[${rangeClass((cp) => `\\u{${cp.toString(16)}}`)}]`, 'u');
const CJK_RUNS = new RegExp(`${CJK_CHAR.source}+|[^${rangeClass((cp) => `\\u{${cp.toString(16)}}`)}]+`, 'gu');

/** SQL: true when the name expression `expr` holds a CJK character (GLOB compares code points). */
export function sqlHasCjk(expr: string): string {
  return `${expr} GLOB '*[${rangeClass((cp) => String.fromCodePoint(cp))}]*'`;
}

/** SQL: the fenced text `citizens_cjk` holds for the name expression `expr`. */
export function sqlFencedName(expr: string): string {
  let parts = expr;
  for (const sep of NAME_PART_SEPARATORS) parts = `replace(${parts}, char(${sep.codePointAt(0)}), char(1, 1))`;
  return `char(1, 1) || ${parts} || char(1, 1)`;
}

/** The fenced text for a name, as the SQL above computes it (for tests and checks). */
export function fencedName(name: string): string {
  let parts = name;
  for (const sep of NAME_PART_SEPARATORS) parts = parts.split(sep).join(FENCE);
  return `${FENCE}${parts}${FENCE}`;
}

/** The two FTS5 MATCH expressions a name query needs; either may be null. */
export interface NameMatch {
  /** For `citizens_fts`: every alphabetic word a prefix of a word of the name or of its Latin form. */
  latin: string | null;
  /** For `citizens_cjk`: every CJK word at the start or the end of a name part. */
  cjk: string | null;
}

/** At most this many words of a query are used: a name has few, and each adds a lookup. */
const MAX_WORDS = 8;

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The MATCH expressions for what a user typed: words split at anything that
 * is not a letter or digit, and again where a CJK run meets other letters
 * (王fang is 王 and fang). Null when nothing searchable is left.
 */
export function nameMatch(text: string): NameMatch | null {
  const words = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .flatMap((w) => w.match(CJK_RUNS) ?? [])
    .filter(Boolean)
    .slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  const cjk = words.filter((w) => CJK_CHAR.test(w));
  const latin = words.filter((w) => !CJK_CHAR.test(w));
  return {
    latin: latin.length ? `{name name_latin} : (${latin.map((w) => `${quote(w)}*`).join(' ')})` : null,
    cjk: cjk.length ? cjk.map((w) => `(${quote(FENCE + w)} OR ${quote(w + FENCE)})`).join(' AND ') : null,
  };
}

/** The citizens insert trigger that keeps both name indexes (migration 0320), as deferNameIndex mirrors it. */
function nameInsertTrigger(): string {
  return `CREATE TRIGGER citizens_fts_insert AFTER INSERT ON citizens BEGIN
  INSERT INTO citizens_fts(rowid, name, name_latin) VALUES (new.idx, new.name, new.name_latin);
  INSERT INTO citizens_cjk(rowid, name_parts) SELECT new.idx, ${sqlFencedName('new.name')} WHERE ${sqlHasCjk('new.name')};
END`;
}

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/**
 * The name indexes of a bulk insert of citizens, written once at its end
 * instead of by the insert trigger row by row (ten times faster: the
 * trigger's statements run once per citizen). Call inside the write
 * transaction, before the citizens are inserted; finish() indexes every
 * citizen from `firstIdx` on with the trigger's own statements, in row
 * order, and puts the trigger back with its SQL (a rollback puts it back
 * too). When the live trigger is not the one mirrored here (a later
 * schema), nothing is deferred and the trigger indexes as before.
 */
export function deferNameIndex(db: Db, firstIdx: number): { deferred: boolean; finish(): void } {
  if (!db.inTransaction) throw new Error('the name index is deferred only inside the write transaction of the citizens it indexes');
  const live = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'citizens_fts_insert'").pluck().get() as string | undefined;
  if (live === undefined || normalise(live) !== normalise(nameInsertTrigger())) return { deferred: false, finish() {} };
  db.exec('DROP TRIGGER citizens_fts_insert');
  let done = false;
  return {
    deferred: true,
    finish() {
      if (done) return;
      done = true;
      db.prepare('INSERT INTO citizens_fts(rowid, name, name_latin) SELECT idx, name, name_latin FROM citizens WHERE idx >= ? ORDER BY idx').run(firstIdx);
      db.prepare(`INSERT INTO citizens_cjk(rowid, name_parts) SELECT c.idx, ${sqlFencedName('c.name')} FROM citizens AS c WHERE c.idx >= ? AND ${sqlHasCjk('c.name')} ORDER BY c.idx`).run(firstIdx);
      db.exec(live);
    },
  };
}
