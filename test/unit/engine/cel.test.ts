/**
 * compileExpression: the closure compiler (the only evaluation path) must give
 * what the cel-js evaluator gives on the same expression and data (values,
 * and failing where it fails) wherever the library is exact; evaluation
 * failures surface as RuleEvaluationError. The cel-spec conformance run is in
 * celConformance.test.ts, the attacks on cost in celCost.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Environment } from '@marcbachmann/cel-js';
import { compileExpression, EXPRESSION_LIMITS, RuleEvaluationError, type EventData } from '../../../electron/engine/cel.js';
import type { EventKindSpec } from '../../../shared/domain.js';

const KIND: EventKindSpec = {
  kind: 'sample',
  fields: {
    hours: { type: 'number' },
    amount: { type: 'number' },
    name: { type: 'string' },
    flag: { type: 'bool' },
    day: { type: 'date' },
    ethnicity: { type: 'string', protected: true },
  },
};

/** The library's own evaluator over the kind's rule-visible schema. */
const library = new Environment().registerVariable({
  name: 'event',
  schema: { hours: 'double', amount: 'double', name: 'string', flag: 'bool', day: 'string' },
});

type Outcome = { value: unknown } | { error: string };

function viaLibrary(source: string, data: EventData): Outcome {
  try {
    const v = library.evaluate(source, { event: data });
    return { value: typeof v === 'bigint' ? Number(v) : v };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] };
  }
}

function viaCompiled(evaluate: (d: EventData) => unknown, data: EventData): Outcome {
  try {
    return { value: evaluate(data) };
  } catch (err) {
    // Every failure of a compiled expression is a RuleEvaluationError, so the engine can count it.
    expect(err).toBeInstanceOf(RuleEvaluationError);
    return { error: (err as Error).message };
  }
}

/** Same value (NaN equals NaN, -0 equals 0: both mean the same points), or both failed. */
function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b;
  const x = a.value;
  const y = b.value;
  if (typeof x === 'number' && typeof y === 'number') return x === y || (Number.isNaN(x) && Number.isNaN(y));
  return x === y;
}

/** Expressions the closure compiler handles (asserted below), over every operator it compiles. */
const COMPILED_CONDITIONS = [
  'event.hours > 2.5',
  'has(event.hours) && event.hours >= 1.0',
  'event.flag',
  '!event.flag || event.amount < 0.0',
  'event.name == "alpha"',
  'event.name != "beta" && size(event.name) > 3',
  'event.name.startsWith("al") || event.name.endsWith("ta")',
  'event.name.contains("ph")',
  'event.day < "2024-06-01"',
  'event.day >= "2024-01-01" && event.day <= "2024-12-31"',
  'event.hours in [1.0, 2.0, 3.0]',
  'event.name in ["alpha", "beta", ""]',
  'int(event.hours) % 2 == 0',
  'event.hours > 1.0 ? event.flag : !event.flag',
  '(event.hours > 10.0 || event.amount > 10.0) && !event.flag',
  'event.hours / event.amount > 1.0',
  'int(event.hours) / int(event.amount) > 1',
  'double(int(event.hours)) == event.hours',
  'event.flag == true && event.hours != 0.0',
  'event.amount <= -event.hours',
  'event.hours > 1.0 && false',
  'event.hours > 1.0 || true',
  'false && event.hours > 1.0',
  'has(event.name) ? event.name > "m" : event.hours < 5.0',
  'event.name + "!" == "alpha!"',
];

const COMPILED_POINTS = [
  '-10.0 * event.hours',
  'event.hours / 4.0',
  'has(event.flag) && event.flag ? -50 : -20',
  'int(event.hours) * 3 - 7',
  'int(event.hours) / int(event.amount)',
  'int(event.hours) % int(event.amount)',
  '-int(event.amount)',
  'event.hours + event.amount * 2.0 - 1.5',
  'size(event.name) * 2',
  'double(size(event.name)) + event.hours',
  'event.name == "alpha" ? 1.5 : -2.5',
  '5',
  '-2.25',
  '(event.hours - event.amount) / (event.hours + event.amount)',
  'int(event.amount / 3.0)',
  'event.hours > event.amount ? int(event.hours) : int(event.amount)',
];

