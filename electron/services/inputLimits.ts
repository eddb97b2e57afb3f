/**
 * Limits on imported input and the safe echo of bad values. A file can hold
 * any bytes; what it may make the console hold is bounded here: per field
 * (names, districts, string data), per line, per file, JSON nesting, and the
 * size of a problem report. One place, so the README, the tests and every
 * reader agree.
 */

import { englishText, keyed, type Said } from '../../shared/englishText.js';
import type { KeyedText } from '../../shared/keyedText.js';
import type { ServerMessageKey } from '../../shared/messages.js';

export const LIMITS = {
  /** Characters of a citizen's name. */
  nameChars: 200,
  /** Characters of a district (the search filter takes up to 100). */
  districtChars: 100,
  /** Characters of a consent record's evidence (form number, channel). */
  evidenceChars: 500,
  /** UTF-8 bytes of one string field of an event's data. */
  stringFieldBytes: 4096,
  /** Depth of JSON nesting: event data is one flat object, a kinds file four levels. */
  jsonDepth: 32,
  /** Bytes of one line of a file (of one record, for CSV: a quoted field may span lines). */
  lineBytes: 1 << 20,
  /** Bytes of event_kinds.json, which is read whole. */
  kindsFileBytes: 1 << 20,
  /** Bytes of one CSV or JSON Lines file. */
  dataFileBytes: 8 * 2 ** 30,
  /** Characters of a bad value quoted back in a problem. */
  echoChars: 80,
  /** Characters of one problem message. */
  messageChars: 400,
  /** Problems listed in a report (all are counted). */
  listedProblems: 100,
  /** Characters of all listed problems together (messages and their keyed parameters, which echo the same clipped values). */
  reportChars: 64_000,
} as const;

/** C0 and C1 control characters (tab and newline included: a name is one line). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** Bidirectional embeddings, overrides and isolates, and the line/paragraph separators: they reorder or break what is shown around them. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u2028\u2029]/;
/** Half of a surrogate pair without its other half: not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_GLOBAL = new RegExp(LONE_SURROGATE.source, 'g');
const UNSAFE_GLOBAL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g;

/**
 * `text` cut to `max` characters with control, bidi-override and separator
 * characters written as \uXXXX, so a hostile value can neither flood a
 * report nor reorder the text shown around it. No quotes added.
 */
