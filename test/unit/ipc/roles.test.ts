/**
 * A test covers every channel x role, and every refusal is logged: each
 * channel of the contract called by a real logged-in session of each role
 * through dispatchFromSession (the entry point of both transports) on the
 * small demo database. Also: calls without a session, with a token that is no
 * session, and on a locked session; and the access log of record views
 * (with their purpose) and searches.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { channels, CHANNEL_NAMES, type ChannelName, type Reply, type Role } from '../../../shared/contract.js';
import { MAY_CALL, mayCall, neededRole } from './roleTable.js';
import { dispatchFromSession } from '../../../electron/ipc/dispatch.js';
import { handlers, type HandlerContext } from '../../../electron/ipc/handlers.js';
import { IDLE_LOCK_MS, SessionStore } from '../../../electron/services/auth.js';
import { defaultRuleset } from '../helpers/defaultResources.js';
import { testAuditor } from '../helpers/auditor.js';
import {
  accessMark,
  accessSince,
  createAccounts,
  logIn,
  logInEveryRole,
  openApiContext,
  ROLES,
  rowCounts,
  TEST_PASSWORD,
  USERNAMES,
  type ApiContext,
} from '../helpers/apiContext.js';

/** The sessions of this file live on a clock that stands still, so none locks while the matrix runs. */
const NOW = Date.parse('2026-11-02T09:00:00.000Z');
/** A ruleset that differs from the published default (proposing the published one again is refused). */
const RULESET: Record<string, unknown> = { ...defaultRuleset(), base_score: 1001 };
const LATE_BILLS = (RULESET.rules as { id: string }[]).find((r) => r.id === 'late-bills')!;

/** A valid input for every channel on the demo database. */
const IMPORT_FOLDER = join(tmpdir(), `credence-roles-import-${process.pid}`, 'in');

