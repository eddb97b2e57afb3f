/**
 * csvRow, the CSV rule for every export other than the scores interchange
 * format: every cell quoted, formula-like cells neutralised, and what a CSV
 * reader gets back is exactly the cells (with the neutralising quote).
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../../electron/services/exportScores.js';

const parseLine = (line: string): string[] => {
  const parsed = Papa.parse<string[]>(line, { header: false, delimiter: ',', newline: '\n' });
  expect(parsed.errors).toEqual([]);
  expect(parsed.data).toHaveLength(1);
  return parsed.data[0];
};

describe('csvRow', () => {
  it('quotes every cell, including numbers and empty cells', () => {
    expect(csvRow(['C0000001', '960.29', '', 'A'])).toBe('"C0000001","960.29","","A"');
  });

  it('doubles quotes inside a cell and keeps commas and line breaks inside the quotes', () => {
    expect(csvRow(['say "hi"', 'a,b', 'one\ntwo'])).toBe('"say ""hi""","a,b","one\ntwo"');
  });

  it.each(['=', '+', '-', '@', '\t', '\r', '\n', '\0'])('neutralises a cell starting with %j by a leading single quote inside the quotes', (lead) => {
    expect(csvRow([`${lead}SUM(A1:A9)`, 'ok'])).toBe(`"'${lead}SUM(A1:A9)","ok"`);
  });

  it('neutralises the classic payloads', () => {
    expect(csvRow(['=HYPERLINK("http://x.invalid","click")'])).toBe(`"'=HYPERLINK(""http://x.invalid"",""click"")"`);
    expect(csvRow(['-2+3+cmd|\' /C calc\'!A0'])).toBe(`"'-2+3+cmd|' /C calc'!A0"`);
    expect(csvRow(['@SUM(1+1)*cmd|\' /C calc\'!A0'])).toBe(`"'@SUM(1+1)*cmd|' /C calc'!A0"`);
  });

  it('leaves a formula character that is not the first one alone', () => {
    expect(csvRow(['a=b', 'C-1', 'x@y', ' =1'])).toBe('"a=b","C-1","x@y"," =1"');
  });

  it('a CSV reader gets back exactly the cells, neutralised ones with their leading quote', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'Z', '1', ',', '"', '\n', '\r', '\t', '\0', '=', '+', '-', '@', "'", ' ', 'é') }), { minLength: 1, maxLength: 6 }), (cells) => {
        // A lone empty cell is an empty line to a CSV reader; pad it with a second cell.
        const row = cells.length === 1 && cells[0] === '' ? ['', 'x'] : cells;
        const expected = row.map((c) => (/^[=+\-@\t\r\n\0]/.test(c) ? `'${c}` : c));
        expect(parseLine(csvRow(row))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('csvCell (scores interchange format, unchanged)', () => {
  it('leaves plain cells unquoted and still neutralises formula cells', () => {
    expect(csvCell('C0000001')).toBe('C0000001');
    expect(csvCell('AAA')).toBe('AAA');
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('\n=1+1')).toBe(`"'\n=1+1"`);
    expect(csvCell('\0=1+1')).toBe(`"'\0=1+1"`);
  });
});
