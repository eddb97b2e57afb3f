/**
 * Rule expressions: CEL parsed and type-checked by @marcbachmann/cel-js, then
 * compiled once into a tree of closures (celCompiler.ts). There is one
 * evaluation path: an expression this compiler cannot give the CEL
 * specification's result for is refused when it is checked (SCORING_MODEL §2),
 * never handed to another evaluator. Nothing here uses eval or new Function.
 *
 * Values: int and double are JS numbers. Every int is a safe integer
 * (|i| <= 2^53 - 1): a literal outside is refused, an operation whose result
 * falls outside is an evaluation error. Because every such int converts to a
 * double exactly, mixed int/double comparisons (CEL's heterogeneous numeric
 * comparison) are exact with plain JS comparison. Arithmetic is chosen from
 * the checked operand types, so an operand of unknown (dyn) type is refused.
 * uint, bytes, timestamps, durations and optionals have no place in rules and
 * are refused. Lists are arrays, maps are JS Maps, types are CelType.
 *
 * Cost: every expression gets a worst-case cost at check time, from the size
 * bounds of its inputs (event strings are at most RULE_LIMITS.maxStringLength
 * characters, longer ones are an evaluation error when read), comprehensions
 * multiplying their body's cost by the bound of the range they iterate; one
 * above RULE_LIMITS.maxCost is refused (as cel-go's estimated cost limit).
 * `matches` uses RE2 (re2js), which runs in linear time.
 */
import { Environment } from '@marcbachmann/cel-js';
import { BINDING_MACROS, Compiler, Refusal, tooExpensive, type AstNode, type Compiled } from './celCompiler.js';
import { classifyLibraryError } from './celErrors.js';
import { evaluationError, RULE_LIMITS, RuleEvaluationError, TYPE_DENOTATIONS } from './celValues.js';
import type { EventKindSpec, FieldType } from '../../shared/domain.js';
import { keyed } from '../../shared/englishText.js';
import type { ServerMessageKey } from '../../shared/messages.js';
import type { KeyedParam } from '../../shared/keyedText.js';

/** An expression error with its English message and key, at a 1-based column. */
const at = (column: number, key: ServerMessageKey, params?: Record<string, string | number>): ExpressionError => ({ ...keyed(key, params), params, column });

/** An event's data as rules see it: protected fields already removed. */
export type EventData = Record<string, number | string | boolean>;
export type Evaluator = (data: EventData) => unknown;

export interface ExpressionError {
  /** English. */
  message: string;
  /** The message as a `server` catalog key and its parameters (a parameter may be keyed itself), for the reader's language. */
  key?: ServerMessageKey;
  params?: Record<string, KeyedParam>;
  /** 1-based column in the expression text. */
  column: number;
}

export type CompileResult =
  | { ok: true; type: string; evaluate: Evaluator; compiled: true; cost: number }
  | { ok: false; error: ExpressionError };

export const EXPRESSION_LIMITS = { maxLength: 2000, maxAstNodes: 400, maxDepth: 24 } as const;

const CEL_TYPE: Record<FieldType, string> = { number: 'double', string: 'string', bool: 'bool', date: 'string' };

export { RuleEvaluationError, RULE_LIMITS, CelType, celEquals } from './celValues.js';

const kindEnvironments = new WeakMap<EventKindSpec, Environment>();

function environmentFor(kind: EventKindSpec): Environment {
  let env = kindEnvironments.get(kind);
  if (!env) {
    const schema: Record<string, string> = {};
    for (const [name, spec] of Object.entries(kind.fields)) {
      if (!spec.protected) schema[name] = CEL_TYPE[spec.type];
    }
    env = new Environment({
      limits: { maxAstNodes: EXPRESSION_LIMITS.maxAstNodes, maxDepth: EXPRESSION_LIMITS.maxDepth, maxListElements: 200, maxMapEntries: 200, maxCallArguments: 8 },
    }).registerVariable({ name: 'event', schema });
    kindEnvironments.set(kind, env);
  }
  return env;
}

function libraryError(err: unknown, fallbackColumn = 1): ExpressionError {
  const e = err as { message?: string; node?: { pos?: number }; code?: unknown; summary?: unknown };
  const firstLine = String(e.message ?? err).split('\n')[0].trim();
  const column = typeof e.node?.pos === 'number' ? e.node.pos + 1 : caretColumn(String(e.message ?? '')) ?? fallbackColumn;
  const summary = typeof e.summary === 'string' ? e.summary.split('\n')[0].trim() : firstLine;
  const said = typeof e.code === 'string' && summary === firstLine ? classifyLibraryError(e.code, summary) : null;
  if (said) return { ...said, column };
  return { ...keyed('cel.syntax', { detail: firstLine }), params: { detail: firstLine }, column };
}

