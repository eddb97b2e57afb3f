/**
 * The Electron IPC transport (electron/ipc/register.ts) with a fake ipcMain:
 * every channel of the contract is registered under `credence:<name>`, calls
 * from the app's main frame go through dispatch with the session token the
 * renderer sends as the handler's third argument, calls from any other frame
 * are refused before any handler runs, and unregistering removes everything.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, ipcChannel } from '../../../shared/channels.js';
import type { Reply } from '../../../shared/contract.js';
import { handlers } from '../../../electron/ipc/handlers.js';
import { registerIpcHandlers, type IpcMainLike } from '../../../electron/ipc/register.js';
import type { FrameLike } from '../../../electron/shell/security.js';
import { accessMark, accessSince, createAccounts, logInEveryRole, openApiContext, rowCounts, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

type Listener = Parameters<IpcMainLike['handle']>[1];

/** Records what register.ts does with ipcMain, and lets a test invoke a channel as the renderer would. */
class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  readonly handled: string[] = [];

  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handled.push(channel);
    this.listeners.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }

  invoke(channel: string, senderFrame: FrameLike | null, ...args: unknown[]): Promise<Reply<unknown>> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener({ senderFrame }, ...args) as Promise<Reply<unknown>>;
  }
}

const MAIN_FRAME: FrameLike = { url: 'app://credence/index.html', parent: null };

let api: ApiContext;
let ipc: FakeIpcMain;
let unregister: () => void;
/** Session tokens of a logged-in viewer and admin. */
let viewer: string;
let admin: string;

beforeAll(async () => {
  api = await openApiContext({ demo: false });
  await createAccounts(api.db, ['viewer', 'admin']);
  ({ viewer, admin } = await logInEveryRole(api.sessions, ['viewer', 'admin']));
});

afterAll(() => api?.close());

