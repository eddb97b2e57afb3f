/**
 * The rule engine says nothing to a reader in English words of its own
 * (issue 12): in the files listed here, a problem's `message`, a refusal's
 * or an error's text is never a string literal or template with English
 * words; it is keyed (`keyed(...)`, `refuse(...)`) and its English comes
 * from the English catalog. The TypeScript parser reads each file.
 * Evaluation errors raised while a rule runs are keyed too (`fail(key, ...)`:
 * a string there does not typecheck); their English is what the
 * contributions table stores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** Files whose refusals are all keyed (paths from the repository root). */
export const KEYED_FILES = [
  'electron/engine/cel.ts',
  'electron/engine/celCompiler.ts',
  'electron/engine/celErrors.ts',
  'electron/engine/celValues.ts',
  'electron/engine/rules.ts',
  'electron/engine/rulesetSchema.ts',
  'electron/services/eventRows.ts',
];

/** Two words of a sentence: letters, a space, letters (code such as `event.field` or `tiers.${i}.min` is not). */
const SENTENCE = /[A-Za-z]{2,}[,:]? [A-Za-z(]{2,}/;

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' … ');
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return [literalText(node.left), literalText(node.right)].filter(Boolean).join(' ') || null;
  if (ts.isConditionalExpression(node)) return [literalText(node.whenTrue), literalText(node.whenFalse)].filter(Boolean).join(' | ') || null;
  return null;
}

/** Where a file gives a reader English of its own: "file:line: text". */
export function englishRefusals(source: string, file = 'source.ts'): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node, text: string | null) => {
    if (text !== null && SENTENCE.test(text)) found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${text}`);
  };
  const visit = (node: ts.Node): void => {
    // { message: 'weight must be ...' }: a problem, a refusal or an expression error.
    if (ts.isPropertyAssignment(node) && ['message', 'detail', 'reason', 'error'].includes(node.name.getText(sf))) report(node, literalText(node.initializer));
    // new SomeError('...'), new Refusal(...), throw '...'.
    if (ts.isNewExpression(node) && /Error|Refusal|Rejected/.test(node.expression.getText(sf))) for (const arg of node.arguments ?? []) report(arg, literalText(arg));
    if (ts.isThrowStatement(node)) report(node, literalText(node.expression));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the rule engine gives no English of its own to a reader', () => {
  it.each(KEYED_FILES)('%s', (file) => {
    expect(englishRefusals(readFileSync(join(ROOT, file), 'utf8'), file)).toEqual([]);
  });

  it('the checker itself: finds a problem, an error and a refusal in English; lets keys, fields and code through', () => {
    const found = englishRefusals(
      [
        "problems.push({ field: 'cap', message: 'cap must contain 0' });",
        'problems.push({ field: `tiers.${i}.min`, message: `tier ${name} is not below ${previous}` });',
        "throw new RuleTestRejected('sample is bad');",
        "throw new Error(hopeless ? 'too costly to run' : 'fine');",
        "return { points: 0, error: 'points are not a finite number' };",
        "problems.push({ field: `tiers.${i}.min`, ...keyed('ruleset.tierOrder', { name }) });",
        "throw refuse(node.pos, 'cel.refuse.negation', { type: t });",
        "return { message: english, key: 'cel.regex.other', params: { detail } };",
        "return { points: 0, error: null };",
        "const e = { message: 'event.hours' };",
      ].join('\n'),
    );
    expect(found).toEqual(['source.ts:1: cap must contain 0', 'source.ts:2: tier  …  is not below  … ', 'source.ts:3: sample is bad', 'source.ts:4: too costly to run | fine', 'source.ts:5: points are not a finite number']);
  });
});