export function clip(text: string, max: number = LIMITS.echoChars): string {
  let head = text.length > max ? text.slice(0, max) : text;
  // Do not leave half of a surrogate pair at the cut.
  if (head.length < text.length && /[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  head = head.replace(UNSAFE_GLOBAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  head = head.replace(LONE_SURROGATE_GLOBAL, '\uFFFD');
  return head.length < text.length || text.length > max ? `${head}... (${text.length.toLocaleString('en')} characters)` : head;
}

/** A value from a file, shown in a message: strings quoted and clipped, other values named by type, never serialised whole. */
export function echo(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${clip(value).replace(/"/g, '\\"')}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Why a name or district cannot be stored (keyed, the English beside), or null. */
export function nameProblemKeyed(what: 'name' | 'name_latin' | 'district' | 'evidence', text: string): Said | null {
  const max = what === 'district' ? LIMITS.districtChars : what === 'evidence' ? LIMITS.evidenceChars : LIMITS.nameChars;
  if (text.length > max) return keyed('import.text.tooLong', { what, length: text.length.toLocaleString('en'), max });
  const control = CONTROL.exec(text);
  if (control) return keyed('import.text.control', { what, code: hex(control[0]) });
  const bidi = BIDI.exec(text);
  if (bidi) return keyed('import.text.bidi', { what, code: hex(bidi[0]) });
  if (LONE_SURROGATE.test(text)) return keyed('import.text.surrogate', { what });
  return null;
}

/** Why a name or district cannot be stored, or null. */
export function nameProblem(what: 'name' | 'name_latin' | 'district' | 'evidence', text: string): string | null {
  return nameProblemKeyed(what, text)?.message ?? null;
}

/** Why a string field of event data cannot be stored (keyed, the English beside), or null. */
export function stringFieldProblemKeyed(field: string, text: string): Said | null {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short text needs no count.
  const bytes = text.length * 3 <= LIMITS.stringFieldBytes ? 0 : Buffer.byteLength(text, 'utf8');
  if (bytes > LIMITS.stringFieldBytes) return keyed('import.data.tooLong', { field: clip(field), bytes: bytes.toLocaleString('en'), max: LIMITS.stringFieldBytes });
  if (LONE_SURROGATE.test(text)) return keyed('import.data.surrogate', { field: clip(field) });
  return null;
}

/** Why a string field of event data cannot be stored, or null. */
export function stringFieldProblem(field: string, text: string): string | null {
  return stringFieldProblemKeyed(field, text)?.message ?? null;
}

const hex = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');

/**
 * Where JSON `text` nests deeper than `max` (objects and arrays), as the
 * 0-based offset of the bracket that goes one too deep; -1 when it does not.
 * Linear and iterative: 100,000 open brackets cost a scan, not a stack.
 */
export function tooDeepAt(text: string, max: number = LIMITS.jsonDepth): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

/** 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** V8's JSON.parse reasons (without the position), by key (server:json.*); each key's English is V8's words. */
const JSON_REASONS: [RegExp, ServerMessageKey][] = [
  [/^Unexpected token '(.+)'$/s, 'json.unexpectedToken'],
  [/^Expected property name or '\}'$/, 'json.expectedPropertyName'],
  [/^Expected ',' or '\}' after property value$/, 'json.expectedCommaOrBrace'],
  [/^Expected ':' after property name$/, 'json.expectedColon'],
  [/^Expected ',' or '\]' after array element$/, 'json.expectedCommaOrBracket'],
  [/^Expected double-quoted property name$/, 'json.expectedQuotedName'],
  [/^Unterminated string$/, 'json.unterminatedString'],
  [/^Unexpected non-whitespace character after JSON$/, 'json.afterJson'],
  [/^No number after minus sign$/, 'json.noNumberAfterMinus'],
  [/^Exponent part is missing a number$/, 'json.exponent'],
  [/^Unterminated fractional number$/, 'json.fraction'],
  [/^Bad escaped character$/, 'json.badEscape'],
  [/^Bad Unicode escape$/, 'json.badUnicodeEscape'],
  [/^Bad control character in string literal$/, 'json.controlCharacter'],
  [/^Unexpected end of JSON input$/, 'json.unexpectedEnd'],
  [/^Unexpected number$/, 'json.unexpectedNumber'],
  [/^Unexpected string$/, 'json.unexpectedString'],
];

/**
 * A JSON.parse error without the text it quotes (V8 quotes the start of the
 * input: a file's content must not come back in a report), with the line and
 * column when V8 gives a position; keyed (server:json.*) for the reader's
 * language. A reason V8 words in a way not known here keeps its English.
 */
export function jsonErrorKeyed(err: unknown, text: string): KeyedText {
  const message = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)/.exec(message);
  const what = clip(message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').replace(/ at position \d+.*$/s, ''), 120);
  let reason: KeyedText = { key: 'json.other', params: { detail: what } };
  for (const [pattern, key] of JSON_REASONS) {
    const m = pattern.exec(what);
    if (!m) continue;
    const known: KeyedText = m[1] === undefined ? { key } : { key, params: { token: m[1] } };
    if (englishText(known) === what) reason = known;
    break;
  }
  if (!at) return reason;
  const offset = Number(at[1]);
  const line = lineAt(text, offset);
  const column = offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
  return { key: 'json.at', params: { what: reason, line, column } };
}

/** The same in English. */
export function jsonErrorMessage(err: unknown, text: string): string {
  return englishText(jsonErrorKeyed(err, text));
}
