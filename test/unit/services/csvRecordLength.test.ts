/**
 * The byte guard in front of the CSV parser (csvSource.ts) refuses a record
 * longer than the limit, naming the line it starts on, before the parser has
 * to hold it: a record is the bytes up to a newline outside quotes, so a
 * quoted field may span lines. Checked against a reference that splits the
 * same records, on files larger than the reader's 1 MiB chunks, so records
 * straddle chunk boundaries; lengths are drawn on the limit and beside it.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, readCsv } from '../../../electron/services/csvSource.js';
import { removeTempDirs, tempDir } from '../helpers/importFixtures.js';

afterAll(removeTempDirs);

const MAX = 64;
/** Short records first, so that the drawn ones start past the first 1 MiB chunk (or straddle it). */
const FILLER = 'x,y\n'.repeat((1 << 20) / 4 - 3);

/** A record `a,<field>` of exactly `bytes` bytes (without its newline): plain, or quoted holding `newlines` line breaks. */
function record(bytes: number, newlines: number, quoted: boolean): { text: string; lines: number } {
  const fill = (n: number) => 'z'.repeat(Math.max(0, n));
  if (!quoted) return { text: `a,${fill(bytes - 2)}`, lines: 1 };
  const body = '\n'.repeat(newlines) + fill(bytes - 4 - newlines);
  return { text: `a,"${body}"`, lines: 1 + newlines };
}

describe('the CSV byte guard, record by record', () => {
  it('refuses the first record longer than the limit, at the line it starts on, and no other', async () => {
    const dir = tempDir('credence-csvlen-');
    const arbRecord = fc.record({
      bytes: fc.oneof(fc.constantFrom(MAX - 1, MAX, MAX + 1), fc.integer({ min: 6, max: MAX * 3 })),
      newlines: fc.integer({ min: 0, max: 3 }),
      quoted: fc.boolean(),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbRecord, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 3 }), async (drawn, shift) => {
        runs++;
        const records = drawn.map((d) => record(Math.max(d.bytes, d.quoted ? 4 + d.newlines : 2), d.newlines, d.quoted));
        // The header, the filler (shifted so that chunk boundaries fall at other places in the records), then the drawn records.
        const text = `a,b\n${'x,y\n'.repeat(shift)}${FILLER}${records.map((r) => `${r.text}\n`).join('')}`;
        const file = join(dir, 'rows.csv');
        writeFileSync(file, text);
        let line = 2 + shift + FILLER.length / 4;
        let expected: number | null = null;
        for (const r of records) {
          if (expected === null && Buffer.byteLength(r.text) > MAX) expected = line;
          line += r.lines;
        }
        let rows = 0;
        const outcome = await readCsv(file, ['a', 'b'], () => rows++, { maxLine: MAX }).then(
          () => null,
          (err: unknown) => err,
        );
        if (expected === null) {
          expect(outcome).toBeNull();
          expect(rows).toBe(1 + shift + FILLER.length / 4 - 1 + records.length);
        } else {
          expect(outcome).toBeInstanceOf(FileFormatError);
          expect((outcome as FileFormatError).line).toBe(expected);
          expect((outcome as FileFormatError).said?.key).toBe('importFile.recordTooLong');
        }
      }),
      { numRuns: 40, seed: 20261130 },
    );
    expect(runs).toBe(40);
  });
});
