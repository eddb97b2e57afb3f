/**
 * Rule expressions: CEL parsed and type-checked by @marcbachmann/cel-js, then
 * compiled once into a tree of closures for the hot loop. Nothing here uses
 * eval or new Function. Operators outside the compiled subset fall back to the
 * library's own evaluator, so every valid CEL expression runs; the closures
 * are only a faster path with the same results (pinned by tests).
 */
import { Environment } from '@marcbachmann/cel-js';
import type { EventKindSpec, FieldType } from '../../shared/domain.js';

/** An event's data as rules see it: protected fields already removed. */
export type EventData = Record<string, number | string | boolean>;
export type Evaluator = (data: EventData) => unknown;

export interface ExpressionError {
  message: string;
  /** 1-based column in the expression text. */
  column: number;
}

export type CompileResult =
  | { ok: true; type: string; evaluate: Evaluator; compiled: boolean }
  | { ok: false; error: ExpressionError };

export const EXPRESSION_LIMITS = { maxLength: 2000, maxAstNodes: 400, maxDepth: 24 } as const;

const CEL_TYPE: Record<FieldType, string> = { number: 'double', string: 'string', bool: 'bool', date: 'string' };

interface AstNode {
  op: string;
  args: any;
  pos: number;
  checkedType?: { type: string };
}

