/**
 * CEL values at run time, as the rule compiler (celCompiler.ts) holds them:
 * int and double are JS numbers (every int a safe integer), lists arrays,
 * maps JS Maps, types CelType; CEL equality and ordering over them; the
 * conversions whose text formats follow cel-go; RE2 patterns; and the limits
 * that bound what a rule may read and cost.
 */
import { RE2JS } from 're2js';
import { englishText } from '../../shared/englishText.js';
import type { KeyedParam } from '../../shared/keyedText.js';
import type { ServerMessageKey } from '../../shared/messages.js';
import { regexError, type SaidCel } from './celErrors.js';

export const RULE_LIMITS = {
  /** Longest string an event field may hold for a rule (characters); a longer one is an evaluation error. */
  maxStringLength: 4096,
  /**
   * Largest worst-case cost of one expression on one event (about one unit per
   * basic step; measured at 0.3-0.4 µs a unit, so at most about 0.1 s).
   */
  maxCost: 250_000,
  /** Largest worst-case cost of all the rules of one event kind on one event (what recording one event evaluates). */
  maxEventCost: 500_000,
  /** Longest RE2 pattern for matches(). */
  maxPatternLength: 1000,
} as const;

/** Raised by compiled closures; the engine counts it as an evaluation error of the rule. `said` keys it for the reader's language. */
export class RuleEvaluationError extends Error {
  constructor(readonly said: SaidCel) {
    super(said.message);
  }
}

/** The English of evaluation errors already said (a rule failing on every event says the same few things): bounded. */
const spoken = new Map<string, string>();

/** An evaluation error, keyed (server:cel.eval.*); its English comes from the English catalog. */
export function evaluationError(key: ServerMessageKey, params: Record<string, KeyedParam> = {}): RuleEvaluationError {
  const memo = `${key}\u0000${JSON.stringify(params)}`;
  let message = spoken.get(memo);
  if (message === undefined) {
    message = englishText({ key, params });
    if (spoken.size >= 1000) spoken.clear();
    spoken.set(memo, message);
  }
  return new RuleEvaluationError({ message, key, params });
}

/** A CEL type value (`type(1) == int`). */
export class CelType {
  private static readonly all = new Map<string, CelType>();
  private constructor(readonly name: string) {}
  static of(name: string): CelType {
    let t = CelType.all.get(name);
    if (!t) {
      t = new CelType(name);
      CelType.all.set(name, t);
    }
    return t;
  }
  toString(): string {
    return this.name;
  }
}

export const TYPE_DENOTATIONS = new Set(['int', 'double', 'string', 'bool', 'null_type', 'list', 'map', 'type']);
export const REFUSED_TYPES = /\b(uint|bytes|google\.protobuf\.\w+|timestamp|duration|optional)\b/;

export function checkedInt(v: number): number {
  if (!Number.isSafeInteger(v)) throw evaluationError('cel.eval.intOverflow');
  return v === 0 ? 0 : v;
}

export function fail(key: ServerMessageKey, params: Record<string, KeyedParam> = {}): never {
  throw evaluationError(key, params);
}

/** CEL runtime type name of a value; numbers are `number` (int and double are told apart statically). */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'map';
  if (v instanceof CelType) return 'type';
  return typeof v;
}

/** CEL equality: heterogeneous numeric comparison, false across other types, NaN unequal to itself. */
export function celEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === b) return true;
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  if (ka === 'list') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => celEquals(v, y[i]));
  }
  if (ka === 'map') {
    const x = a as Map<unknown, unknown>;
    const y = b as Map<unknown, unknown>;
    if (x.size !== y.size) return false;
    for (const [k, v] of x) {
      if (!y.has(k) || !celEquals(v, y.get(k))) return false;
    }
    return true;
  }
  return false;
}

/** Unicode code point order (JS compares UTF-16 code units, which differs above U+FFFF). */
export function compareStrings(a: string, b: string): number {
  if (!/[\uD800-\uFFFF]/.test(a) && !/[\uD800-\uFFFF]/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** CEL ordering: numbers numerically (exact: ints are safe), strings by code point, false < true; NaN compares false. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return fail('cel.eval.compare', { left: kindOf(a), right: kindOf(b) });
}

export function mapKey(k: unknown): unknown {
  if (typeof k === 'number' || typeof k === 'string' || typeof k === 'boolean') return k;
  return fail('cel.eval.mapKeyType', { type: kindOf(k) });
}

export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Go's strconv.FormatFloat(x, 'g', -1, 64), which cel-go's string(double) uses. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 21) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

export function parseIntString(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) fail('cel.eval.intConvert', { value: s.slice(0, 40) });
  const big = BigInt(s);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) fail('cel.eval.intOverflow');
  return checkedInt(Number(big));
}

export function parseDoubleString(s: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) fail('cel.eval.doubleConvert', { value: s.slice(0, 40) });
  return Number(s);
}

export const BOOL_STRINGS: Record<string, boolean> = { '1': true, t: true, T: true, true: true, TRUE: true, True: true, '0': false, f: false, F: false, false: false, FALSE: false, False: false };

const regexCache = new Map<string, RE2JS>();

/**
 * The size of a compiled RE2 program (instructions): matching costs about
 * this much per character of text. A repetition makes it much larger than
 * the pattern's text (`a{1000}` is 7 characters, 1000 instructions). re2js
 * keeps it internally; the pattern's length is the fallback if that changes.
 */
export function regexProgramSize(re: RE2JS, pattern: string): number {
  const n = (re as unknown as { re2Input?: { prog?: { inst?: unknown[] } } }).re2Input?.prog?.inst?.length;
  return typeof n === 'number' ? Math.max(n, pattern.length) : pattern.length;
}

/** Matching `text` against a pattern computed at run time: refused as an evaluation error when the match itself would exceed the cost limit. */
export function matchDynamic(pattern: string, text: string): boolean {
  const re = compileRegex(pattern);
  if ((text.length + 1) * (regexProgramSize(re, pattern) + 1) > RULE_LIMITS.maxCost) {
    fail('cel.eval.regexCost', { instructions: regexProgramSize(re, pattern), chars: text.length, max: RULE_LIMITS.maxCost });
  }
  return re.matcher(text).find();
}

export function compileRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    if (pattern.length > RULE_LIMITS.maxPatternLength) throw evaluationError('cel.refuse.patternTooLong', { max: RULE_LIMITS.maxPatternLength });
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      throw new RuleEvaluationError(regexError(err));
    }
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}
