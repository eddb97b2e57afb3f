/**
 * The loopback HTTP transport (electron/bridge/server.ts) as a browser or an
 * attacker would meet it: the bridge's startup token, the login session on
 * top of it, the Host check against DNS rebinding, foreign origins, method
 * and content-type rules, malformed bodies, no CORS, 127.0.0.1 only, and the
 * static files (with a CSP, and no way out of the static folder).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import i18next from 'i18next';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../../shared/contract.js';
import { refusalShown } from '../helpers/refusalShown.js';
import { CONTENT_SECURITY_POLICY, MAX_BODY, MAX_PUBLIC_BODY, startBridge, type Bridge } from '../../../electron/bridge/server.js';
import { REFUSALS_PER_MINUTE } from '../../../electron/bridge/refusals.js';
import { UploadStore } from '../../../electron/bridge/uploads.js';
import { REFUSALS_LOGGED_PER_MINUTE } from '../../../electron/services/accessLog.js';
import { handlers } from '../../../electron/ipc/handlers.js';
import { accessMark, accessSince, createAccounts, logIn, openApiContext, rowCounts, TEST_PASSWORD, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

const INDEX_HTML = '<!doctype html><title>Credence</title><div id="root"></div>';
const APP_JS = 'console.log("credence")';
const SECRET = 'SECRET-OUTSIDE-STATIC-DIR';

let api: ApiContext;
let bridge: Bridge;
let base: string;
let staticDir: string;
/** An admin's login session, sent as x-credence-session. */
let session: string;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Every response this file received, checked at the end for CORS headers. */
const seen: { what: string; headers: Headers | IncomingHttpHeaders }[] = [];

/** A raw HTTP request: the path and every header (Host included) go out exactly as given. */
function raw(options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: bridge.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          seen.push({ what: `${options.method ?? 'GET'} ${options.path}`, headers: res.headers });
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers a legitimate page of the console sends with an API call once logged in. */
function apiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { host: `127.0.0.1:${bridge.port}`, 'content-type': 'application/json', 'x-credence-token': bridge.token, 'x-credence-session': session, ...extra };
}

