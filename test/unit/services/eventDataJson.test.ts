/**
 * checkEventData writes an event's canonical data JSON member by member as
 * it checks the fields (and sorts the few names itself): the stored text
 * must be exactly JSON.stringify of the data with its keys sorted, whatever
 * the names, their order in the input and the values, or stored events and
 * their chain hashes would change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventKindSpec, FieldSpec } from '../../../shared/domain.js';
import { checkEventData } from '../../../electron/services/validation.js';

/** The canonical JSON as it was written before: the keys sorted by Array.prototype.sort, then JSON.stringify. */
function reference(data: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(data).sort()) sorted[name] = data[name];
  return JSON.stringify(sorted);
}

const name = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/), fc.constantFrom('__proto__', 'constructor', 'toString', 'a', 'A', '_', 'Z_9', 'a1', 'a_'));
const text = fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', 'é', '中', '😀', 'a', ' ') });
const value = fc.oneof(
  fc.tuple(fc.constant<FieldSpec['type']>('number'), fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0), fc.constant(1e21), fc.constant(5e-7))),
  fc.tuple(fc.constant<FieldSpec['type']>('string'), text),
  fc.tuple(fc.constant<FieldSpec['type']>('bool'), fc.boolean()),
  fc.tuple(fc.constant<FieldSpec['type']>('date'), fc.constantFrom('2026-01-31', '1999-12-01')),
);

describe('the canonical JSON of event data', () => {
  it('is JSON.stringify of the data with its keys sorted, for any names, order and values (up to 40 fields)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 40 }), fc.boolean(), (members, reversed) => {
        const fields: Record<string, FieldSpec> = Object.create(null);
        const data: Record<string, unknown> = Object.create(null);
        for (const [n, [type, v]] of reversed ? [...members].reverse() : members) {
          fields[n] = { type };
          data[n] = v;
        }
        const kind = { kind: 'k', fields } as EventKindSpec;
        const checked = checkEventData(kind, data);
        expect(checked.ok).toBe(true);
        if (!checked.ok) return;
        expect(checked.json).toBe(reference(data));
        expect(Object.keys(checked.value)).toEqual(Object.keys(data).sort());
        expect(JSON.stringify(checked.value)).toBe(checked.json);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the empty object as {} and still refuses an undeclared field, a wrong type and a lone surrogate', () => {
    const kind = { kind: 'k', fields: { amount: { type: 'number' }, note: { type: 'string' } } } as EventKindSpec;
    expect(checkEventData(kind, {})).toMatchObject({ ok: true, json: '{}' });
    expect(checkEventData(kind, { note: 'x', amount: 2 })).toMatchObject({ ok: true, json: '{"amount":2,"note":"x"}' });
    expect(checkEventData(kind, { other: 1 })).toMatchObject({ ok: false });
    expect(checkEventData(kind, { amount: '2' })).toMatchObject({ ok: false });
    expect(checkEventData(kind, { note: 'a\ud800' })).toMatchObject({ ok: false });
    expect(checkEventData(kind, { note: 'x'.repeat(5000) })).toMatchObject({ ok: false });
    expect(checkEventData(kind, { note: '中'.repeat(1366) })).toMatchObject({ ok: false });
    expect(checkEventData(kind, { note: '中'.repeat(1365) })).toMatchObject({ ok: true });
  });
});
