/**
 * The command line prints no hard-coded English sentence: whatever it writes
 * for a person (console.log/error, process.stdout/stderr.write, out(), warn(),
 * a refusal, a usage error, a help description) comes from the `cli`
 * catalog through t(). The scan reads electron/cli.ts and electron/cli/*.ts
 * with the TypeScript parser and flags a string literal, or the literal part
 * of a template, with a word in it, passed to one of those calls (directly,
 * or through a conditional, a concatenation or parentheses; not inside
 * another call such as t() or JSON.stringify()).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** Calls whose arguments a person reads; the index of the argument that is text (-1: every argument). */
const PRINTERS: Record<string, number> = {
  'console.log': -1,
  'console.error': -1,
  'console.warn': -1,
  'process.stdout.write': -1,
  'process.stderr.write': -1,
  out: -1,
  warn: -1,
  usage: -1,
  Rejected: -1,
  IdentityError: -1,
  SecretUnavailableError: -1,
  LanguageChoiceError: -1,
  'dialog.showErrorBox': -1,
  CommanderError: 2,
  description: 0,
  summary: 0,
  option: 1,
  requiredOption: 1,
  Option: 1,
  CommanderOption: 1,
  argument: 1,
  helpOption: 1,
  helpCommand: 1,
};

/** Literals that are not sentences: codes and syntax. Keep it short; a sentence belongs in cli.json. */
const ALLOWED = new Set(['credence.usage']);

/** A word of two letters or more: a sentence, a label. Flags, file names and codes are checked by the allow-list above. */
const WORDS = /\p{L}{2,}/u;

function calleeName(expr: ts.Expression): string {
  const full = expr.getText().replace(/\s+/g, '');
  if (PRINTERS[full] !== undefined) return full;
  if (ts.isIdentifier(expr)) return expr.text;
  // `.description(...)` on any command: the method name; `sink.write(...)` (the CSV) is not a printer.
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  return '';
}

/** Literal text an argument puts on the screen, not counting what other calls compute. */
function literalTexts(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.flatMap((span) => [...literalTexts(span.expression), span.literal.text])];
  }
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literalTexts(node.expression);
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)) {
    return [...literalTexts(node.left), ...literalTexts(node.right)];
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap(literalTexts);
  return [];
}

export function hardcodedSentences(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    // A dialog's options ({ type, message, buttons, title, detail }): each text a person reads.
    if (ts.isObjectLiteralExpression(node)) {
      const props = node.properties.filter(ts.isPropertyAssignment);
      const names = new Set(props.map((p) => p.name.getText()));
      if (names.has('buttons') || (names.has('type') && names.has('message'))) {
        for (const p of props) {
          if (!['message', 'buttons', 'title', 'detail'].includes(p.name.getText())) continue;
          const words = literalTexts(p.initializer).filter((text) => WORDS.test(text) && !ALLOWED.has(text));
          if (words.length) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(p.getStart()).line + 1}: dialog ${p.name.getText()}(${words.map((w) => JSON.stringify(w)).join(' … ')})`);
        }
      }
    }
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const name = calleeName(node.expression);
      const index = PRINTERS[name];
      if (index !== undefined) {
        const args = index === -1 ? [...node.arguments] : node.arguments.slice(index, index + 1);
        for (const arg of args) {
          const words = literalTexts(arg).filter((text) => WORDS.test(text) && !ALLOWED.has(text));
          if (words.length) {
            const { line } = file.getLineAndCharacterOfPosition(arg.getStart());
            found.push(`${fileName}:${line + 1}: ${name}(${words.map((w) => JSON.stringify(w)).join(' … ')})`);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function cliSources(): string[] {
  const dir = join(ROOT, 'electron/cli');
  // serve.ts: the loopback bridge's launcher speaks the command line's language too.
  // main.ts: the desktop console's dialogs and its log speak the language of the process too.
  return [join(ROOT, 'electron/cli.ts'), join(ROOT, 'electron/serve.ts'), join(ROOT, 'electron/main.ts'), ...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f))];
}

describe('no hard-coded English in the command line', () => {
  it('every sentence the command line prints comes from the cli catalog', () => {
    const files = cliSources();
    expect(files.length).toBeGreaterThan(8);
    const found = files.flatMap((f) => hardcodedSentences(relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the scan finds what it is for (a planted sentence of each kind), and lets keys and syntax through', () => {
    const planted = [
      "out('database ready');",
      'process.stdout.write(`done: ${n} rows\\n`);',
      "process.stderr.write(ok ? '' : 'something failed\\n');",
      "console.log('hello ' + name);",
      "throw new Rejected(`cannot read ${file}`);",
      "program.command('x').description('does a thing');",
      "cmd.option('--json', 'print as JSON');",
      "throw new CommanderError(2, 'credence.usage', `bad ${x}`);",
      "out(`${x}: 已完成`);",
      "dialog.showErrorBox('Credence could not start', err.message);",
      "const options = { type: 'question', buttons: ['Open in browser', 'Cancel'], defaultId: 1, message: desktopText('desktop.openQuestion', { href }) };",
      "await dialog.showMessageBox({ type: 'info', message: 'Credence will now encrypt its database' });",
    ];
    for (const line of planted) expect(hardcodedSentences('planted.ts', line), line).toHaveLength(1);
    const fine = [
      "out(t('init.ready', { file }));",
      'process.stderr.write(`${t(\'usage.error\', { message })}\\n`);',
      "out(JSON.stringify(policy, null, 2));",
      "cmd.option('--json', t('explain.json'));",
      "throw new CommanderError(2, 'credence.usage', t('usage.integer', { name }));",
      "out([a, b].join('\\t'));",
      'process.stderr.write(`\\r${phase.padEnd(18)} [${bar}] ${pct}`);',
    ];
    for (const line of fine) expect(hardcodedSentences('fine.ts', line), line).toEqual([]);
  });
});

/** "file:line" of each scheduleDailyBackups call whose report prints the English (`.message`) instead of the keyed text in the process's language (saidText). */
export function englishBackupReports(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'scheduleDailyBackups') {
      const report = node.arguments[2]?.getText() ?? '';
      if (/\.message\b/.test(report) || !/saidText\(/.test(report)) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${report}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("the daily backup's report on stderr", () => {
  it('is written in the language of the process wherever the backups are scheduled (the desktop console and serve)', () => {
    const files = ['electron/main.ts', 'electron/serve.ts'];
    for (const f of files) expect(readFileSync(join(ROOT, f), 'utf8'), f).toContain('scheduleDailyBackups(');
    expect(files.flatMap((f) => englishBackupReports(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it('the scan finds a report printed in English', () => {
    expect(englishBackupReports('planted.ts', 'scheduleDailyBackups(db, dbFile, (m) => process.stderr.write(`${m.message}\\n`));')).toHaveLength(1);
    expect(englishBackupReports('planted.ts', 'scheduleDailyBackups(db, dbFile, (m) => console.error(m.key));')).toHaveLength(1);
    expect(englishBackupReports('fine.ts', 'scheduleDailyBackups(db, dbFile, (m) => process.stderr.write(`${saidText(m)}\\n`));')).toEqual([]);
  });
});
