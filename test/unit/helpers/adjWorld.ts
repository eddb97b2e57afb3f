/**
 * A tiny world for scoring tests: one event kind `adj{p: number}` and one
 * rule that adds `event.p` (so each event contributes exactly the points
 * written in it), default parameters, real SQLite files in a temp folder,
 * imports through the ordinary import service.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import type { ScoringPath } from '../../../electron/services/scoring.js';
import { tempDir } from './tempDirs.js';

export const ADJ_KINDS = [{ kind: 'adj', fields: { p: { type: 'number' } } }];

export function adjRuleset(overrides: Record<string, unknown> = {}, rules?: unknown[]) {
  return {
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
    tiers: [
      { name: 'AAA', min: 1050 },
      { name: 'AA', min: 1030 },
      { name: 'A', min: 960 },
      { name: 'B', min: 850 },
      { name: 'C', min: 600 },
      { name: 'D', min: 0 },
    ],
    rules: rules ?? [{ id: 'adj', name: 'Adjustment event', description: '', dimension: 'test', event_kind: 'adj', condition: 'true', points: 'event.p' }],
    ...overrides,
  };
}

export interface AdjBatch {
  kinds?: boolean;
  citizens?: string[];
  /** `a,b,since,until` lines. */
  relationships?: string[];
  /** [event_id, citizen, occurred_at, p] */
  events?: [string, string, string, number | string][];
}

export interface AdjWorld {
  db: Db;
  dir: string;
  import(batch: AdjBatch, path?: ScoringPath): Promise<ImportReport>;
  publish(asOf: string, ruleset?: unknown): void;
  close(): void;
}

let counter = 0;

export function adjWorld(name = 'adj'): AdjWorld {
  const tmp = tempDir(name);
  const db = openDatabase(join(tmp.dir, 'credence.db'));
  return {
    db,
    dir: tmp.dir,
    async import(batch, path) {
      const dir = join(tmp.dir, `in-${++counter}`);
      mkdirSync(dir);
      if (batch.kinds) writeFileSync(join(dir, 'event_kinds.json'), JSON.stringify(ADJ_KINDS));
      if (batch.citizens?.length) writeFileSync(join(dir, 'citizens.csv'), ['citizen_id,name,district,birth_date', ...batch.citizens.map((c) => `${c},Citizen ${c},North,`)].join('\n') + '\n');
      if (batch.relationships?.length) writeFileSync(join(dir, 'relationships.csv'), ['a,b,since,until', ...batch.relationships].join('\n') + '\n');
      if (batch.events?.length) {
        const rows = batch.events.map(([id, c, at, p]) => `${id},${c},adj,${at},"{""p"":${p}}"`);
        writeFileSync(join(dir, 'events.csv'), ['event_id,citizen_id,kind,occurred_at,data', ...rows].join('\n') + '\n');
      }
      const report = await importFolder(db, dir, { actor: 'test', scoringPath: path });
      if (!report.ok) throw new Error(`import failed: ${JSON.stringify(report.problems)}`);
      return report;
    },
    publish(asOf, ruleset = adjRuleset()) {
      const result = publishRuleset(db, ruleset, { actor: 'test', reason: 'test ruleset', asOf });
      if (!result.ok) throw new Error(`publish failed: ${JSON.stringify(result.problems)}`);
    },
    close() {
      db.close();
      tmp.cleanup();
    },
  };
}
