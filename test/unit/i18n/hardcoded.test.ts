/**
 * No English left in the converted renderer files (issue 12): JSX text and
 * the visible attributes (title, label, placeholder, aria-label...) must come
 * from t(), not from string literals with Latin words. The TypeScript parser
 * reads each file, so an arrow (=>) or a generic (<T>) is never taken for
 * text. CONVERTED lists the files that passed through i18next: a helper who
 * converts a file adds it here, and from then on it stays converted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** Renderer files already speaking through i18next (paths from renderer/src). */
export const CONVERTED = [
  'plainMessage.ts',
  'pageTitle.ts',
  'download.ts',
  'pages/CitizenPage.tsx',
  'pages/SearchPage.tsx',
  'pages/OverviewPage.tsx',
  'pages/DisputesPage.tsx',
  'pages/AccessLogPage.tsx',
  'pages/LedgerPage.tsx',
  'pages/OperationsPage.tsx',
  'pages/BackupPage.tsx',
  'components/TierBadge.tsx',
  'components/ErrorNote.tsx',
  'components/PageErrorBoundary.tsx',
  'components/ChartWithTable.tsx',
  'components/search/SearchFilters.tsx',
  'components/search/ResultList.tsx',
  'components/search/filters.ts',
  'components/ops/OperationsList.tsx',
  'components/ops/OperationDetails.tsx',
  'components/ops/LedgerEntries.tsx',
  'components/ops/VerifyLedger.tsx',
  'components/ops/BulkReadAlerts.tsx',
  'components/ops/PurposeSetting.tsx',
  'components/ops/operationKinds.tsx',
  'components/citizen/AdjustmentsCard.tsx',
  'components/citizen/AssignDisputeModal.tsx',
  'components/citizen/AuditTrail.tsx',
  'components/citizen/DisputesCard.tsx',
  'components/citizen/EventList.tsx',
  'components/citizen/EventSource.tsx',
  'components/citizen/ExportButtons.tsx',
  'components/citizen/FriendPenalty.tsx',
  'components/citizen/MeasuresCard.tsx',
  'components/citizen/OpenDisputeModal.tsx',
  'components/citizen/PurposePrompt.tsx',
  'components/citizen/ReasonModal.tsx',
  'components/citizen/RecordEventModal.tsx',
  'components/citizen/RecordHeader.tsx',
  'components/citizen/RecordViewers.tsx',
  'components/citizen/ScoreBreakdown.tsx',
  'components/citizen/ScoreSummary.tsx',
  'components/citizen/disputeStatus.ts',
  'components/citizen/eventKinds.ts',
  'components/citizen/refresh.ts',
];

/** Words that are the same in every language of the console: names and formats. */
const ALLOWED = ['Credence', 'CSV', 'PDF', 'JSON', 'UTC', 'SHA-256', 'MiB', 'CEL'];

/** Attributes a reader sees or hears. */
const VISIBLE = new Set(['title', 'label', 'placeholder', 'description', 'aria-label', 'alt', 'confirmLabel', 'error', 'closeButtonLabel', 'caption', 'message']);

const LATIN_WORD = /[A-Za-z]{2,}/;
const hasEnglish = (text: string): boolean => LATIN_WORD.test(ALLOWED.reduce((s, word) => s.split(word).join(' '), text));

/** Literal text that would reach the screen from an expression: strings and template parts, not inside a call (t('key'), navigate('/x')) nor a property key. */
function literalTexts(node: ts.Node): string[] {
  if (ts.isCallExpression(node) || ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isArrowFunction(node)) return [];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.flatMap((s) => [s.literal.text, ...literalTexts(s.expression)])];
  // In `a === 'open' ? x : y` the compared literal is a value, not text.
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) return [];
  if (ts.isElementAccessExpression(node)) return literalTexts(node.expression);
  return node.getChildren().flatMap(literalTexts);
}

/** Every place in a TSX source where English would be shown: "line: text". */
export function hardCodedEnglish(source: string, fileName = 'file.tsx'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => found.push(`${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${text.trim()}`);
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasEnglish(node.text)) report(node, node.text);
    if (ts.isJsxAttribute(node) && VISIBLE.has(node.name.getText())) {
      const init = node.initializer;
      if (init && ts.isStringLiteral(init) && hasEnglish(init.text)) report(node, `${node.name.getText()}="${init.text}"`);
      if (init && ts.isJsxExpression(init) && init.expression) for (const text of literalTexts(init.expression)) if (hasEnglish(text)) report(node, `${node.name.getText()}={${text}}`);
    }
    // {cond ? 'yes' : 'no'} or {`${n} citizens`} as a child of an element.
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const text of literalTexts(node.expression)) if (hasEnglish(text)) report(node, `{${text}}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('converted renderer files hold no hard-coded English', () => {
  it.each(CONVERTED)('%s', (path) => {
    expect(hardCodedEnglish(readFileSync(join(ROOT, 'renderer/src', path), 'utf8'), path)).toEqual([]);
  });

  it('the checker finds English in text, in visible attributes and in expressions, and lets t(), keys and proper nouns through', () => {
    const bad = [
      '<Text>No citizen matches.</Text>',
      '<TextInput label="Citizen ID" />',
      "<Badge title={open ? 'Go to the disputes' : undefined} />",
      "<Text>{total === 1 ? 'citizen' : 'citizens'}</Text>",
      '<Text>{`${n} operations in all`}</Text>',
    ];
    for (const jsx of bad) expect(hardCodedEnglish(`const x = ${jsx};`), jsx).not.toEqual([]);
    const good = [
      "<Text>{t('none')}</Text>",
      "<TextInput label={t('filter.citizen')} data-testid=\"access-citizen\" />",
      "<Badge color={d.status === 'open' ? 'blue' : 'gray'} style={{ cursor: 'pointer' }} />",
      '<Button>CSV</Button>',
      '<Text>{score(x)} · {when(at)} UTC</Text>',
      "const f = useState<Record<string, number>>({}); const g = (a: number) => a > 1;",
    ];
    for (const jsx of good) expect(hardCodedEnglish(`const x = ${jsx};`), jsx).toEqual([]);
  });
});
