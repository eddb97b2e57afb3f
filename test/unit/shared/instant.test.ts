/**
 * parseInstantMs computes epoch milliseconds by arithmetic on the parsed
 * fields (an import parses millions of instants); the result must be the one
 * the Date object gives for the same fields, offsets and years 0-99 included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstantMs } from '../../../shared/instant.js';

/** The reference: a Date set field by field (setUTCFullYear keeps years 0-99 as they are). */
function reference(year: number, month: number, day: number, h: number, min: number, s: number, ms: number, offsetMin: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, min, s, ms);
  return d.getTime() - offsetMin * 60_000;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('parseInstantMs', () => {
  it('gives the Date object’s milliseconds for any valid instant, zone and fraction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.option(fc.integer({ min: 0, max: 999 })),
        fc.option(fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
        (year, month, day, h, min, s, fraction, offset) => {
          const zone = offset === null ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`;
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(min, 2)}:${pad(s, 2)}${fraction === null ? '' : `.${pad(fraction, 3)}`}${zone}`;
          expect(parseInstantMs(text)).toBe(reference(year, month, day, h, min, s, fraction ?? 0, offset ?? 0));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses impossible dates and times', () => {
    for (const bad of ['2025-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-04-31T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60:00Z', '2024-01-01T00:00:60Z', '2024-01-01T00:00:00+24:00']) {
      expect(parseInstantMs(bad)).toBeNull();
    }
    expect(parseInstantMs('2024-02-29T23:59:59.999+23:59')).toBe(reference(2024, 2, 29, 23, 59, 59, 999, 23 * 60 + 59));
  });
});
