/**
 * Purpose of access: when an administrator makes it mandatory, an opening of
 * a record without one is refused and the refusal logged; the setting itself
 * needs the admin role and is logged; each user is offered their own recent
 * purposes, never someone else's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchFromSession } from '../../../electron/ipc/dispatch.js';
import { accessMark, accessSince, createAccounts, logInEveryRole, openApiContext, USERNAMES, type ApiContext } from '../helpers/apiContext.js';
import type { Role } from '../../../shared/contract.js';

let api: ApiContext;
let tokens: Record<Role, string>;
const call = (name: string, input: unknown, role: Role) => dispatchFromSession(name, input, api.ctx, tokens[role]);

beforeAll(async () => {
  api = await openApiContext({ demo: true });
  await createAccounts(api.db);
  tokens = await logInEveryRole(api.sessions);
});
afterAll(() => api?.close());

describe('a mandatory purpose of access', () => {
  it('only an administrator sets it; the change is logged with its reason', async () => {
    expect(await call('setAccessSettings', { purposeRequired: true, reason: 'policy 2026/4' }, 'official')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('accessSettings', {}, 'viewer')).toEqual({ ok: true, value: { purposeRequired: false } });
    const mark = accessMark(api.db);
    expect(await call('setAccessSettings', { purposeRequired: true, reason: 'policy 2026/4' }, 'admin')).toEqual({ ok: true, value: { purposeRequired: true } });
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: USERNAMES.admin, action: 'change_setting', detail: 'purpose of access made mandatory: policy 2026/4', outcome: 'allowed' })]);
  });

  it.each([undefined, '', '   '])('refuses an opening with purpose %j and logs the refusal, without reading the record', async (purpose) => {
    const mark = accessMark(api.db);
    const reply = await call('citizen', { citizenId: 'C0000042', ...(purpose === undefined ? {} : { purpose }) }, 'viewer');
    expect(reply).toMatchObject({ ok: false, error: { code: 'rejected', message: expect.stringMatching(/state the purpose of access/) } });
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: USERNAMES.viewer, action: 'view_record', citizenId: 'C0000042', outcome: 'refused' })]);
  });

  it('allows an opening with a purpose, logged with it', async () => {
    const mark = accessMark(api.db);
    const reply = await call('citizen', { citizenId: 'C0000042', purpose: 'case 2026/118' }, 'viewer');
    expect(reply.ok).toBe(true);
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ action: 'view_record', citizenId: 'C0000042', purpose: 'case 2026/118', outcome: 'allowed' })]);
  });
});

describe('recent purposes', () => {
  it("are the caller's own, newest first, each once", async () => {
    for (const p of ['case 1', 'case 2', 'case 1', 'case 3']) expect((await call('citizen', { citizenId: 'C0000007', purpose: p }, 'official')).ok).toBe(true);
    expect((await call('citizen', { citizenId: 'C0000007', purpose: 'the auditor only' }, 'auditor')).ok).toBe(true);
    expect(await call('recentPurposes', {}, 'official')).toEqual({ ok: true, value: ['case 3', 'case 1', 'case 2'] });
  });
});
