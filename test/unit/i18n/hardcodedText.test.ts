/**
 * A page converted to i18next stays converted: in the files listed here no
 * JSX text and no reader-facing attribute (label, title, placeholder,
 * description, aria-label, alt, confirmLabel) is written as English words in
 * the source; they come from t(). Code shown as code (CEL, field names,
 * file names, JSON) is not words of a sentence and is allowed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** The files converted so far (renderer/src/...); a converted file is added here. */
export const CONVERTED = [
  'pages/RulesPage.tsx',
  'pages/ApprovalsPage.tsx',
  'pages/UsersPage.tsx',
  'pages/ImportPage.tsx',
  'components/rules/DraftEditor.tsx',
  'components/rules/DraftStatus.tsx',
  'components/rules/ExpressionField.tsx',
  'components/rules/FieldChips.tsx',
  'components/rules/ParametersEditor.tsx',
  'components/rules/PublishPanel.tsx',
  'components/rules/PublishedView.tsx',
  'components/rules/RuleEditor.tsx',
  'components/rules/RuleTester.tsx',
  'components/rules/RulesetDiffView.tsx',
  'components/rules/SimulatePanel.tsx',
  'components/rules/SimulationResults.tsx',
  'components/rules/SimulationTables.tsx',
  'components/rules/TransitionMatrix.tsx',
  'components/rules/VersionHistory.tsx',
  'components/approvals/PastProposals.tsx',
  'components/approvals/PendingProposal.tsx',
  'components/approvals/PublishFollow.tsx',
  'components/approvals/RulesetProposal.tsx',
  'components/users/AccountAdmin.tsx',
  'components/ops/FilePicker.tsx',
  'components/ops/ImportReport.tsx',
  'components/ops/FormatHelp.tsx',
  'components/JobProgress.tsx',
  'components/FirstRun.tsx',
  'components/ReasonField.tsx',
  'components/citizen/ReasonModal.tsx',
];

const READER_ATTRIBUTES = new Set(['label', 'title', 'placeholder', 'description', 'aria-label', 'alt', 'confirmLabel', 'xAxisLabel', 'yAxisLabel']);

/** Words of a sentence: a run of two or more letters standing alone (punctuation around it aside); event.field, snake_case, file.ext and YYYY-MM-DD read as code. */
function englishWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/^[(“"'‘]+|[)”"'’,;:.!?…]+$/g, ''))
    .filter((w) => /^[A-Za-z]{2,}$/.test(w))
    .filter((w) => !/^(UTC|CEL|JSON|CSV|UTF|KB|MB|GB|MiB)$/.test(w));
}

/** Where a converted file still writes English for the reader: "file:line: text". */
export function hardcodedText(source: string, file = 'source.tsx'): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const visit = (node: ts.Node): void => {
    // `event.{name}`: an identifier and a dot before an expression is the start of code, not a word.
    const codePrefix = ts.isJsxText(node) && /^[a-z_]+\.$/.test(node.getText(sf).trim());
    if (ts.isJsxText(node) && !codePrefix && englishWords(node.getText(sf)).length > 0) found.push(`${at(node)}: ${node.getText(sf).trim()}`);
    if (ts.isJsxAttribute(node) && READER_ATTRIBUTES.has(node.name.getText(sf))) {
      const init = node.initializer;
      const literal = init && ts.isStringLiteral(init) ? init : init && ts.isJsxExpression(init) && init.expression && (ts.isStringLiteral(init.expression) || ts.isNoSubstitutionTemplateLiteral(init.expression)) ? init.expression : null;
      if (literal && englishWords(literal.text).length > 0) found.push(`${at(node)}: ${node.name.getText(sf)}="${literal.text}"`);
      if (init && ts.isJsxExpression(init) && init.expression && ts.isTemplateExpression(init.expression) && englishWords(init.expression.head.text).length > 0) {
        found.push(`${at(node)}: ${node.name.getText(sf)}={\`${init.expression.head.text}…\`}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('converted pages carry no hard-coded English', () => {
  it('no JSX text or reader-facing attribute in English words in a converted file', () => {
    const problems = CONVERTED.flatMap((file) => hardcodedText(readFileSync(join(ROOT, 'renderer/src', file), 'utf8'), file));
    expect(problems).toEqual([]);
  });

  it('the checker itself: finds text, labels and template labels; lets code, symbols and t() through', () => {
    const found = hardcodedText(
      [
        'const a = <Text>Nothing new</Text>;',
        'const b = <Button title="Remove the rule">✕</Button>;',
        'const c = <TextInput label={`Rule ${n}`} />;',
        "const d = <Text>{t('ok')}</Text>;",
        'const e = <Code>event.months_overdue</Code>;',
        'const f = <TextInput placeholder="YYYY-MM-DD" data-testid="rule-id" />;',
        'const g = <Text>→ · ✓ 1,000</Text>;',
        'const h = <Badge>event.{name}</Badge>;',
      ].join('\n'),
    );
    expect(found).toEqual(['source.tsx:1: Nothing new', 'source.tsx:2: title="Remove the rule"', 'source.tsx:3: label={`Rule …`}']);
  });
});