/** Expressions beyond the old closure subset (methods, conversions, lists): compiled too, no fallback. */
const WIDER = [
  ['event.name.size() > 2', 'bool'],
  ['[10, 20, 30][int(event.hours) % 3]', 'number'],
  ['["alpha", "beta"].exists(n, event.name.startsWith(n))', 'bool'],
  ['{"alpha": 2.5, "beta": -1.0}[event.name] * event.hours', 'number'],
  ['event.name.matches("^a.*a$")', 'bool'],
  ['size(event.name.split("a")) == 2', 'bool'],
] as const;

const dataArb: fc.Arbitrary<EventData> = fc.record(
  {
    hours: fc.oneof(
      fc.integer({ min: -20, max: 20 }).map((x) => x / 2),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom(0, -0, 1, 2, 3, 2.5),
    ),
    amount: fc.oneof(fc.integer({ min: -20, max: 20 }).map((x) => x / 2), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(0)),
    name: fc.oneof(fc.constantFrom('alpha', 'beta', 'delta', 'al', '', 'phi', 'été', '😀x', 'ta'), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })),
    flag: fc.boolean(),
    day: fc.constantFrom('2023-12-31', '2024-01-01', '2024-05-31', '2024-06-01', '2024-12-31', '2025-01-01'),
  },
  { requiredKeys: [] },
);

function compileOk(source: string, expect_: 'bool' | 'number') {
  const r = compileExpression(source, KIND, expect_);
  if (!r.ok) throw new Error(`${source} does not compile: ${r.error.message}`);
  return r;
}