const VALID: Record<ChannelName, unknown> = {
  authStatus: {},
  setupAdmin: { username: 'second-first-admin', password: 'a long enough password' },
  login: { username: USERNAMES.viewer, password: TEST_PASSWORD },
  unlock: { password: TEST_PASSWORD },
  lock: {},
  logout: {},
  users: {},
  createUser: { username: 'made-in-the-matrix', role: 'viewer', password: 'a long enough password' },
  accountChanges: {},
  decideAccountChange: { changeId: 999999, approve: false, reason: 'role matrix: no such change' },
  changeRole: { username: 'nobody-here', role: 'official', reason: 'role matrix: no such account' },
  enableUser: { username: 'nobody-here', reason: 'role matrix: no such account' },
  disableUser: { username: 'nobody-here', reason: 'role matrix: no such account' },
  resetPassword: { username: 'nobody-here', reason: 'role matrix: no such account' },
  changePassword: { current: 'not the current password', next: 'a brand new password' },
  setLanguage: { language: 'en' },
  accountHistory: {},
  sessions: {},
  revokeSession: { sessionId: 'no-such-session', reason: 'role matrix: no such session' },
  issueCliToken: {},
  accessAlerts: {},
  setBulkReadThreshold: { perHour: 300, reason: 'role matrix: the default again' },
  accessLog: { limit: 5 },
  recordViewers: { citizenId: 'C0000042' },
  ping: {},
  overview: {},
  districts: {},
  search: { query: 'C00000', limit: 5 },
  citizen: { citizenId: 'C0000042', purpose: 'role matrix' },
  citizenEvents: { citizenId: 'C0000042', limit: 5 },
  rulesetCurrent: {},
  rulesetVersions: {},
  rulesetGet: { version: 1 },
  checkExpression: { eventKind: 'bill_payment', expression: 'event.on_time', expect: 'bool' },
  validateRuleset: { ruleset: RULESET },
  testRule: { rule: LATE_BILLS, samples: [{ on_time: false }] },
  simulate: { ruleset: RULESET },
  proposals: {},
  proposeRuleset: { ruleset: RULESET, reason: 'role matrix: propose a changed base score', simulationJobId: 'no-such-job' },
  attachProposalSimulation: { proposalId: 999_999, simulationJobId: 'no-such-job' },
  proposeAdjustment: { citizenId: 'C0000042', points: 5, justification: 'role matrix: an adjustment to propose' },
  decideProposal: { proposalId: 999_999, approve: false, reason: 'role matrix' },
  disputes: {},
  openDispute: { citizenId: 'C0000042', eventId: 'E999999999', statement: 'role matrix: the citizen disputes an event' },
  moveDispute: { disputeId: 999_999, status: 'under_review', reason: 'role matrix' },
  measures: { citizenId: 'C0000042' },
  decideMeasure: { citizenId: 'C0000042', measureId: 'no-such-measure', decision: 'withdrawn', reason: 'role matrix' },
  importFiles: { files: [{ name: 'citizens.csv', content: 'citizen_id,name,district,birth_date\n' }], provider: 'Yatou registry', dryRun: true },
  importFolder: { folder: IMPORT_FOLDER, provider: 'Yatou registry', dryRun: true },
  recompute: { asOf: '2026-11-02T00:00:00Z' },
  createDemo: { citizens: 10, seed: 2 },
  jobStatus: { jobId: 'no-such-job' },
  jobCancel: { jobId: 'no-such-job' },
  operations: { limit: 5 },
  operationLedger: { operationId: 1, limit: 5 },
  exportAccessLog: {},
  checkpoints: {},
  createCheckpoint: { keyFile: JSON.stringify(testAuditor().file), passphrase: testAuditor().passphrase },
  verifyCheckpoint: {
    checkpoint: { format: 'credence-checkpoint/2', count: 0, head: '0'.repeat(64), chainCount: 0, chainHead: '0'.repeat(64), at: '2026-11-01T00:00:00Z', keyId: '0'.repeat(16), publicKey: '', signature: '' },
    trustedPublicKey: testAuditor().publicKeyPem,
  },
  disclosure: { citizenId: 'C0000042' },
  subjectExport: { citizenId: 'C0000042' },
  verifyLedger: {},
  backups: {},
  createBackup: {},
  setBackupSettings: { keep: 7 },
  verifyBackup: { file: 'no-such.backup' },
  recentPurposes: {},
  accessSettings: {},
  setAccessSettings: { purposeRequired: false, reason: 'role matrix: keep the purpose optional' },
  recordEvent: { citizenId: 'C0000042', eventId: 'E-role-matrix', kind: 'no_such_kind', occurredAt: '2026-10-01T00:00:00Z', data: {}, reason: 'role matrix: an event of no kind' },
  retractEvent: { eventId: 'E999999999', reason: 'role matrix: retract nothing' },
  assignDispute: { disputeId: 999_999, assignee: null, reason: 'role matrix' },
  disputeReviewers: {},
  disputeCounts: {},
  recordConsent: { citizenId: 'C9999999', status: 'withdrawn', at: '2026-10-01T00:00:00Z', evidence: 'role matrix letter', reason: 'role matrix: a citizen nobody has' },
  scoreOutlook: { citizenId: 'C0000042' },
  previewEvent: { citizenId: 'C0000001', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: { on_time: false } },
  networkView: { citizenId: 'C0000042' },
  friendPenaltyShare: {},
  fairnessReport: {},
  exportFairnessReport: {},
};

/** What an allowed call with the VALID input answers when that is not ok, given the state of the database. */
const ALLOWED_BUT_NOT_OK: Partial<Record<ChannelName, { code: string; message: RegExp }>> = {
  setupAdmin: { code: 'forbidden', message: /already exists/ },
  jobStatus: { code: 'not_found', message: /no job/ },
  decideProposal: { code: 'not_found', message: /no proposal/ },
  proposeRuleset: { code: 'rejected', message: /no simulation job 'no-such-job'/ },
  attachProposalSimulation: { code: 'rejected', message: /no simulation job 'no-such-job'/ },
  openDispute: { code: 'not_found', message: /no event/ },
  moveDispute: { code: 'not_found', message: /no dispute/ },
  decideMeasure: { code: 'rejected', message: /does not apply/ },
  recordEvent: { code: 'rejected', message: /unknown event kind/ },
  retractEvent: { code: 'not_found', message: /no event/ },
  recordConsent: { code: 'not_found', message: /no citizen with id 'C9999999'/ },
  assignDispute: { code: 'not_found', message: /no dispute/ },
  decideAccountChange: { code: 'not_found', message: /no account change/ },
  changeRole: { code: 'not_found', message: /no account named/ },
  enableUser: { code: 'not_found', message: /no account named/ },
  disableUser: { code: 'not_found', message: /no account named/ },
  resetPassword: { code: 'not_found', message: /no account named/ },
  changePassword: { code: 'forbidden', message: /current password is wrong/ },
};

