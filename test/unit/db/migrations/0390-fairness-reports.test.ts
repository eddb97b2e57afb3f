/**
 * 0390: published versions keep their fairness report. Versions published
 * before have none (nothing is invented for them); the table is append-only,
 * chained from the migration on, and an acknowledgement needs its author.
 */
import { describe, expect, it } from 'vitest';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0390');

describe('migration 0390 fairness reports', () => {
  it('adds an empty, chained, append-only table beside the published versions', () => {
    const { db, migrateTo } = versioned(320);
    db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('ruleset_published', 'wang', '2026-01-01T00:00:00Z', 'first', '{}')").run();
    db.prepare("INSERT INTO rulesets (version, spec, operation_id) VALUES (1, '{}', 1)").run();
    migrateTo(390);
    expect(userVersion(db)).toBe(390);
    expect(db.prepare('SELECT count(*) FROM fairness_reports').pluck().get()).toBe(0);
    expect(db.prepare("SELECT tbl FROM chain_tables WHERE tbl = 'fairness_reports'").pluck().get()).toBe('fairness_reports');
    const insert = db.prepare('INSERT INTO fairness_reports (ruleset_version, operation_id, report, flags, acknowledgement, acknowledged_by) VALUES (?, ?, ?, ?, ?, ?)');
    expect(() => insert.run(1, 1, '{"flags": []', 0, null, null)).toThrow(/CHECK/);
    expect(() => insert.run(1, 1, '{}', 1, 'ok', 'li')).toThrow(/CHECK/);
    expect(() => insert.run(1, 1, '{}', 1, 'reviewed with the district', null)).toThrow(/CHECK/);
    insert.run(1, 1, '{"flags": []}', 0, null, null);
    expect(db.prepare("SELECT count(*) FROM chain WHERE tbl = 'fairness_reports'").pluck().get()).toBe(1);
    expect(() => db.prepare("UPDATE fairness_reports SET acknowledgement = 'later' WHERE ruleset_version = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM fairness_reports').run()).toThrow(/append-only/);
  });
});
