/**
 * The events worker posts its chunks packed (PackedEventChunk): one string
 * of fields, one array of numbers, one string of hashes. Unpacked in the
 * writing thread they must be the chunk the values would have been, field
 * for field, and a packing whose parts disagree must be refused, never read
 * shifted into the wrong columns.
 */
import { describe, expect, it } from 'vitest';
import { ChunkPacker, EVENT_VALUES, unpackChunk, type ChainedEvent } from '../../../electron/services/eventBatch.js';
import { sha256Hex } from '../../../electron/db/chain.js';

const rows: (ChainedEvent & { line: number; idx: number })[] = [
  { line: 2, idx: 1, id: 'E1', citizenIdx: 7, kind: 'bill_payment', at: '2021-05-08T06:03:31Z', ms: Date.parse('2021-05-08T06:03:31Z'), json: '{"amount":231,"provider":"中国移动"}' },
  { line: 3, idx: 2, id: 'E.2:x-y_', citizenIdx: 0, kind: 'volunteering', at: '0001-01-01T00:00:00.001+23:59', ms: -62135682839999, json: '{}' },
  // A line after a quoted field that spans lines; data with escapes, an emoji (a surrogate pair) and an escaped NUL.
  { line: 9, idx: 3, id: 'E3', citizenIdx: 2 ** 31 - 1, kind: 'k', at: '2026-11-30T23:59:59.999Z', ms: 8.64e15, json: '{"note":"a\\"b\\\\c\\n😀\\u0000"}' },
];

function packed(hashed: boolean) {
  const p = new ChunkPacker(hashed);
  for (const r of rows) {
    p.add(r.line, r.idx, r, hashed ? sha256Hex(`${r.idx}`) : null);
    p.contribution(r.citizenIdx, 0, r.idx, r.ms, -1.5, r.idx === 2 ? 'division by zero' : null);
    // The last row has a second contribution, with an error, and -0 points kept as they are.
    if (r.idx === 3) p.contribution(r.citizenIdx, 4, r.idx, r.ms, -0, 'no such field');
    p.counted(r.idx === 3 ? 2 : 1);
  }
  return p.packed();
}

describe('packed event chunks', () => {
  it('unpack to the values, columns and hashes the rows were packed with', () => {
    for (const hashed of [true, false]) {
      const c = unpackChunk(structuredClone(packed(hashed)), 42);
      expect(c.lines).toEqual([2, 3, 9]);
      expect(c.events).toEqual(rows.flatMap((r) => [r.idx, r.id, r.citizenIdx, r.kind, r.at, r.ms, r.json, 42]));
      expect(c.events).toHaveLength(rows.length * EVENT_VALUES);
      expect(c.contents).toEqual(hashed ? rows.map((r) => sha256Hex(`${r.idx}`)) : null);
      expect(c.contributions).toEqual([
        ...rows.flatMap((r) => [r.citizenIdx, 0, r.idx, r.ms, -1.5, r.idx === 2 ? 'division by zero' : null]),
        rows[2].citizenIdx, 4, 3, rows[2].ms, -0, 'no such field',
      ]);
      expect(Object.is(c.contributions[22], -0)).toBe(true);
      expect(c.contributionCounts).toEqual([1, 1, 2]);
    }
  });

  it('an empty chunk unpacks to no rows', () => {
    const c = unpackChunk(new ChunkPacker(true).packed(), 1);
    expect(c).toEqual({ lines: [], events: [], contents: [], contributions: [], contributionCounts: [] });
  });

  it('refuses a chunk whose parts disagree instead of shifting fields into other columns', () => {
    const good = packed(true);
    // A field holding a NUL (none can: see PackedEventChunk.text) would add a field.
    const nul = new ChunkPacker(false);
    nul.add(2, 1, { ...rows[0], json: '{"a":"x\u0000y"}' }, null);
    nul.counted(0);
    expect(() => unpackChunk(nul.packed(), 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, text: good.text.slice(0, -1) }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, numbers: good.numbers.subarray(0, 8) }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, numbers: good.numbers.subarray(0, 11) }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, contents: good.contents!.slice(1) }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, contributionCounts: [1, 1] }, 1)).toThrow(/malformed/);
    // Contributions that do not add up to the rows' counts, or errors that name no contribution or come out of order.
    expect(() => unpackChunk({ ...good, contributionCounts: [1, 2, 0] }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, contributions: good.contributions.subarray(0, 14) }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, errors: [[4, 'x']] }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, errors: [[2, 'x'], [1, 'y']] }, 1)).toThrow(/malformed/);
    expect(() => unpackChunk({ ...good, errors: [[1.5, 'x']] }, 1)).toThrow(/malformed/);
  });
});
