/**
 * The fix for CEL's most common type error in a ruleset: event fields of type
 * number are decimals (double), and CEL does not mix int and double, so
 * `-10 * event.months_overdue` fails with "no such overload: int * double".
 * The hint writes the whole-number literals as decimals: `-10.0 * ...`.
 */
import i18next from '../../i18n';

const OVERLOAD = /no such overload: (?:int|double|uint) \S+ (?:int|double|uint)|found no matching overload/;

/** Integer literals outside strings and not already part of a decimal, an identifier or a field name. */
const INT_LITERAL = /(?<![\w.])(\d+)(?![\w.]|\s*\.\s*\d)/g;

function decimalise(expression: string): string {
  // Leave string literals alone: split on them and only rewrite the code between.
  return expression
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(INT_LITERAL, '$1.0')))
    .join('');
}

/** A suggestion for a type error that mixes whole numbers and decimals, or null. */
export function celTypeHint(expression: string, message: string): { text: string; fixed: string } | null {
  if (!OVERLOAD.test(message)) return null;
  const fixed = decimalise(expression);
  if (fixed === expression) return null;
  const example = /(?<![\w.])(-?\d+)(?![\w.])/.exec(expression)?.[1] ?? '10';
  return { text: i18next.t('rules:expression.decimalsHint', { example }), fixed };
}
