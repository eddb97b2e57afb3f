/**
 * What the CEL library (@marcbachmann/cel-js) and RE2 (re2js) say about a
 * refused expression, keyed for the reader's language. The library's errors
 * carry a code and a one-line English summary; each summary is read into a
 * `server:cel.parse.*` or `cel.check.*` key and its parameters (the token,
 * the types, the name; a token of the lexer is keyed itself, so that the
 * Chinese names its symbol). A classification is kept only
 * when the key rendered in English gives back the library's summary exactly,
 * so the English a reader sees never changes and a parameter is never read
 * wrong; anything else (a future library's new wording) falls back to
 * `cel.syntax`, which quotes the summary.
 */
import { englishText } from '../../shared/englishText.js';
import type { ServerMessageKey } from '../../shared/messages.js';
import type { KeyedParam } from '../../shared/keyedText.js';

/** An expression error's text: English, with its key and parameters (a token is itself keyed, to be named in the reader's words). */
export interface SaidCel {
  message: string;
  key: ServerMessageKey;
  params: Record<string, KeyedParam>;
}

/** The key and parameters when `english` is exactly what they render, else null. */
function exactly(key: ServerMessageKey, params: Record<string, KeyedParam>, english: string): SaidCel | null {
  return englishText({ key, params }) === english ? { message: english, key, params } : null;
}

/** A token of the library's lexer (RPAREN, EOF...), keyed: English gives the name back, Chinese names the symbol. */
const token = (name: string): KeyedParam => (TOKENS.has(name) ? { key: `cel.parse.token.${name}` as ServerMessageKey } : name);

