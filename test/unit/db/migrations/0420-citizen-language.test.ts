/**
 * 0420: citizens gain an optional language for what is printed for them,
 * empty for the citizens already there; only the console's two languages can
 * be stored, whoever writes the row.
 */
import { describe, expect, it } from 'vitest';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0420');

describe('migration 0420 citizen language', () => {
  it('keeps every citizen, without a language, and accepts only en and zh-CN', () => {
    const { db, migrateTo } = versioned(410);
    db.prepare("INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES ('C1', '王芳', '历下区', NULL)").run();
    const before = db.prepare('SELECT * FROM citizens').all() as Record<string, unknown>[];
    migrateTo(420);
    expect(userVersion(db)).toBe(420);
    expect(db.prepare('SELECT * FROM citizens').all()).toEqual(before.map((r) => ({ ...r, language: null })));
    db.prepare("UPDATE citizens SET language = 'zh-CN' WHERE citizen_id = 'C1'").run();
    expect(db.prepare("SELECT language FROM citizens WHERE citizen_id = 'C1'").pluck().get()).toBe('zh-CN');
    for (const bad of ['fr', 'zh', 'ZH-CN', '']) {
      expect(() => db.prepare('UPDATE citizens SET language = ? WHERE citizen_id = ?').run(bad, 'C1'), bad).toThrow(/CHECK/);
    }
  });
});