function register(): void {
  ipc = new FakeIpcMain();
  unregister = registerIpcHandlers(ipc, api.ctx);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('registration', () => {
  it('registers every channel of the contract as credence:<name>, once each', () => {
    register();
    expect(ipc.handled.sort()).toEqual(CHANNEL_NAMES.map((n) => `credence:${n}`).sort());
    for (const name of CHANNEL_NAMES) expect(ipc.listeners.has(ipcChannel(name))).toBe(true);
  });

  it('the returned function removes every handler it registered', () => {
    register();
    unregister();
    expect(ipc.listeners.size).toBe(0);
  });

  it('after unregistering, the channels can be registered again', () => {
    register();
    unregister();
    expect(() => registerIpcHandlers(ipc, api.ctx)).not.toThrow();
    expect(ipc.listeners.size).toBe(CHANNEL_NAMES.length);
  });
});

describe('senders', () => {
  beforeAll(() => register());

  it('a call from the main frame at app://credence/index.html with a session is dispatched', async () => {
    const ping = vi.spyOn(handlers, 'ping');
    const reply = await ipc.invoke('credence:ping', MAIN_FRAME, {}, admin);
    expect(reply.ok).toBe(true);
    expect(ping).toHaveBeenCalledTimes(1);
  });

  it('the input given by the renderer reaches dispatch and is validated there', async () => {
    const reply = await ipc.invoke('credence:search', MAIN_FRAME, { limit: 9999 }, admin);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const overview = await ipc.invoke('credence:overview', MAIN_FRAME, {}, admin);
    expect(overview).toMatchObject({ ok: true, value: { population: 0 } });
  });

  it('the session of each call decides the role: a viewer is forbidden what an admin may do', async () => {
    const createDemo = vi.spyOn(handlers, 'createDemo');
    const start = vi.spyOn(api.jobs, 'start').mockReturnValue('stub-job');
    const refused = await ipc.invoke('credence:createDemo', MAIN_FRAME, { citizens: 10 }, viewer);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(createDemo).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
    const allowed = await ipc.invoke('credence:createDemo', MAIN_FRAME, { citizens: 10 }, admin);
    expect(allowed).toEqual({ ok: true, value: { jobId: 'stub-job' } });
    expect(start).toHaveBeenCalledWith('demo', USERNAMES.admin, { citizens: 10, seed: 1 });
  });

  it('the session names the user: authStatus answers the account behind the token', async () => {
    expect(await ipc.invoke('credence:authStatus', MAIN_FRAME, {}, viewer)).toEqual({
      ok: true,
      value: { needsSetup: false, locked: false, user: { username: USERNAMES.viewer, displayName: 'Test viewer', role: 'viewer' } },
    });
  });

  it.each([
    { label: 'no session argument', args: [] as unknown[] },
    { label: 'an undefined session', args: [undefined] },
    { label: 'an empty session', args: [''] },
    { label: 'a number', args: [42] },
  ])('a call with $label is unauthenticated and no handler runs', async ({ args }) => {
    const spies = (['ping', 'overview', 'createDemo'] as const).map((name) => vi.spyOn(handlers, name));
    const start = vi.spyOn(api.jobs, 'start');
    for (const [channel, input] of [
      ['credence:ping', {}],
      ['credence:overview', {}],
      ['credence:createDemo', { citizens: 10 }],
    ] as const) {
      const reply = await ipc.invoke(channel, MAIN_FRAME, input, ...args);
      expect(reply, channel).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
  });

  it('the token wrapped in an object is not unwrapped: only a string is a session', async () => {
    const reply = await ipc.invoke('credence:ping', MAIN_FRAME, {}, { token: admin });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('a token that is no session is unauthenticated, and the refusal is logged', async () => {
    const mark = accessMark(api.db);
    const reply = await ipc.invoke('credence:overview', MAIN_FRAME, {}, 'not-a-session-token');
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ action: 'overview', outcome: 'refused' })]);
  });

  it('a login channel needs no session: authStatus answers nobody logged in', async () => {
    expect(await ipc.invoke('credence:authStatus', MAIN_FRAME, {})).toEqual({ ok: true, value: { needsSetup: false, user: null, locked: false } });
  });

  const untrusted: { label: string; frame: FrameLike | null }[] = [
    { label: 'a sub-frame of the app (parent not null)', frame: { url: 'app://credence/index.html', parent: { url: 'app://credence/index.html' } } },
    { label: 'http://evil.example', frame: { url: 'http://evil.example/', parent: null } },
    { label: 'https://evil.example with the app path', frame: { url: 'https://evil.example/index.html', parent: null } },
    { label: 'a file:// page', frame: { url: 'file:///work/main/dist/renderer/index.html', parent: null } },
    { label: 'another app:// host', frame: { url: 'app://evil/index.html', parent: null } },
    { label: 'a host that only starts with credence', frame: { url: 'app://credence.evil.example/index.html', parent: null } },
    { label: 'about:blank', frame: { url: 'about:blank', parent: null } },
    { label: 'a null frame (destroyed or navigated away)', frame: null },
  ];

  it.each(untrusted)('a call from $label is refused as forbidden and no handler runs, even with an admin session', async ({ frame }) => {
    const before = rowCounts(api.db);
    const spies = CHANNEL_NAMES.map((name) => vi.spyOn(handlers, name));
    const start = vi.spyOn(api.jobs, 'start');
    for (const [channel, input] of [
      ['credence:ping', {}],
      ['credence:createDemo', { citizens: 10 }],
      ['credence:importFolder', { folder: '/tmp' }],
      ['credence:verifyLedger', {}],
      ['credence:login', { username: USERNAMES.admin, password: 'whatever it is' }],
      ['credence:createUser', { username: 'intruder', role: 'admin', password: 'a long enough password' }],
    ] as const) {
      const reply = await ipc.invoke(channel, frame, input, admin);
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
    expect(rowCounts(api.db)).toEqual(before);
  });
});
