/**
 * Refusals and file-level import errors stay keyed: in the files listed here
 * no RejectedInputError, AuthError, file error (FileFormatError,
 * UnsafeFileError), backup, checkpoint, auditor-key or upload error, no
 * NotFoundError, fairness refusal or proposal-kind conflict (TwoPersonRuleError
 * without its key beside) is made from an English sentence written in the
 * source, no reply's error (the bridge's own refusals) carries one, no fairness acknowledgement names its action in English, and no
 * import problem is added with a literal `message`. They take keyed('…') (shared/englishText.ts),
 * which the reader's console and the command line put in their language.
 * The scan reads the sources with the TypeScript parser; a literal (or the
 * literal part of a template, a conditional or a concatenation) with a word
 * in it, in the text argument, is a finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** The files whose refusals and file errors are keyed. */
const COVERED = [
  'electron/services/csvSource.ts',
  'electron/services/import.ts',
  'electron/services/importRoots.ts',
  'electron/services/auth.ts',
  'electron/services/accounts.ts',
  'electron/services/measures.ts',
  'electron/services/proposals.ts',
  'electron/services/disputes.ts',
  'electron/services/purpose.ts',
  'electron/services/backup.ts',
  'electron/services/checkpoints.ts',
  'electron/services/auditorKey.ts',
  'electron/services/custody.ts',
  'electron/ipc/handlers.ts',
  'electron/bridge/uploads.ts',
  'electron/bridge/server.ts',
  'electron/ipc/register.ts',
  'electron/cli/ledger.ts',
  'electron/jobs/manager.ts',
  'electron/services/retract.ts',
  'electron/services/retention.ts',
  'electron/services/outlook.ts',
  'electron/services/ruleLab.ts',
  'electron/services/subjectAccess.ts',
  'electron/services/explain.ts',
  'electron/services/consent.ts',
  'electron/services/queries.ts',
  'electron/services/disclosureConsent.ts',
  'electron/services/network.ts',
  'electron/services/fairness.ts',
  'electron/services/rulesets.ts',
  'electron/services/recordEvent.ts',
  'electron/services/ruleTest.ts',
  'electron/jobs/ruleSandbox.ts',
  'electron/jobs/ruleWorker.ts',
  'electron/jobs/worker.ts',
];

/** Constructors whose argument at the index is the text a person reads. */
const KEYED_ERRORS: Record<string, number> = {
  RejectedInputError: 0,
  AuthError: 1,
  FileFormatError: 0,
  UnsafeFileError: 0,
  BackupError: 0,
  CheckpointError: 0,
  AuditorKeyError: 0,
  UploadClaimError: 0,
  UploadTooLargeError: 0,
  JobConflictError: 0,
  AlreadyRetractedError: 0,
  NotFoundError: 0,
  FairnessAcknowledgementError: 0,
  FairnessInputError: 0,
  TwoPersonRuleError: 0,
  InvalidEventError: 0,
  InvalidConsentError: 0,
  RetentionError: 0,
  RuleTestRejected: 0,
  RuleSandboxError: 0,
};

const WORDS = /\p{L}{2,}/u;

function literalTexts(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.flatMap((span) => [...literalTexts(span.expression), span.literal.text])];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literalTexts(node.expression);
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)) {
    return [...literalTexts(node.left), ...literalTexts(node.right)];
  }
  return [];
}

/** An error's own message or code used as it is (`(err as Error).message`, `err.code ?? 'error'`, through ?? || ?: and parentheses), or null. */
function rawErrorText(node: ts.Node): string | null {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return rawErrorText(node.expression);
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) {
    // err.said ?? err.message: the keyed text, its English only when there is none.
    if (ts.isPropertyAccessExpression(node.left) && node.left.name.text === 'said') return null;
    return rawErrorText(node.left) ?? rawErrorText(node.right);
  }
  if (ts.isConditionalExpression(node)) return rawErrorText(node.whenTrue) ?? rawErrorText(node.whenFalse);
  if (ts.isPropertyAccessExpression(node) && ['message', 'code'].includes(node.name.text)) {
    let base: ts.Expression = node.expression;
    while (ts.isParenthesizedExpression(base) || ts.isAsExpression(base)) base = base.expression;
    if (ts.isIdentifier(base) && /^(err|error|e|cause)$/.test(base.text)) return node.getText();
  }
  return null;
}

