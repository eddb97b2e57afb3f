/**
 * CSV export of current scores: citizen_id,score,tier,own,penalty sorted by id
 * (the interchange format: numbers unquoted, text quoted only when needed),
 * and csvRow, the general rule for every other CSV export.
 */
import type { Db } from '../db/connection.js';
import { formatCents, formatPoints } from '../engine/scoring.js';

/** The one rounding of every figure shown to the cent (SCORING_MODEL §5), for the command line and other exports. */
export { formatPoints };

export const SCORES_HEADER = 'citizen_id,score,tier,own,penalty';

/**
 * A cell a spreadsheet could run as a formula: starting with = + - @, a tab,
 * a carriage return, or a line feed or NUL (which some importers strip
 * before the formula character that follows).
 */
export const FORMULA_START = /^[=+\-@\t\r\n\0]/;

/** Scores format only: quote a cell that needs it, and neutralise cells a spreadsheet would run as a formula. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One CSV line for every export other than the scores interchange format:
 * EVERY cell is quoted, and a cell a spreadsheet would run as a formula
 * (FORMULA_START: = + - @, a tab, CR, LF or NUL) gets a leading single
 * quote inside the quotes, so it is shown as text (OWASP "CSV injection").
 */
export function csvRow(cells: string[]): string {
  return cells.map((value) => `"${(FORMULA_START.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`).join(',');
}

export function* scoreRows(db: Db): Generator<string> {
  yield SCORES_HEADER;
  const rows = db
    .prepare('SELECT c.citizen_id, s.cents, s.tier, s.own, s.penalty FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id')
    .raw(true)
    .iterate() as IterableIterator<[string, number, string, number, number]>;
  for (const [id, cents, tier, own, penalty] of rows) {
    yield `${csvCell(id)},${formatCents(cents)},${csvCell(tier)},${formatPoints(own)},${formatPoints(penalty)}`;
  }
}
