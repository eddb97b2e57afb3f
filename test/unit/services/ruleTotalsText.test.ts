/**
 * A full recompute writes each citizen's rule totals as text directly
 * (RuleTotalsText, services/scoring.ts) instead of stringifying an object
 * per citizen. The stored text must stay exactly what JSON.stringify of the
 * object {ruleId: points}, filled in the same order, gives: otherwise every
 * score row would be rewritten (and its ledger cause read as `own`) for
 * nothing. Objects list array-index keys first, ignore `__proto__` as a
 * key, and keep one member per id: the ids that trigger those rules are in
 * the generated cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleTotalsText } from '../../../electron/services/scoring.js';

/** The text as the object path gives it. */
function viaObject(ids: readonly string[], added: [number, number][]): string {
  const totals: Record<string, number> = {};
  for (const [rule, points] of added) totals[ids[rule]] = points;
  return JSON.stringify(totals);
}

const ruleId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/),
  fc.constantFrom('__proto__', '0', '7', '10', '01', '4294967294', '4294967295', 'constructor', 'toString', '-1', '1.5'),
);
const points = fc.oneof(fc.integer({ min: -5_000_000, max: 5_000_000 }).map((m) => m / 1e6), fc.double(), fc.constantFrom(Infinity, -Infinity, -0, 1e21, 5e-7));

describe('the rule totals text', () => {
  it('is what JSON.stringify of the object gives, for any ids and any totals added in any order', () => {
    fc.assert(
      fc.property(
        fc.array(ruleId, { minLength: 1, maxLength: 9 }).chain((ids) =>
          fc.tuple(fc.constant(ids), fc.array(fc.array(fc.tuple(fc.nat(ids.length - 1), points), { maxLength: 9 }), { minLength: 1, maxLength: 4 })),
        ),
        ([ids, citizens]) => {
          const text = new RuleTotalsText(ids);
          for (const added of citizens) {
            text.reset();
            for (const [rule, p] of added) text.add(rule, p);
            expect(text.text()).toBe(viaObject(ids, added));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('writes the totals of rules added in rule order with plain ids as the object would, starting afresh for each citizen', () => {
    const text = new RuleTotalsText(['bills-on-time', 'late.payment', 'volunteering']);
    text.add(0, 4);
    text.add(2, -12.5);
    expect(text.text()).toBe('{"bills-on-time":4,"volunteering":-12.5}');
    text.reset();
    expect(text.text()).toBe('{}');
    text.add(1, 0.000001);
    expect(text.text()).toBe('{"late.payment":0.000001}');
  });
});
