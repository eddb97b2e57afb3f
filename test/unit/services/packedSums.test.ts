/**
 * forEachPackedSum (services/scoring.ts) reads the rule totals a full
 * recompute gets from SQLite as one text of "citizen rule total" triples.
 * It must read every total exactly as Number() reads SQLite's own printf
 * text (the form it replaced), whatever SQLite prints: whole numbers, -0,
 * infinities, exponents, more digits than are exact; and refuse text that
 * is not such triples instead of guessing.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachPackedSum } from '../../../electron/services/scoring.js';

const db = new Database(':memory:');
afterAll(() => db.close());

/** The text SQLite packs for these totals (as fullRecompute asks for it), and what Number() reads from each printed total. */
function packed(totals: number[]): { text: string; expected: [number, number, number][] } {
  const rows = totals.map((t, k) => [k * 3 + 1, k % 7, t] as const);
  const printed = rows.map(([, , t]) => db.prepare("SELECT printf('%!.17g', ?)").pluck().get(t) as string);
  const text = rows.map(([c, r], k) => `${c} ${r} ${printed[k]}`).join(' ');
  const read = (p: string) => (p === 'Inf' ? Infinity : p === '-Inf' ? -Infinity : Number(p));
  return { text, expected: rows.map(([c, r], k) => [c, r, read(printed[k])]) };
}

function readAll(text: string): [number, number, number][] {
  const out: [number, number, number][] = [];
  forEachPackedSum(text, (c, r, t) => out.push([c, r, t]));
  return out;
}

describe('reading the packed rule totals', () => {
  it('reads whole micro-point totals, -0, infinities and large values as Number() reads their text', () => {
    const { text, expected } = packed([0, -0, 12_000_000, -2_000_000, 999_999_999_999_999, -(2 ** 53), 2 ** 53 + 2, 1e17, -1e300, Infinity, -Infinity, 123456789012345678]);
    const got = readAll(text);
    expect(got).toEqual(expected);
    expect(Object.is(got[1][2], -0)).toBe(Object.is(expected[1][2], -0));
  });

  it('gives the same totals as Number() for any double SQLite prints', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((x) => x * 1000), fc.double({ noNaN: true }), fc.maxSafeInteger(), fc.constantFrom(2 ** 53 - 1, 2 ** 53, 1e15, 1e16 - 1)), { maxLength: 30 }), (totals) => {
        const { text, expected } = packed(totals);
        expect(readAll(text)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads an empty text as no totals', () => {
    expect(readAll('')).toEqual([]);
  });

  it('refuses text that is not triples of numbers, naming where', () => {
    expect(() => readAll('1 2 abc')).toThrow(/'abc' at 4 is not a number/);
    expect(() => readAll('1 x 3.0')).toThrow(/'x 3.0' at 2 is not a whole number/);
    expect(() => readAll('1  3.0')).toThrow(/empty field at 2/);
    expect(() => readAll('1 2')).toThrow(/empty field at 3/);
    expect(() => readAll('1 2 3.0 4 5 ')).toThrow(/empty field at 12/);
  });
});