/** "file:line: what" for every refusal or problem written as an English literal. */
export function unkeyedRefusals(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, what: string, texts: string[]) => {
    const words = texts.filter((text) => WORDS.test(text));
    if (words.length) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}(${words.map((w) => JSON.stringify(w)).join(' … ')})`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.arguments) {
      const index = KEYED_ERRORS[node.expression.text];
      // AuthError(code, english, { key, params }): the English beside its key, as the session refusals are written.
      // TwoPersonRuleError(english, { key, params }): likewise.
      const keyedBeside = (node.expression.text === 'AuthError' && node.arguments.length > 2) || (node.expression.text === 'TwoPersonRuleError' && node.arguments.length > 1);
      const arg = index === undefined || keyedBeside ? undefined : node.arguments[index];
      if (arg) report(arg, `new ${node.expression.text}`, literalTexts(arg));
    }
    // requireAcknowledgement(report, reason, 'English what'): the refused action is keyed too.
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'requireAcknowledgement' && node.arguments[2]) {
      report(node.arguments[2], 'requireAcknowledgement', literalTexts(node.arguments[2]));
    }
    // { state: 'failed', error: 'English' }, post({ type: 'failed', error: `...` }): a job's failure comes keyed (outcome(state, keyed(...))).
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'error') report(node.initializer, 'error', literalTexts(node.initializer));
    // send(res, 405, { ok: false, error: { code, message: 'English' } }): a reply's refusal comes keyed ({ code, ...keyed(...) }).
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'error' && ts.isObjectLiteralExpression(node.initializer)) {
      for (const p of node.initializer.properties) if (ts.isPropertyAssignment(p) && p.name.getText() === 'message') report(p.initializer, 'reply error message', literalTexts(p.initializer));
    }
    // keyed('…', { why: (err as Error).message, code: err.code }): an outside error's raw text (an OS code, SQLite's or a library's words) is no parameter of its own; osErrorKeyed(err) says it as a sentence, the raw text its detail.
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'keyed' && node.arguments[1] && ts.isObjectLiteralExpression(node.arguments[1])) {
      for (const p of node.arguments[1].properties) {
        // `detail`: the raw text as the technical detail, which each language marks as such (（技术细节：…）).
        if (!ts.isPropertyAssignment(p) || p.name.getText() === 'detail') continue;
        const raw = rawErrorText(p.initializer);
        if (raw) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(p.getStart()).line + 1}: raw error text in keyed(): ${raw}`);
      }
    }
    // mismatches.push('English'), problems.push(`...`): a list a reader is shown holds keyed sentences.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'push' && /mismatch|problem|reason|found/i.test(node.expression.expression.getText())) {
      for (const arg of node.arguments) report(arg, 'push', literalTexts(arg));
    }
    // problems.add({ ..., message: 'English' }): a problem's text comes keyed, through problemFields(keyed(...)).
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'add') {
      for (const arg of node.arguments) {
        if (!ts.isObjectLiteralExpression(arg)) continue;
        for (const p of arg.properties) if (ts.isPropertyAssignment(p) && p.name.getText() === 'message') report(p.initializer, 'problem message', literalTexts(p.initializer));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('refusals and file errors are keyed', () => {
  it('no refusal, file error or import problem in the covered files is an English literal', () => {
    const found = COVERED.flatMap((f) => unkeyedRefusals(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('the scan finds a planted English refusal of each kind, and lets keyed ones through', () => {
    const planted = [
      "throw new RejectedInputError('a backup is named by its file name');",
      'throw new RejectedInputError(`simulation job ${id} is running`);',
      "throw new AuthError('forbidden', `${u} is the last administrator`);",
      "done(new FileFormatError('file contains a NUL byte', line));",
      "throw new FileFormatError(code === 'MissingQuotes' ? 'unclosed quote' : keyed('importFile.invalidQuote'), start);",
      "throw new UnsafeFileError('is a symbolic link: only regular files are imported');",
      "throw new BackupError(`no backup at ${file}`);",
      "throw new CheckpointError('not a checkpoint');",
      "throw new AuditorKeyError('wrong passphrase for the auditor key');",
      "throw new UploadClaimError(`no upload ${id}`);",
      "throw new NotFoundError(`no citizen with id '${id}'`);",
      "if (!d) throw new NotFoundError('no scores yet: no ruleset has been published');",
      "throw new FairnessAcknowledgementError(`${what}: the fairness report flags ${n} group(s)`);",
      "throw new FairnessInputError('export the report of a version or of a proposal, not both');",
      "throw new TwoPersonRuleError(`proposal ${id} is not a ruleset`);",
      "requireAcknowledgement(report, reason, `approval of proposal ${id} refused`);",
      "problems.add({ file: dir, message: 'both events.csv and events.jsonl are present; keep one' });",
      "this.problems.add({ file, field, message: `event kind '${kind}' is listed twice` });",
      "throw new InvalidEventError(`unknown event kind '${event.kind}'`);",
      "throw new InvalidConsentError('recording consent needs a written reason');",
      "throw new RetentionError(`--as-of ${iso} is in the future`);",
      "throw new RuleTestRejected(`sample ${i + 1}: ${valid.message}`);",
      "reject(new RuleSandboxError('the rule tester stopped', false));",
      "Object.assign(status, job.stopping ?? { state: 'failed', error: `job worker stopped unexpectedly (exit ${code})` });",
      "post({ type: 'failed', error: 'the job worker was handed a request outside the job protocol' });",
      "throw new BackupError(keyed('backup.cannotOpen', { file, why: (err as Error).message }));",
      "mismatches.push(`the checkpoint of ${cp.at} is not recorded in the database`);",
      "throw new UnsafeFileError(keyed('importFile.cannotRead', { code: (err as NodeJS.ErrnoException).code ?? 'error' }));",
      "return send(res, 405, { ok: false, error: { code: 'invalid_input', message: 'use POST' } }, true);",
      "send(res, 429, { ok: false, error: { code: refusal.error.code, message: `${refusal.error.message} (too many refused calls)` } }, true);",
    ];
    for (const line of planted) expect(unkeyedRefusals('planted.ts', line), line).toHaveLength(1);
    const fine = [
      "throw new RejectedInputError(keyed('backup.nameOnly'));",
      "throw new RejectedInputError(err.said ?? err.message);",
      "throw new AuthError('forbidden', keyed('account.lastAdmin', { user }));",
      "throw new AuthError('unauthenticated', 'please log in', { key: 'auth.loginRequired' });",
      "done(new FileFormatError(keyed('importFile.nul'), line));",
      "problems.add({ file: dir, ...problemFields(keyed('importFile.bothEvents')) });",
      "throw new ImportFolderError('noSuchFolder');",
      "throw new NotFoundError(keyed('notFound.citizen', { id }));",
      "throw new TwoPersonRuleError(`proposal ${id} has no simulation`, { key: 'twoPerson.noSimulation', params: { id } });",
      "requireAcknowledgement(report, reason, keyed('fairness.approvalRefused', { id }));",
      "Object.assign(status, job.stopping ?? outcome('failed', keyed('job.exited', { code })));",
      "post({ type: 'failed', error: said.message, key: said.key, params: said.params });",
      "return { ok: false, error: null };",
      "throw new BackupError(keyed('backup.cannotOpen', { file, why: err instanceof SaidError && err.said ? err.said : osErrorKeyed(err) }));",
      "throw new UnsafeFileError(keyed('importFile.cannotRead', { code: osCodeKeyed(err) }));",
    ];
    for (const line of fine) expect(unkeyedRefusals('fine.ts', line), line).toEqual([]);
  });
});