/** Channels that start a job: an allowed call's job is cancelled and awaited before the next test. */
const JOB_CHANNELS = new Set<ChannelName>(['simulate', 'importFiles', 'importFolder', 'recompute', 'createDemo']);
/** Channels that write (or start a job that writes): never an auditor's. */
const WRITE_CHANNELS: ChannelName[] = [...JOB_CHANNELS, 'createUser', 'proposeRuleset', 'attachProposalSimulation', 'proposeAdjustment', 'decideProposal', 'openDispute', 'moveDispute', 'decideMeasure', 'jobCancel', 'decideAccountChange', 'changeRole', 'enableUser', 'disableUser', 'resetPassword', 'revokeSession', 'setBulkReadThreshold', 'setAccessSettings', 'recordEvent', 'retractEvent', 'assignDispute', 'recordConsent'];
/** Channels that end or lock the session they come with: called with a fresh login. */
const CONSUMES_SESSION = new Set<ChannelName>(['lock', 'logout']);
/** Decided from the hand-written table (roleTable.ts), not from the contract under test. */
const NON_PUBLIC = CHANNEL_NAMES.filter((n) => neededRole(n) !== 'public');

let api: ApiContext;
let tokens: Record<Role, string>;

beforeAll(async () => {
  api = await openApiContext({ demo: true, now: () => NOW });
  // A folder inside the import roots, so that an allowed importFolder starts its job.
  mkdirSync(IMPORT_FOLDER, { recursive: true });
  api.ctx.importRoots = [dirname(IMPORT_FOLDER)];
  await createAccounts(api.db);
  tokens = await logInEveryRole(api.sessions);
});

