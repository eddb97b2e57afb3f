/**
 * Folding of repeated refusals in the access log (electron/services/accessLog.ts):
 * a caller repeating a refused call cannot add a row per call, but every
 * refusal is still accounted for (the first few rows, then one with the count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushRefusals, logAccess, REFUSALS_LOGGED_PER_MINUTE } from '../../../electron/services/accessLog.js';
import { accessMark, accessSince, openApiContext, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;

beforeAll(async () => {
  api = await openApiContext({ demo: false });
});

afterAll(() => api?.close());

describe('repeated refusals are folded', () => {
  it('5,000 identical refusals add the first few rows and, when the window closes, one row with the count of the rest', () => {
    const mark = accessMark(api.db);
    for (let i = 0; i < 5000; i++) logAccess(api.db, { username: 'anonymous', action: 'overview', detail: 'refused: no session', outcome: 'refused' });
    expect(accessSince(api.db, mark)).toHaveLength(REFUSALS_LOGGED_PER_MINUTE);
    flushRefusals(api.db);
    const rows = accessSince(api.db, mark);
    expect(rows).toHaveLength(REFUSALS_LOGGED_PER_MINUTE + 1);
    expect(rows.at(-1)).toMatchObject({ username: 'anonymous', action: 'overview', outcome: 'refused' });
    expect(rows.at(-1)!.detail).toMatch(new RegExp(`^repeated ${5000 - REFUSALS_LOGGED_PER_MINUTE} more times between .+: refused: no session$`));
  });

  it('refusals of another caller, call or reason are counted apart', () => {
    const mark = accessMark(api.db);
    for (const username of ['a', 'b']) for (const action of ['users', 'overview'] as const) for (let i = 0; i < 20; i++) logAccess(api.db, { username, action, detail: 'refused: needs admin, is viewer', outcome: 'refused' });
    flushRefusals(api.db);
    const rows = accessSince(api.db, mark);
    expect(rows).toHaveLength(4 * (REFUSALS_LOGGED_PER_MINUTE + 1));
    for (const username of ['a', 'b'])
      for (const action of ['users', 'overview']) expect(rows.filter((r) => r.username === username && r.action === action && r.detail.startsWith('repeated 15 more times'))).toHaveLength(1);
  });

  it('allowed reads are never folded: each opening of a record is its own row', () => {
    const mark = accessMark(api.db);
    for (let i = 0; i < 50; i++) logAccess(api.db, { username: 'reader', action: 'view_record', citizenId: 'C0000001', detail: 'opened the record', purpose: 'case 1', outcome: 'allowed' });
    expect(accessSince(api.db, mark)).toHaveLength(50);
  });
});
