/**
 * Attacks on the rule language's cost (issue 8 item 2): a rule must not be
 * able to take exponential time or exhaust the heap. Expressions whose
 * worst case (bounded by the sizes of their inputs) is above the limit are
 * refused when checked, naming the position; `matches` runs on RE2, linear
 * in its input; invalid RE2 patterns are refused with their position when
 * literal, an evaluation error otherwise.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression, RULE_LIMITS, RuleEvaluationError } from '../../../electron/engine/cel.js';
import { validateRuleset } from '../../../electron/engine/rules.js';
import type { EventKindSpec } from '../../../shared/domain.js';

const KIND: EventKindSpec = { kind: 'note', fields: { text: { type: 'string' }, hours: { type: 'number' } } };

function refused(source: string, expect_: 'bool' | 'number' = 'bool') {
  const r = compileExpression(source, KIND, expect_);
  if (r.ok) throw new Error(`accepted (cost ${r.cost}): ${source.slice(0, 120)}`);
  return r.error;
}

function accepted(source: string, expect_: 'bool' | 'number' = 'bool') {
  const r = compileExpression(source, KIND, expect_);
  if (!r.ok) throw new Error(`refused: ${r.error.message} (column ${r.error.column}): ${source.slice(0, 120)}`);
  return r;
}

const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;

describe('cost bound at check time', () => {
  it('refuses a 4-level all() over literal lists, pointing at the outer macro', () => {
    const l = list(90);
    const src = `${l}.all(a, ${l}.all(b, ${l}.all(c, ${l}.all(d, a + b + c + d >= 0))))`;
    const err = refused(src);
    expect(err.message).toMatch(/too expensive/);
    expect(err.column).toBe(1);
  });

  it('refuses nested split("").map() over an event string (each level multiplies by the field length limit)', () => {
    const err = refused('size(event.text.split("").map(a, event.text.split("").map(b, a + b))) > 0');
    expect(err.message).toMatch(/too expensive/);
    expect(err.message).toContain(String(RULE_LIMITS.maxStringLength));
  });

  it('refuses the ~900-character heap attack: split("") of literals nested in map()', () => {
    const s = `'${'x'.repeat(130)}'.split('')`;
    let body = 'v0';
    for (let i = 5; i >= 0; i--) body = `${s}.map(v${i}, ${i === 5 ? `v${i} + v${i} + v${i}` : body})`;
    const src = `size(${body}) > 0`;
    expect(src.length).toBeGreaterThan(850);
    expect(refused(src).message).toMatch(/too expensive|maxDepth|Exceeded/);
  });

  it('refuses string doubling through nested macros (memory grows with the size bound)', () => {
    const src = "size([1,2,3,4,5,6,7,8].map(a, [1,2,3,4,5,6,7,8].map(b, [1,2,3,4,5,6,7,8].map(c, [1,2,3,4,5,6,7,8].map(d, event.text + event.text + event.text))))) > 0";
    expect(refused(src).message).toMatch(/too expensive/);
  });

  it('accepts the everyday rules: one macro over a literal list, one pass over an event string', () => {
    accepted('["Red Cross", "Library"].exists(o, event.text.contains(o))');
    accepted('event.text.split(",").exists(w, w == "late")');
    accepted('event.text.matches("^[A-Z]{2}-[0-9]+$")');
    accepted('size(event.text) > 10 && event.hours > 2.0');
  });

  it('puts a cost on every accepted expression, below the limit', () => {
    const r = accepted('event.text.split("").exists(c, c == "!")');
    expect(r.cost).toBeGreaterThan(RULE_LIMITS.maxStringLength);
    expect(r.cost).toBeLessThanOrEqual(RULE_LIMITS.maxCost);
  });

  it('an event string longer than the limit the cost bound assumes is an evaluation error, not an unbounded run', () => {
    const r = accepted('event.text.split("").exists(c, c == "!")');
    expect(() => r.evaluate({ text: 'a'.repeat(RULE_LIMITS.maxStringLength + 1) })).toThrow(RuleEvaluationError);
    expect(r.evaluate({ text: 'a'.repeat(RULE_LIMITS.maxStringLength) })).toBe(false);
  });

  it('names the rule and the position when a ruleset holds an expensive rule', () => {
    const l = list(60);
    const v = validateRuleset(
      {
        base_score: 1000,
        score_min: 0,
        score_max: 2000,
        friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
        tiers: [{ name: 'D', min: 0 }],
        rules: [{ id: 'costly', name: 'Costly', description: '', dimension: 'x', event_kind: 'note', condition: `true && ${l}.all(a, ${l}.all(b, ${l}.all(c, ${l}.all(d, true))))`, points: '1' }],
      },
      new Map([['note', KIND]]),
    );
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems).toEqual([expect.objectContaining({ rule: 'costly', field: 'condition', position: 9, message: expect.stringMatching(/too expensive/) })]);
  });
});

describe('the cost of all the rules of one event kind', () => {
  const ruleset = (rules: { id: string; condition: string }[]) => ({
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
    tiers: [{ name: 'D', min: 0 }],
    rules: rules.map((r) => ({ ...r, name: r.id, description: '', dimension: 'x', event_kind: 'note', points: '1' })),
  });
  // Each alone is accepted (about 168,000 steps over a 4096-character field).
  const heavy = "event.text.matches('[a-z]{40}')";

  it('refuses a ruleset whose rules of one kind together exceed the per-event budget, naming the kind and the rules', () => {
    expect(accepted(heavy).cost).toBeGreaterThan(RULE_LIMITS.maxEventCost / 3);
    const v = validateRuleset(ruleset([1, 2, 3].map((i) => ({ id: `heavy${i}`, condition: heavy }))), new Map([['note', KIND]]));
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems).toEqual([expect.objectContaining({ rule: 'heavy3', message: expect.stringMatching(/event kind 'note' \(heavy1, heavy2, heavy3\) together cost/) })]);
  });

  it('accepts two of them', () => {
    expect(validateRuleset(ruleset([1, 2].map((i) => ({ id: `heavy${i}`, condition: heavy }))), new Map([['note', KIND]])).ok).toBe(true);
  });
});

describe('matches() on RE2', () => {
  it("'aaaa...a!'.matches('^(a+)+$') is false, in linear time (JS RegExp would backtrack exponentially)", () => {
    const r = accepted("event.text.matches('^(a+)+$')");
    expect(r.evaluate({ text: `${'a'.repeat(4000)}!` })).toBe(false);
    expect(r.evaluate({ text: 'a'.repeat(4000) })).toBe(true);
    expect(accepted(`'${'a'.repeat(31)}!'.matches('^(a+)+$')`).evaluate({})).toBe(false);
  });

  it('is a partial match (search), as in CEL', () => {
    expect(accepted("event.text.matches('b+')").evaluate({ text: 'abbc' })).toBe(true);
    expect(accepted("event.text.matches('^b')").evaluate({ text: 'abbc' })).toBe(false);
  });

  it('refuses an invalid literal RE2 pattern at validation, at the pattern', () => {
    expect(refused("event.text.matches('a(b')")).toMatchObject({ column: 20, message: expect.stringMatching(/invalid regular expression.*missing closing \)/) });
    // Backreferences and lookarounds are not RE2.
    expect(refused("event.text.matches('(a)\\\\1')").message).toMatch(/invalid regular expression/);
    expect(refused("event.text.matches('a(?=b)')").message).toMatch(/invalid regular expression/);
  });

  it('counts the compiled program, not the pattern text: a short pattern with a large repetition is refused over a long field', () => {
    // 11 characters, about 1000 RE2 instructions, over up to 4096 characters.
    expect(refused("event.text.matches('[a-z]{1000}')").message).toMatch(/too expensive/);
    expect(accepted("'abc'.matches('[a-z]{1000}')").evaluate({})).toBe(false);
    expect(accepted("event.text.matches('[a-z]{50}')").evaluate({ text: 'a'.repeat(50) })).toBe(true);
  });

  it('a pattern computed at run time whose program is too large for the text is an evaluation error', () => {
    const r = accepted(`'${'a'.repeat(50)}'.matches(event.text)`);
    expect(r.evaluate({ text: 'a+' })).toBe(true);
    // 42 characters, 6000 instructions, over 50 characters: above the limit, found when compiled.
    expect(() => r.evaluate({ text: 'x{1000}'.repeat(6) })).toThrow(/too expensive for this text/);
    expect(r.evaluate({ text: 'a{20}' })).toBe(true);
  });

  it('a pattern computed at run time that is invalid is an evaluation error', () => {
    const r = accepted("'abc'.matches(event.text)");
    expect(r.evaluate({ text: 'b' })).toBe(true);
    expect(() => r.evaluate({ text: 'a(b' })).toThrow(RuleEvaluationError);
    expect(() => r.evaluate({ text: 'a(b' })).toThrow(/invalid regular expression/);
  });
});

describe('int64 extremes', () => {
  it('refuses literals outside +-(2^53 - 1) and stops intermediate results there', () => {
    expect(refused('-(-9223372036854775808) > 0').message).toMatch(/outside the range/);
    expect(refused('(-9223372036854775808) / -1 > 0').message).toMatch(/outside the range/);
    expect(() => accepted('-(-4503599627370496 * 2048) > 0').evaluate({})).toThrow(/integer overflow/);
    expect(() => accepted('int(event.hours) * int(event.hours) > 0').evaluate({ hours: 1e8 })).toThrow(/integer overflow/);
    expect(accepted('int(event.hours) * int(event.hours) > 0').evaluate({ hours: 9e7 })).toBe(true);
  });
});