describe('the closure-compiled path agrees with the cel-js evaluator', () => {
  it('compiles every expression of the sample set to closures (not the fallback)', () => {
    for (const src of COMPILED_CONDITIONS) expect({ src, compiled: compileOk(src, 'bool').compiled }).toEqual({ src, compiled: true });
    for (const src of COMPILED_POINTS) expect({ src, compiled: compileOk(src, 'number').compiled }).toEqual({ src, compiled: true });
    for (const [src, t] of WIDER) expect({ src, compiled: compileOk(src, t).compiled }).toEqual({ src, compiled: true });
  });

  it('gives the same value, or fails where the library fails, on random event data', () => {
    const all = [...COMPILED_CONDITIONS.map((s) => [s, 'bool'] as const), ...COMPILED_POINTS.map((s) => [s, 'number'] as const), ...WIDER];
    const compiled = all.map(([src, t]) => ({ src, evaluate: compileOk(src, t).evaluate }));
    fc.assert(
      fc.property(fc.constantFrom(...compiled), dataArb, ({ src, evaluate }, data) => {
        const mine = viaCompiled(evaluate, data);
        const theirs = viaLibrary(src, data);
        expect({ src, data, outcome: mine, same: sameOutcome(mine, theirs) }).toEqual({ src, data, outcome: mine, same: true });
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the library result for each expression on data with every field present and on empty data', () => {
    const full: EventData = { hours: 3, amount: 2, name: 'alpha', flag: false, day: '2024-05-31' };
    for (const [src, t] of [...COMPILED_CONDITIONS.map((s) => [s, 'bool'] as const), ...COMPILED_POINTS.map((s) => [s, 'number'] as const)]) {
      const { evaluate } = compileOk(src, t);
      for (const data of [full, {}]) {
        const mine = viaCompiled(evaluate, data);
        expect({ src, data, same: sameOutcome(mine, viaLibrary(src, data)) }).toEqual({ src, data, same: true });
      }
    }
  });

  it('refuses an int literal beyond 2^53 - 1 instead of rounding it (SCORING_MODEL §2)', () => {
    for (const src of ['9007199254740993 - 9007199254740992', '-(-9223372036854775808)', 'dyn(9223372036854775807) < 9223372036854775808.0']) {
      const r = compileExpression(src, KIND, 'any');
      expect({ src, ok: r.ok, message: r.ok ? null : r.error.message }).toEqual({ src, ok: false, message: expect.stringMatching(/outside the range/) });
    }
    expect(compileOk('9007199254740991 - 9007199254740990', 'number').evaluate({})).toBe(1);
  });

  it('returns numbers, never bigints, for int results', () => {
    for (const src of ['5', 'int(event.hours) * 3 - 7', '[10, 20, 30][int(event.hours) % 3]']) {
      expect(typeof compileOk(src, 'number').evaluate({ hours: 4 })).toBe('number');
    }
  });
});

describe('evaluation errors', () => {
  it('a missing field raises RuleEvaluationError naming the field', () => {
    const { evaluate } = compileOk('event.hours > 1.0', 'bool');
    expect(() => evaluate({})).toThrow(RuleEvaluationError);
    expect(() => evaluate({})).toThrow(/hours/);
  });

  it('integer division and modulus by zero raise RuleEvaluationError', () => {
    expect(() => compileOk('int(event.hours) / int(event.amount)', 'number').evaluate({ hours: 5, amount: 0 })).toThrow(RuleEvaluationError);
    expect(() => compileOk('int(event.hours) % int(event.amount)', 'number').evaluate({ hours: 5, amount: 0.4 })).toThrow(RuleEvaluationError);
  });

  it('double division by zero is not an error here: it yields Infinity (the engine refuses non-finite points)', () => {
    expect(compileOk('event.hours / event.amount', 'number').evaluate({ hours: 1, amount: 0 })).toBe(Infinity);
  });

  it('int() of a non-finite double raises RuleEvaluationError', () => {
    expect(() => compileOk('int(event.hours / event.amount)', 'number').evaluate({ hours: 1, amount: 0 })).toThrow(RuleEvaluationError);
  });

  it('an int result beyond the safe integer range raises RuleEvaluationError rather than losing precision', () => {
    expect(() => compileOk('int(event.hours) * 4', 'number').evaluate({ hours: 2 ** 52 })).toThrow(RuleEvaluationError);
  });

  it('a failure inside a list index or a string conversion is a RuleEvaluationError too', () => {
    expect(() => compileOk('string(event.hours) == "1"', 'bool').evaluate({})).toThrow(RuleEvaluationError);
    expect(() => compileOk('[10, 20, 30][int(event.hours)]', 'number').evaluate({ hours: 7 })).toThrow(RuleEvaluationError);
  });

  it('an int result reached through intermediates beyond 2^53 is an error, never a rounded value', () => {
    // 2^52 * 2048 = 2^63: the library's int64 would go on and negate it; rules stop at 2^53.
    expect(() => compileOk('-(-4503599627370496 * 2048)', 'number').evaluate({})).toThrow(/integer overflow/);
    expect(() => compileOk('dyn(4503599627370496 * 2 + 1) > 9007199254740992.0', 'bool').evaluate({})).toThrow(/integer overflow/);
    expect(() => compileOk('int(event.hours) + 1', 'number').evaluate({ hours: 2 ** 53 })).toThrow(/integer overflow/);
  });

  it('refuses uint and bytes anywhere in an expression', () => {
    for (const src of ['uint(event.hours) > 2u', 'dyn(3u) in [5, 4, 3]', "b'\\303\\277' == b'\\xc3\\xbf'", "size(b'abc') == 3", '[1u, 2u].exists(x, x == 1u)']) {
      const r = compileExpression(src, KIND, 'bool');
      expect({ src, ok: r.ok, message: r.ok ? null : r.error.message }).toEqual({ src, ok: false, message: expect.stringMatching(/uint|bytes/) });
    }
  });

  it('exists_one over a map counts keys, as the specification says', () => {
    expect(compileOk("{6: 'six', 7: 'seven', 8: 'eight'}.exists_one(k, k % 5 == 2)", 'bool').evaluate({})).toBe(true);
    expect(compileOk("{'a': 1.0, 'b': 2.0}.exists_one(k, k == event.name)", 'bool').evaluate({ name: 'a' })).toBe(true);
    expect(compileOk("{'a': 1.0, 'b': 2.0}.exists_one(k, k != 'z')", 'bool').evaluate({})).toBe(false);
  });

  it('&& and || absorb an error on one side when the other side decides (CEL commutative logic)', () => {
    const and = compileOk('event.hours > 1.0 && event.flag', 'bool').evaluate;
    expect(and({ flag: false })).toBe(false);
    expect(() => and({ flag: true })).toThrow(RuleEvaluationError);
    const or = compileOk('event.hours > 1.0 || event.flag', 'bool').evaluate;
    expect(or({ flag: true })).toBe(true);
    expect(() => or({ flag: false })).toThrow(RuleEvaluationError);
  });
});

describe('macros', () => {
  // A comprehension's bound variable is not an access to `event`, so nothing
  // in SCORING_MODEL §2 refuses it.
  it('accepts a comprehension macro whose bound variable ranges over a list literal', () => {
    const r = compileExpression('["Red Cross", "Library"].exists(o, event.name == o)', KIND, 'bool');
    expect(r.ok ? { ok: true } : r.error).toEqual({ ok: true });
    if (r.ok) {
      expect(r.evaluate({ name: 'Library' })).toBe(true);
      expect(r.evaluate({ name: 'Bank' })).toBe(false);
    }
  });

  it('orders strings by code point, as CEL does (JS compares UTF-16 units: U+FFFF would sort after U+10000)', () => {
    expect(compileOk('event.name < "\\U00010000"', 'bool').evaluate({ name: '\uffff' })).toBe(true);
    expect(compileOk('event.name > "\\uffff"', 'bool').evaluate({ name: '😀' })).toBe(true);
    expect(compileOk('event.name < "b"', 'bool').evaluate({ name: 'a😀' })).toBe(true);
  });

  it("split('') splits into code points (Go's strings.Split), where the library splits UTF-16 units", () => {
    expect(compileOk('size(event.name.split("")) == 3', 'bool').evaluate({ name: 'a😀b' })).toBe(true);
    expect(compileOk('size(event.name) == 3', 'bool').evaluate({ name: 'a😀b' })).toBe(true);
  });

  it('still refuses binding event itself through a macro', () => {
    const r = compileExpression('[event].exists(e, e.ethnicity == "x")', KIND, 'bool');
    expect(r.ok).toBe(false);
  });
});

describe('compile-time refusals with their column', () => {
  const refuse = (source: string, expect_: 'bool' | 'number') => {
    const r = compileExpression(source, KIND, expect_);
    if (r.ok) throw new Error(`${source} compiled`);
    return r.error;
  };

  it('points at the offending sub-expression of a type error', () => {
    expect(refuse('event.hours > 1.0 && event.hours * 2 > 3.0', 'bool')).toMatchObject({ column: 22, message: expect.stringMatching(/double \* int/) });
  });

  it('points at the name of a protected field and of an undeclared one', () => {
    expect(refuse('has(event.hours) && event.ethnicity == "x"', 'bool')).toMatchObject({ column: 27, message: expect.stringMatching(/protected/) });
    expect(refuse('event.minutes > 1.0', 'bool')).toMatchObject({ column: 7, message: expect.stringMatching(/not declared/) });
  });

  it('refuses a protected field even inside has()', () => {
    expect(refuse('has(event.ethnicity)', 'bool').message).toMatch(/protected/);
  });

  it('refuses whole-object use of event: indexing, in, size(), as a value', () => {
    for (const src of ['event["hours"] > 1.0', '"hours" in event', 'size(event) > 0', '[event].size() > 0', 'dyn(event).ethnicity == "x"']) {
      expect({ src, message: refuse(src, 'bool').message }).toEqual({ src, message: expect.stringMatching(/field by field/) });
    }
  });

  it('refuses an expression longer than the limit with the column just past it', () => {
    const long = 'true' + ' && true'.repeat(EXPRESSION_LIMITS.maxLength / 8);
    expect(long.length).toBeGreaterThan(EXPRESSION_LIMITS.maxLength);
    expect(refuse(long, 'bool')).toMatchObject({ column: EXPRESSION_LIMITS.maxLength + 1, message: expect.stringMatching(/longer than/) });
  });

  it('accepts an expression of exactly the maximum length', () => {
    const src = 'event.name == "' + 'a'.repeat(EXPRESSION_LIMITS.maxLength - 'event.name == ""'.length) + '"';
    expect(src.length).toBe(EXPRESSION_LIMITS.maxLength);
    expect(compileExpression(src, KIND, 'bool').ok).toBe(true);
  });
});
