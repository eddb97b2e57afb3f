/**
 * The loopback bridge's door, spoken to with plain node:http (no browser):
 * no token, a wrong token, a foreign Host header (DNS rebinding) or a foreign
 * Origin is refused; the token from the printed URL opens it, and behind it
 * every channel but the login ones needs a login session of a role allowed
 * to call it.
 */
import { request } from 'node:http';
import { expect, loginSession, sharedConsole, test, type ApiJson } from './fixtures';
import { ACCOUNTS } from './server';

const c = sharedConsole();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: ApiJson;
}

function call(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.port, path, method: options.method ?? 'POST', agent: false, headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(body);
        } catch {
          // not JSON (a page or a plain-text refusal)
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    const method = options.method ?? 'POST';
    req.end(method === 'POST' ? (options.body ?? '{}') : undefined);
  });
}

const json = { 'content-type': 'application/json' };
let withToken: Record<string, string> = { ...json, 'x-credence-token': c.token };

test.beforeAll(async () => {
  // A call also needs a login session: the tests below keep one, to show that the token and the door checks decide.
  withToken = { ...withToken, 'x-credence-session': await loginSession(c) };
});

test('an API call with the session token is answered', async () => {
  const a = await call('/api/overview', { headers: withToken });
  expect(a.status).toBe(200);
  expect(a.json.ok).toBe(true);
  expect(a.json.value.population).toBe(400);
  // The browser's own calls carry the console's origin: allowed too.
  const same = await call('/api/ping', { headers: { ...withToken, origin: c.base } });
  expect(same.status).toBe(200);
  expect(same.json.ok).toBe(true);
});

test('an API call without the token, or with a wrong one, is refused and reveals no data', async () => {
  const { 'x-credence-token': _token, ...noToken } = withToken;
  const wrongLastChar = `${c.token.slice(0, -1)}${c.token.endsWith('x') ? 'y' : 'x'}`;
  for (const [what, headers] of [
    ['no token', noToken],
    ['an empty token', { ...withToken, 'x-credence-token': '' }],
    ['a token with its last character changed', { ...withToken, 'x-credence-token': wrongLastChar }],
    ['the token with a character added', { ...withToken, 'x-credence-token': `${c.token}x` }],
  ] as const) {
    const a = await call('/api/overview', { headers });
    expect(a.status, what).toBe(401);
    expect(a.json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(a.body).not.toContain('population');
  }
  // The token only counts in its header, not in the query string the page was opened with.
  const inQuery = await call(`/api/overview?token=${c.token}`, { headers: noToken });
  expect(inQuery.status).toBe(401);
});

test('a request with a foreign Host header (DNS rebinding) is refused, even with the token', async () => {
  for (const host of [`evil.example:${c.port}`, 'evil.example', `127.0.0.1:${c.port + 1}`]) {
    const api = await call('/api/overview', { headers: { ...withToken, host } });
    expect(api.status, host).toBe(421);
    expect(api.json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The console page itself is not served to a rebound name either.
    const page = await call('/', { method: 'GET', headers: { host } });
    expect(page.status, host).toBe(421);
    expect(page.body).not.toContain('<script');
  }
  // The names the console is opened by are accepted.
  for (const host of [`127.0.0.1:${c.port}`, `localhost:${c.port}`]) {
    expect((await call('/api/ping', { headers: { ...withToken, host } })).status, host).toBe(200);
  }
});

test('a request from a foreign Origin is refused, even with the token', async () => {
  for (const origin of ['http://evil.example', `http://evil.example:${c.port}`, `http://127.0.0.1:${c.port + 1}`, 'null']) {
    const a = await call('/api/overview', { headers: { ...withToken, origin } });
    expect(a.status, origin).toBe(403);
    expect(a.json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(a.body).not.toContain('population');
  }
});

test('the API takes only JSON POSTs and the console page carries a strict content security policy', async () => {
  expect((await call('/api/ping', { method: 'GET', headers: withToken })).status).toBe(405);
  expect((await call('/api/ping', { headers: { 'x-credence-token': c.token, 'content-type': 'text/plain' } })).status).toBe(415);
  const page = await call('/', { method: 'GET' });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<div id="root">');
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
  expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('behind the token, a call needs a login session of a role allowed to call it', async () => {
  const { 'x-credence-session': _session, ...tokenOnly } = withToken;
  for (const [what, headers] of [
    ['no login session', tokenOnly],
    ['a made-up login session', { ...tokenOnly, 'x-credence-session': 'not-a-session-token-at-all-000000000000' }],
  ] as const) {
    const a = await call('/api/overview', { headers });
    expect(a.json, what).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(a.body, what).not.toContain('population');
  }
  // The login channels are the exception: they are how a session is made.
  const status = await call('/api/authStatus', { headers: tokenOnly });
  expect(status.json).toMatchObject({ ok: true, value: { needsSetup: false, user: null } });
  // An auditor reads but does not propose rulesets.
  const auditor = { ...tokenOnly, 'x-credence-session': await loginSession(c, ACCOUNTS.auditor) };
  expect((await call('/api/overview', { headers: auditor })).json.ok).toBe(true);
  const refused = await call('/api/proposeRuleset', { headers: auditor, body: JSON.stringify({ ruleset: {}, reason: 'an auditor trying to propose' }) });
  expect(refused.json).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});
