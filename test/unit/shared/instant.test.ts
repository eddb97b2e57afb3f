/**
 * parseInstantMs computes epoch milliseconds by arithmetic on the parsed
 * fields (an import parses millions of instants); the result must be the one
 * the Date object gives for the same fields, offsets and years 0-99 included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate, parseInstantMs } from '../../../shared/instant.js';

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

  it('reads YYYY-MM-DDTHH:MM:SSZ on its quick path exactly as the general one reads the same instant at +00:00', () => {
    // Field values on and beside every bound, and any character where a digit or a separator belongs.
    const two = fc.oneof(fc.integer({ min: 0, max: 99 }).map((n) => pad(n, 2)), fc.constantFrom('00', '01', '12', '13', '23', '24', '28', '29', '30', '31', '32', '59', '60', '99'));
    const odd = fc.constantFrom('0', '9', '-', ':', 'T', 't', 'Z', 'z', ' ', '+', '.', '/', '\u0660', 'a', '\uFF11');
    const year = fc.oneof(fc.integer({ min: 0, max: 9999 }).map((n) => pad(n, 4)), fc.constantFrom('0000', '0099', '0100', '1900', '2000', '2024', '2100', '9999'));
    let quick = 0;
    fc.assert(
      fc.property(year, two, two, two, two, two, fc.constantFrom('T', 't'), fc.constantFrom('Z', 'z'), fc.array(fc.tuple(fc.nat(18), odd), { maxLength: 2 }), (y, mo, d, h, mi, s, t, z, flips) => {
        const chars = `${y}-${mo}-${d}${t}${h}:${mi}:${s}`.split('');
        for (const [at, c] of flips) chars[at] = c;
        const head = chars.join('');
        if (head.length !== 19) return;
        quick++;
        expect(parseInstantMs(`${head}${z}`)).toBe(parseInstantMs(`${head}+00:00`));
      }),
      { numRuns: 5000, seed: 1130 },
    );
    expect(quick).toBeGreaterThan(4000);
    expect(parseInstantMs('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseInstantMs('2023-02-29T23:59:59Z')).toBeNull();
    expect(parseInstantMs('0099-12-31T00:00:00z')).toBe(reference(99, 12, 31, 0, 0, 0, 0, 0));
  });

  it('isIsoDate answers as a Date set field by field, on every character a date may hold or be missing', () => {
    const reference = (text: string): boolean => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return false;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const date = new Date(0);
      date.setUTCFullYear(y, mo - 1, d);
      return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
    };
    const two = fc.oneof(fc.integer({ min: 0, max: 99 }).map((n) => pad(n, 2)), fc.constantFrom('00', '01', '02', '12', '13', '28', '29', '30', '31', '32'));
    const year = fc.oneof(fc.integer({ min: 0, max: 9999 }).map((n) => pad(n, 4)), fc.constantFrom('0000', '0004', '0100', '1900', '2000', '2023', '2024', '2100', '9999'));
    const odd = fc.constantFrom('0', '-', '/', ' ', 'T', '\u0660', '\uFF11', '\n', '');
    let valid = 0;
    fc.assert(
      fc.property(year, two, two, fc.array(fc.tuple(fc.nat(10), odd), { maxLength: 2 }), (y, m, d, flips) => {
        const chars = `${y}-${m}-${d}`.split('');
        for (const [at, c] of flips) chars[at] = c;
        const text = chars.join('');
        if (reference(text)) valid++;
        expect(isIsoDate(text)).toBe(reference(text));
      }),
      { numRuns: 5000, seed: 1201 },
    );
    expect(valid).toBeGreaterThan(200);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29\n')).toBe(false);
  });
});
