/**
 * The rule compiler: a checked CEL AST (from @marcbachmann/cel-js) becomes a
 * tree of closures, each chosen from the checked types of its operands, with
 * a worst-case size and cost for every node (comprehensions multiply their
 * body's cost by the size bound of their range). Anything it cannot give the
 * CEL specification's result for is a Refusal, with the position.
 */
import { RE2JS } from 're2js';
import type { EventData } from './cel.js';
import { keyed } from '../../shared/englishText.js';
import type { ServerMessageKey } from '../../shared/messages.js';
import { regexError, type SaidCel } from './celErrors.js';
import {
  BOOL_STRINGS,
  CelType,
  celEquals,
  checkedInt,
  codePointLength,
  compareValues,
  fail,
  formatDouble,
  kindOf,
  mapKey,
  matchDynamic,
  parseDoubleString,
  parseIntString,
  REFUSED_TYPES,
  regexProgramSize,
  RULE_LIMITS,
  TYPE_DENOTATIONS,
} from './celValues.js';

/** The library's AST is untyped: the shape of `args` depends on `op` (checked by each case of the compiler). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AstArgs = any;

export interface AstNode {
  op: string;
  args: AstArgs;
  pos: number;
  checkedType?: { type: string; name?: string };
}

/** A refusal keyed: the English message and its `server` key with the parameters. */
function refuse(pos: number, key: ServerMessageKey, params: Record<string, string | number> = {}): Refusal {
  const { message } = keyed(key, params);
  return new Refusal(pos, { message, key, params });
}

/** Raised while compiling: the expression is refused, with the position of the offence and the reason keyed for the reader's language. */
export class Refusal extends Error {
  constructor(
    readonly pos: number,
    readonly said: SaidCel,
  ) {
    super(said.message);
  }
}

/** The comprehension macros: each binds a variable over a list or a map's keys. */
export const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** The cost refusal: about how many steps the worst case takes (or more than a thousand times the limit, where counting stops), and the limit. */
export function tooExpensive(cost: number): SaidCel {
  const hopeless = cost >= RULE_LIMITS.maxCost * 1000;
  const params = { steps: hopeless ? RULE_LIMITS.maxCost * 1000 : Math.round(cost), max: RULE_LIMITS.maxCost, chars: RULE_LIMITS.maxStringLength };
  const key = hopeless ? 'cel.cost.moreThan' : 'cel.cost.about';
  return { ...keyed(key, params), key, params };
}


/**
 * A CEL value is dynamically typed; each closure is chosen from the checked
 * types of its operands, so it knows what it receives without a cast.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CelValue = any;

/** Macro variables live in a per-evaluation slot array. */
type Fn = (d: EventData, v: unknown[]) => CelValue;

/** Upper bound on a value's size: characters of a string, elements of a list or entries of a map; `elem` bounds their elements. */
interface Size {
  len: number;
  elem?: Size;
}

export interface Compiled {
  fn: Fn;
  cost: number;
  size: Size;
}

interface Scope {
  slot: number;
  size: Size;
}

const SCALAR: Size = { len: 1 };
const CAP = 1e15;

function bound(x: number): number {
  return Math.min(CAP, x);
}

function typeName(node: AstNode): string {
  return node.checkedType?.name ?? node.checkedType?.type ?? 'dyn';
}

function isNumeric(t: string): boolean {
  return t === 'int' || t === 'double';
}

function mergeSize(a: Size, b: Size): Size {
  return { len: Math.max(a.len, b.len), elem: a.elem && b.elem ? mergeSize(a.elem, b.elem) : (a.elem ?? b.elem) };
}

export class Compiler {
  private scopes = new Map<string, Scope>();
  private depth = 0;
  maxSlots = 0;
  /** The node whose own cost dominates, for the refusal message. */
  costliest: AstNode | null = null;
  private costliestCost = 0;

  compile(node: AstNode): Compiled {
    const type = typeName(node);
    if (REFUSED_TYPES.test(type)) throw refuse(node.pos, 'cel.typeUnsupported', { type });
    const c = this.compileNode(node);
    if (c.cost > this.costliestCost && node.op === 'rcall') {
      this.costliestCost = c.cost;
      this.costliest = node;
    }
    if (c.cost > RULE_LIMITS.maxCost * 1000) {
      // Already hopeless: stop before the estimate itself grows without bound.
      throw new Refusal((this.costliest ?? node).pos, tooExpensive(c.cost));
    }
    return c;
  }