/** Raised by compiled closures; the engine counts it as an evaluation error of the rule. */
export class RuleEvaluationError extends Error {}

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
  const e = err as { message?: string; node?: { pos?: number } };
  const firstLine = String(e.message ?? err).split('\n')[0].trim();
  const column = typeof e.node?.pos === 'number' ? e.node.pos + 1 : caretColumn(String(e.message ?? '')) ?? fallbackColumn;
  return { message: firstLine, column };
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
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function checkEventAccess(node: AstNode, kind: EventKindSpec, parent: AstNode | null, bound: ReadonlySet<string> = new Set()): ExpressionError | null {
  if (node.op === 'id') {
    if (bound.has(String(node.args))) return null;
    if (node.args !== 'event') return { message: `unknown identifier '${node.args}': rules can read only event.<field>`, column: node.pos + 1 };
    if (!parent || parent.op !== '.') {
      return { message: 'event can only be read field by field (event.<field>); dynamic indexing and whole-object use are not allowed', column: node.pos + 1 };
    }
    return null;
  }
  if (node.op === '.' && node.args[0]?.op === 'id' && node.args[0].args === 'event' && !bound.has('event')) {
    const field = String(node.args[1]);
    const spec = Object.hasOwn(kind.fields, field) ? kind.fields[field] : undefined;
    if (!spec) return { message: `field '${field}' is not declared by event kind '${kind.kind}'`, column: node.pos + 1 };
    if (spec.protected) return { message: `field '${field}' of '${kind.kind}' is protected and cannot be used by a rule`, column: node.pos + 1 };
    return null;
  }
  // list.exists(x, body) and friends bind x inside their arguments.
  if (node.op === 'rcall' && BINDING_MACROS.has(String(node.args[0])) && Array.isArray(node.args[2]) && node.args[2][0]?.op === 'id') {
    const variable = node.args[2][0] as AstNode;
    if (variable.args === 'event') return { message: "a macro variable cannot be named 'event'", column: variable.pos + 1 };
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
 * `bool` for conditions and `number` (int or double) for points.
 */
export function compileExpression(source: string, kind: EventKindSpec, expect: 'bool' | 'number'): CompileResult {
  if (source.length > EXPRESSION_LIMITS.maxLength) {
    return { ok: false, error: { message: `expression is longer than ${EXPRESSION_LIMITS.maxLength} characters`, column: EXPRESSION_LIMITS.maxLength + 1 } };
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
    return { ok: false, error: { message: `a condition must return bool, this returns ${type}`, column: 1 } };
  }
  if (expect === 'number' && type !== 'int' && type !== 'double') {
    return { ok: false, error: { message: `points must return int or double, this returns ${type}`, column: 1 } };
  }
  const fast = compileNode(ast);
  if (fast) return { ok: true, type, evaluate: fast, compiled: true };
  const slow: Evaluator = (data) => {
    try {
      const v = parsed({ event: data });
      return typeof v === 'bigint' ? Number(v) : v;
    } catch (err) {
      throw new RuleEvaluationError((err as Error).message.split('\n')[0]);
    }
  };
  return { ok: true, type, evaluate: slow, compiled: false };
}

// ---------------------------------------------------------------------------
// The closure compiler. Ints are JS numbers here; a result outside the safe
// integer range is an evaluation error (CEL would overflow at 2^63, we stop
// earlier rather than lose precision).

type Fn = (d: EventData) => any;

function typeOf(node: AstNode): string {
  return node.checkedType?.type ?? 'dyn';
}

function checkedInt(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RuleEvaluationError('integer overflow');
  return v;
}

function compileNode(node: AstNode): Fn | null {
  const a = node.args;
  switch (node.op) {
    case 'value': {
      // Outside the safe integer range the library keeps exact int64 semantics.
      if (typeof a === 'bigint' && (a > BigInt(Number.MAX_SAFE_INTEGER) || a < -BigInt(Number.MAX_SAFE_INTEGER))) return null;
      const v = typeof a === 'bigint' ? Number(a) : a;
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') return null;
      return () => v;
    }
    case '.': {
      if (a[0]?.op !== 'id' || a[0].args !== 'event') return null;
      const field = String(a[1]);
      return (d) => {
        const v = d[field];
        if (v === undefined) throw new RuleEvaluationError(`No such key: ${field}`);
        return v;
      };
    }
    case 'call':
      return compileCall(node, String(a[0]), a[1] as AstNode[]);
    case 'rcall':
      return compileMethod(String(a[0]), a[1] as AstNode, a[2] as AstNode[]);
    case '!_': {
      const x = compileNode(a);
      return x && ((d) => !x(d));
    }
    case '-_': {
      const x = compileNode(a);
      if (!x) return null;
      return typeOf(node) === 'int' ? (d) => checkedInt(-x(d)) : (d) => -x(d);
    }
    case '&&':
    case '||':
      return compileLogical(node.op, a[0], a[1]);
    case '?:': {
      const [c, t, f] = (a as AstNode[]).map(compileNode);
      if (!c || !t || !f) return null;
      return (d) => (c(d) ? t(d) : f(d));
    }
    case 'list': {
      const items = (a as AstNode[]).map(compileNode);
      if (items.some((x) => !x)) return null;
      return (d) => items.map((x) => x!(d));
    }
    case 'in': {
      const l = compileNode(a[0]);
      const r = compileNode(a[1]);
      if (!l || !r) return null;
      const rt = typeOf(a[1]);
      if (rt === 'string') return (d) => String(r(d)).includes(l(d));
      if (!rt.startsWith('list')) return null;
      return (d) => (r(d) as unknown[]).includes(l(d));
    }
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return compileBinary(node.op, typeOf(node), a[0], a[1]);
    default:
      return null;
  }
}

function compileLogical(op: '&&' | '||', leftNode: AstNode, rightNode: AstNode): Fn | null {
  const l = compileNode(leftNode);
  const r = compileNode(rightNode);
  if (!l || !r) return null;
  // CEL's logical operators are commutative over errors: `error && false` is
  // false, `error || true` is true; otherwise the error propagates.
  const absorbing = op === '||';
  return (d) => {
    let left: boolean;
    try {
      left = l(d);
    } catch (err) {
      if (r(d) === absorbing) return absorbing;
      throw err;
    }
    if (left === absorbing) return absorbing;
    return r(d);
  };
}

function compileBinary(op: string, resultType: string, leftNode: AstNode, rightNode: AstNode): Fn | null {
  const l = compileNode(leftNode);
  const r = compileNode(rightNode);
  if (!l || !r) return null;
  const operandType = typeOf(leftNode);
  if (operandType !== typeOf(rightNode)) return null;
  const scalar = operandType === 'int' || operandType === 'double' || operandType === 'string' || operandType === 'bool';
  if (!scalar) return null;
  const isInt = resultType === 'int';
  switch (op) {
    case '==':
      return (d) => l(d) === r(d);
    case '!=':
      return (d) => l(d) !== r(d);
    case '<':
      return (d) => l(d) < r(d);
    case '<=':
      return (d) => l(d) <= r(d);
    case '>':
      return (d) => l(d) > r(d);
    case '>=':
      return (d) => l(d) >= r(d);
    case '+':
      return isInt ? (d) => checkedInt(l(d) + r(d)) : (d) => l(d) + r(d);
    case '-':
      return isInt ? (d) => checkedInt(l(d) - r(d)) : (d) => l(d) - r(d);
    case '*':
      return isInt ? (d) => checkedInt(l(d) * r(d)) : (d) => l(d) * r(d);
    case '/':
      if (isInt) {
        return (d) => {
          const den = r(d);
          if (den === 0) throw new RuleEvaluationError('division by zero');
          return checkedInt(Math.trunc(l(d) / den));
        };
      }
      return resultType === 'double' ? (d) => l(d) / r(d) : null;
    case '%':
      if (!isInt) return null;
      return (d) => {
        const den = r(d);
        if (den === 0) throw new RuleEvaluationError('modulus by zero');
        return l(d) % den;
      };
    default:
      return null;
  }
}

function compileCall(node: AstNode, name: string, argNodes: AstNode[]): Fn | null {
  if (name === 'has') {
    const target = argNodes[0];
    if (target?.op !== '.' || target.args[0]?.op !== 'id' || target.args[0].args !== 'event') return null;
    const field = String(target.args[1]);
    return (d) => d[field] !== undefined;
  }
  if (argNodes.length !== 1) return null;
  const x = compileNode(argNodes[0]);
  if (!x) return null;
  const from = typeOf(argNodes[0]);
  switch (name) {
    case 'size':
      return from === 'string' ? (d) => [...String(x(d))].length : null;
    case 'double':
      return from === 'int' || from === 'double' ? (d) => x(d) : null;
    case 'int':
      if (from === 'int') return x;
      if (from !== 'double') return null;
      return (d) => {
        const v = x(d);
        if (!Number.isFinite(v)) throw new RuleEvaluationError('int() of a non-finite double');
        return checkedInt(Math.trunc(v));
      };
    default:
      return null;
  }
}

function compileMethod(name: string, receiverNode: AstNode, argNodes: AstNode[]): Fn | null {
  if (typeOf(receiverNode) !== 'string' || argNodes.length !== 1 || typeOf(argNodes[0]) !== 'string') return null;
  const recv = compileNode(receiverNode);
  const arg = compileNode(argNodes[0]);
  if (!recv || !arg) return null;
  switch (name) {
    case 'startsWith':
      return (d) => String(recv(d)).startsWith(arg(d));
    case 'endsWith':
      return (d) => String(recv(d)).endsWith(arg(d));
    case 'contains':
      return (d) => String(recv(d)).includes(arg(d));
    default:
      return null;
  }
}
