/** Migration 0100: contributions written before it are rounded to whole micro-points, half away from zero. */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0100 from '../../../../electron/db/migrations/0100-micro-point-contributions.js';
import { userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0100');
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0100) - 1].version;

describe('migration 0100-micro-point-contributions', () => {
  it('rounds every stored contribution to micro-points (ties away from zero), leaves whole ones, errors and huge values alone', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    // contributions has no foreign keys: rows stand alone.
    const insert = db.prepare('INSERT INTO contributions (citizen_idx, rule_index, event_idx, occurred_ms, points, error) VALUES (1, 0, ?, 0, ?, ?)');
    const before: [number, number, string | null][] = [
      [1, 0.0049995, null],
      [2, -0.0049995, null],
      [3, 0.00000049, null],
      [4, -12.5, null],
      [5, 1.2345674, null],
      [6, 0, 'division by zero'],
      [7, 4.25e307, null],
    ];
    for (const row of before) insert.run(...row);

    migrateTo(100);

    expect(userVersion(db)).toBe(100);
    expect(db.prepare('SELECT event_idx, points, error FROM contributions ORDER BY event_idx').raw(true).all()).toEqual([
      [1, 0.005, null],
      [2, -0.005, null],
      [3, 0, null],
      [4, -12.5, null],
      [5, 1.234567, null],
      [6, 0, 'division by zero'],
      [7, 4.25e307, null],
    ]);
  });
});