/** The library's token names (parser.js TOKEN). */
const TOKENS = new Set(['EOF', 'NUMBER', 'STRING', 'BOOLEAN', 'NULL', 'IDENTIFIER', 'BYTES', 'PLUS', 'MINUS', 'MULTIPLY', 'DIVIDE', 'MODULO', 'EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'AND', 'OR', 'NOT', 'IN', 'LPAREN', 'RPAREN', 'LBRACKET', 'RBRACKET', 'LBRACE', 'RBRACE', 'DOT', 'COMMA', 'COLON', 'QUESTION']);

const ESCAPES: Record<string, string> = {
  invalid_unicode_escape: 'unicode',
  invalid_unicode_surrogate: 'surrogate',
  invalid_hex_escape: 'hex',
  invalid_octal_escape: 'octal',
  octal_escape_out_of_range: 'octalRange',
  invalid_escape_sequence: 'sequence',
  bytes_unicode_escape: 'bytesUnicode',
};

const LIMITS = new Set(['maxAstNodes', 'maxDepth', 'maxListElements', 'maxMapEntries', 'maxCallArguments']);
const BINARY = /^no such overload: (.+?) (==|!=|<=|>=|<|>|\+|-|\*|\/|%|in) (.+)$/;
const NUMERIC = new Set(['int', 'double', 'uint']);

/** One library error (its code and one-line summary) in keyed form, or null when its wording is not one known here. */
export function classifyLibraryError(code: string, summary: string): SaidCel | null {
  let m: RegExpExecArray | null;
  switch (code) {
    case 'unexpected_token':
      if (summary === 'Unexpected token: EOF') return exactly('cel.parse.unexpectedEnd', {}, summary);
      return (m = /^Unexpected token: (\w+)$/.exec(summary)) ? exactly('cel.parse.unexpectedToken', { token: token(m[1]) }, summary) : null;
    case 'expected_token':
      if (!(m = /^Expected (\w+), got (\w+)$/.exec(summary))) return null;
      if (m[2] === 'EOF') return exactly('cel.parse.missing', { expected: token(m[1]) }, summary);
      return exactly('cel.parse.expected', { expected: token(m[1]), found: token(m[2]) }, summary);
    case 'unexpected_character':
      // Quoted: the expression was complete and more followed (the library quotes the last character it read).
      if ((m = /^Unexpected character: '(.*)'$/s.exec(summary))) return exactly('cel.parse.trailing', { char: m[1] }, summary);
      return (m = /^Unexpected character: (.*)$/s.exec(summary)) ? exactly('cel.parse.badCharacter', { char: m[1] }, summary) : null;
    case 'unterminated_string':
      return exactly('cel.parse.unterminatedString', {}, summary);
    case 'unterminated_triple_quoted_string':
      return exactly('cel.parse.unterminatedTripleString', {}, summary);
    case 'newline_in_string':
      return exactly('cel.parse.newlineInString', {}, summary);
    case 'invalid_number':
    case 'invalid_integer':
    case 'invalid_hex_integer': {
      const key = code === 'invalid_number' ? 'cel.parse.invalidNumber' : code === 'invalid_integer' ? 'cel.parse.invalidInteger' : 'cel.parse.invalidHex';
      return (m = /: (.*)$/s.exec(summary)) ? exactly(key, { text: m[1] }, summary) : null;
    }
    case 'invalid_exponent':
      return exactly('cel.parse.invalidExponent', {}, summary);
    case 'limit_exceeded':
      if ((m = /^Exceeded (\w+) \((\d+)\)$/.exec(summary)) && LIMITS.has(m[1])) return exactly(`cel.parse.limit.${m[1]}` as ServerMessageKey, { max: Number(m[2]) }, summary);
      return null;
    case 'reserved_identifier':
      return (m = /^Reserved identifier: (.*)$/.exec(summary)) ? exactly('cel.parse.reserved', { name: m[1] }, summary) : null;
    case 'invalid_macro_argument':
      if (summary === 'has() invalid argument') return exactly('cel.parse.hasArgument', {}, summary);
      return (m = /^(\w+)\((.*)\) invalid predicate iteration variable$/.exec(summary)) ? exactly('cel.parse.macroVariable', { macro: m[1], signature: m[2] }, summary) : null;
    case 'no_such_overload':
      if ((m = BINARY.exec(summary))) {
        const [, left, op, right] = m;
        const numbers = NUMERIC.has(left) && NUMERIC.has(right);
        return exactly(numbers ? 'cel.check.noSuchOverloadNumbers' : 'cel.check.noSuchOverload', { left, op, right }, summary);
      }
      return (m = /^no such overload: ([!-])(.+)$/.exec(summary)) ? exactly('cel.check.noSuchOverloadUnary', { op: m[1], type: m[2] }, summary) : null;
    case 'no_matching_overload':
      return (m = /^found no matching overload for '(.*)'$/s.exec(summary)) ? exactly('cel.check.noMatchingOverload', { call: m[1] }, summary) : null;
    case 'invalid_logical_operand':
      return (m = /^Logical operator requires bool operands, got '(.*)'$/.exec(summary)) ? exactly('cel.check.logicalOperand', { type: m[1] }, summary) : null;
    case 'invalid_condition_type':
      if ((m = /^Ternary condition must be bool, got '(.*)'$/.exec(summary))) return exactly('cel.check.ternaryCondition', { type: m[1] }, summary);
      if ((m = /^(\w+)\((.*)\) filter predicate must return bool, got '(.*)'$/.exec(summary))) return exactly('cel.check.macroFilter', { macro: m[1], signature: m[2], type: m[3] }, summary);
      return (m = /^(\w+)\((.*)\) predicate must return bool, got '(.*)'$/.exec(summary)) ? exactly('cel.check.macroPredicate', { macro: m[1], signature: m[2], type: m[3] }, summary) : null;
    case 'incompatible_ternary_branches':
      return (m = /^Ternary branches must have the same type, got '(.*)' and '(.*)'$/.exec(summary)) ? exactly('cel.check.ternaryBranches', { left: m[1], right: m[2] }, summary) : null;
    case 'heterogeneous_list_element':
    case 'heterogeneous_map_key':
    case 'heterogeneous_map_value': {
      const key = code === 'heterogeneous_list_element' ? 'cel.check.listElements' : code === 'heterogeneous_map_key' ? 'cel.check.mapKey' : 'cel.check.mapValue';
      return (m = /expected type '(.*)' but found '(.*)'$/.exec(summary)) ? exactly(key, { expected: m[1], found: m[2] }, summary) : null;
    }
    case 'invalid_comprehension_range':
      return (m = /^Expression of type '(.*)' cannot be range/.exec(summary)) ? exactly('cel.check.comprehensionRange', { type: m[1] }, summary) : null;
    case 'invalid_index_type':
      if ((m = /^List index must be int, got '(.*)'$/.exec(summary))) return exactly('cel.check.listIndex', { type: m[1] }, summary);
      return (m = /^Cannot index type '(.*)' with type '(.*)'$/.exec(summary)) ? exactly('cel.check.indexWith', { container: m[1], type: m[2] }, summary) : null;
    case 'cannot_index_type':
      return (m = /^Cannot index type '(.*)'$/.exec(summary)) ? exactly('cel.check.cannotIndex', { type: m[1] }, summary) : null;
    case 'no_such_key':
      return (m = /^No such key: (.*)$/s.exec(summary)) ? exactly('cel.check.noSuchKey', { key: m[1] }, summary) : null;
    case 'unknown_variable':
      return (m = /^Unknown variable: (.*)$/.exec(summary)) ? exactly('cel.check.unknownVariable', { name: m[1] }, summary) : null;
    case 'unsupported_type':
      return (m = /^Unsupported type: (.*)$/.exec(summary)) ? exactly('cel.check.unsupportedType', { type: m[1] }, summary) : null;
    default:
      if (ESCAPES[code]) {
        const escape = /\\(\S*)/.exec(summary)?.[1] ?? '';
        return exactly(`cel.parse.escape.${ESCAPES[code]}` as ServerMessageKey, { escape }, summary);
      }
      return null;
  }
}

/** RE2's reasons (re2js Parser.ERR_*), by key. */
const RE2_REASONS: Record<string, string> = {
  'regexp/syntax: internal error': 'internal',
  'invalid character class range': 'charRange',
  'invalid escape sequence': 'escape',
  'invalid named capture': 'namedCapture',
  'invalid or unsupported Perl syntax': 'perlOp',
  'invalid nested repetition operator': 'repeatOp',
  'invalid repeat count': 'repeatSize',
  'missing closing ]': 'missingBracket',
  'missing closing )': 'missingParen',
  'missing argument to repetition operator': 'missingRepeatArgument',
  'trailing backslash at end of expression': 'trailingBackslash',
  'duplicate capture group name': 'duplicateName',
  'unexpected )': 'unexpectedParen',
  'expression nests too deeply': 'nesting',
  'expression too large': 'large',
  'invalid capture in lookbehind': 'lookbehindCapture',
};

/** A pattern RE2 refused (`matches`), keyed by RE2's reason with the part of the pattern it names. */
export function regexError(err: unknown): SaidCel {
  const e = err as { message?: string; error?: unknown; input?: unknown };
  const english = `invalid regular expression (RE2 syntax): ${String(e?.message ?? err)}`;
  const reason = typeof e?.error === 'string' ? RE2_REASONS[e.error] : undefined;
  const said = reason ? exactly(`cel.regex.${reason}` as ServerMessageKey, typeof e.input === 'string' ? { input: e.input } : {}, english) : null;
  return said ?? { message: english, key: 'cel.regex.other', params: { detail: String(e?.message ?? err) } };
}
