/** CSV export of current scores: citizen_id,score,tier,own,penalty sorted by id. */
import type { Db } from '../db/connection.js';
import { formatCents, scoreCents } from '../engine/scoring.js';

export const SCORES_HEADER = 'citizen_id,score,tier,own,penalty';

/** Quote a cell that needs it, and neutralise cells a spreadsheet would run as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function* scoreRows(db: Db): Generator<string> {
  yield SCORES_HEADER;
  const rows = db
    .prepare('SELECT c.citizen_id, s.cents, s.tier, s.own, s.penalty FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id')
    .raw(true)
    .iterate() as IterableIterator<[string, number, string, number, number]>;
  for (const [id, cents, tier, own, penalty] of rows) {
    yield `${csvCell(id)},${formatCents(cents)},${csvCell(tier)},${formatCents(scoreCents(own))},${formatCents(scoreCents(penalty))}`;
  }
}