/** The library prints a caret under the offending character; use it when no node is attached. */
function caretColumn(message: string): number | undefined {
  const lines = message.split('\n');
  const src = lines.findIndex((l) => /^>\s+\d+ \| /.test(l));
  if (src < 0 || !lines[src + 1]) return undefined;
  const prefix = lines[src].indexOf('| ') + 2;
  const caret = lines[src + 1].indexOf('^');
  return caret >= prefix ? caret - prefix + 1 : undefined;
}

/**
 * Access rules: `event` may only be used as `event.field` (or inside has()),
 * the field must be declared, and never protected. This refuses dynamic
 * indexing (`event["x"]`), whole-object use (`"x" in event`, `size(event)`)
 * and any read of a protected attribute, with the position of the offence.
 */

function checkEventAccess(node: AstNode, kind: EventKindSpec, parent: AstNode | null, bound: ReadonlySet<string> = new Set()): ExpressionError | null {
  if (node.op === 'id') {
    if (bound.has(String(node.args))) return null;
    if (TYPE_DENOTATIONS.has(String(node.args))) return null;
    if (node.args !== 'event') return at(node.pos + 1, 'cel.unknownIdentifier', { name: String(node.args) });
    if (!parent || parent.op !== '.') {
      return at(node.pos + 1, 'cel.eventWhole');
    }
    return null;
  }
  if (node.op === '.' && node.args[0]?.op === 'id' && node.args[0].args === 'event' && !bound.has('event')) {
    const field = String(node.args[1]);
    const spec = Object.hasOwn(kind.fields, field) ? kind.fields[field] : undefined;
    if (!spec) return at(node.pos + 1, 'cel.undeclaredField', { field, kind: kind.kind });
    if (spec.protected) return at(node.pos + 1, 'cel.protectedField', { field, kind: kind.kind });
    return null;
  }
  // list.exists(x, body) and friends bind x inside their arguments.
  if (node.op === 'rcall' && BINDING_MACROS.has(String(node.args[0])) && Array.isArray(node.args[2]) && node.args[2][0]?.op === 'id') {
    const variable = node.args[2][0] as AstNode;
    if (variable.args === 'event') return at(variable.pos + 1, 'cel.macroEvent');
    const receiverError = checkEventAccess(node.args[1], kind, node, bound);
    if (receiverError) return receiverError;
    const inner = new Set(bound).add(String(variable.args));
    for (const arg of (node.args[2] as AstNode[]).slice(1)) {
      const err = checkEventAccess(arg, kind, node, inner);
      if (err) return err;
    }
    return null;
  }
  for (const child of childNodes(node)) {
    const err = checkEventAccess(child, kind, node, bound);
    if (err) return err;
  }
  return null;
}

function childNodes(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object' && 'op' in (x as object)) out.push(x as AstNode);
  };
  if (node.op !== 'value') visit(node.args);
  return out;
}

/**
 * Parse, check and compile one expression for an event kind. `expect` is
 * `bool` for conditions and `number` (int or double) for points; `any` skips
 * only the result-type check (the conformance suite uses it to run every
 * other step of the rule path on expressions of any type).
 */
export function compileExpression(source: string, kind: EventKindSpec, expect: 'bool' | 'number' | 'any'): CompileResult {
  if (source.length > EXPRESSION_LIMITS.maxLength) {
    return { ok: false, error: at(EXPRESSION_LIMITS.maxLength + 1, 'cel.tooLong', { max: EXPRESSION_LIMITS.maxLength }) };
  }
  const env = environmentFor(kind);
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (err) {
    return { ok: false, error: libraryError(err) };
  }
  const ast = parsed.ast as unknown as AstNode;
  const access = checkEventAccess(ast, kind, null);
  if (access) return { ok: false, error: access };
  let type: string;
  try {
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, error: libraryError(checked.error) };
    type = String(checked.type);
  } catch (err) {
    return { ok: false, error: libraryError(err) };
  }
  if (expect === 'bool' && type !== 'bool') {
    return { ok: false, error: at(1, 'cel.conditionType', { type }) };
  }
  if (expect === 'number' && type !== 'int' && type !== 'double') {
    return { ok: false, error: at(1, 'cel.pointsType', { type }) };
  }
  let compiled: Compiled;
  const compiler = new Compiler();
  try {
    compiled = compiler.compile(ast);
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, error: { ...err.said, column: err.pos + 1 } };
    throw err;
  }
  if (compiled.cost > RULE_LIMITS.maxCost) {
    return { ok: false, error: { ...tooExpensive(compiled.cost), column: (compiler.costliest?.pos ?? 0) + 1 } };
  }
  const fn = compiled.fn;
  const slots = compiler.maxSlots;
  const evaluate: Evaluator = (data) => {
    try {
      return fn(data, new Array(slots));
    } catch (err) {
      if (err instanceof RuleEvaluationError) throw err;
      // A RangeError (stack) or anything else from inside evaluation is still this rule's failure.
      throw evaluationError('cel.eval.internal', { detail: (err as Error).message ?? String(err) });
    }
  };
  return { ok: true, type, evaluate, compiled: true, cost: compiled.cost };
}
