/**
 * Problems (of a ruleset, a rule test, an import) as keyed text for a
 * refusal: each problem in its frame (server:problem.*: the file and line,
 * the rule, field and column) with its reason keyed, and several problems
 * joined in the reader's language (server:problem.list: "; " in English,
 * "；" in Chinese). The English is what formatProblem (engine/rules.ts)
 * writes, and the lists what joining with "; " gave.
 */
import type { KeyedParam, KeyedText } from './keyedText.js';
import type { ServerMessageKey } from './messages.js';

export interface ProblemLike {
  file?: string;
  line?: number;
  rule?: string;
  field?: string;
  position?: number;
  /** English. */
  message: string;
  key?: string;
  params?: Record<string, unknown>;
}

/** The problem's reason: keyed when it is, else its English as it was written. */
export function reasonOf(p: ProblemLike): KeyedParam {
  return p.key ? { key: p.key as ServerMessageKey, ...(p.params && { params: p.params as KeyedText['params'] }) } : p.message;
}

/** One problem where it is and why (the frames the console and the command line use), or its reason alone when it names no place. */
export function problemKeyed(p: ProblemLike): KeyedParam {
  const message = reasonOf(p);
  const shape = [p.file !== undefined && 'file', p.line !== undefined && 'line', p.rule !== undefined && 'rule', p.field !== undefined && 'field', p.position !== undefined && 'column'].filter(Boolean).join('+');
  const frame = (key: ServerMessageKey, params: Record<string, KeyedParam>): KeyedText => ({ key, params: { ...params, message } });
  switch (shape) {
    case '':
      return message;
    case 'file+line':
      return frame('problem.fileLine', { file: p.file!, line: p.line! });
    case 'file':
      return frame('problem.file', { file: p.file! });
    case 'file+field':
      return frame('problem.fileField', { file: p.file!, field: p.field! });
    case 'rule':
      return frame('problem.rule', { rule: p.rule! });
    case 'rule+field':
      return frame('problem.ruleField', { rule: p.rule!, field: p.field! });
    case 'rule+field+column':
      return frame('problem.ruleFieldColumn', { rule: p.rule!, field: p.field!, column: p.position! });
    case 'field':
      return frame('problem.field', { field: p.field! });
    default: {
      // A place of another shape (a file's line and field): its names as formatProblem lists them, the reason still keyed.
      const where: KeyedParam[] = [];
      if (p.file !== undefined) where.push(p.file);
      if (p.line !== undefined) where.push({ key: 'problem.line', params: { line: p.line } });
      if (p.rule !== undefined) where.push({ key: 'problem.ruleName', params: { rule: p.rule } });
      if (p.field !== undefined) where.push(p.field);
      if (p.position !== undefined) where.push({ key: 'problem.column', params: { column: p.position } });
      return { key: 'problem.at', params: { where: joined(where, 'problem.places'), message } };
    }
  }
}

/** Items as one parameter, joined by `key` ({{first}} and {{rest}}) in the reader's language. */
export function joined(items: readonly KeyedParam[], key: ServerMessageKey = 'problem.list'): KeyedParam {
  return items.reduceRight<KeyedParam | undefined>((rest, first) => (rest === undefined ? first : { key, params: { first, rest } }), undefined) ?? '';
}

/** Several problems as one parameter of a refusal, each in its frame, joined in the reader's language. */
export function problemsKeyed(problems: readonly ProblemLike[]): KeyedParam {
  return joined(problems.map(problemKeyed));
}