async function post(channel: string, body: unknown, headers: Record<string, string> = apiHeaders()): Promise<RawResponse> {
  return raw({ method: 'POST', path: `/api/${channel}`, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function fetchApi(channel: string, init: RequestInit): Promise<Response> {
  const res = await fetch(`http://127.0.0.1:${bridge.port}/api/${channel}`, { method: 'POST', ...init });
  seen.push({ what: `fetch ${channel}`, headers: res.headers });
  return res;
}

beforeAll(async () => {
  api = await openApiContext({ demo: false });
  await createAccounts(api.db, ['viewer', 'admin']);
  session = await logIn(api.sessions, 'admin');
  base = mkdtempSync(join(tmpdir(), 'credence-bridge-'));
  staticDir = join(base, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'assets', 'app.js'), APP_JS);
  // What a traversal would be after: a file beside the static folder, and one in a sibling whose name extends it.
  writeFileSync(join(base, 'secret.txt'), SECRET);
  mkdirSync(join(base, 'static-evil'));
  writeFileSync(join(base, 'static-evil', 'secret.txt'), SECRET);
  bridge = await startBridge({ ctx: api.ctx, staticDir, port: 0 });
});

afterAll(async () => {
  await bridge?.close();
  api?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('listening', () => {
  it('listens on 127.0.0.1 only, on the port it reports', () => {
    const address = bridge.server.address() as AddressInfo;
    expect(address.address).toBe('127.0.0.1');
    expect(address.port).toBe(bridge.port);
    expect(bridge.port).toBeGreaterThan(0);
  });

  it('gives the console URL with its bridge token', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${bridge.token}`);
  });

  it('makes a fresh random token per bridge unless one is given', async () => {
    const other = await startBridge({ ctx: api.ctx, staticDir });
    const fixed = await startBridge({ ctx: api.ctx, staticDir, token: 'given-token-for-tests' });
    try {
      expect(bridge.token.length).toBeGreaterThanOrEqual(32);
      expect(other.token).not.toBe(bridge.token);
      expect(fixed.token).toBe('given-token-for-tests');
    } finally {
      await other.close();
      await fixed.close();
    }
  });
});

describe('the bridge token', () => {
  it('a call without the token is refused with 401 and the handler does not run, even with a valid session', async () => {
    const ping = vi.spyOn(handlers, 'ping');
    const res = await fetchApi('ping', { headers: { 'content-type': 'application/json', 'x-credence-session': session }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ping).not.toHaveBeenCalled();
  });

  it.each([
    { label: 'a wrong token of the same length', token: () => 'x'.repeat(bridge.token.length) },
    { label: 'a shorter token', token: () => bridge.token.slice(0, -1) },
    { label: 'the token with a suffix', token: () => `${bridge.token}x` },
    { label: 'the token in another case', token: () => bridge.token.toUpperCase() === bridge.token ? bridge.token.toLowerCase() : bridge.token.toUpperCase() },
  ])('$label is refused with 401', async ({ token }) => {
    const ping = vi.spyOn(handlers, 'ping');
    const res = await fetchApi('ping', { headers: { 'content-type': 'application/json', 'x-credence-token': token(), 'x-credence-session': session }, body: '{}' });
    expect(res.status).toBe(401);
    expect(ping).not.toHaveBeenCalled();
  });

  it('the token in the query string is not accepted in place of the header', async () => {
    const res = await fetch(`http://127.0.0.1:${bridge.port}/api/ping?token=${bridge.token}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-credence-session': session }, body: '{}' });
    seen.push({ what: 'fetch ping?token', headers: res.headers });
    expect(res.status).toBe(401);
  });

  it('the session token in place of the bridge token is refused with 401', async () => {
    const ping = vi.spyOn(handlers, 'ping');
    const res = await fetchApi('ping', { headers: { 'content-type': 'application/json', 'x-credence-token': session, 'x-credence-session': session }, body: '{}' });
    expect(res.status).toBe(401);
    expect(ping).not.toHaveBeenCalled();
  });

  it('the right token and a session get 200 and the reply of the channel', async () => {
    const res = await fetchApi('ping', { headers: { 'content-type': 'application/json', 'x-credence-token': bridge.token, 'x-credence-session': session }, body: '{}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { ok: boolean; value: { at: string } };
    expect(body.ok).toBe(true);
    expect(Number.isNaN(Date.parse(body.value.at))).toBe(false);
  });

  it('the reply is the dispatch reply: a real query, and an invalid input as invalid_input', async () => {
    const overview = await post('overview', {});
    expect(overview.status).toBe(200);
    expect(JSON.parse(overview.body)).toMatchObject({ ok: true, value: { population: 0, scored: 0 } });
    const invalid = await post('search', { limit: 100000 });
    expect(invalid.status).toBe(200);
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknown = await post('dropDatabase', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('an empty body is an empty input', async () => {
    const res = await post('ping', '');
    expect(JSON.parse(res.body)).toMatchObject({ ok: true });
  });
});

describe('the login session', () => {
  /** The bridge token without a session header. */
  function withoutSession(): Record<string, string> {
    const h = apiHeaders();
    delete h['x-credence-session'];
    return h;
  }

  it('a valid bridge token but no session is unauthenticated, and no handler runs', async () => {
    const before = rowCounts(api.db);
    const spies = (['ping', 'overview', 'createDemo', 'users'] as const).map((name) => vi.spyOn(handlers, name));
    const start = vi.spyOn(api.jobs, 'start');
    for (const [channel, input] of [
      ['ping', {}],
      ['overview', {}],
      ['createDemo', { citizens: 10 }],
      ['users', {}],
    ] as const) {
      const res = await post(channel, input, withoutSession());
      expect(res.status, channel).toBe(200);
      expect(JSON.parse(res.body), channel).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
    expect(rowCounts(api.db)).toEqual(before);
  });

  it.each([
    { label: 'a made-up session', value: () => 'x'.repeat(43) },
    { label: 'the bridge token as session', value: () => bridge.token },
    { label: 'the session with a suffix', value: () => `${session}x` },
  ])('$label is unauthenticated, no handler runs, and the refusal is logged', async ({ value }) => {
    const overview = vi.spyOn(handlers, 'overview');
    const mark = accessMark(api.db);
    const res = await post('overview', {}, apiHeaders({ 'x-credence-session': value() }));
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(overview).not.toHaveBeenCalled();
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ action: 'overview', outcome: 'refused' })]);
  });

  it('the session in the query string is not accepted in place of the header', async () => {
    const overview = vi.spyOn(handlers, 'overview');
    const res = await post(`overview?session=${session}`, {}, withoutSession());
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(overview).not.toHaveBeenCalled();
  });

  it('a login channel needs no session: authStatus answers nobody logged in', async () => {
    const res = await post('authStatus', {}, withoutSession());
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: { needsSetup: false, user: null, locked: false } });
  });

  it('the session header names the user: authStatus answers the account behind it', async () => {
    const res = await post('authStatus', {});
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: { needsSetup: false, locked: false, user: { username: USERNAMES.admin, displayName: 'Test admin', role: 'admin' } } });
  });

  it('login over the bridge gives a session whose role applies on the next call', async () => {
    const login = JSON.parse((await post('login', { username: USERNAMES.viewer, password: TEST_PASSWORD }, withoutSession())).body);
    expect(login).toMatchObject({ ok: true, value: { user: { username: USERNAMES.viewer, role: 'viewer' } } });
    const token = login.value.token as string;
    expect(JSON.parse((await post('overview', {}, apiHeaders({ 'x-credence-session': token }))).body)).toMatchObject({ ok: true });
    const users = vi.spyOn(handlers, 'users');
    expect(JSON.parse((await post('users', {}, apiHeaders({ 'x-credence-session': token }))).body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(users).not.toHaveBeenCalled();
    expect(JSON.parse((await post('logout', {}, apiHeaders({ 'x-credence-session': token }))).body)).toEqual({ ok: true, value: {} });
    expect(JSON.parse((await post('overview', {}, apiHeaders({ 'x-credence-session': token }))).body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('a wrong password over the bridge gets no session', async () => {
    const res = JSON.parse((await post('login', { username: USERNAMES.admin, password: 'not the password' }, withoutSession())).body);
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(JSON.stringify(res)).not.toContain('token');
  });
});

describe('the door', () => {
  it('a foreign Host header (DNS rebinding) gets 421 and the handler does not run', async () => {
    const before = rowCounts(api.db);
    const createDemo = vi.spyOn(handlers, 'createDemo');
    const start = vi.spyOn(api.jobs, 'start');
    const res = await post('createDemo', { citizens: 10 }, apiHeaders({ host: `evil.example:${bridge.port}` }));
    expect(res.status).toBe(421);
    expect(createDemo).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
    expect(rowCounts(api.db)).toEqual(before);
  });

  it.each([
    { label: 'another port', host: () => `127.0.0.1:${bridge.port + 1}` },
    { label: 'no port', host: () => '127.0.0.1' },
    { label: 'a lookalike domain', host: () => `localhost.evil.example:${bridge.port}` },
  ])('a Host with $label gets 421', async ({ host }) => {
    const ping = vi.spyOn(handlers, 'ping');
    const res = await post('ping', {}, apiHeaders({ host: host() }));
    expect(res.status).toBe(421);
    expect(ping).not.toHaveBeenCalled();
  });

  it('a foreign Host is refused for static files too', async () => {
    const res = await raw({ path: '/', headers: { host: `evil.example:${bridge.port}` } });
    expect(res.status).toBe(421);
    expect(res.body).not.toContain(INDEX_HTML);
  });

  it('Host localhost:<port> is accepted', async () => {
    const res = await post('ping', {}, apiHeaders({ host: `localhost:${bridge.port}` }));
    expect(res.status).toBe(200);
  });

  it.each(['http://evil.example', 'null', 'http://127.0.0.1', 'https://127.0.0.1:PORT', 'http://127.0.0.1:PORT.evil.example'])(
    'an Origin of %s gets 403 and the handler does not run',
    async (origin) => {
      const ping = vi.spyOn(handlers, 'ping');
      const res = await post('ping', {}, apiHeaders({ origin: origin.replace('PORT', String(bridge.port)) }));
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(ping).not.toHaveBeenCalled();
    },
  );

  it('the console’s own origins are accepted', async () => {
    for (const origin of [`http://127.0.0.1:${bridge.port}`, `http://localhost:${bridge.port}`]) {
      const res = await post('ping', {}, apiHeaders({ origin }));
      expect(res.status, origin).toBe(200);
    }
  });

  it.each(['GET', 'PUT', 'DELETE', 'OPTIONS'])('%s on /api/ping gets 405', async (method) => {
    const ping = vi.spyOn(handlers, 'ping');
    const res = await raw({ method, path: '/api/ping', headers: apiHeaders() });
    expect(res.status).toBe(405);
    expect(ping).not.toHaveBeenCalled();
  });

  it.each([
    { label: 'text/plain (a CORS-simple request)', headers: { 'content-type': 'text/plain' } },
    { label: 'a form', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { label: 'no content-type', headers: { 'content-type': '' } },
  ])('a body sent as $label gets 415 and the handler does not run', async ({ headers }) => {
    const ping = vi.spyOn(handlers, 'ping');
    const h = apiHeaders(headers);
    if (!h['content-type']) delete h['content-type'];
    const res = await post('ping', '{}', h);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(ping).not.toHaveBeenCalled();
  });

  it('a malformed JSON body gets 400 invalid_input and the handler does not run', async () => {
    const search = vi.spyOn(handlers, 'search');
    const res = await post('search', '{"query": "Zhou"');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(search).not.toHaveBeenCalled();
  });
});

describe('static files', () => {
  it('serves index.html at / with a Content-Security-Policy', async () => {
    const res = await raw({ path: '/', headers: { host: `127.0.0.1:${bridge.port}` } });
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their MIME type and the CSP', async () => {
    const res = await fetch(`http://127.0.0.1:${bridge.port}/assets/app.js`);
    seen.push({ what: 'fetch app.js', headers: res.headers });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(APP_JS);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers an unknown route with index.html (client-side routing)', async () => {
    const res = await raw({ path: '/citizens/C0000001', headers: { host: `127.0.0.1:${bridge.port}` } });
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
  });

  it.each([
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/..%2fstatic-evil%2fsecret.txt',
    '/%2e%2e/static-evil/secret.txt',
    '/..%5csecret.txt',
    '//..%2fsecret.txt',
  ])('the path %s does not escape the static folder', async (path) => {
    const res = await raw({ path, headers: { host: `127.0.0.1:${bridge.port}` } });
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toMatch(/root:.*:0:0:/);
    // Anything served is the console itself (index.html for an unknown route).
    if (res.status === 200) expect(res.body).toBe(INDEX_HTML);
  });

  it.each([
    { label: 'a malformed percent-encoding', path: '/%E0%A4%A' },
    { label: 'a request-target that parses as a scheme-relative URL with an invalid host', path: '//..%2fsecret.txt' },
  ])('$label ($path) is answered as a client error, not a server error', async ({ path }) => {
    const res = await raw({ path, headers: { host: `127.0.0.1:${bridge.port}` } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status, res.body).toBeLessThan(500);
  });
});

describe('no CORS', () => {
  it('a preflight from a foreign origin gets no Access-Control-Allow-* header', async () => {
    const res = await raw({
      method: 'OPTIONS',
      path: '/api/ping',
      headers: { host: `127.0.0.1:${bridge.port}`, origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-credence-token, x-credence-session' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    for (const name of Object.keys(res.headers)) expect(name).not.toMatch(/^access-control-/);
  });

  it('no response of this file carried Access-Control-Allow-Origin', () => {
    expect(seen.length).toBeGreaterThan(30);
    for (const { what, headers } of seen) {
      const value = headers instanceof Headers ? headers.get('access-control-allow-origin') : headers['access-control-allow-origin'];
      expect(value ?? null, what).toBeNull();
    }
  });
});

describe('bodies: capped, and read only after the session is checked', () => {
  it(`a body over ${MAX_BODY / 2 ** 20} MiB (declared) gets 413 and the handler does not run`, async () => {
    const search = vi.spyOn(handlers, 'search');
    const res = await post('search', JSON.stringify({ query: 'x'.repeat(MAX_BODY) }));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/too large/) } });
    expect(search).not.toHaveBeenCalled();
  });

  it('a chunked body (no length declared) is cut off at the cap with 413', async () => {
    const search = vi.spyOn(handlers, 'search');
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: bridge.port, method: 'POST', path: '/api/search', headers: { ...apiHeaders(), 'transfer-encoding': 'chunked' }, agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_BODY + chunk.length) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(res.status).toBe(413);
    expect(search).not.toHaveBeenCalled();
  });

  it('without a session a body of 100 MiB is not waited for: the refusal comes after the first kilobyte', async () => {
    const overview = vi.spyOn(handlers, 'overview');
    const headers = apiHeaders({ 'content-length': String(100 * 2 ** 20) });
    delete (headers as Record<string, string>)['x-credence-session'];
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: bridge.port, method: 'POST', path: '/api/overview', headers, agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          req.destroy();
          resolve({ status: r.statusCode!, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      // One kilobyte of the 100 MiB announced, and the request left open.
      req.write(Buffer.alloc(1024, 0x20));
    });
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(res.headers.connection).toBe('close');
    expect(overview).not.toHaveBeenCalled();
  });

  it(`the login channels (open to the bridge token alone) take at most ${MAX_PUBLIC_BODY / 1024} KiB`, async () => {
    const login = vi.spyOn(handlers, 'login');
    const res = await post('login', JSON.stringify({ username: 'x', password: 'y'.repeat(MAX_PUBLIC_BODY) }), apiHeaders({ 'x-credence-session': '' }));
    expect(res.status).toBe(413);
    expect(login).not.toHaveBeenCalled();
  });

  it('a body that is not UTF-8 gets 400 and never reaches the handler', async () => {
    const search = vi.spyOn(handlers, 'search');
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: bridge.port, method: 'POST', path: '/api/search', headers: apiHeaders(), agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/not UTF-8/);
    expect(search).not.toHaveBeenCalled();
  });

  it('an exception inside the bridge is a 500 without its text, and the bridge goes on', async () => {
    vi.spyOn(api.ctx.sessions, 'peek').mockImplementation(() => {
      throw new Error('SECRET-INTERNAL-DETAIL at /home/ops/credence.sqlite');
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const res = await post('ping', {});
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('SECRET-INTERNAL-DETAIL');
    expect(res.body).not.toContain('/home/ops');
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(stderr).toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(JSON.parse((await post('ping', {})).body)).toMatchObject({ ok: true });
  });
});

describe('a static file that cannot be read', () => {
  it('ends that response only: the bridge answers the next call', async () => {
    // Opens fine, fails on the first read (EIO): what a file replaced or a disk failing under the server looks like.
    symlinkSync('/proc/self/mem', join(staticDir, 'assets', 'broken.js'));
    try {
      const outcome = await raw({ path: '/assets/broken.js', headers: { host: `127.0.0.1:${bridge.port}` } }).then(
        (r) => `status ${r.status}, ${r.body.length} bytes`,
        (err: Error) => `aborted: ${err.message}`,
      );
      expect(outcome).not.toMatch(/^status 200, [1-9]/);
      expect(JSON.parse((await post('ping', {})).body)).toMatchObject({ ok: true });
    } finally {
      rmSync(join(staticDir, 'assets', 'broken.js'));
    }
  });
});

describe('uploads of import files (POST /upload/<name>)', () => {
  let official: string;
  let viewer: string;

  beforeAll(async () => {
    await createAccounts(api.db, ['official']);
    official = await logIn(api.sessions, 'official');
    viewer = await logIn(api.sessions, 'viewer');
  });

  function upload(name: string, body: string | Buffer, headers: Record<string, string>): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: bridge.port, method: 'POST', path: `/upload/${name}`, headers: { host: `127.0.0.1:${bridge.port}`, 'content-type': 'application/octet-stream', 'x-credence-token': bridge.token, ...headers }, agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const uploadDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('credence-upload-')).length;

  it('need a session of an official: without one, or as a viewer, nothing is kept', async () => {
    const before = uploadDirs();
    expect(JSON.parse((await upload('events.csv', 'a,b\n', {})).body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(JSON.parse((await upload('events.csv', 'a,b\n', { 'x-credence-session': viewer })).body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(uploadDirs()).toBe(before);
  });

  it('take only the file names of an import', async () => {
    const res = await upload('..%2f..%2fetc%2fpasswd', 'x', { 'x-credence-session': official });
    expect(res.status).toBe(400);
  });

  it('stream a file bigger than an API body to disk, and importFiles claims it by its id (once, and only its owner)', async () => {
    const kinds = '[]';
    const res = await upload('event_kinds.json', kinds, { 'x-credence-session': official });
    const reply = JSON.parse(res.body);
    expect(reply).toMatchObject({ ok: true, value: { uploadId: expect.any(String) } });
    const uploadId = reply.value.uploadId as string;
    // Another user cannot claim it.
    const stolen = JSON.parse((await post('importFiles', { files: [{ name: 'event_kinds.json', uploadId }], provider: 'Test Registry', dryRun: true }, apiHeaders())).body);
    expect(stolen).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no upload/) } });
    const claimed = JSON.parse((await post('importFiles', { files: [{ name: 'event_kinds.json', uploadId }], provider: 'Test Registry', dryRun: true }, apiHeaders({ 'x-credence-session': official }))).body);
    expect(claimed).toMatchObject({ ok: true, value: { jobId: expect.any(String) } });
    await api.jobs.wait(claimed.value.jobId);
    const again = JSON.parse((await post('importFiles', { files: [{ name: 'event_kinds.json', uploadId }], provider: 'Test Registry', dryRun: true }, apiHeaders({ 'x-credence-session': official }))).body);
    expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no upload/) } });
  });

  it('past their own limit get 413 and leave no file behind', async () => {
    const small = await startBridge({ ctx: api.ctx, staticDir, port: 0, uploads: new UploadStore(1024) });
    try {
      const before = uploadDirs();
      const res = await new Promise<RawResponse>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: small.port, method: 'POST', path: '/upload/events.csv', headers: { host: `127.0.0.1:${small.port}`, 'content-type': 'application/octet-stream', 'x-credence-token': small.token, 'x-credence-session': official, 'transfer-encoding': 'chunked' }, agent: false }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(Buffer.alloc(4096, 0x41));
      });
      expect(res.status).toBe(413);
      expect(uploadDirs()).toBe(before);
    } finally {
      await small.close();
    }
  });
});