afterAll(() => {
  api?.close();
  rmSync(dirname(IMPORT_FOLDER), { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Cancel a job a reply started and wait for its worker, so that the next job is not a conflict. */
async function settleJob(reply: Reply<unknown>): Promise<string | null> {
  if (!reply.ok || typeof reply.value !== 'object' || reply.value === null || !('jobId' in reply.value)) return null;
  const jobId = String(reply.value.jobId);
  api.jobs.cancel(jobId);
  await api.jobs.wait(jobId);
  return jobId;
}

describe('every channel x every role', () => {
  it('the matrix below has an input for exactly the channels of the contract', () => {
    expect(Object.keys(VALID).sort()).toEqual([...CHANNEL_NAMES].sort());
    for (const name of CHANNEL_NAMES) expect(channels[name].input.safeParse(VALID[name]).success, name).toBe(true);
  });

  const cases = ROLES.flatMap((role) => CHANNEL_NAMES.map((name) => ({ role, name, needs: neededRole(name), allowed: mayCall(name, role) })));

  it.each(cases)('$role calling $name (needs $needs): allowed=$allowed', async ({ role, name, allowed }) => {
    const token = CONSUMES_SESSION.has(name) ? await logIn(api.sessions, role) : tokens[role];
    const handler = vi.spyOn(handlers, name);
    const start = vi.spyOn(api.jobs, 'start');
    const mark = accessMark(api.db);
    const reply = await dispatchFromSession(name, VALID[name], api.ctx, token);
    const jobId = await settleJob(reply);
    const rows = accessSince(api.db, mark);

    if (allowed) {
      const expected = ALLOWED_BUT_NOT_OK[name];
      if (expected) {
        expect(reply).toMatchObject({ ok: false, error: { code: expected.code, message: expect.stringMatching(expected.message) } });
      } else {
        expect(reply.ok ? 'ok' : `${reply.error.code}: ${reply.error.message}`).toBe('ok');
      }
      expect(handler).toHaveBeenCalledTimes(1);
      if (JOB_CHANNELS.has(name)) {
        expect(jobId).not.toBeNull();
        expect(start).toHaveBeenCalledWith(expect.any(String), USERNAMES[role], expect.any(Object));
      }
      // A handler's own refusal (setupAdmin once accounts exist) is logged; the role check let the call through.
      if (ALLOWED_BUT_NOT_OK[name]?.code !== 'forbidden') expect(rows.filter((r) => r.action === name && r.outcome === 'refused')).toEqual([]);
    } else {
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(handler).not.toHaveBeenCalled();
      expect(start).not.toHaveBeenCalled();
      expect(rows).toEqual([expect.objectContaining({ username: USERNAMES[role], action: name, outcome: 'refused', citizenId: null })]);
    }
  });

  it('admin may call every channel; an auditor no write channel', () => {
    // A guard on the table above: a typo in MAY_CALL would make the matrix test the wrong thing.
    for (const name of CHANNEL_NAMES) expect(MAY_CALL[neededRole(name)]).toContain('admin');
    for (const name of WRITE_CHANNELS) expect(mayCall(name, 'auditor'), name).toBe(false);
    expect(MAY_CALL[neededRole('createUser')]).toEqual(['admin']);
  });

  it('every refusal is logged: setupAdmin once accounts exist is refused, creates nothing, and the refusal is in the access log', async () => {
    const before = rowCounts(api.db).users;
    const mark = accessMark(api.db);
    const reply = await dispatchFromSession('setupAdmin', { username: 'late-first-admin', password: 'a long enough password' }, api.ctx, undefined);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(rowCounts(api.db).users).toBe(before);
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ action: 'setupAdmin', outcome: 'refused' })]);
  });

  it('every refusal is logged: an official approving a ruleset proposal is refused, and the refusal is in the access log', async () => {
    const simulationJobId = api.jobs.start('simulate', 'admin', { ruleset: RULESET });
    await api.jobs.wait(simulationJobId);
    const proposed = await dispatchFromSession('proposeRuleset', { ruleset: RULESET, reason: 'a ruleset for an official to approve', simulationJobId }, api.ctx, tokens.admin);
    if (!proposed.ok) throw new Error(proposed.error.message);
    const { proposalId } = proposed.value as { proposalId: number };
    const mark = accessMark(api.db);
    const start = vi.spyOn(api.jobs, 'start');
    const reply = await dispatchFromSession('decideProposal', { proposalId, approve: true, reason: 'looks right to me' }, api.ctx, tokens.official);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(start).not.toHaveBeenCalled();
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: USERNAMES.official, action: 'decideProposal', outcome: 'refused' })]);
  });
});

describe('calls without a valid session', () => {
  it('without a session every non-public channel is unauthenticated and no handler runs', async () => {
    const spies = NON_PUBLIC.map((name) => vi.spyOn(handlers, name));
    const start = vi.spyOn(api.jobs, 'start');
    for (const name of NON_PUBLIC) {
      const reply = await dispatchFromSession(name, VALID[name], api.ctx, undefined);
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
  });

  it('without a session the public channels answer: authStatus says nobody is logged in', async () => {
    expect(await dispatchFromSession('authStatus', {}, api.ctx, undefined)).toEqual({ ok: true, value: { needsSetup: false, user: null, locked: false } });
    expect(await dispatchFromSession('lock', {}, api.ctx, undefined)).toEqual({ ok: true, value: {} });
    expect(await dispatchFromSession('logout', {}, api.ctx, undefined)).toEqual({ ok: true, value: {} });
  });

  it('a token that is no session is unauthenticated on every non-public channel, each refusal logged with its channel', async () => {
    const spies = NON_PUBLIC.map((name) => vi.spyOn(handlers, name));
    const mark = accessMark(api.db);
    for (const name of NON_PUBLIC) {
      const reply = await dispatchFromSession(name, VALID[name], api.ctx, 'made-up-session-token');
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    const rows = accessSince(api.db, mark);
    expect(rows.map((r) => r.action)).toEqual(NON_PUBLIC);
    for (const row of rows) expect(row.outcome).toBe('refused');
  });

  it('a locked session answers locked on every non-public channel; a wrong unlock is logged; the right password opens it again', async () => {
    let now = NOW;
    const ctx: HandlerContext = { ...api.ctx, sessions: new SessionStore(api.db, () => now) };
    const token = await logIn(ctx.sessions, 'official');
    now += IDLE_LOCK_MS + 1;
    const spies = NON_PUBLIC.map((name) => vi.spyOn(handlers, name));
    for (const name of NON_PUBLIC) {
      const reply = await dispatchFromSession(name, VALID[name], ctx, token);
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'locked' } });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    // The account's language is whatever the role matrix above last set; it is not the point here.
    expect(await dispatchFromSession('authStatus', {}, ctx, token)).toEqual({
      ok: true,
      value: { needsSetup: false, locked: true, user: { username: USERNAMES.official, displayName: 'Test official', role: 'official', language: expect.any(String) } },
    });

    const mark = accessMark(api.db);
    expect(await dispatchFromSession('unlock', { password: 'not the password' }, ctx, token)).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: USERNAMES.official, action: 'unlock', outcome: 'refused' })]);
    expect(await dispatchFromSession('ping', {}, ctx, token)).toMatchObject({ ok: false, error: { code: 'locked' } });

    expect(await dispatchFromSession('unlock', { password: TEST_PASSWORD }, ctx, token)).toEqual({
      ok: true,
      value: { username: USERNAMES.official, displayName: 'Test official', role: 'official', language: expect.any(String) },
    });
    expect(await dispatchFromSession('ping', {}, ctx, token)).toMatchObject({ ok: true });
  });
});

