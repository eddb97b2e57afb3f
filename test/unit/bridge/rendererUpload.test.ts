/**
 * The console's API client (renderer/src/api.ts) over the bridge with an
 * import file bigger than an API body: it streams the file to
 * /upload/<name> first and sends only its upload id in importFiles, and the
 * job imports it. Runs the client in Node with a browser's globals stubbed
 * (window, sessionStorage, a fetch that resolves relative URLs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY, startBridge, type Bridge } from '../../../electron/bridge/server.js';
import { createAccounts, logIn, openApiContext, type ApiContext } from '../helpers/apiContext.js';

let api: ApiContext;
let bridge: Bridge;
let dir: string;
const sent: { url: string; bytes: number }[] = [];

beforeAll(async () => {
  api = await openApiContext({ demo: false });
  await createAccounts(api.db, ['official']);
  dir = mkdtempSync(join(tmpdir(), 'credence-rupload-'));
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html>');
  bridge = await startBridge({ ctx: api.ctx, staticDir: join(dir, 'static'), port: 0 });
  const base = `http://127.0.0.1:${bridge.port}/`;
  const store = new Map<string, string>();
  const realFetch = globalThis.fetch;
  Object.assign(globalThis, {
    window: { location: { href: `${base}?token=${bridge.token}` }, history: { state: null, replaceState: () => undefined } },
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
    // The login session is kept per browser profile (localStorage); the bridge token per tab (sessionStorage).
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
    fetch: (url: string, init: RequestInit) => {
      sent.push({ url, bytes: typeof init.body === 'string' ? Buffer.byteLength(init.body) : 0 });
      return realFetch(new URL(url, base), init);
    },
  });
});

afterAll(async () => {
  await bridge?.close();
  api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('importFiles from a browser', () => {
  it(`a citizens.csv of more than ${MAX_BODY / 2 ** 20} MiB goes by /upload/, the call carries only its id, and the job imports every row`, async () => {
    const { call, loginSession } = await import('../../../renderer/src/api.js');
    loginSession.set(await logIn(api.sessions, 'official'));
    const rows = 120_000;
    const csv = ['citizen_id,name,district,birth_date', ...Array.from({ length: rows }, (_, i) => `C${String(i + 1).padStart(7, '0')},Citizen number ${i + 1},North,`)].join('\n') + '\n';
    expect(Buffer.byteLength(csv)).toBeGreaterThan(MAX_BODY);
    const { jobId } = await call('importFiles', { files: [{ name: 'citizens.csv', content: csv }], provider: 'Test Registry', dryRun: true });
    expect(sent.map((s) => s.url)).toEqual(['./upload/citizens.csv', './api/importFiles']);
    expect(sent[1].bytes).toBeLessThan(1024);
    await api.jobs.wait(jobId);
    const status = api.jobs.status(jobId)!;
    expect(status.state, JSON.stringify(status.error)).toBe('done');
    expect(status.result).toMatchObject({ ok: true, counts: { citizensAdded: rows } });
  });
});
