/**
 * The attacks of issue 8, each as an actor of the threat model would make
 * it against a running console. An attack returns what it found wrong
 * (nothing when the console held); the suite asserts that, the benchmark
 * measures the viewer's ping meanwhile.
 */
import { request } from 'node:http';
import { openDatabase } from '../../electron/db/connection.js';
import { insertKind } from '../../electron/db/kinds.js';
import { ACCOUNTS, DB_KEY, JOB_TIME_LIMIT_S, PASSWORD, rawCall, type AbuseConsole, type Reply } from './console.js';

export interface Attack {
  name: string;
  run(c: AbuseConsole): Promise<string[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a body announced as `declared` bytes, as fast as the server takes it, for at most `forMs`; resolves with the reply (or how the connection ended). */
function hugeBody(c: AbuseConsole, path: string, headers: Record<string, string>, declared: number, forMs: number): Promise<Reply & { sentMiB: number }> {
  return new Promise((resolvePromise) => {
    let sent = 0;
    let settled = false;
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const started = Date.now();
    const done = (r: Reply) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolvePromise({ ...r, sentMiB: sent / 2 ** 20 });
    };
    const req = request(
      { host: '127.0.0.1', port: c.port, method: 'POST', path, agent: false, headers: { 'content-type': 'application/json', 'x-credence-token': c.token, 'content-length': String(declared), ...headers } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('end', () => {
          let body: Reply['body'] = null;
          try {
            body = JSON.parse(Buffer.concat(parts).toString('utf8'));
          } catch {
            body = null;
          }
          done({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', (err) => done({ status: 0, body: null, aborted: err.message }));
    const pump = () => {
      while (!settled && Date.now() - started < forMs && sent + chunk.length <= declared) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!settled) setTimeout(() => done({ status: 0, body: null, aborted: `no reply after sending ${(sent / 2 ** 20).toFixed(0)} MiB` }), 2_000);
    };
    pump();
  });
}

const bigBodies: Attack = {
  name: '600 MiB bodies, without and with a session',
  async run(c) {
    const problems: string[] = [];
    const before = c.rssMiB();
    const anonymous = await Promise.all(Array.from({ length: 4 }, () => hugeBody(c, '/api/search', {}, 600 * 2 ** 20, 3_000)));
    for (const r of anonymous) {
      if (r.body?.error?.code !== 'unauthenticated' && !r.aborted) problems.push(`a body without a session got ${r.status} ${JSON.stringify(r.body)}`);
      if (r.aborted && !/ECONNRESET|EPIPE|socket hang up/.test(r.aborted)) problems.push(`a body without a session: ${r.aborted}`);
    }
    const withSession = await hugeBody(c, '/api/search', { 'x-credence-session': c.sessions.official }, 600 * 2 ** 20, 3_000);
    if (withSession.status !== 413 && !/ECONNRESET|EPIPE/.test(withSession.aborted ?? '')) problems.push(`a 600 MiB body with a session got ${withSession.status} ${withSession.aborted ?? ''}`);
    const grown = c.rssMiB() - before;
    if (grown > 150) problems.push(`the console's memory grew by ${grown.toFixed(0)} MiB`);
    return problems;
  },
};

const parallelLogins: Attack = {
  name: '40 parallel wrong logins (bridge token only)',
  async run(c) {
    const problems: string[] = [];
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => c.call('login', { username: `nobody-${i}-${Date.now()}`, password: 'not the password' })));
    for (const r of replies) if (r.body?.ok !== false || r.body.error?.code !== 'unauthenticated') problems.push(`a wrong login got ${r.status} ${JSON.stringify(r.body)}`);
    return problems;
  },
};

const oneAccount: Attack = {
  name: '21 parallel attempts on one account',
  async run(c) {
    const problems: string[] = [];
    const replies = await Promise.all(Array.from({ length: 21 }, () => c.call('login', { username: ACCOUNTS.victim.username, password: 'a guess at the password' })));
    const checked = replies.filter((r) => r.body?.error?.message === 'wrong username or password').length;
    if (checked > 1) problems.push(`${checked} of 21 parallel attempts were checked (at most 1 may be)`);
    if (replies.some((r) => r.body?.ok)) problems.push('a wrong password logged in');
    // The attempts made alongside count: even the right password now waits.
    const right = await c.call('login', { username: ACCOUNTS.victim.username, password: PASSWORD });
    if (right.body?.ok || !/wait \d+ s/.test(right.body?.error?.message ?? '')) problems.push(`after 21 attempts the right password got ${JSON.stringify(right.body)} (expected a wait)`);
    return problems;
  },
};

const unlockBruteForce: Attack = {
  name: 'unlock brute force on a locked session',
  async run(c) {
    const problems: string[] = [];
    const login = await c.call('login', { username: ACCOUNTS.official.username, password: PASSWORD });
    const session = String(login.body?.value?.token);
    await c.call('lock', {}, session);
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => c.call('unlock', { password: `guess number ${i}` }, session)));
    if (guesses.some((r) => r.body?.ok)) problems.push('a wrong unlock opened the session');
    const checked = guesses.filter((r) => r.body?.error?.message === 'wrong password').length;
    if (checked > 1) problems.push(`${checked} of 12 parallel unlocks were checked (at most 1 may be)`);
    const after = await c.call('unlock', { password: PASSWORD }, session);
    if (after.body?.ok || after.body?.error?.code !== 'unauthenticated') problems.push(`after 12 wrong unlocks the session was not ended: ${JSON.stringify(after.body)}`);
    return problems;
  },
};

async function jobState(c: AbuseConsole, jobId: string, until: (state: string) => boolean, maxMs: number): Promise<Record<string, unknown>> {
  const started = Date.now();
  for (;;) {
    const r = await c.call('jobStatus', { jobId }, c.sessions.admin);
    const status = (r.body?.value ?? {}) as Record<string, unknown>;
    if (until(String(status.state)) || Date.now() - started > maxMs) return status;
    await sleep(100);
  }
}

const runawayJob: Attack = {
  name: 'a job that runs on: cancelled, then one past its time limit',
  async run(c) {
    const problems: string[] = [];
    const population = async () => Number(((await c.call('overview', {}, c.sessions.admin)).body?.value as { population?: number } | undefined)?.population ?? -1);
    const before = await population();
    const first = await c.call('createDemo', { citizens: 1_000_000, seed: 1 }, c.sessions.admin);
    const firstId = String(first.body?.value?.jobId);
    await jobState(c, firstId, (s) => s !== 'running', 1_500);
    await c.call('jobCancel', { jobId: firstId }, c.sessions.admin);
    const cancelled = await jobState(c, firstId, (s) => s !== 'running', 8_000);
    if (cancelled.state !== 'cancelled') problems.push(`a cancelled job is ${cancelled.state}: ${cancelled.error}`);

    const second = await c.call('createDemo', { citizens: 1_000_000, seed: 2 }, c.sessions.admin);
    if (!second.body?.ok) problems.push(`the slot did not free after the cancel: ${JSON.stringify(second.body)}`);
    const secondId = String(second.body?.value?.jobId);
    const stopped = await jobState(c, secondId, (s) => s !== 'running', (JOB_TIME_LIMIT_S + 8) * 1000);
    if (stopped.state !== 'failed' || !/time limit/.test(String(stopped.error))) problems.push(`a job past its time limit is ${stopped.state}: ${stopped.error}`);
    const after = await population();
    if (after !== before) problems.push(`the stopped jobs changed the population: ${before} -> ${after}`);
    const third = await c.call('recompute', {}, c.sessions.admin);
    if (!third.body?.ok) problems.push(`the slot did not free after the time limit: ${JSON.stringify(third.body)}`);
    else await jobState(c, String(third.body.value!.jobId), (s) => s !== 'running', 10_000);
    return problems;
  },
};

const staticReadErrors: Attack = {
  name: 'static files that fail to read',
  async run(c) {
    const problems: string[] = [];
    const get = (path: string) =>
      new Promise<string>((resolvePromise) => {
        const req = request({ host: '127.0.0.1', port: c.port, path, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolvePromise(String(res.statusCode)));
          res.on('error', (err) => resolvePromise(`aborted: ${err.message}`));
        });
        req.on('error', (err) => resolvePromise(`aborted: ${err.message}`));
        req.end();
      });
    for (let wave = 0; wave < 5; wave++) await Promise.all(Array.from({ length: 20 }, () => get('/assets/broken.js')));
    if (!c.alive()) problems.push('the console died');
    const index = await get('/');
    if (index !== '200') problems.push(`index.html after the read errors: ${index}`);
    return problems;
  },
};

const refusedFlood: Attack = {
  name: '5,000 refused calls from one caller',
  async run(c) {
    const problems: string[] = [];
    const db = openDatabase(c.dbFile, { readonly: true, key: DB_KEY });
    const rows = () => db.prepare("SELECT count(*) FROM access_log WHERE username = 'anonymous' AND action = 'overview'").pluck().get() as number;
    let before: number;
    try {
      before = rows();
    } catch {
      before = 0;
    }
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 5000) {
          next++;
          const r = await rawCall(c.port, c.token, '/api/overview', '{}', {});
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
      }),
    );
    const added = rows() - before;
    db.close();
    if (added > 10) problems.push(`5,000 refused calls added ${added} access log rows`);
    if (!statuses.get(429)) problems.push(`no refused call was rate-limited: ${JSON.stringify([...statuses])}`);
    return problems;
  },
};

