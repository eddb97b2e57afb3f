/**
 * A crash in the middle of an import (SCORING_MODEL §7.5): a child process
 * imports a large demo folder and is SIGKILLed while its transaction is open.
 * The database must then be intact, hold nothing of the killed batch, and
 * keep everything committed before it.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { writeDemoFolder } from '../../../electron/services/demo.js';
import { dbSnapshot, KINDS_FILE, REPO_ROOT, removeTempDirs, seedBaseline, tempDir } from '../helpers/importFixtures.js';

const CHILD = join(REPO_ROOT, 'test/unit/helpers/crashImport.ts');

interface ChildOutcome {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  killedAfter: string | null;
  /** Size of the WAL file right after the child died. */
  walBytes: number;
}

/** Runs the import child and SIGKILLs it as soon as it reports that the import is underway. */
function importAndKill(dbPath: string, dir: string, announceAt: number, cacheKib?: number): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', CHILD, dbPath, dir, String(announceAt), ...(cacheKib ? [String(cacheKib)] : [])];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedAfter: string | null = null;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      const underway = /^underway .*$/m.exec(stdout);
      if (underway && killedAfter === null) {
        killedAfter = underway[0];
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wal = `${dbPath}-wal`;
      resolve({ stdout, stderr, code, signal, killedAfter, walBytes: existsSync(wal) ? statSync(wal).size : 0 });
    });
  });
}

describe('import killed mid-transaction', () => {
  let dir: string;
  let dbPath: string;
  let before: ReturnType<typeof dbSnapshot>;
  let demo: { citizens: number; relationships: number; events: number };

  beforeAll(async () => {
    dir = tempDir('credence-crash-');
    dbPath = join(dir, 'credence.db');
    const db = openDatabase(dbPath);
    await seedBaseline(db); // committed: kinds, 5 citizens, friendships, events, a ruleset, scores, ledger
    before = dbSnapshot(db);
    db.close();
    demo = writeDemoFolder(join(dir, 'demo'), KINDS_FILE, { citizens: 25_000, seed: 20261126, asOfMs: Date.UTC(2025, 0, 1) });
  });

  afterAll(() => removeTempDirs());

  /** The killed child left the database intact, with nothing of its batch and all that was committed before. */
  function expectUntouched(outcome: ChildOutcome): void {
    // The child was killed by us while importing, not finished or crashed on its own.
    expect(outcome.stderr).toBe('');
    expect(outcome.killedAfter).toMatch(/^underway \d+$/);
    expect(outcome.stdout).not.toMatch(/finished/);
    expect(outcome.signal).toBe('SIGKILL');

    const db = openDatabase(dbPath);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.prepare("SELECT count(*) FROM events WHERE event_id LIKE 'E0%'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM citizens WHERE citizen_id LIKE 'C0%'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM operations WHERE actor = 'crash-test'").pluck().get()).toBe(0);
      expect(dbSnapshot(db)).toEqual(before);
      expect(verifyLedger(db)).toMatchObject({ ok: true, count: before.ledger.length });
    } finally {
      db.close();
    }
  }

  it('a SIGKILL mid-import leaves an intact database holding nothing of the batch and everything committed before it', async () => {
    expect(demo.events).toBeGreaterThan(250_000);
    expect(before.events).toHaveLength(4);
    expect(before.ledger.length).toBeGreaterThan(0);
    expectUntouched(await importAndKill(dbPath, join(dir, 'demo'), 0.3));
  });

  it('a SIGKILL after the open transaction spilled uncommitted pages into the WAL leaves nothing of the batch', async () => {
    // A 1 MiB page cache cannot hold ~100k new events, so SQLite writes uncommitted frames to the WAL before the kill.
    const outcome = await importAndKill(dbPath, join(dir, 'demo'), 0.3, 1024);
    expect(outcome.walBytes).toBeGreaterThan(4 << 20);
    expectUntouched(outcome);
  });
});
