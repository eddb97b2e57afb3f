/**
 * Access-log details are stored keyed (a `server` catalog key and its
 * parameters) beside the English text: the English is what was written
 * before (CSV exports and the command line read it), and the key reads in
 * Chinese, nested refusal reasons and the count of folded refusals included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushRefusals, listAccess, logAccess, REFUSALS_LOGGED_PER_MINUTE } from '../../../electron/services/accessLog.js';
import { logRead } from '../../../electron/services/readLog.js';
import { translator } from '../../../electron/services/translate.js';
import { dispatchFromSession } from '../../../electron/ipc/dispatch.js';
import { setPurposeRequired } from '../../../electron/services/purpose.js';
import { renderKeyed } from '../../../shared/keyedText.js';
import { MESSAGES, type Catalog } from '../../../shared/messages.js';
import { accessMark, accessSince, createAccounts, logIn, openApiContext, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;

beforeAll(async () => {
  api = await openApiContext({ demo: false });
  await createAccounts(api.db, ['viewer']);
});

afterAll(() => api?.close());

const zh = translator('zh-CN');
const inChinese = (r: { detailKey: string | null; detailParams: Record<string, unknown> | null }) => renderKeyed((k, p) => zh(k, p), { key: r.detailKey!, params: r.detailParams });
const newest = () => listAccess(api.db, { offset: 0, limit: 1 }).rows[0];

describe('keyed access-log details', () => {
  it('a refused call keeps its English detail and reads in Chinese, role names included', async () => {
    const token = await logIn(api.sessions, 'viewer');
    const mark = accessMark(api.db);
    const reply = await dispatchFromSession('users', {}, api.ctx, token);
    expect(reply.ok).toBe(false);
    const [row] = accessSince(api.db, mark);
    expect(row).toMatchObject({ action: 'users', outcome: 'refused', detail: 'refused: needs admin, is viewer' });
    const listed = newest();
    expect(listed).toMatchObject({ detailKey: 'access.refusedRole', detailParams: { role: 'admin', current: 'viewer' } });
    expect(inChinese(listed)).toBe('已拒绝：需要系统管理员角色，当前为查阅人员');
  });

  it('a read names its citizens in both languages', () => {
    logRead(api.db, { username: 'wang', action: 'view_measures', citizenId: 'C1', citizenIds: ['C1'], detail: { key: 'access.read.measures', params: { count: 2 } } });
    const row = newest();
    expect(row.detail).toBe('2 measure(s); 1 citizen(s): C1');
    expect(inChinese(row)).toBe('2 项激励惩戒措施；涉及 1 名公民：C1');
  });

  it('folded refusals: the count row nests the refusal it counts, in the reader language', () => {
    for (let i = 0; i < REFUSALS_LOGGED_PER_MINUTE + 3; i++) logAccess(api.db, { username: 'li', action: 'overview', detail: { key: 'access.refusedNoSession' }, outcome: 'refused' });
    flushRefusals(api.db);
    const row = newest();
    expect(row.detail).toMatch(/^repeated 3 more times between .+ and .+: refused: no session$/);
    expect(row.detailKey).toBe('access.repeated');
    expect(inChinese(row)).toMatch(/^在 .+ 至 .+ 之间又重复 3 次：已拒绝：未登录$/);
  });

  it('a refused opening without a purpose: the refusal and its access-log row are keyed and read in Chinese', async () => {
    setPurposeRequired(api.db, true, 'admin', 'policy of the office');
    try {
      const token = await logIn(api.sessions, 'viewer');
      const reply = await dispatchFromSession('citizen', { citizenId: 'C77' }, api.ctx, token);
      expect(reply).toMatchObject({ ok: false, error: { code: 'rejected', key: 'rejected.purposeRequired', params: { citizen: 'C77' } } });
      if (!reply.ok) {
        expect(reply.error.message).toBe('state the purpose of access to open the record of C77: an administrator has made it mandatory');
        expect(zh(`server:${reply.error.key}`, reply.error.params)).toBe('打开 C77 的信用档案须填写查阅事由：系统管理员已将其设为必填');
      }
      const row = newest();
      expect(row).toMatchObject({ action: 'view_record', outcome: 'refused', detailKey: 'access.refusedNoPurpose' });
      expect(inChinese(row)).toBe('已拒绝：未填写查阅事由（已设为必填）');
    } finally {
      setPurposeRequired(api.db, false, 'admin', 'policy of the office');
    }
  });

  it('a detail written as English text (the command line) is kept as it is, without a key', () => {
    logAccess(api.db, { username: 'zhao', action: 'export', detail: 'scores CSV, command line', outcome: 'allowed' });
    expect(newest()).toMatchObject({ detail: 'scores CSV, command line', detailKey: null, detailParams: null });
  });

  it('every Chinese access-log detail is Chinese: no English word outside placeholders and fixed names', () => {
    const flat = (tree: Catalog, prefix: string): [string, string][] =>
      Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flat(v, `${prefix}${k}.`)));
    const english = flat(MESSAGES['zh-CN'].server.access as Catalog, 'access.')
      .map(([key, text]) => [key, text.replace(/\$t\([^)]*\)/g, '').replace(/\{\{[^}]*\}\}/g, '').replace(/\b(CSV|PDF|JSON|sha256)\b/g, '')] as const)
      .filter(([, text]) => /[A-Za-z]{2,}/.test(text));
    expect(english).toEqual([]);
  });
});