const hostileRules: Attack = {
  name: 'hostile rules in the rule tester: catastrophic regex, heap-exhausting macro, 4-level all(), int64 extremes',
  async run(c) {
    const problems: string[] = [];
    const db = openDatabase(c.dbFile, { key: DB_KEY });
    try {
      if (!db.prepare("SELECT 1 FROM event_kinds WHERE kind = 'note'").get()) insertKind(db, { kind: 'note', fields: { text: { type: 'string' }, hours: { type: 'number' } } });
    } finally {
      db.close();
    }
    const rule = (condition: string) => ({ id: 'hostile', name: 'Hostile', description: '', dimension: 'abuse', event_kind: 'note', condition, points: '1' });
    const test = (condition: string, samples: Record<string, unknown>[]) => c.call('testRule', { rule: rule(condition), samples }, c.sessions.official);
    const l = `[${Array.from({ length: 90 }, (_, i) => i).join(',')}]`;
    const heap = "size(event.text.split('').map(a, event.text.split('').map(b, event.text.split('').map(c, a + b + c)))) > 0";
    const [regexes, macro, nested, extreme] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, (_, i) => test("event.text.matches('^(a+)+$')", [{ text: `${'a'.repeat(31 + i * 500)}!` }]))),
      c.call('checkExpression', { eventKind: 'note', expression: heap, expect: 'bool' }, c.sessions.official),
      test(`${l}.all(a, ${l}.all(b, ${l}.all(c, ${l}.all(d, true))))`, [{}]),
      test('-(-9223372036854775808) > 0', [{}]),
    ]);
    for (const r of regexes) {
      const rows = (r.body?.value as { rows?: { matched: boolean; error: string | null }[] } | undefined)?.rows;
      if (!r.body?.ok || rows?.[0]?.matched !== false || rows[0].error !== null) problems.push(`the catastrophic regex: ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    if ((macro.body?.value as { ok?: boolean } | undefined)?.ok !== false || !/too expensive/.test(JSON.stringify(macro.body))) problems.push(`the heap-exhausting macro was not refused: ${JSON.stringify(macro.body).slice(0, 200)}`);
    if (nested.body?.ok !== false || !/too expensive/.test(JSON.stringify(nested.body))) problems.push(`the 4-level all() was not refused: ${JSON.stringify(nested.body).slice(0, 200)}`);
    if (extreme.body?.ok !== false || !/outside the range/.test(JSON.stringify(extreme.body))) problems.push(`-(-9223372036854775808) was not refused: ${JSON.stringify(extreme.body).slice(0, 200)}`);
    if (!c.alive()) problems.push('the console died');
    return problems;
  },
};

export const ATTACKS: Attack[] = [bigBodies, parallelLogins, oneAccount, unlockBruteForce, runawayJob, staticReadErrors, refusedFlood, hostileRules];
