/**
 * A real database holding a small synthetic population scored under the
 * default ruleset (the path the CLI `demo` command takes, called in process).
 */
import { copyFileSync } from 'node:fs';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { writeDemoFolder } from '../../../electron/services/demo.js';
import { importFolder } from '../../../electron/services/import.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { parseInstant } from '../../../electron/services/scoring.js';
import { DEFAULT_KINDS_FILE, defaultRuleset } from './defaultResources.js';
import { tempDir } from './tempDirs.js';

export interface DemoDatabaseOptions {
  citizens?: number;
  seed?: number;
  asOf?: string;
}

/**
 * Create `file` with a demo population imported (operation 1) and the
 * default ruleset published as of `asOf` (operation 2). The database is left open.
 */
export async function buildDemoDatabase(file: string, options: DemoDatabaseOptions = {}): Promise<Db> {
  const citizens = options.citizens ?? 300;
  const asOf = parseInstant(options.asOf ?? '2026-11-01T00:00:00Z');
  const { dir, cleanup } = tempDir('demo-folder');
  const db = openDatabase(file);
  try {
    writeDemoFolder(dir, DEFAULT_KINDS_FILE, { citizens, seed: options.seed ?? 7, asOfMs: asOf.ms });
    const report = await importFolder(db, dir, { actor: 'test', reason: 'demo population for tests' });
    if (!report.ok) throw new Error(`demo import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const published = publishRuleset(db, defaultRuleset(), { actor: 'test', reason: 'default ruleset for tests', asOf: asOf.iso });
    if (!published.ok) throw new Error(`default ruleset rejected: ${JSON.stringify(published.problems)}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  } finally {
    cleanup();
  }
}

/** Copy a closed database file (WAL already checkpointed by close) to a new path and open it. */
export function openCopy(template: string, target: string): Db {
  copyFileSync(template, target);
  return openDatabase(target);
}
