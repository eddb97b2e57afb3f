/**
 * Provenance (issue 9 item 8): every event shows the import that brought it
 * (file, SHA-256, operator, time) and the provider named in it; Operations
 * filter by provider; a dispute of an event names the provider to contact.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract.js';
import type { Db } from '../../../electron/db/connection.js';
import { listDisputes, openDispute } from '../../../electron/services/disputes.js';
import { importFolder } from '../../../electron/services/import.js';
import { citizenEvents, listOperations } from '../../../electron/services/queries.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { dbSnapshot, eventRow, folder, openTempDb, removeTempDirs, seedBaseline } from '../helpers/importFixtures.js';

const EVENTS_HEADER = 'event_id,citizen_id,kind,occurred_at,data';
const lines = (...rows: string[]) => rows.join('\n') + '\n';
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let db: Db;

beforeEach(async () => {
  db = openTempDb().db;
  await seedBaseline(db);
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

const eventsOf = (citizenId: string) => citizenEvents(db, channels.citizenEvents.input.parse({ citizenId }));

describe('provenance of imported events', () => {
  it('stores the provider and each file with its SHA-256 and size, and shows them with every event of the import', async () => {
    const dir = folder({
      'citizens.csv': lines('citizen_id,name,district,birth_date', 'C6,Fay Lin,Yatou,'),
      'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C6', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 })),
    });
    const report = await importFolder(db, dir, { actor: 'clerk.li', provider: 'Yatou district registry', reason: 'November transfer' });
    expect(report.problems).toEqual([]);
    const op = report.operationId!;
    expect(db.prepare('SELECT provider, source FROM import_batches WHERE operation_id = ?').get(op)).toEqual({ provider: 'Yatou district registry', source: dir.replace(/\/$/, '') });
    expect(db.prepare('SELECT name, origin, sha256, bytes FROM import_files WHERE operation_id = ? ORDER BY name').all(op)).toEqual([
      { name: 'citizens.csv', origin: join(dir, 'citizens.csv'), sha256: sha256(join(dir, 'citizens.csv')), bytes: readFileSync(join(dir, 'citizens.csv')).length },
      { name: 'events.csv', origin: join(dir, 'events.csv'), sha256: sha256(join(dir, 'events.csv')), bytes: readFileSync(join(dir, 'events.csv')).length },
    ]);
    const at = db.prepare('SELECT at FROM operations WHERE id = ?').pluck().get(op);
    expect(eventsOf('C6').rows[0].source).toEqual({
      operationId: op,
      operationKind: 'events_imported',
      operator: 'clerk.li',
      at,
      provider: 'Yatou district registry',
      file: join(dir, 'events.csv'),
      sha256: sha256(join(dir, 'events.csv')),
    });
    // The operation's details carry the same provenance, so the chain over operations covers it.
    const details = JSON.parse(db.prepare('SELECT details FROM operations WHERE id = ?').pluck().get(op) as string);
    expect(details).toMatchObject({ provider: 'Yatou district registry', sha256: { 'events.csv': sha256(join(dir, 'events.csv')) } });
  });

  it('keeps the source of an event that a later import repeats unchanged', async () => {
    const files = { 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 })) };
    const first = await importFolder(db, folder(files), { actor: 'clerk.li', provider: 'First registry' });
    await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 }), eventRow('E11', 'C4', 'blood_donation', '2024-06-01T10:00:00Z', { ml: 400 })) }), { actor: 'clerk.wu', provider: 'Second registry' });
    const byId = new Map(eventsOf('C4').rows.map((r) => [r.eventId, r.source]));
    expect(byId.get('E10')).toMatchObject({ operationId: first.operationId, provider: 'First registry', operator: 'clerk.li' });
    expect(byId.get('E11')).toMatchObject({ provider: 'Second registry', operator: 'clerk.wu' });
  });

  it('names an uploaded file by where it came from on the uploader computer', async () => {
    const report = await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 })) }), {
      actor: 'clerk.li',
      provider: 'Blood service',
      origins: { 'events.csv': 'upload: exports/donations-2024-05.csv' },
    });
    expect(eventsOf('C4').rows.find((r) => r.eventId === 'E10')?.source).toMatchObject({ file: 'upload: exports/donations-2024-05.csv', provider: 'Blood service' });
    expect(db.prepare('SELECT source FROM import_batches WHERE operation_id = ?').pluck().get(report.operationId)).toBe('upload');
  });

  it('an event entered by hand shows its operator and no provider', () => {
    const { operationId } = recordEvent(db, { eventId: 'R1', citizenId: 'C4', kind: 'blood_donation', occurredAt: '2024-05-01T10:00:00Z', data: { ml: 400 } }, { actor: 'clerk.wu', reason: 'walk-in donation' });
    expect(eventsOf('C4').rows.find((r) => r.eventId === 'R1')?.source).toMatchObject({ operationId, operationKind: 'event_recorded', operator: 'clerk.wu', provider: null, file: null, sha256: null });
  });

  it('a refused import and a dry run record no batch', async () => {
    const before = dbSnapshot(db);
    const refused = await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00', {})) }), { actor: 'clerk.li', provider: 'Some registry' });
    expect(refused.ok).toBe(false);
    const dry = await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', {})) }), { actor: 'clerk.li', provider: 'Some registry', dryRun: true });
    expect(dry.ok).toBe(true);
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('refuses a provider name with a bidi override or of more than 200 characters, at the door and in the service', async () => {
    for (const provider of ['Registry \u202Eevil', 'R'.repeat(201), '   ']) {
      expect(channels.importFolder.input.safeParse({ folder: '/x', provider }).success).toBe(false);
      const report = await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER) }), { actor: 'clerk.li', provider });
      expect(report).toMatchObject({ ok: false, problems: [{ field: 'provider' }] });
    }
    expect(channels.importFolder.input.safeParse({ folder: '/x' }).success).toBe(false);
    expect(channels.importFiles.input.safeParse({ files: [{ name: 'events.csv', content: '' }] }).success).toBe(false);
  });
});

describe('operations by provider, disputes with the provider to contact', () => {
  it('filters the operations by the provider named in the import and lists the providers', async () => {
    const a = await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 })) }), { actor: 'clerk.li', provider: 'Blood service' });
    await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E11', 'C5', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 })) }), { actor: 'clerk.li', provider: 'Yatou registry' });
    const page = listOperations(db, { provider: 'Blood service', offset: 0, limit: 50 });
    expect(page.rows.map((r) => r.id)).toEqual([a.operationId]);
    expect(page.total).toBe(1);
    expect(page.providers).toEqual(['Blood service', 'Yatou registry']);
    expect(listOperations(db, { provider: 'Nobody', offset: 0, limit: 50 }).total).toBe(0);
  });

  it('a dispute of an imported event carries its source, and so the provider to contact', async () => {
    await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 })) }), { actor: 'clerk.li', provider: 'Blood service' });
    const id = openDispute(db, { citizenId: 'C4', eventId: 'E10', statement: 'I never donated that day' }, 'clerk.wu');
    const dispute = listDisputes(db, { citizenId: 'C4' }).find((d) => d.id === id)!;
    expect(dispute.source).toMatchObject({ provider: 'Blood service', operator: 'clerk.li', file: expect.stringMatching(/events\.csv$/) });
  });
});
