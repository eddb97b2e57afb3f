/**
 * The backup channels (admin): take a backup into the backup folder, list it,
 * verify it by name, change the folder and the number kept; each logged; a
 * name that reaches outside the folder is refused; other roles are refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { accessMark, accessSince, callerAs, openApiContext, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;
beforeAll(async () => {
  api = await openApiContext({ demo: true });
});
afterAll(() => api?.close());

const admin = callerAs('admin');

describe('backup channels', () => {
  it('take, list and verify a backup; the backup is logged', async () => {
    const mark = accessMark(api.db);
    const taken = await dispatch('createBackup', {}, api.ctx, admin);
    expect(taken).toMatchObject({ ok: true, value: { citizens: 300, file: expect.stringMatching(/^credence-.*\.backup$/) } });
    const file = (taken as { value: { file: string } }).value.file;
    const listed = await dispatch('backups', {}, api.ctx, admin);
    expect(listed).toMatchObject({ ok: true, value: { folder: join(api.dir, 'backups'), keep: 7, backups: [{ file }] } });
    // Keyed, so the console reads the check in its reader's language (the English beside it).
    expect(await dispatch('verifyBackup', { file }, api.ctx, admin)).toMatchObject({ ok: true, value: { ok: true, key: 'backup.intact', params: { file }, message: expect.stringMatching(/: intact, chain of \d+ entries verified/) } });
    expect(accessSince(api.db, mark).map((r) => r.action)).toContain('backup');
  });

  it('reports a damaged backup as not ok, and refuses a name outside the folder', async () => {
    writeFileSync(join(api.dir, 'backups', 'junk.backup'), 'not a backup');
    expect(await dispatch('verifyBackup', { file: 'junk.backup' }, api.ctx, admin)).toMatchObject({ ok: true, value: { ok: false, key: 'backup.noManifest', message: expect.stringMatching(/no readable manifest/) } });
    expect(await dispatch('verifyBackup', { file: '../credence.sqlite' }, api.ctx, admin)).toMatchObject({ ok: false, error: { code: 'rejected' } });
  });

  it('changes the folder and the number kept, logged', async () => {
    const mark = accessMark(api.db);
    const folder = join(api.dir, 'offsite');
    expect(await dispatch('setBackupSettings', { folder, keep: 3 }, api.ctx, admin)).toMatchObject({ ok: true, value: { folder, keep: 3 } });
    expect(accessSince(api.db, mark).map((r) => [r.action, r.detail])).toContainEqual(['settings', `daily backups: folder ${folder}, keep 3`]);
  });

  it('is for administrators only', async () => {
    for (const role of ['viewer', 'official', 'auditor'] as const) {
      expect(await dispatch('createBackup', {}, api.ctx, callerAs(role))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});
