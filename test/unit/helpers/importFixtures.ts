/**
 * Fixtures for the import tests: temp folders and databases, a small committed
 * baseline (kinds, citizens, friendships, events, a published ruleset) and a
 * snapshot of every table so a rejected or cancelled import can be checked to
 * have left the database exactly as it was.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { importFolder } from '../../../electron/services/import.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const KINDS_FILE = join(REPO_ROOT, 'resources/default/event_kinds.json');
export const RULESET_FILE = join(REPO_ROOT, 'resources/default/ruleset.json');
export const DEFAULT_RULESET: unknown = JSON.parse(readFileSync(RULESET_FILE, 'utf8'));
export const BASELINE_AS_OF = '2025-01-01T00:00:00Z';

/** Temp directories made by a test file; `removeTempDirs` in afterEach/afterAll deletes them. */
const made: string[] = [];

export function tempDir(prefix = 'credence-import-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
}

/** Writes the given files into `dir` (created if needed); returns `dir`. */
export function writeFolder(dir: string, files: Record<string, string | Buffer>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A new import folder under a fresh temp dir. */
export function folder(files: Record<string, string | Buffer>): string {
  return writeFolder(join(tempDir(), 'in'), files);
}

export function openTempDb(): { db: Db; path: string } {
  const path = join(tempDir('credence-db-'), 'credence.db');
  return { db: openDatabase(path), path };
}

/** A database with one citizen (idx 1), one kind `k` and one import operation (id 1) for events to refer to: the chain sealer tests' world. */
export function eventsWorld(): Db {
  const { db } = openTempDb();
  db.exec(`
    INSERT INTO event_kinds (kind, fields) VALUES ('k', '{}');
    INSERT INTO citizens (citizen_id, name, district) VALUES ('C1', 'A', 'D');
    INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'tester', '2026-11-01T00:00:00Z', 'test', '{}');
  `);
  return db;
}

export const TABLES = ['event_kinds', 'citizens', 'relationships', 'events', 'operations', 'ledger', 'rulesets', 'scoring_state', 'contributions', 'scores', 'import_batches', 'import_files', 'consents', 'chain_seals'] as const;

/** Every row of every table, in a fixed order: equal snapshots mean an unchanged database. */
export function dbSnapshot(db: Db): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const columns = (db.pragma(`table_info(${t})`) as unknown[]).length;
    const order = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
    out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).raw(true).all();
  }
  return out;
}

export function rowCounts(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return out;
}

export const KINDS_JSON = readFileSync(KINDS_FILE, 'utf8');

/**
 * The committed baseline. With the default ruleset as of 2025-01-01:
 * C1 own 1001 (one bill on time), C2 own 1002 (8 h volunteering), C3 own 820
 * (arrears capped at -120, utility theft -60), C4 and C5 1000. C2's friends
 * are C1 and C3, so C2 carries a penalty of 0.5/2 * (850 - 820) = 7.5.
 */
export const BASELINE_FILES = {
  'event_kinds.json': KINDS_JSON,
  'citizens.csv': [
    'citizen_id,name,district,birth_date',
    'C1,Ann Lee,Chengxi,1980-01-01',
    'C2,Bo Wang,Chengxi,1975-05-05',
    'C3,Cy Zhao,Dongshan,',
    'C4,Di Sun,Dongshan,1990-12-31',
    'C5,Ed Hu,Yatou,2000-02-29',
    '',
  ].join('\n'),
  'relationships.csv': ['a,b,since,until', 'C1,C2,2020-01-01,', 'C2,C3,2021-06-01,2030-01-01', ''].join('\n'),
  'events.csv': [
    'event_id,citizen_id,kind,occurred_at,data',
    'E1,C1,bill_payment,2024-06-01T10:00:00Z,"{""amount"":50,""on_time"":true,""provider"":""water""}"',
    'E2,C2,volunteer_service,2024-07-01T09:00:00Z,"{""hours"":8}"',
    'E3,C3,bank_arrears,2024-03-01T00:00:00Z,"{""months_overdue"":12,""amount"":9000}"',
    'E4,C3,utility_theft,2024-04-01T12:30:00+08:00,"{""value"":300,""utility"":""power""}"',
    '',
  ].join('\n'),
};

/** Imports the baseline and publishes the default ruleset; the database then has scores and ledger entries. */
export async function seedBaseline(db: Db): Promise<void> {
  const report = await importFolder(db, folder(BASELINE_FILES), { actor: 'test', reason: 'baseline' });
  if (!report.ok) throw new Error(`baseline import failed: ${JSON.stringify(report.problems)}`);
  const published = publishRuleset(db, DEFAULT_RULESET, { actor: 'test', reason: 'baseline ruleset', asOf: BASELINE_AS_OF });
  if (!published.ok) throw new Error(`baseline ruleset failed: ${JSON.stringify(published.problems)}`);
}

/** Stored score in cents of one citizen, or undefined. */
export function centsOf(db: Db, citizenId: string): number | undefined {
  return db.prepare('SELECT s.cents FROM scores s JOIN citizens c ON c.idx = s.citizen_idx WHERE c.citizen_id = ?').pluck().get(citizenId) as number | undefined;
}

/** A CSV field quoted the way a spreadsheet writes it. */
export function csvQuote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** One events.csv row with `data` as a quoted JSON object. */
export function eventRow(id: string, citizen: string, kind: string, at: string, data: unknown): string {
  return `${id},${citizen},${kind},${at},${csvQuote(JSON.stringify(data))}`;
}
