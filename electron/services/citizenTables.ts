/**
 * Tables that other parts of Credence add in later migrations (disputes,
 * access_log, adjustments, ...), read without depending on their exact
 * schema: a table is found through sqlite_master and its rows about one
 * citizen through a citizen column. The disclosure and the subject-access
 * export use this so they keep working before and after those tables exist.
 */
import type { Db } from '../db/connection.js';

/** Columns that identify the citizen a row is about, in order of preference. */
const CITIZEN_COLUMNS = [
  { column: 'citizen_id', key: 'id' },
  { column: 'citizen_idx', key: 'idx' },
  { column: 'subject_id', key: 'id' },
  { column: 'subject_citizen_id', key: 'id' },
] as const;

export interface CitizenKey {
  id: string;
  idx: number;
}

export function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function columnsOf(db: Db, table: string): string[] {
  return db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
}

/** The column of `table` naming the citizen a row is about, or null when it has none we recognise. */
export function citizenColumnOf(db: Db, table: string): (typeof CITIZEN_COLUMNS)[number] | null {
  const columns = new Set(columnsOf(db, table));
  return CITIZEN_COLUMNS.find((c) => columns.has(c.column)) ?? null;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A row as JSON can hold it: BLOB cells become base64 text. */
export function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Uint8Array ? `base64:${Buffer.from(v).toString('base64')}` : typeof v === 'bigint' ? v.toString() : v;
  return out;
}

export type CitizenRows =
  | { table: string; status: 'absent' }
  | { table: string; status: 'no_citizen_column'; columns: string[] }
  | { table: string; status: 'read'; citizenColumn: string; rows: Record<string, unknown>[] };

/** The rows of `table` about one citizen, or why they could not be read. */
export function citizenRows(db: Db, table: string, citizen: CitizenKey): CitizenRows {
  if (!tableExists(db, table)) return { table, status: 'absent' };
  const col = citizenColumnOf(db, table);
  if (!col) return { table, status: 'no_citizen_column', columns: columnsOf(db, table) };
  const rows = db.prepare(`SELECT * FROM ${quoteIdent(table)} WHERE ${quoteIdent(col.column)} = ?`).all(citizen[col.key]) as Record<string, unknown>[];
  return { table, status: 'read', citizenColumn: col.column, rows: rows.map(jsonSafe) };
}

/**
 * Tables a future migration may add with a citizen column, other than the
 * core tables whose rows the caller reads itself (`exclude`). Virtual tables
 * (the FTS index) and their shadow tables are skipped: they only mirror
 * `citizens`.
 */
export function otherCitizenTables(db: Db, exclude: ReadonlySet<string>): string[] {
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string; sql: string | null }[];
  const virtual = tables.filter((t) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(t.sql ?? '')).map((t) => t.name);
  return tables
    .map((t) => t.name)
    .filter((name) => !exclude.has(name) && !virtual.some((v) => name === v || name.startsWith(`${v}_`)))
    .filter((name) => citizenColumnOf(db, name) !== null);
}

const CLOSED_STATUSES = new Set(['closed', 'resolved', 'decided', 'rejected', 'upheld', 'dismissed', 'withdrawn', 'answered', 'done']);
const CLOSED_AT_COLUMNS = ['decided_at', 'closed_at', 'resolved_at', 'answered_at'];

export interface OpenDispute {
  id: string;
  openedAt: string | null;
  /** What is disputed: "record E000000042", "measure no-rail", or the row's own text. */
  about: string | null;
  status: string | null;
  /** The answer deadline the dispute store holds, if it holds one. */
  deadline: string | null;
}

function firstValue(row: Record<string, unknown>, names: string[]): string | null {
  for (const n of names) if (row[n] !== undefined && row[n] !== null && row[n] !== '') return String(row[n]);
  return null;
}

/** What a dispute row is about, following its references to an event or a measure decision where it has them. */
function disputeSubject(db: Db, row: Record<string, unknown>): string | null {
  const eventId = firstValue(row, ['event_id']);
  if (eventId) return `record ${eventId}`;
  if (typeof row.event_idx === 'number') {
    const id = db.prepare('SELECT event_id FROM events WHERE idx = ?').pluck().get(row.event_idx) as string | undefined;
    if (id) return `record ${id}`;
  }
  if (typeof row.measure_decision_id === 'number' && tableExists(db, 'measure_decisions') && columnsOf(db, 'measure_decisions').includes('measure_id')) {
    const id = db.prepare('SELECT measure_id FROM measure_decisions WHERE id = ?').pluck().get(row.measure_decision_id) as string | undefined;
    if (id) return `measure ${id}`;
  }
  return firstValue(row, ['subject', 'about', 'grounds']);
}

/**
 * The citizen's open disputes. `unknown` when a `disputes` table exists but
 * cannot be read for one citizen: a disclosure must then not claim there are none.
 * A dispute is open when its status is not a closed one or, without a status
 * column, when its decision/close timestamp is empty.
 */
export function openDisputes(db: Db, citizen: CitizenKey): { status: 'no_table' | 'read'; disputes: OpenDispute[] } | { status: 'unknown' } {
  const read = citizenRows(db, 'disputes', citizen);
  if (read.status === 'absent') return { status: 'no_table', disputes: [] };
  if (read.status === 'no_citizen_column') return { status: 'unknown' };
  const open = read.rows.filter((row) => {
    const status = firstValue(row, ['status', 'state']);
    if (status !== null) return !CLOSED_STATUSES.has(status.toLowerCase());
    return CLOSED_AT_COLUMNS.every((c) => row[c] === undefined || row[c] === null || row[c] === '');
  });
  return {
    status: 'read',
    disputes: open.map((row) => ({
      id: firstValue(row, ['dispute_id', 'id']) ?? '?',
      openedAt: firstValue(row, ['opened_at', 'created_at', 'filed_at', 'at']),
      about: disputeSubject(db, row),
      status: firstValue(row, ['status', 'state']),
      deadline: firstValue(row, ['deadline', 'due_at', 'answer_due']),
    })),
  };
}

/**
 * Days within which a contest is answered: the console's setting
 * (`settings.dispute_deadline_days`) where a database has one, else `fallback`.
 */
export function disputeDeadlineSetting(db: Db, fallback: number): number {
  if (!tableExists(db, 'settings')) return fallback;
  const columns = columnsOf(db, 'settings');
  if (!columns.includes('key') || !columns.includes('value')) return fallback;
  const value = Number(db.prepare("SELECT value FROM settings WHERE key = 'dispute_deadline_days'").pluck().get());
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