describe('the access log of record views and searches', () => {
  it('opening a record with a purpose writes a view_record row with that purpose, and recordViewers returns it', async () => {
    const purpose = 'complaint 2026-117: the citizen asked why their tier fell';
    const mark = accessMark(api.db);
    expect((await dispatchFromSession('citizen', { citizenId: 'C0000099', purpose }, api.ctx, tokens.official)).ok).toBe(true);
    const rows = accessSince(api.db, mark);
    expect(rows).toEqual([expect.objectContaining({ username: USERNAMES.official, action: 'view_record', citizenId: 'C0000099', purpose, outcome: 'allowed' })]);

    const viewers = await dispatchFromSession('recordViewers', { citizenId: 'C0000099' }, api.ctx, tokens.viewer);
    if (!viewers.ok) throw new Error(viewers.error.message);
    const value = viewers.value as { total: number; rows: { id: number; action: string; citizenId: string; purpose: string | null; username: string }[] };
    expect(value.rows).toContainEqual(expect.objectContaining({ id: rows[0].id, username: USERNAMES.official, purpose }));
    expect(value.total).toBe(value.rows.length);
    for (const row of value.rows) expect(row).toMatchObject({ action: 'view_record', citizenId: 'C0000099' });

    const log = await dispatchFromSession('accessLog', { citizenId: 'C0000099' }, api.ctx, tokens.auditor);
    expect(log).toMatchObject({ ok: true, value: { rows: expect.arrayContaining([expect.objectContaining({ id: rows[0].id, purpose })]) } });
  });

  it('opening a record without a purpose is logged too, with no purpose', async () => {
    const mark = accessMark(api.db);
    expect((await dispatchFromSession('citizen', { citizenId: 'C0000098' }, api.ctx, tokens.viewer)).ok).toBe(true);
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: USERNAMES.viewer, action: 'view_record', citizenId: 'C0000098', purpose: null })]);
  });

  it('opening a record that does not exist writes no view_record row', async () => {
    const mark = accessMark(api.db);
    expect(await dispatchFromSession('citizen', { citizenId: 'X404', purpose: 'probe' }, api.ctx, tokens.viewer)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(accessSince(api.db, mark).filter((r) => r.action === 'view_record')).toEqual([]);
  });

  it('a search with a query writes a search row naming the query', async () => {
    const mark = accessMark(api.db);
    expect((await dispatchFromSession('search', { query: 'Zhou', limit: 5 }, api.ctx, tokens.viewer)).ok).toBe(true);
    const rows = accessSince(api.db, mark);
    expect(rows).toEqual([expect.objectContaining({ username: USERNAMES.viewer, action: 'search', outcome: 'allowed', citizenId: null })]);
    expect(rows[0].detail).toContain('Zhou');
  });
});
