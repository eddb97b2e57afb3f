/**
 * 0240: ruleset proposals gain a column for the proposer's simulation; the
 * proposals already there are kept, without one (so they cannot be approved
 * until a simulation is attached).
 */
import { describe, expect, it } from 'vitest';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0240');

describe('migration 0240 proposal simulation', () => {
  it('adds an empty simulation to every existing proposal and keeps the rest', () => {
    const { db, migrateTo } = versioned(190);
    db.prepare("INSERT INTO proposals (kind, payload, reason, proposed_by, proposed_at, status) VALUES ('ruleset', '{}', 'an older proposal', 'alice', '2026-01-01T00:00:00Z', 'pending')").run();
    const before = db.prepare('SELECT * FROM proposals').all();
    migrateTo(240);
    expect(userVersion(db)).toBe(240);
    const after = db.prepare('SELECT * FROM proposals').all() as Record<string, unknown>[];
    expect(after).toEqual((before as Record<string, unknown>[]).map((r) => ({ ...r, simulation: null })));
  });
});
