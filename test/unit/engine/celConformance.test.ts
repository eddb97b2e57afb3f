/**
 * The google/cel-spec "simple" conformance tests that need no protobuf
 * messages, run through the path that scores events: compileExpression
 * (parse, event-access rules, type check, cost bound, closure compiler or
 * library fallback) and then the compiled evaluator. SCORING_MODEL §2: a rule
 * gives the specification's result, or is refused when validated, or fails
 * with an evaluation error. Never another value.
 */
import { describe, expect, it } from 'vitest';
import { getConformanceSuite, type IncrementalTest } from '@bufbuild/cel-spec/testdata/tests.js';
import type { Value } from '@bufbuild/cel-spec/cel/expr/value_pb.js';
import { compileExpression } from '../../../electron/engine/cel.js';
import type { EventKindSpec } from '../../../shared/domain.js';

const FILES = ['basic', 'comparisons', 'conversions', 'fp_math', 'integer_math', 'logic', 'macros', 'string', 'lists', 'parse', 'plumbing'];
const KIND: EventKindSpec = { kind: 'conformance', fields: {} };

type Outcome = 'passed' | 'refused' | 'errored' | 'wrong';
interface Result {
  file: string;
  name: string;
  expr: string;
  outcome: Outcome;
  detail: string;
}

/** CEL equality of our value with the expected one (numbers by value: CEL compares int, uint and double numerically). */
function sameValue(actual: unknown, expected: Value): boolean {
  const k = expected.kind;
  switch (k.case) {
    case 'nullValue':
      return actual === null;
    case 'boolValue':
      return actual === k.value;
    case 'stringValue':
      return actual === k.value;
    case 'int64Value':
    case 'uint64Value':
      return (typeof actual === 'number' && Number.isSafeInteger(actual) && BigInt(actual) === k.value) || (typeof actual === 'bigint' && actual === k.value);
    case 'doubleValue':
      if (typeof actual !== 'number') return false;
      return Number.isNaN(k.value) ? Number.isNaN(actual) : actual === k.value;
    case 'bytesValue':
      return actual instanceof Uint8Array && actual.length === k.value.length && actual.every((b, i) => b === k.value[i]);
    case 'listValue': {
      if (!Array.isArray(actual) || actual.length !== k.value.values.length) return false;
      return k.value.values.every((v, i) => sameValue(actual[i], v));
    }
    case 'mapValue': {
      const entries = actual instanceof Map ? [...actual.entries()] : actual && typeof actual === 'object' ? Object.entries(actual) : null;
      if (!entries || entries.length !== k.value.entries.length) return false;
      return k.value.entries.every((e) => entries.some(([key, v]) => e.key !== undefined && e.value !== undefined && sameValue(key, e.key) && sameValue(v, e.value)));
    }
    case 'typeValue': {
      const name = (actual as { name?: unknown } | null)?.name ?? actual;
      return String(name) === k.value;
    }
    default:
      return false;
  }
}

/** The top-level type must match too: 1 is not the specification's 1.0. */
function typeMatches(type: string, expected: Value): boolean {
  switch (expected.kind.case) {
    case 'int64Value':
      return type === 'int' || type === 'dyn';
    case 'uint64Value':
      return type === 'uint' || type === 'dyn';
    case 'doubleValue':
      return type === 'double' || type === 'dyn';
    default:
      return true;
  }
}

function run(file: string, t: IncrementalTest): Result {
  const o = t.original;
  const base = { file, name: t.name, expr: o.expr };
  const compiled = compileExpression(o.expr, KIND, 'any');
  if (!compiled.ok) return { ...base, outcome: 'refused', detail: compiled.error.message };
  let value: unknown;
  try {
    value = compiled.evaluate({});
  } catch (err) {
    const message = (err as Error).message;
    if (o.resultMatcher.case === 'evalError' || o.resultMatcher.case === 'anyEvalErrors') return { ...base, outcome: 'passed', detail: message };
    return { ...base, outcome: 'errored', detail: message };
  }
  if (o.resultMatcher.case === 'value') {
    const ok = typeMatches(compiled.type, o.resultMatcher.value) && sameValue(value, o.resultMatcher.value);
    return { ...base, outcome: ok ? 'passed' : 'wrong', detail: `gave ${show(value)} (${compiled.type}), expected ${show(o.resultMatcher.value.kind.value)}` };
  }
  return { ...base, outcome: 'wrong', detail: `gave ${show(value)}, expected ${o.resultMatcher.case}` };
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? Object.fromEntries(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function collect(): Result[] {
  const suite = getConformanceSuite();
  const results: Result[] = [];
  for (const file of suite.suites.filter((s) => FILES.includes(s.name))) {
    const walk = (s: typeof file) => {
      for (const t of s.tests) results.push(run(file.name, t));
      s.suites.forEach(walk);
    };
    walk(file);
  }
  return results;
}

describe('cel-spec conformance through the rule path', () => {
  const results = collect();
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;

  it('gives no value other than the specification', () => {
    const byFile = FILES.map((f) => {
      const rs = results.filter((r) => r.file === f);
      return `${f}: ${rs.filter((r) => r.outcome === 'passed').length}/${rs.length}`;
    });
    console.log(`cel-spec conformance: ${results.length} tests, passed ${count('passed')}, refused at validation ${count('refused')}, evaluation error ${count('errored')}, wrong ${count('wrong')}\n  ${byFile.join(', ')}`);
    if (process.env.CEL_CONFORMANCE_DETAIL) {
      for (const r of results.filter((x) => x.outcome !== 'passed')) console.log(`${r.outcome}\t${r.file}/${r.name}\t${r.expr}\t${r.detail}`);
    }
    expect(results.filter((r) => r.outcome === 'wrong').map((r) => `${r.file}/${r.name}: ${r.expr} -> ${r.detail}`)).toEqual([]);
  });

  it('fails no expression the specification gives a value for (an error is allowed, but none of this selection needs one)', () => {
    expect(results.filter((r) => r.outcome === 'errored').map((r) => `${r.file}/${r.name}: ${r.expr} -> ${r.detail}`)).toEqual([]);
  });

  it('runs the whole selection and passes most of it (the run cannot pass by refusing everything)', () => {
    expect(results.length).toBeGreaterThan(1000);
    expect(count('passed')).toBeGreaterThanOrEqual(540);
  });
});