  private compileNode(node: AstNode): Compiled {
    const a = node.args;
    switch (node.op) {
      case 'value':
        return this.literal(node);
      case 'id':
        return this.identifier(node);
      case '.':
        return this.select(node, a[0] as AstNode, String(a[1]));
      case '[]':
        return this.index(node, a[0] as AstNode, a[1] as AstNode);
      case 'call':
        return this.call(node, String(a[0]), a[1] as AstNode[]);
      case 'rcall':
        return this.method(node, String(a[0]), a[1] as AstNode, a[2] as AstNode[]);
      case '!_': {
        const x = this.compile(a);
        return {
          fn: (d, v) => {
            const b = x.fn(d, v);
            return typeof b === 'boolean' ? !b : fail('cel.eval.not', { type: kindOf(b) });
          },
          cost: x.cost + 1,
          size: SCALAR,
        };
      }
      case '-_': {
        const x = this.compile(a);
        const t = typeName(node);
        if (t === 'int') return { fn: (d, v) => checkedInt(-x.fn(d, v)), cost: x.cost + 1, size: SCALAR };
        if (t === 'double') return { fn: (d, v) => -x.fn(d, v), cost: x.cost + 1, size: SCALAR };
        throw refuse(node.pos, 'cel.refuse.negation', { type: t });
      }
      case '&&':
      case '||':
        return this.logical(node.op, a[0], a[1]);
      case '?:': {
        const [c, t, f] = (a as AstNode[]).map((n) => this.compile(n));
        return {
          fn: (d, v) => {
            const cond = c.fn(d, v);
            if (cond === true) return t.fn(d, v);
            if (cond === false) return f.fn(d, v);
            return fail('cel.eval.ternaryCondition');
          },
          cost: c.cost + Math.max(t.cost, f.cost) + 1,
          size: mergeSize(t.size, f.size),
        };
      }
      case 'list': {
        const items = (a as AstNode[]).map((n) => this.compile(n));
        const elem = items.reduce<Size>((s, i) => mergeSize(s, i.size), { len: 0 });
        return { fn: (d, v) => items.map((i) => i.fn(d, v)), cost: items.reduce((s, i) => s + i.cost, 1), size: { len: items.length, elem } };
      }
      case 'map': {
        const entries = (a as AstNode[][]).map(([k, val]) => [this.compile(k), this.compile(val)] as const);
        let elem: Size = { len: 0 };
        for (const [k, val] of entries) elem = mergeSize(elem, mergeSize(k.size, val.size));
        return {
          fn: (d, v) => {
            const m = new Map<unknown, unknown>();
            for (const [k, val] of entries) {
              const key = mapKey(k.fn(d, v));
              if (m.has(key)) fail('cel.eval.duplicateKey', { key: String(key) });
              m.set(key, val.fn(d, v));
            }
            return m;
          },
          cost: entries.reduce((s, [k, val]) => s + k.cost + val.cost + 1, 1),
          size: { len: entries.length, elem },
        };
      }
      case 'in':
        return this.membership(a[0], a[1]);
      case '==':
      case '!=': {
        const l = this.compile(a[0]);
        const r = this.compile(a[1]);
        const cost = l.cost + r.cost + this.compareCost(l.size, r.size);
        const eq = node.op === '==';
        return { fn: (d, v) => celEquals(l.fn(d, v), r.fn(d, v)) === eq, cost, size: SCALAR };
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.ordering(node.op, a[0], a[1]);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(node, node.op, a[0], a[1]);
      default:
        throw refuse(node.pos, 'cel.refuse.operator', { op: node.op });
    }
  }

  private literal(node: AstNode): Compiled {
    const a = node.args;
    if (typeof a === 'bigint') {
      if (a > BigInt(Number.MAX_SAFE_INTEGER) || a < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw refuse(node.pos, 'cel.refuse.intRange', { value: String(a) });
      }
      const n = Number(a);
      return { fn: () => n, cost: 0, size: SCALAR };
    }
    if (typeof a === 'number' || typeof a === 'boolean' || a === null) return { fn: () => a, cost: 0, size: SCALAR };
    if (typeof a === 'string') return { fn: () => a, cost: 0, size: { len: codePointLength(a) } };
    throw refuse(node.pos, 'cel.typeUnsupported', { type: typeName(node) });
  }

  private identifier(node: AstNode): Compiled {
    const name = String(node.args);
    const scope = this.scopes.get(name);
    if (scope) {
      const slot = scope.slot;
      return { fn: (_d, v) => v[slot], cost: 0, size: scope.size };
    }
    if (TYPE_DENOTATIONS.has(name)) {
      const t = CelType.of(name);
      return { fn: () => t, cost: 0, size: SCALAR };
    }
    throw refuse(node.pos, 'cel.unknownIdentifierPlain', { name });
  }

  private select(node: AstNode, target: AstNode, field: string): Compiled {
    if (target.op === 'id' && target.args === 'event' && !this.scopes.has('event')) {
      const isString = typeName(node) === 'string';
      const max = RULE_LIMITS.maxStringLength;
      return {
        fn: (d) => {
          const v = Object.hasOwn(d, field) ? d[field] : undefined;
          if (v === undefined) fail('cel.eval.noSuchKey', { key: field });
          if (isString && (v as string).length > max) fail('cel.eval.fieldTooLong', { field, max });
          return v;
        },
        cost: 1,
        size: isString ? { len: max } : SCALAR,
      };
    }
    const t = typeName(target);
    if (!t.startsWith('map')) throw refuse(node.pos, 'cel.refuse.select', { type: t });
    const m = this.compile(target);
    return {
      fn: (d, v) => {
        const map = m.fn(d, v);
        if (!(map instanceof Map)) return fail('cel.eval.select', { type: kindOf(map) });
        if (!map.has(field)) fail('cel.eval.noSuchKey', { key: field });
        return map.get(field);
      },
      cost: m.cost + 1,
      size: m.size.elem ?? SCALAR,
    };
  }

  private index(node: AstNode, target: AstNode, key: AstNode): Compiled {
    const t = typeName(target);
    if (!t.startsWith('list') && !t.startsWith('map')) throw refuse(node.pos, 'cel.refuse.index', { type: t });
    const c = this.compile(target);
    const k = this.compile(key);
    return {
      fn: (d, v) => {
        const container = c.fn(d, v);
        const i = k.fn(d, v);
        if (Array.isArray(container)) {
          if (typeof i !== 'number') return fail('cel.eval.listIndexType', { type: kindOf(i) });
          if (!Number.isInteger(i)) return fail('cel.eval.listIndexFraction', { index: String(i) });
          if (i < 0 || i >= container.length) return fail('cel.eval.indexRange', { index: String(i) });
          return container[i];
        }
        if (container instanceof Map) {
          const mk = mapKey(i);
          if (!container.has(mk)) fail('cel.eval.noSuchKey', { key: String(mk) });
          return container.get(mk);
        }
        return fail('cel.eval.indexing', { type: kindOf(container) });
      },
      cost: c.cost + k.cost + 1,
      size: c.size.elem ?? SCALAR,
    };
  }

  private logical(op: '&&' | '||', leftNode: AstNode, rightNode: AstNode): Compiled {
    const l = this.compile(leftNode);
    const r = this.compile(rightNode);
    // CEL's logical operators are commutative over errors: `error && false` is
    // false, `error || true` is true; otherwise the error propagates. A non-bool
    // operand is an error too (no such overload).
    const absorbing = op === '||';
    const asBool = (x: unknown): boolean => (typeof x === 'boolean' ? x : fail('cel.eval.logical', { op, type: kindOf(x) }));
    return {
      fn: (d, v) => {
        let left: boolean;
        try {
          left = asBool(l.fn(d, v));
        } catch (err) {
          if (r.fn(d, v) === absorbing) return absorbing;
          throw err;
        }
        if (left === absorbing) return absorbing;
        return asBool(r.fn(d, v));
      },
      cost: l.cost + r.cost + 1,
      size: SCALAR,
    };
  }

  /** Comparing two values costs their size (strings character by character, lists element by element). */
  private compareCost(a: Size, b: Size): number {
    const len = Math.min(a.len, b.len);
    const inner = a.elem && b.elem ? this.compareCost(a.elem, b.elem) : 1;
    return bound(1 + len * inner);
  }

  private membership(elemNode: AstNode, containerNode: AstNode): Compiled {
    const t = typeName(containerNode);
    const e = this.compile(elemNode);
    const c = this.compile(containerNode);
    if (t.startsWith('list')) {
      const cost = bound(e.cost + c.cost + c.size.len * this.compareCost(e.size, c.size.elem ?? SCALAR));
      return {
        fn: (d, v) => {
          const x = e.fn(d, v);
          return (c.fn(d, v) as unknown[]).some((y) => celEquals(x, y));
        },
        cost,
        size: SCALAR,
      };
    }
    if (t.startsWith('map')) {
      return {
        fn: (d, v) => {
          const x = e.fn(d, v);
          const m = c.fn(d, v) as Map<unknown, unknown>;
          return (typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') && m.has(x);
        },
        cost: e.cost + c.cost + e.size.len + 1,
        size: SCALAR,
      };
    }
    if (t === 'string' && typeName(elemNode) === 'string') {
      return { fn: (d, v) => String(c.fn(d, v)).includes(e.fn(d, v)), cost: bound(e.cost + c.cost + e.size.len * c.size.len + 1), size: SCALAR };
    }
    throw refuse(containerNode.pos, 'cel.refuse.in', { type: t });
  }

  private ordering(op: string, leftNode: AstNode, rightNode: AstNode): Compiled {
    const l = this.compile(leftNode);
    const r = this.compile(rightNode);
    const cost = l.cost + r.cost + this.compareCost(l.size, r.size);
    const lt = typeName(leftNode);
    const rt = typeName(rightNode);
    if (isNumeric(lt) && isNumeric(rt)) {
      // Ints are safe integers, so comparing them with doubles as JS numbers is exact.
      switch (op) {
        case '<':
          return { fn: (d, v) => l.fn(d, v) < r.fn(d, v), cost, size: SCALAR };
        case '<=':
          return { fn: (d, v) => l.fn(d, v) <= r.fn(d, v), cost, size: SCALAR };
        case '>':
          return { fn: (d, v) => l.fn(d, v) > r.fn(d, v), cost, size: SCALAR };
        default:
          return { fn: (d, v) => l.fn(d, v) >= r.fn(d, v), cost, size: SCALAR };
      }
    }
    const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
    return { fn: (d, v) => test(compareValues(l.fn(d, v), r.fn(d, v))), cost, size: SCALAR };
  }

  private arithmetic(node: AstNode, op: string, leftNode: AstNode, rightNode: AstNode): Compiled {
    const lt = typeName(leftNode);
    const rt = typeName(rightNode);
    const l = this.compile(leftNode);
    const r = this.compile(rightNode);
    const base = l.cost + r.cost + 1;
    if (lt !== rt) throw refuse(node.pos, 'cel.operandTypes', { op, left: lt, right: rt });
    if (lt === 'int') {
      switch (op) {
        case '+':
          return { fn: (d, v) => checkedInt(l.fn(d, v) + r.fn(d, v)), cost: base, size: SCALAR };
        case '-':
          return { fn: (d, v) => checkedInt(l.fn(d, v) - r.fn(d, v)), cost: base, size: SCALAR };
        case '*':
          // A product of two safe integers above 2^53 may be rounded, but it is then outside the range anyway.
          return { fn: (d, v) => checkedInt(l.fn(d, v) * r.fn(d, v)), cost: base, size: SCALAR };
        case '/':
          return {
            fn: (d, v) => {
              const num = l.fn(d, v);
              const den = r.fn(d, v);
              if (den === 0) fail('cel.eval.divisionByZero');
              // Exact truncated division (a float quotient could round up to the next integer).
              return checkedInt(Number(BigInt(num) / BigInt(den)));
            },
            cost: base,
            size: SCALAR,
          };
        default:
          return {
            fn: (d, v) => {
              const den = r.fn(d, v);
              if (den === 0) fail('cel.eval.modulusByZero');
              // JS % on integers is exact and takes the dividend's sign, as CEL (Go) does.
              return checkedInt(l.fn(d, v) % den);
            },
            cost: base,
            size: SCALAR,
          };
      }
    }
    if (lt === 'double') {
      switch (op) {
        case '+':
          return { fn: (d, v) => l.fn(d, v) + r.fn(d, v), cost: base, size: SCALAR };
        case '-':
          return { fn: (d, v) => l.fn(d, v) - r.fn(d, v), cost: base, size: SCALAR };
        case '*':
          return { fn: (d, v) => l.fn(d, v) * r.fn(d, v), cost: base, size: SCALAR };
        case '/':
          return { fn: (d, v) => l.fn(d, v) / r.fn(d, v), cost: base, size: SCALAR };
        default:
          throw refuse(node.pos, 'cel.refuse.modDouble');
      }
    }
    if (op === '+' && lt === 'string') {
      return { fn: (d, v) => l.fn(d, v) + r.fn(d, v), cost: bound(base + l.size.len + r.size.len), size: { len: bound(l.size.len + r.size.len) } };
    }
    if (op === '+' && lt.startsWith('list')) {
      const len = bound(l.size.len + r.size.len);
      return {
        fn: (d, v) => [...l.fn(d, v), ...r.fn(d, v)],
        cost: bound(base + len),
        size: { len, elem: l.size.elem && r.size.elem ? mergeSize(l.size.elem, r.size.elem) : (l.size.elem ?? r.size.elem) },
      };
    }
    throw refuse(node.pos, 'cel.refuse.operatorType', { op, type: lt });
  }

  private call(node: AstNode, name: string, argNodes: AstNode[]): Compiled {
    if (name === 'has') {
      const target = argNodes[0];
      if (target?.op === '.' && target.args[0]?.op === 'id' && target.args[0].args === 'event' && !this.scopes.has('event')) {
        const field = String(target.args[1]);
        return { fn: (d) => Object.hasOwn(d, field) && d[field] !== undefined, cost: 1, size: SCALAR };
      }
      throw refuse(node.pos, 'cel.refuse.hasEventOnly');
    }
    if (name === 'matches' && argNodes.length === 2) return this.matches(node, argNodes[0], argNodes[1]);
    if (argNodes.length !== 1) throw refuse(node.pos, 'cel.refuse.arity', { name, count: argNodes.length });
    const argNode = argNodes[0];
    const from = typeName(argNode);
    const x = this.compile(argNode);
    const cost = x.cost + 1;
    switch (name) {
      case 'size':
        if (from === 'string') return { fn: (d, v) => codePointLength(x.fn(d, v)), cost: bound(cost + x.size.len), size: SCALAR };
        if (from.startsWith('list')) return { fn: (d, v) => x.fn(d, v).length, cost, size: SCALAR };
        if (from.startsWith('map')) return { fn: (d, v) => x.fn(d, v).size, cost, size: SCALAR };
        break;
      case 'dyn':
        return x;
      case 'type':
        if (TYPE_DENOTATIONS.has(from.replace(/<.*$/, '')) || from === 'null') {
          const t = CelType.of(from === 'null' ? 'null_type' : from.replace(/<.*$/, ''));
          return { fn: (d, v) => (x.fn(d, v), t), cost, size: SCALAR };
        }
        break;
      case 'double':
        if (from === 'int' || from === 'double') return { fn: x.fn, cost, size: SCALAR };
        if (from === 'string') return { fn: (d, v) => parseDoubleString(x.fn(d, v)), cost: bound(cost + x.size.len), size: SCALAR };
        break;
      case 'int':
        if (from === 'int') return { fn: x.fn, cost, size: SCALAR };
        if (from === 'double') {
          return {
            fn: (d, v) => {
              const n = x.fn(d, v);
              if (!Number.isFinite(n)) fail('cel.eval.intOfNonFinite');
              return checkedInt(Math.trunc(n));
            },
            cost,
            size: SCALAR,
          };
        }
        if (from === 'string') return { fn: (d, v) => parseIntString(x.fn(d, v)), cost: bound(cost + x.size.len), size: SCALAR };
        break;
      case 'string':
        if (from === 'string') return x;
        if (from === 'int') return { fn: (d, v) => String(x.fn(d, v)), cost, size: { len: 17 } };
        if (from === 'double') return { fn: (d, v) => formatDouble(x.fn(d, v)), cost, size: { len: 25 } };
        if (from === 'bool') return { fn: (d, v) => String(x.fn(d, v)), cost, size: { len: 5 } };
        break;
      case 'bool':
        if (from === 'bool') return { fn: x.fn, cost, size: SCALAR };
        if (from === 'string') {
          return {
            fn: (d, v) => {
              const s = x.fn(d, v) as string;
              return Object.hasOwn(BOOL_STRINGS, s) ? BOOL_STRINGS[s] : fail('cel.eval.boolConvert', { value: s.slice(0, 40) });
            },
            cost,
            size: SCALAR,
          };
        }
        break;
      default:
        throw refuse(node.pos, 'cel.functionUnsupported', { name });
    }
    throw refuse(node.pos, 'cel.refuse.conversion', { name, type: from });
  }

  private matches(node: AstNode, subjectNode: AstNode, patternNode: AstNode): Compiled {
    const s = this.compile(subjectNode);
    const p = this.compile(patternNode);
    if (typeName(subjectNode) !== 'string' || typeName(patternNode) !== 'string') throw refuse(node.pos, 'cel.refuse.matchesTypes');
    // RE2 runs in time linear in the text, times the size of the compiled program.
    if (patternNode.op === 'value' && typeof patternNode.args === 'string') {
      const pattern = patternNode.args as string;
      if (pattern.length > RULE_LIMITS.maxPatternLength) throw refuse(patternNode.pos, 'cel.refuse.patternTooLong', { max: RULE_LIMITS.maxPatternLength });
      let re: RE2JS;
      try {
        re = RE2JS.compile(pattern);
      } catch (err) {
        throw new Refusal(patternNode.pos, regexError(err));
      }
      const cost = bound(s.cost + (s.size.len + 1) * (regexProgramSize(re, pattern) + 1));
      return { fn: (d, v) => re.matcher(s.fn(d, v)).find(), cost, size: SCALAR };
    }
    // A pattern computed at run time: its program is measured when it is compiled (matchDynamic).
    const cost = bound(s.cost + p.cost + (s.size.len + 1) * (p.size.len + 1));
    return { fn: (d, v) => matchDynamic(p.fn(d, v), s.fn(d, v)), cost, size: SCALAR };
  }

  private method(node: AstNode, name: string, receiverNode: AstNode, argNodes: AstNode[]): Compiled {
    if (BINDING_MACROS.has(name) && argNodes[0]?.op === 'id' && (argNodes.length === 2 || (name === 'map' && argNodes.length === 3))) {
      return this.macro(node, name, receiverNode, argNodes);
    }
    const rt = typeName(receiverNode);
    if (name === 'matches' && argNodes.length === 1) return this.matches(node, receiverNode, argNodes[0]);
    if (name === 'size' && argNodes.length === 0) return this.call(node, 'size', [receiverNode]);
    if (rt !== 'string') throw refuse(node.pos, 'cel.refuse.methodType', { name, type: rt });
    const recv = this.compile(receiverNode);
    if (argNodes.length === 0 && (name === 'lowerAscii' || name === 'upperAscii')) {
      const re = name === 'lowerAscii' ? /[A-Z]+/g : /[a-z]+/g;
      const conv = name === 'lowerAscii' ? (m: string) => m.toLowerCase() : (m: string) => m.toUpperCase();
      return { fn: (d, v) => (recv.fn(d, v) as string).replace(re, conv), cost: bound(recv.cost + recv.size.len + 1), size: recv.size };
    }
    if (argNodes.length !== 1 || typeName(argNodes[0]) !== 'string') throw refuse(node.pos, 'cel.refuse.methodArgs', { name });
    const arg = this.compile(argNodes[0]);
    const cost = bound(recv.cost + arg.cost + recv.size.len * Math.max(1, arg.size.len) + 1);
    switch (name) {
      case 'startsWith':
        return { fn: (d, v) => (recv.fn(d, v) as string).startsWith(arg.fn(d, v)), cost, size: SCALAR };
      case 'endsWith':
        return { fn: (d, v) => (recv.fn(d, v) as string).endsWith(arg.fn(d, v)), cost, size: SCALAR };
      case 'contains':
        return { fn: (d, v) => (recv.fn(d, v) as string).includes(arg.fn(d, v)), cost, size: SCALAR };
      case 'split':
        // Go's strings.Split: an empty separator splits into code points.
        return {
          fn: (d, v) => {
            const sep = arg.fn(d, v) as string;
            const str = recv.fn(d, v) as string;
            return sep === '' ? Array.from(str) : str.split(sep);
          },
          cost,
          // An empty literal separator gives one-character pieces.
          size: { len: recv.size.len + 1, elem: argNodes[0].op === 'value' && argNodes[0].args === '' ? { len: 1 } : recv.size },
        };
      default:
        throw refuse(node.pos, 'cel.methodUnsupported', { name });
    }
  }

  private macro(node: AstNode, name: string, rangeNode: AstNode, argNodes: AstNode[]): Compiled {
    const rt = typeName(rangeNode);
    const isMap = rt.startsWith('map');
    if (!isMap && !rt.startsWith('list')) throw refuse(node.pos, 'cel.refuse.macroRange', { name, type: rt });
    const range = this.compile(rangeNode);
    const variable = String(argNodes[0].args);
    const slot = this.depth++;
    this.maxSlots = Math.max(this.maxSlots, this.depth);
    const outer = this.scopes.get(variable);
    this.scopes.set(variable, { slot, size: range.size.elem ?? SCALAR });
    let bodies: Compiled[];
    try {
      bodies = argNodes.slice(1).map((n) => this.compile(n));
    } finally {
      if (outer) this.scopes.set(variable, outer);
      else this.scopes.delete(variable);
      this.depth--;
    }
    const n = range.size.len;
    const perItem = bodies.reduce((s, b) => s + b.cost, 1);
    const cost = bound(range.cost + n * perItem + 1);
    const items = isMap ? (x: unknown) => [...(x as Map<unknown, unknown>).keys()] : (x: unknown) => x as unknown[];
    const body = bodies[0].fn;
    const asBool = (x: unknown): boolean => (typeof x === 'boolean' ? x : fail('cel.eval.predicate', { name }));
    let fn: Fn;
    switch (name) {
      case 'all':
      case 'exists': {
        // Errors are absorbed by a deciding element (false for all, true for exists), as && and || do.
        const decisive = name === 'exists';
        fn = (d, v) => {
          let error: unknown = null;
          for (const x of items(range.fn(d, v))) {
            v[slot] = x;
            let r: boolean;
            try {
              r = asBool(body(d, v));
            } catch (err) {
              error ??= err;
              continue;
            }
            if (r === decisive) return decisive;
          }
          if (error) throw error;
          return !decisive;
        };
        break;
      }
      case 'exists_one':
        fn = (d, v) => {
          let count = 0;
          for (const x of items(range.fn(d, v))) {
            v[slot] = x;
            if (asBool(body(d, v))) count++;
          }
          return count === 1;
        };
        break;
      case 'filter':
        fn = (d, v) => {
          const out: unknown[] = [];
          for (const x of items(range.fn(d, v))) {
            v[slot] = x;
            if (asBool(body(d, v))) out.push(x);
          }
          return out;
        };
        break;
      default: {
        if (bodies.length === 2) {
          const transform = bodies[1].fn;
          fn = (d, v) => {
            const out: unknown[] = [];
            for (const x of items(range.fn(d, v))) {
              v[slot] = x;
              if (asBool(body(d, v))) out.push(transform(d, v));
            }
            return out;
          };
        } else {
          fn = (d, v) => {
            const out: unknown[] = [];
            for (const x of items(range.fn(d, v))) {
              v[slot] = x;
              out.push(body(d, v));
            }
            return out;
          };
        }
      }
    }
    const resultElem = name === 'filter' ? range.size.elem : name === 'map' ? bodies[bodies.length - 1].size : undefined;
    const size: Size = name === 'map' || name === 'filter' ? { len: n, elem: resultElem ?? SCALAR } : SCALAR;
    return { fn, cost: name === 'map' ? bound(cost + n * (size.elem?.len ?? 1)) : cost, size };
  }
}
