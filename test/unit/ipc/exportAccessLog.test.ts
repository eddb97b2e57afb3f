/** The access-log CSV export: every cell quoted, formula-like cells neutralised, the export itself logged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { logAccess } from '../../../electron/services/accessLog.js';
import { callerAs, openApiContext, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;
beforeAll(async () => {
  api = await openApiContext({ demo: false });
});
afterAll(() => api.close());

describe('exportAccessLog', () => {
  it('quotes every cell and neutralises cells a spreadsheet would run as formulas', async () => {
    logAccess(api.db, { username: 'mallory', action: 'view_record', citizenId: 'C1', detail: '=HYPERLINK("http://evil.example","click")', purpose: '+1 case', outcome: 'allowed' });
    const reply = await dispatch('exportAccessLog', { username: 'mallory' }, api.ctx, callerAs('auditor'));
    if (!reply.ok) throw new Error(reply.error.message);
    const { csv, rows } = reply.value as { csv: string; rows: number };
    expect(rows).toBe(1);
    const lines = csv.trimEnd().split('\r\n');
    for (const line of lines) expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { delimiter: ',' }).data;
    expect(parsed[0]).toEqual(['id', 'at', 'username', 'action', 'citizen_id', 'detail', 'purpose', 'outcome']);
    expect(parsed[1][5]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(parsed[1][6]).toBe("'+1 case");
  });

  it('records the export itself in the access log, and refuses viewers and officials', async () => {
    await dispatch('exportAccessLog', {}, api.ctx, callerAs('auditor'));
    const last = api.db.prepare("SELECT action, outcome FROM access_log WHERE action = 'export' ORDER BY id DESC LIMIT 1").get();
    expect(last).toEqual({ action: 'export', outcome: 'allowed' });
    for (const role of ['viewer', 'official'] as const) {
      const refused = await dispatch('exportAccessLog', {}, api.ctx, callerAs(role));
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});
