/** Migration 0060: scoring state, per-event contributions and current scores. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventKindsFile } from '../../../../shared/domain.js';
import type { Db } from '../../../../electron/db/connection.js';
import { insertKind } from '../../../../electron/db/kinds.js';
import { verifyLedger } from '../../../../electron/db/ledger.js';
import { publishRuleset } from '../../../../electron/services/rulesets.js';
import { latestSchemaVersion } from '../../../../electron/db/connection.js';
import { DEFAULT_KINDS_FILE, DEFAULT_RULESET_FILE } from '../../helpers/defaultResources.js';
import { insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0060');

/**
 * A small population written at version 50 with plain SQL: the default
 * kinds, three citizens (C1 stole power in June), a friendship, and the
 * default ruleset stored as version 1.
 */
function seedVersion50(db: Db): { op: number; idx: Record<string, number> } {
  const op = insertOperation(db, 'import at version 50');
  for (const kind of EventKindsFile.parse(JSON.parse(readFileSync(DEFAULT_KINDS_FILE, 'utf8')))) insertKind(db, kind);
  const insert = db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES (?, ?, 'Haiyang')");
  const idx = { C1: 0, C2: 0, C3: 0 };
  for (const id of ['C1', 'C2', 'C3'] as const) idx[id] = Number(insert.run(id, `Citizen ${id}`).lastInsertRowid);
  db.prepare("INSERT INTO relationships (a, b, since) VALUES (?, ?, '2020-01-01')").run(idx.C1, idx.C2);
  db.prepare(
    `INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id)
     VALUES ('E1', ?, 'utility_theft', '2026-06-01T10:00:00Z', ?, '{"utility":"power","value":300}', ?)`,
  ).run(idx.C1, Date.parse('2026-06-01T10:00:00Z'), op);
  db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, ?)').run(JSON.stringify(JSON.parse(readFileSync(DEFAULT_RULESET_FILE, 'utf8'))), op);
  return { op, idx };
}

describe('migration 0060-scores', () => {
  it('keeps everything written at version 50 and adds STRICT scoring tables, empty', () => {
    const { db, migrateTo } = atVersion(50);
    const { op } = seedVersion50(db);

    migrateTo(60);

    expect(userVersion(db)).toBe(60);
    expect(db.prepare('SELECT version, operation_id FROM rulesets').all()).toEqual([{ version: 1, operation_id: op }]);
    expect(db.prepare('SELECT count(*) FROM citizens').pluck().get()).toBe(3);
    expect(db.prepare('SELECT count(*) FROM event_kinds').pluck().get()).toBe(8);
    expect(db.prepare('SELECT event_id FROM events').pluck().all()).toEqual(['E1']);
    for (const table of ['scoring_state', 'contributions', 'scores']) {
      expect(schemaObjects(db, 'table')).toContain(table);
      expect(isStrict(db, table)).toBe(true);
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    }
  });

  it('scores the population migrated from version 50 when a ruleset is published', () => {
    const { db, migrateTo } = atVersion(50);
    seedVersion50(db);
    migrateTo(60);
    expect(userVersion(db)).toBe(60);
    // The services run on the latest schema (later migrations add e.g. adjustments, read by scoring).
    migrateTo(latestSchemaVersion());

    const published = publishRuleset(db, JSON.parse(readFileSync(DEFAULT_RULESET_FILE, 'utf8')), { actor: 'tester', reason: 'first scoring after upgrade', asOf: '2026-11-01T00:00:00Z' });

    expect(published).toMatchObject({ ok: true, version: 2 });
    expect(db.prepare('SELECT c.citizen_id, s.cents, s.tier FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id').all()).toEqual([
      { citizen_id: 'C1', cents: 94000, tier: 'B' },
      { citizen_id: 'C2', cents: 100000, tier: 'A' },
      { citizen_id: 'C3', cents: 100000, tier: 'A' },
    ]);
    expect(verifyLedger(db)).toMatchObject({ ok: true, count: 3 });
  });

  it('allows exactly one scoring state row, referring to a published ruleset', () => {
    const { db, migrateTo } = atVersion(50);
    seedVersion50(db);
    migrateTo(60);
    const insert = db.prepare("INSERT INTO scoring_state (id, ruleset_version, as_of, as_of_ms) VALUES (?, ?, '2026-11-01T00:00:00.000Z', 1793491200000)");
    expect(() => insert.run(2, 1)).toThrow(/CHECK constraint/);
    expect(() => insert.run(1, 7)).toThrow(/FOREIGN KEY/);
    insert.run(1, 1);
    expect(() => insert.run(1, 1)).toThrow(/UNIQUE constraint|PRIMARY KEY/);
  });

  it('refuses a score for a citizen that does not exist and text in the cents column', () => {
    const { db, migrateTo } = atVersion(50);
    const { idx } = seedVersion50(db);
    migrateTo(60);
    const insert = db.prepare("INSERT INTO scores (citizen_idx, cents, tier, s, own, penalty, totals) VALUES (?, ?, 'A', 1000, 1000, 0, '{}')");
    expect(() => insert.run(999, 100000)).toThrow(/FOREIGN KEY/);
    expect(() => insert.run(idx.C1, 'a thousand')).toThrow(/cannot store TEXT value in INTEGER column scores\.cents/);
    insert.run(idx.C1, 100000);
    expect(db.prepare('SELECT cents FROM scores').pluck().all()).toEqual([100000]);
  });

  it('keys contributions by citizen, rule and event, and refuses text points', () => {
    const { db, migrateTo } = atVersion(50);
    const { idx } = seedVersion50(db);
    migrateTo(60);
    const insert = db.prepare('INSERT INTO contributions (citizen_idx, rule_index, event_idx, occurred_ms, points, error) VALUES (?, ?, 1, 0, ?, NULL)');
    insert.run(idx.C1, 5, -60);
    insert.run(idx.C1, 6, -20);
    expect(() => insert.run(idx.C1, 5, -10)).toThrow(/UNIQUE constraint|PRIMARY KEY/);
    expect(() => insert.run(idx.C2, 5, 'minus sixty')).toThrow(/cannot store TEXT value in REAL column contributions\.points/);
    expect(db.prepare('SELECT rule_index, points FROM contributions ORDER BY rule_index').all()).toEqual([
      { rule_index: 5, points: -60 },
      { rule_index: 6, points: -20 },
    ]);
  });
});
