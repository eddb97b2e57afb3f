/**
 * The console language is the account's: chosen once (at first start or from
 * the header), kept across logins, applied to the live session without a new
 * login, and only ever one of the two languages the console speaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { createAccounts, logIn, openApiContext, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;
beforeAll(async () => {
  api = await openApiContext({ demo: false });
  await createAccounts(api.db, ['official']);
});
afterAll(() => api?.close());

const stored = (username: string) => api.db.prepare('SELECT language FROM users WHERE username = ?').pluck().get(username);

describe('account language', () => {
  it('is unset until chosen, then follows the session at once and the account at the next login', async () => {
    const token = await logIn(api.sessions, 'official');
    const caller = { user: USERNAMES.official, role: 'official' as const, sessionToken: token };
    const before = await dispatch('authStatus', {}, api.ctx, caller);
    expect(before).toMatchObject({ ok: true, value: { user: { username: USERNAMES.official } } });
    const user = before.ok ? (before.value as { user: Record<string, unknown> | null }).user : null;
    expect(user && 'language' in user).toBe(false);

    expect(await dispatch('setLanguage', { language: 'zh-CN' }, api.ctx, caller)).toEqual({ ok: true, value: {} });
    expect(stored(USERNAMES.official)).toBe('zh-CN');
    expect(await dispatch('authStatus', {}, api.ctx, caller)).toMatchObject({ ok: true, value: { user: { language: 'zh-CN' } } });

    const again = await dispatch('login', { username: USERNAMES.official, password: 'correct horse battery' }, api.ctx, { user: 'anonymous', role: 'viewer' });
    expect(again).toMatchObject({ ok: true, value: { user: { language: 'zh-CN' } } });
  });

  it('refuses a language the console does not speak, and changes nothing', async () => {
    const token = await logIn(api.sessions, 'official');
    const caller = { user: USERNAMES.official, role: 'official' as const, sessionToken: token };
    const before = stored(USERNAMES.official);
    const reply = await dispatch('setLanguage', { language: 'fr' } as never, api.ctx, caller);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(stored(USERNAMES.official)).toBe(before);
    // The column refuses it too, whoever writes the file.
    expect(() => api.db.prepare("UPDATE users SET language = 'de' WHERE username = ?").run(USERNAMES.official)).toThrow(/CHECK/);
  });

  it('a caller without an account changes no other account', async () => {
    const reply = await dispatch('setLanguage', { language: 'en' }, api.ctx, { user: 'nobody-here', role: 'viewer' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(stored(USERNAMES.official)).toBe('zh-CN');
  });
});
