/**
 * The recourse channels (issue 13) at the door: a session is needed, a read
 * of a citizen's outlook or network is purpose-gated like opening the record
 * and logged with the citizens it returned; the district aggregate names no
 * one and is not a read of personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchFromSession } from '../../../electron/ipc/dispatch.js';
import type { Role } from '../../../shared/contract.js';
import { accessMark, accessSince, createAccounts, logInEveryRole, openApiContext, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;
let tokens: Record<Role, string>;
const call = (name: string, input: unknown, role: Role | null) => dispatchFromSession(name, input, api.ctx, role ? tokens[role] : undefined);
const readsOf = (accessId: number) => api.db.prepare('SELECT citizen_id FROM access_reads WHERE access_id = ? ORDER BY citizen_id').pluck().all(accessId) as string[];

/** A citizen of the demo whose shortfall penalises at least one friend. */
let penalising: string;

beforeAll(async () => {
  api = await openApiContext({ demo: true });
  await createAccounts(api.db);
  tokens = await logInEveryRole(api.sessions);
  penalising = api.db
    .prepare(
      `SELECT c.citizen_id FROM scores s JOIN citizens c ON c.idx = s.citizen_idx
       WHERE s.s < 850 AND EXISTS (SELECT 1 FROM relationships r WHERE r.a = c.idx OR r.b = c.idx) ORDER BY s.cents LIMIT 1`,
    )
    .pluck()
    .get() as string;
});
afterAll(() => api?.close());

describe('scoreOutlook and networkView', () => {
  it.each(['scoreOutlook', 'networkView', 'friendPenaltyShare'])('%s without a session is refused, and the refusal logged', async (name) => {
    const mark = accessMark(api.db);
    expect(await call(name, name === 'friendPenaltyShare' ? {} : { citizenId: penalising }, null)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ action: name, outcome: 'refused' })]);
  });

  it("a viewer's outlook read is one access-log row naming the citizen and the purpose", async () => {
    const mark = accessMark(api.db);
    const reply = await call('scoreOutlook', { citizenId: penalising, purpose: 'case 13/1' }, 'viewer');
    expect(reply.ok).toBe(true);
    const rows = accessSince(api.db, mark);
    expect(rows).toEqual([expect.objectContaining({ username: USERNAMES.viewer, action: 'view_outlook', citizenId: penalising, purpose: 'case 13/1', outcome: 'allowed' })]);
    expect(readsOf(rows[0].id)).toEqual([penalising]);
  });

  it('the network view logs every friend it names as read, with the purpose', async () => {
    const mark = accessMark(api.db);
    const reply = await call('networkView', { citizenId: penalising, purpose: 'case 13/2' }, 'official');
    if (!reply.ok) throw new Error(reply.error.message);
    const value = reply.value as { friends: { citizenId: string }[] };
    expect(value.friends.length).toBeGreaterThan(0);
    const rows = accessSince(api.db, mark);
    expect(rows).toEqual([expect.objectContaining({ action: 'view_network', citizenId: penalising, purpose: 'case 13/2' })]);
    expect(readsOf(rows[0].id)).toEqual([penalising, ...value.friends.map((f) => f.citizenId)].sort());
  });

  it('a citizen that does not exist is not_found and leaves no read row', async () => {
    const mark = accessMark(api.db);
    expect(await call('scoreOutlook', { citizenId: 'X404' }, 'viewer')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('networkView', { citizenId: 'X404' }, 'viewer')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(accessSince(api.db, mark).filter((r) => r.outcome === 'allowed')).toEqual([]);
  });

  it('the district aggregate is no read of personal data: no read row, no citizen in the reply', async () => {
    const mark = accessMark(api.db);
    const reply = await call('friendPenaltyShare', {}, 'viewer');
    expect(reply.ok).toBe(true);
    expect(JSON.stringify(reply)).not.toMatch(/C0\d{6}/);
    expect(accessSince(api.db, mark)).toEqual([]);
  });

  describe('with a mandatory purpose of access', () => {
    beforeAll(async () => {
      expect((await call('setAccessSettings', { purposeRequired: true, reason: 'policy 13' }, 'admin')).ok).toBe(true);
    });
    afterAll(async () => {
      await call('setAccessSettings', { purposeRequired: false, reason: 'policy 13 over' }, 'admin');
    });

    it.each([
      ['scoreOutlook', 'view_outlook'],
      ['networkView', 'view_network'],
    ])('%s without a purpose is refused like opening the record, and the refusal logged', async (name, action) => {
      const mark = accessMark(api.db);
      expect(await call(name, { citizenId: penalising }, 'auditor')).toMatchObject({ ok: false, error: { code: 'rejected', message: expect.stringMatching(/state the purpose of access/) } });
      expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: USERNAMES.auditor, action, citizenId: penalising, outcome: 'refused' })]);
    });

    it('with a purpose it answers', async () => {
      expect((await call('scoreOutlook', { citizenId: penalising, purpose: 'case 13/3' }, 'auditor')).ok).toBe(true);
    });
  });
});