describe('a flood of refused calls', () => {
  it(`is answered 429 after ${REFUSALS_PER_MINUTE} refusals a minute, adds at most ${REFUSALS_LOGGED_PER_MINUTE} log rows, and does not block a logged-in user`, async () => {
    const flood = await openApiContext({ demo: false });
    try {
      await createAccounts(flood.db, ['viewer']);
      const viewerSession = await logIn(flood.sessions, 'viewer');
      const b = await startBridge({ ctx: flood.ctx, staticDir, port: 0 });
      try {
        const mark = accessMark(flood.db);
        const statuses: number[] = [];
        const codes = new Set<string>();
        for (let i = 0; i < 300; i++) {
          const r = await fetch(`http://127.0.0.1:${b.port}/api/overview`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-credence-token': b.token }, body: '{}' });
          statuses.push(r.status);
          codes.add(((await r.json()) as { error: { code: string } }).error.code);
        }
        // A client still learns why (the console shows its login), only not at the bridge's expense.
        expect([...codes]).toEqual(['unauthenticated']);
        expect(statuses.slice(0, REFUSALS_PER_MINUTE).every((s) => s === 200)).toBe(true);
        expect(statuses.slice(REFUSALS_PER_MINUTE).every((s) => s === 429)).toBe(true);
        const rows = accessSince(flood.db, mark);
        expect(rows.length).toBeLessThanOrEqual(REFUSALS_LOGGED_PER_MINUTE);
        const ping = await fetch(`http://127.0.0.1:${b.port}/api/ping`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-credence-token': b.token, 'x-credence-session': viewerSession }, body: '{}' });
        expect(await ping.json()).toMatchObject({ ok: true });
        // The login channels stay open to everyone during the flood.
        const status = await fetch(`http://127.0.0.1:${b.port}/api/authStatus`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-credence-token': b.token }, body: '{}' });
        expect(await status.json()).toMatchObject({ ok: true });
      } finally {
        await b.close();
      }
    } finally {
      flood.close();
    }
  });
});

describe("the bridge's own refusals are keyed: the console shows them in the reader's language", () => {
  afterAll(() => i18next.changeLanguage('en'));

  /** The bridge's refusal as the console shows it to a reader of Chinese. */
  async function inChinese(res: RawResponse): Promise<string> {
    const reply = JSON.parse(res.body) as Reply<unknown>;
    expect(reply.ok ? null : reply.error.key).toMatch(/^bridge\./);
    return refusalShown(reply, 'zh-CN');
  }

  it('a body too large, a body that is not JSON, the wrong content type and a wrong token: English as before, Chinese for the reader of Chinese', async () => {
    const large = await post('search', JSON.stringify({ query: 'x'.repeat(MAX_BODY) }));
    expect(JSON.parse(large.body).error.message).toBe('request body too large: search takes at most 4 MiB; import files go to /upload/<file name>');
    expect(await inChinese(large)).toBe('请求内容过大：search 最多接受 4 MiB；导入文件请通过 /upload/<文件名> 上传');

    const notJson = await post('search', '{"query": ');
    expect(JSON.parse(notJson.body).error.message).toMatch(/^request body is not JSON: /);
    expect(await inChinese(notJson)).toMatch(/^请求内容不是有效的 JSON（技术细节：.+）$/);

    const type = await post('search', { query: 'x' }, apiHeaders({ 'content-type': 'text/plain' }));
    expect(await inChinese(type)).toBe('Content-Type 必须为 application/json');

    const token = await post('search', { query: 'x' }, apiHeaders({ 'x-credence-token': 'wrong' }));
    expect(JSON.parse(token.body).error.message).toBe('missing or wrong session token');
    expect(await inChinese(token)).toBe('缺少会话令牌，或令牌不正确');
  });
});
