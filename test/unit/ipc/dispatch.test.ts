/**
 * The door every call goes through (electron/ipc/dispatch.ts), called with a
 * caller of a role (the session side is in roles.test.ts): unknown channels,
 * the role each channel needs, the strict input schema of every channel (a
 * refused input never reaches the handler), the mapping of failures to error
 * codes, and every read channel answered from a real demo database with
 * values that hold together.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { channels, CHANNEL_NAMES, type Access, type ChannelName, type Output, type Role } from '../../../shared/contract.js';
import { dispatch, isChannel, roleAllows } from '../../../electron/ipc/dispatch.js';
import { handlers } from '../../../electron/ipc/handlers.js';
import { mayCall as mayCallByTable, neededRole } from './roleTable.js';
import { JobConflictError } from '../../../electron/jobs/manager.js';
import { parseJob } from '../../../electron/jobs/protocol.js';
import { DEMO_DISTRICTS } from '../../../electron/services/demo.js';
import { defaultRuleset, DEFAULT_KINDS_FILE } from '../helpers/defaultResources.js';
import { testAuditor } from '../helpers/auditor.js';
import { callerAs, createAccounts, DEMO_AS_OF, DEMO_CITIZENS, openApiContext, ROLES, rowCounts, TEST_PASSWORD, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

const DEFAULT_RULESET = defaultRuleset();
/** Differs from the published default: proposing the published ruleset again is refused. */
const CHANGED_RULESET = { ...(DEFAULT_RULESET as Record<string, unknown>), base_score: 1001 };
const LATE_BILLS = (DEFAULT_RULESET.rules as { id: string }[]).find((r) => r.id === 'late-bills')!;
const FAKE_JOB_ID = '00000000-0000-4000-8000-000000000000';

let api: ApiContext;

beforeAll(async () => {
  api = await openApiContext({ demo: true });
  await createAccounts(api.db);
});

afterAll(() => api?.close());

afterEach(() => {
  vi.restoreAllMocks();
});

/** Replace the job manager's start so no worker runs; an upload folder handed to it is removed as the job would. */
function stubJobStart(impl?: () => string) {
  return vi.spyOn(api.jobs, 'start').mockImplementation((kind, _actor, params) => {
    const job = parseJob(kind, params);
    if (job.kind === 'import' && job.params.removeAfter) rmSync(job.params.folder, { recursive: true, force: true });
    return impl ? impl() : FAKE_JOB_ID;
  });
}

async function call<K extends ChannelName>(name: K, input: unknown, role: Role = 'admin') {
  return dispatch(name, input, api.ctx, callerAs(role));
}

/** A call that must succeed; returns its value typed by the contract. */
async function ok<K extends ChannelName>(name: K, input: unknown): Promise<Output<K>> {
  const reply = await call(name, input);
  if (!reply.ok) throw new Error(`${name} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.value as Output<K>;
}

async function errorOf(name: string, input: unknown, role: Role = 'admin') {
  const reply = await dispatch(name, input, api.ctx, callerAs(role));
  expect(reply.ok, `${name} should have been refused`).toBe(false);
  return (reply as { ok: false; error: { code: string; message: string } }).error;
}

interface BadInput {
  label: string;
  input: unknown;
  /** The field the error message must name ('input' when the whole input is wrong). */
  field: string;
}

/** The message names `field` as an issue path (`name: field: ...` or `; field: ...`) or as an unrecognized key (`"field"`). */
function namesField(message: string, name: string, field: string): boolean {
  return message.startsWith(`${name}: ${field}: `) || message.includes(`; ${field}: `) || message.includes(`"${field}"`);
}

const EMPTY_INPUT_BAD: BadInput[] = [
  { label: 'a string instead of an object', input: 'everything', field: 'input' },
  { label: 'a number instead of an object', input: 42, field: 'input' },
  { label: 'an unknown key', input: { sneaky: true }, field: 'sneaky' },
];

const IMPORT_FILE = { name: 'citizens.csv', content: 'citizen_id,name,district,birth_date\n' };
const CHECK_EXPRESSION = { eventKind: 'bill_payment', expression: 'event.on_time', expect: 'bool' };
const ADJUSTMENT = { citizenId: 'C0000042', points: 5, justification: 'volunteering not yet in the records' };
/** A dispute about an event the citizen does not have: valid at the door, not_found behind it. */
const DISPUTE = { citizenId: 'C0000042', eventId: 'E999999999', statement: 'the citizen says this never happened' };
const MEASURE_DECISION = { citizenId: 'C0000042', measureId: 'no-such-measure', decision: 'withdrawn', reason: 'does not apply' };
const NEW_ACCOUNT = { username: 'made.by-admin_1', displayName: 'Made by admin', role: 'official', password: 'a long enough password' };

/** For every channel: one input the schema accepts, and malformed variants of it. */
const INPUTS = {
  authStatus: { valid: {}, bad: EMPTY_INPUT_BAD },
  setupAdmin: {
    valid: { username: 'first-admin', password: 'a long enough password' },
    bad: [
      { label: 'a username with a space', input: { username: 'first admin', password: 'a long enough password' }, field: 'username' },
      { label: 'a username of 65 characters', input: { username: 'a'.repeat(65), password: 'a long enough password' }, field: 'username' },
      { label: 'an empty username', input: { username: '', password: 'a long enough password' }, field: 'username' },
      { label: 'a password of 7 characters', input: { username: 'first-admin', password: '1234567' }, field: 'password' },
      { label: 'a password of 129 characters', input: { username: 'first-admin', password: 'p'.repeat(129) }, field: 'password' },
      { label: 'no password', input: { username: 'first-admin' }, field: 'password' },
      { label: 'a displayName over 100 characters', input: { username: 'first-admin', password: 'a long enough password', displayName: 'd'.repeat(101) }, field: 'displayName' },
      { label: 'a role (the first account is always admin)', input: { username: 'first-admin', password: 'a long enough password', role: 'viewer' }, field: 'role' },
    ],
  },
  login: {
    valid: { username: USERNAMES.viewer, password: TEST_PASSWORD },
    bad: [
      { label: 'a username over 64 characters', input: { username: 'u'.repeat(65), password: TEST_PASSWORD }, field: 'username' },
      { label: 'a password over 128 characters', input: { username: USERNAMES.viewer, password: 'p'.repeat(129) }, field: 'password' },
      { label: 'a number as password', input: { username: USERNAMES.viewer, password: 12345678 }, field: 'password' },
      { label: 'no password', input: { username: USERNAMES.viewer }, field: 'password' },
      { label: 'an unknown key', input: { username: USERNAMES.viewer, password: TEST_PASSWORD, role: 'admin' }, field: 'role' },
    ],
  },
  unlock: {
    valid: { password: TEST_PASSWORD },
    bad: [
      { label: 'no password', input: {}, field: 'password' },
      { label: 'a password over 128 characters', input: { password: 'p'.repeat(129) }, field: 'password' },
      { label: 'an unknown key', input: { password: TEST_PASSWORD, username: USERNAMES.admin }, field: 'username' },
    ],
  },
  lock: { valid: {}, bad: EMPTY_INPUT_BAD },
  logout: { valid: {}, bad: EMPTY_INPUT_BAD },
  users: { valid: {}, bad: EMPTY_INPUT_BAD },
  createUser: {
    valid: NEW_ACCOUNT,
    bad: [
      { label: 'an unknown role', input: { ...NEW_ACCOUNT, role: 'superuser' }, field: 'role' },
      { label: 'no role', input: { username: 'someone', password: 'a long enough password' }, field: 'role' },
      { label: 'a password of 7 characters', input: { ...NEW_ACCOUNT, password: 'short12' }, field: 'password' },
      { label: 'a password of 129 characters', input: { ...NEW_ACCOUNT, password: 'p'.repeat(129) }, field: 'password' },
      { label: 'a username with a slash', input: { ...NEW_ACCOUNT, username: 'a/b' }, field: 'username' },
      { label: 'a displayName over 100 characters', input: { ...NEW_ACCOUNT, displayName: 'd'.repeat(101) }, field: 'displayName' },
      { label: 'an unknown key', input: { ...NEW_ACCOUNT, disabled: false }, field: 'disabled' },
    ],
  },
  accessLog: {
    valid: { citizenId: 'C0000001', limit: 10 },
    bad: [
      { label: 'a malformed citizenId', input: { citizenId: 'C 1' }, field: 'citizenId' },
      { label: 'a limit above 500', input: { limit: 501 }, field: 'limit' },
      { label: 'a negative offset', input: { offset: -1 }, field: 'offset' },
      { label: 'an action over 40 characters', input: { action: 'a'.repeat(41) }, field: 'action' },
      { label: 'a username over 64 characters', input: { username: 'u'.repeat(65) }, field: 'username' },
      { label: 'an unknown key', input: { outcome: 'refused' }, field: 'outcome' },
    ],
  },
  recordViewers: {
    valid: { citizenId: 'C0000001' },
    bad: [
      { label: 'no citizenId', input: {}, field: 'citizenId' },
      { label: 'a malformed citizenId', input: { citizenId: '../C1' }, field: 'citizenId' },
      { label: 'an unknown key', input: { citizenId: 'C0000001', limit: 5 }, field: 'limit' },
    ],
  },
  ping: { valid: {}, bad: EMPTY_INPUT_BAD },
  overview: { valid: {}, bad: EMPTY_INPUT_BAD },
  districts: { valid: {}, bad: EMPTY_INPUT_BAD },
  search: {
    valid: { query: 'Zhou', limit: 10 },
    bad: [
      { label: 'a number as query', input: { query: 42 }, field: 'query' },
      { label: 'a limit above 500', input: { limit: 501 }, field: 'limit' },
      { label: 'a limit of 0', input: { limit: 0 }, field: 'limit' },
      { label: 'a negative offset', input: { offset: -1 }, field: 'offset' },
      { label: 'a fractional offset', input: { offset: 1.5 }, field: 'offset' },
      { label: 'an unknown sort key', input: { sort: 'birthDate' }, field: 'sort' },
      { label: 'an infinite minScore', input: { minScore: Infinity }, field: 'minScore' },
      { label: 'a query longer than 200 characters', input: { query: 'x'.repeat(201) }, field: 'query' },
      { label: 'an unknown key', input: { query: 'Zhou', orderBy: 'name' }, field: 'orderBy' },
    ],
  },
  citizen: {
    valid: { citizenId: 'C0000001' },
    bad: [
      { label: 'a number as citizenId', input: { citizenId: 1001 }, field: 'citizenId' },
      { label: 'a citizenId with forbidden characters', input: { citizenId: "C1' OR 1=1" }, field: 'citizenId' },
      { label: 'a citizenId longer than 64 characters', input: { citizenId: 'C'.repeat(65) }, field: 'citizenId' },
      { label: 'no citizenId', input: {}, field: 'citizenId' },
      { label: 'a purpose over 500 characters', input: { citizenId: 'C0000001', purpose: 'p'.repeat(501) }, field: 'purpose' },
      { label: 'a number as purpose', input: { citizenId: 'C0000001', purpose: 7 }, field: 'purpose' },
      { label: 'an unknown key', input: { citizenId: 'C0000001', include: 'all' }, field: 'include' },
    ],
  },
  citizenEvents: {
    valid: { citizenId: 'C0000001', limit: 5 },
    bad: [
      { label: 'a limit above 1000', input: { citizenId: 'C0000001', limit: 1001 }, field: 'limit' },
      { label: 'a fractional offset', input: { citizenId: 'C0000001', offset: 0.5 }, field: 'offset' },
      { label: 'a boolean citizenId', input: { citizenId: true }, field: 'citizenId' },
      { label: 'an unknown key', input: { citizenId: 'C0000001', page: 2 }, field: 'page' },
    ],
  },
  rulesetCurrent: { valid: {}, bad: EMPTY_INPUT_BAD },
  rulesetVersions: { valid: {}, bad: EMPTY_INPUT_BAD },
  rulesetGet: {
    valid: { version: 1 },
    bad: [
      { label: 'version 0', input: { version: 0 }, field: 'version' },
      { label: 'a fractional version', input: { version: 1.5 }, field: 'version' },
      { label: 'a string version', input: { version: '1' }, field: 'version' },
      { label: 'an unknown key', input: { version: 1, spec: true }, field: 'spec' },
    ],
  },
  checkExpression: {
    valid: CHECK_EXPRESSION,
    bad: [
      { label: 'an unknown expected type', input: { ...CHECK_EXPRESSION, expect: 'string' }, field: 'expect' },
      { label: 'an expression over 4000 characters', input: { ...CHECK_EXPRESSION, expression: 'x'.repeat(4001) }, field: 'expression' },
      { label: 'a number as eventKind', input: { ...CHECK_EXPRESSION, eventKind: 5 }, field: 'eventKind' },
      { label: 'an unknown key', input: { ...CHECK_EXPRESSION, debug: true }, field: 'debug' },
    ],
  },
  validateRuleset: {
    valid: { ruleset: DEFAULT_RULESET },
    bad: [
      { label: 'a string instead of an object', input: 'ruleset', field: 'input' },
      { label: 'an unknown key', input: { ruleset: DEFAULT_RULESET, draft: true }, field: 'draft' },
    ],
  },
  testRule: {
    valid: { rule: LATE_BILLS, samples: [{ on_time: false }] },
    bad: [
      { label: 'a rule id with a space', input: { rule: { ...LATE_BILLS, id: 'late bills' } }, field: 'rule.id' },
      { label: 'a negative ttl_days', input: { rule: { ...LATE_BILLS, ttl_days: -1 } }, field: 'rule.ttl_days' },
      { label: 'more than 200 samples', input: { rule: LATE_BILLS, samples: Array.from({ length: 201 }, () => ({})) }, field: 'samples' },
      { label: 'a malformed citizenId', input: { rule: LATE_BILLS, citizenId: 'bad id!' }, field: 'citizenId' },
      { label: 'an unknown key inside the rule', input: { rule: { ...LATE_BILLS, weight: 2 } }, field: 'weight' },
      { label: 'an unknown key', input: { rule: LATE_BILLS, verbose: true }, field: 'verbose' },
    ],
  },
  simulate: {
    valid: { ruleset: DEFAULT_RULESET },
    bad: [
      { label: 'a number instead of an object', input: 42, field: 'input' },
      { label: 'an unknown key', input: { ruleset: DEFAULT_RULESET, publish: true }, field: 'publish' },
    ],
  },
  proposals: {
    valid: { status: 'pending' },
    bad: [
      { label: 'an unknown status', input: { status: 'approved-ish' }, field: 'status' },
      { label: 'an unknown key', input: { kind: 'ruleset' }, field: 'kind' },
    ],
  },
  proposeRuleset: {
    valid: { ruleset: CHANGED_RULESET, reason: 'propose a changed base score', simulationJobId: 'a-simulate-job' },
    bad: [
      { label: 'a reason under 10 characters', input: { ruleset: DEFAULT_RULESET, reason: 'because' }, field: 'reason' },
      { label: 'a reason that is short once trimmed', input: { ruleset: DEFAULT_RULESET, reason: '      ok          ' }, field: 'reason' },
      { label: 'no reason', input: { ruleset: DEFAULT_RULESET }, field: 'reason' },
      { label: 'a reason over 2000 characters', input: { ruleset: DEFAULT_RULESET, reason: 'r'.repeat(2001) }, field: 'reason' },
      { label: 'an unknown key', input: { ruleset: DEFAULT_RULESET, reason: 'a good enough reason', simulationJobId: 'j', force: true }, field: 'force' },
      { label: 'no simulation', input: { ruleset: DEFAULT_RULESET, reason: 'a good enough reason' }, field: 'simulationJobId' },
    ],
  },
  attachProposalSimulation: {
    valid: { proposalId: 1, simulationJobId: 'a-simulate-job' },
    bad: [
      { label: 'a proposal id of 0', input: { proposalId: 0, simulationJobId: 'j' }, field: 'proposalId' },
      { label: 'no simulation', input: { proposalId: 1 }, field: 'simulationJobId' },
    ],
  },
  proposeAdjustment: {
    valid: ADJUSTMENT,
    bad: [
      { label: 'more than 1000 points', input: { ...ADJUSTMENT, points: 1001 }, field: 'points' },
      { label: 'less than -1000 points', input: { ...ADJUSTMENT, points: -1001 }, field: 'points' },
      { label: 'infinite points', input: { ...ADJUSTMENT, points: -Infinity }, field: 'points' },
      { label: 'a string as points', input: { ...ADJUSTMENT, points: '5' }, field: 'points' },
      { label: 'a justification under 10 characters once trimmed', input: { ...ADJUSTMENT, justification: '   short   ' }, field: 'justification' },
      { label: 'a malformed citizenId', input: { ...ADJUSTMENT, citizenId: 'C 42' }, field: 'citizenId' },
      { label: 'an unknown key', input: { ...ADJUSTMENT, approvedBy: 'me' }, field: 'approvedBy' },
    ],
  },
  decideProposal: {
    valid: { proposalId: 999_999, approve: false, reason: 'not this one' },
    bad: [
      { label: 'proposalId 0', input: { proposalId: 0, approve: true, reason: 'looks right' }, field: 'proposalId' },
      { label: 'a string as approve', input: { proposalId: 1, approve: 'yes', reason: 'looks right' }, field: 'approve' },
      { label: 'no reason', input: { proposalId: 1, approve: true }, field: 'reason' },
      { label: 'a reason under 5 characters once trimmed', input: { proposalId: 1, approve: true, reason: '  ok  ' }, field: 'reason' },
      { label: 'an unknown key', input: { proposalId: 1, approve: true, reason: 'looks right', as: 'admin' }, field: 'as' },
      { label: 'a fairness acknowledgement over 2000 characters', input: { proposalId: 1, approve: true, reason: 'looks right', fairnessAcknowledgement: 'x'.repeat(2001) }, field: 'fairnessAcknowledgement' },
    ],
  },
  disputes: {
    valid: { openOnly: true },
    bad: [
      { label: 'an unknown status', input: { status: 'closed' }, field: 'status' },
      { label: 'a malformed citizenId', input: { citizenId: 'C0000001;' }, field: 'citizenId' },
      { label: 'a string as openOnly', input: { openOnly: 'true' }, field: 'openOnly' },
      { label: 'an unknown key', input: { overdue: true }, field: 'overdue' },
    ],
  },
  openDispute: {
    valid: DISPUTE,
    bad: [
      { label: 'no statement', input: { citizenId: 'C0000042', eventId: 'E999999999' }, field: 'statement' },
      { label: 'a statement under 5 characters once trimmed', input: { ...DISPUTE, statement: '  no  ' }, field: 'statement' },
      { label: 'a statement over 5000 characters', input: { ...DISPUTE, statement: 's'.repeat(5001) }, field: 'statement' },
      { label: 'an eventId over 128 characters', input: { ...DISPUTE, eventId: 'E'.repeat(129) }, field: 'eventId' },
      { label: 'an unknown key', input: { ...DISPUTE, deadline: '2030-01-01' }, field: 'deadline' },
    ],
  },
  moveDispute: {
    valid: { disputeId: 999_999, status: 'under_review', reason: 'taken up for review' },
    bad: [
      { label: 'an unknown status', input: { disputeId: 1, status: 'closed', reason: 'taken up for review' }, field: 'status' },
      { label: 'a fractional disputeId', input: { disputeId: 1.5, status: 'upheld', reason: 'taken up for review' }, field: 'disputeId' },
      { label: 'no reason', input: { disputeId: 1, status: 'upheld' }, field: 'reason' },
      { label: 'an unknown key', input: { disputeId: 1, status: 'upheld', reason: 'taken up for review', by: 'x' }, field: 'by' },
    ],
  },
  measures: {
    valid: { citizenId: 'C0000042' },
    bad: [
      { label: 'no citizenId', input: {}, field: 'citizenId' },
      { label: 'an unknown key', input: { citizenId: 'C0000042', status: 'applies' }, field: 'status' },
    ],
  },
  decideMeasure: {
    valid: MEASURE_DECISION,
    bad: [
      { label: 'an unknown decision', input: { ...MEASURE_DECISION, decision: 'applied' }, field: 'decision' },
      { label: 'a measureId over 64 characters', input: { ...MEASURE_DECISION, measureId: 'm'.repeat(65) }, field: 'measureId' },
      { label: 'no reason', input: { citizenId: 'C0000042', measureId: 'no-such-measure', decision: 'withdrawn' }, field: 'reason' },
      { label: 'an unknown key', input: { ...MEASURE_DECISION, force: true }, field: 'force' },
    ],
  },
  importFiles: {
    valid: { files: [IMPORT_FILE], provider: 'Yatou registry', dryRun: true },
    bad: [
      { label: 'no files', input: { files: [] }, field: 'files' },
      { label: 'more than 5 files', input: { files: Array.from({ length: 6 }, () => IMPORT_FILE) }, field: 'files' },
      { label: 'a file name outside the interchange set', input: { files: [{ name: '../evil.csv', content: '' }] }, field: 'files.0.name' },
      { label: 'a number as content', input: { files: [{ name: 'citizens.csv', content: 5 }] }, field: 'files.0.content' },
      { label: 'an unknown key in a file', input: { files: [{ ...IMPORT_FILE, path: '/etc' }] }, field: 'path' },
      { label: 'a string as dryRun', input: { files: [IMPORT_FILE], dryRun: 'yes' }, field: 'dryRun' },
      { label: 'an unknown key', input: { files: [IMPORT_FILE], overwrite: true }, field: 'overwrite' },
    ],
  },
  importFolder: {
    valid: { folder: '/nonexistent/credence-import', provider: 'Yatou registry', dryRun: true },
    bad: [
      { label: 'an empty folder', input: { folder: '' }, field: 'folder' },
      { label: 'a number as folder', input: { folder: 7 }, field: 'folder' },
      { label: 'a folder path over 4096 characters', input: { folder: 'x'.repeat(4097) }, field: 'folder' },
      { label: 'an unknown key', input: { folder: '/tmp', recursive: true }, field: 'recursive' },
    ],
  },
  recompute: {
    valid: { asOf: '2027-01-01' },
    bad: [
      { label: 'a number as asOf', input: { asOf: 20270101 }, field: 'asOf' },
      { label: 'an asOf over 40 characters', input: { asOf: '2'.repeat(41) }, field: 'asOf' },
      { label: 'an unknown key', input: { asOf: '2027-01-01', force: true }, field: 'force' },
    ],
  },
  createDemo: {
    valid: { citizens: 10, seed: 2 },
    bad: [
      { label: 'fewer than 10 citizens', input: { citizens: 9 }, field: 'citizens' },
      { label: 'more than a million citizens', input: { citizens: 1_000_001 }, field: 'citizens' },
      { label: 'a fractional citizen count', input: { citizens: 10.5 }, field: 'citizens' },
      { label: 'a string citizen count', input: { citizens: '5000' }, field: 'citizens' },
      { label: 'a negative seed', input: { seed: -1 }, field: 'seed' },
      { label: 'an unknown key', input: { citizens: 10, wipe: true }, field: 'wipe' },
    ],
  },
  jobStatus: {
    valid: { jobId: 'no-such-job' },
    bad: [
      { label: 'a jobId over 64 characters', input: { jobId: 'j'.repeat(65) }, field: 'jobId' },
      { label: 'a number as jobId', input: { jobId: 12 }, field: 'jobId' },
      { label: 'an unknown key', input: { jobId: 'a', verbose: true }, field: 'verbose' },
    ],
  },
  jobCancel: {
    valid: { jobId: 'no-such-job' },
    bad: [
      { label: 'a jobId over 64 characters', input: { jobId: 'j'.repeat(65) }, field: 'jobId' },
      { label: 'no jobId', input: {}, field: 'jobId' },
      { label: 'an unknown key', input: { jobId: 'a', all: true }, field: 'all' },
    ],
  },
  operations: {
    valid: { limit: 5 },
    bad: [
      { label: 'an unknown operation kind', input: { kind: 'score_deleted' }, field: 'kind' },
      { label: 'a limit above 500', input: { limit: 501 }, field: 'limit' },
      { label: 'a negative offset', input: { offset: -5 }, field: 'offset' },
      { label: 'an actor over 200 characters', input: { actor: 'a'.repeat(201) }, field: 'actor' },
      { label: 'an unknown key', input: { since: '2026' }, field: 'since' },
    ],
  },
  operationLedger: {
    valid: { operationId: 1, limit: 5 },
    bad: [
      { label: 'operationId 0', input: { operationId: 0 }, field: 'operationId' },
      { label: 'a string operationId', input: { operationId: '1' }, field: 'operationId' },
      { label: 'a limit above 1000', input: { operationId: 1, limit: 1001 }, field: 'limit' },
      { label: 'an unknown key', input: { operationId: 1, all: true }, field: 'all' },
    ],
  },
  exportAccessLog: {
    valid: { action: 'view_record' },
    bad: [
      { label: 'an action over 40 characters', input: { action: 'a'.repeat(41) }, field: 'action' },
      { label: 'an unknown key', input: { format: 'xlsx' }, field: 'format' },
    ],
  },
  checkpoints: {
    valid: {},
    bad: [
      { label: 'a trusted key over 20000 characters', input: { trustedPublicKey: 'k'.repeat(20_001) }, field: 'trustedPublicKey' },
      { label: 'an unknown key', input: { force: true }, field: 'force' },
    ],
  },
  createCheckpoint: {
    valid: { keyFile: JSON.stringify(testAuditor().file), passphrase: testAuditor().passphrase },
    bad: [
      { label: 'no passphrase', input: { keyFile: '{}', passphrase: '' }, field: 'passphrase' },
      { label: 'no key file', input: { passphrase: 'x' }, field: 'keyFile' },
    ],
  },
  verifyCheckpoint: {
    valid: {
      checkpoint: { format: 'credence-checkpoint/2', count: 0, head: '0'.repeat(64), chainCount: 0, chainHead: '0'.repeat(64), at: '2026-11-01T00:00:00Z', keyId: '0'.repeat(16), publicKey: '', signature: '' },
      trustedPublicKey: testAuditor().publicKeyPem,
    },
    bad: [
      { label: 'no trusted key', input: { checkpoint: {} }, field: 'trustedPublicKey' },
      { label: 'a trusted key over 20000 characters', input: { checkpoint: {}, trustedPublicKey: 'k'.repeat(20_001) }, field: 'trustedPublicKey' },
      { label: 'an unknown key', input: { checkpoint: {}, trustedPublicKey: 'k', force: true }, field: 'force' },
    ],
  },
  disclosure: {
    valid: { citizenId: 'C0000001' },
    bad: [
      { label: 'an invalid citizen id', input: { citizenId: 'no spaces allowed' }, field: 'citizenId' },
      { label: 'an unknown key', input: { citizenId: 'C0000001', format: 'docx' }, field: 'format' },
    ],
  },
  subjectExport: {
    valid: { citizenId: 'C0000001' },
    bad: [
      { label: 'a number as citizenId', input: { citizenId: 7 }, field: 'citizenId' },
      { label: 'an unknown key', input: { citizenId: 'C0000001', all: true }, field: 'all' },
    ],
  },
  verifyLedger: { valid: {}, bad: EMPTY_INPUT_BAD },
  backups: { valid: {}, bad: EMPTY_INPUT_BAD },
  createBackup: { valid: {}, bad: EMPTY_INPUT_BAD },
  setBackupSettings: {
    valid: { keep: 7 },
    bad: [
      { label: 'keep 0', input: { keep: 0 }, field: 'keep' },
      { label: 'keep 366', input: { keep: 366 }, field: 'keep' },
      { label: 'an empty folder', input: { keep: 7, folder: '' }, field: 'folder' },
    ],
  },
  verifyBackup: {
    valid: { file: 'no-such.backup' },
    bad: [
      { label: 'no file', input: {}, field: 'file' },
      { label: 'an unknown key', input: { file: 'x', all: true }, field: 'all' },
    ],
  },
  recentPurposes: { valid: {}, bad: EMPTY_INPUT_BAD },
  accessSettings: { valid: {}, bad: EMPTY_INPUT_BAD },
  setAccessSettings: {
    valid: { purposeRequired: false, reason: 'keep it optional' },
    bad: [
      { label: 'a string for the flag', input: { purposeRequired: 'yes', reason: 'make it mandatory' }, field: 'purposeRequired' },
      { label: 'no reason', input: { purposeRequired: true, reason: '  ' }, field: 'reason' },
    ],
  },
  recordEvent: {
    // A citizen nobody has: the door lets it through, the service refuses it, and this file's database stays as it is.
    valid: { citizenId: 'C9999999', eventId: 'E-manual-1', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: { on_time: true }, reason: 'entered at the counter' },
    bad: [
      { label: 'an event id with a space', input: { citizenId: 'C0000001', eventId: 'E 1', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: {}, reason: 'entered at the counter' }, field: 'eventId' },
      { label: 'a short reason', input: { citizenId: 'C0000001', eventId: 'E1', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: {}, reason: 'short' }, field: 'reason' },
      { label: 'data that is a list', input: { citizenId: 'C0000001', eventId: 'E1', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: [], reason: 'entered at the counter' }, field: 'data' },
    ],
  },
  retractEvent: {
    valid: { eventId: 'E-nobody-has', reason: 'entered on the wrong record' },
    bad: [{ label: 'a short reason', input: { eventId: 'E1', reason: 'oops' }, field: 'reason' }],
  },
  assignDispute: {
    valid: { disputeId: 1, assignee: 'reviewer', reason: 'workload' },
    bad: [
      { label: 'an assignee with a space', input: { disputeId: 1, assignee: 'a b', reason: 'workload' }, field: 'assignee' },
      { label: 'dispute 0', input: { disputeId: 0, assignee: null, reason: 'workload' }, field: 'disputeId' },
    ],
  },
  disputeReviewers: { valid: {}, bad: EMPTY_INPUT_BAD },
  disputeCounts: { valid: {}, bad: EMPTY_INPUT_BAD },
  recordConsent: {
    // A citizen nobody has: the door lets it through, the service refuses it.
    valid: { citizenId: 'C9999999', status: 'withdrawn', at: '2026-10-01T00:00:00Z', evidence: 'letter 12', reason: 'withdrawal letter received' },
    bad: [
      { label: 'a status outside the model', input: { citizenId: 'C0000001', status: 'revoked', at: '2026-10-01T00:00:00Z', evidence: 'letter 12', reason: 'withdrawal letter received' }, field: 'status' },
      { label: 'an instant without seconds', input: { citizenId: 'C0000001', status: 'given', at: '2026-10-01T00:00Z', evidence: 'form 3', reason: 'consent form received' }, field: 'at' },
      { label: 'no evidence', input: { citizenId: 'C0000001', status: 'given', at: '2026-10-01T00:00:00Z', evidence: '  ', reason: 'consent form received' }, field: 'evidence' },
      { label: 'a short reason', input: { citizenId: 'C0000001', status: 'given', at: '2026-10-01T00:00:00Z', evidence: 'form 3', reason: 'ok' }, field: 'reason' },
    ],
  },
  scoreOutlook: {
    valid: { citizenId: 'C0000001', purpose: 'case 13' },
    bad: [
      { label: 'a citizenId with forbidden characters', input: { citizenId: "C1' OR 1=1" }, field: 'citizenId' },
      { label: 'a purpose over 500 characters', input: { citizenId: 'C0000001', purpose: 'p'.repeat(501) }, field: 'purpose' },
      { label: 'an asOf of its own (the outlook is of the stored data)', input: { citizenId: 'C0000001', asOf: '2030-01-01' }, field: 'asOf' },
    ],
  },
  previewEvent: {
    valid: { citizenId: 'C0000001', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: { on_time: false }, purpose: 'case 13' },
    bad: [
      { label: 'an instant without seconds', input: { citizenId: 'C0000001', kind: 'bill_payment', occurredAt: '2026-10-01T00:00Z', data: {} }, field: 'occurredAt' },
      { label: 'data that is a list', input: { citizenId: 'C0000001', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: [] }, field: 'data' },
      { label: 'a reason of its own (nothing is recorded)', input: { citizenId: 'C0000001', kind: 'bill_payment', occurredAt: '2026-10-01T00:00:00Z', data: {}, reason: 'entered at the counter' }, field: 'reason' },
    ],
  },
  networkView: {
    valid: { citizenId: 'C0000001' },
    bad: [
      { label: 'no citizenId', input: {}, field: 'citizenId' },
      { label: 'an unknown key', input: { citizenId: 'C0000001', hops: 3 }, field: 'hops' },
    ],
  },
  friendPenaltyShare: { valid: {}, bad: EMPTY_INPUT_BAD },
  fairnessReport: {
    valid: {},
    bad: [
      { label: 'version 0', input: { version: 0 }, field: 'version' },
      { label: 'a fractional version', input: { version: 1.5 }, field: 'version' },
      { label: 'an unknown key', input: { version: 1, district: 'North' }, field: 'district' },
    ],
  },
  exportFairnessReport: {
    valid: {},
    bad: [
      { label: 'a string as version', input: { version: '1' }, field: 'version' },
      { label: 'proposalId 0', input: { proposalId: 0 }, field: 'proposalId' },
      { label: 'an unknown key', input: { path: '/etc/passwd' }, field: 'path' },
    ],
  },
  accountChanges: { valid: {}, bad: [{ label: 'an unknown status', input: { status: 'done' }, field: 'status' }] },
  decideAccountChange: {
    valid: { changeId: 999999, approve: true, reason: 'the person exists and needs this role' },
    bad: [
      { label: 'no reason', input: { changeId: 1, approve: true }, field: 'reason' },
      { label: 'a reason of 2 characters', input: { changeId: 1, approve: true, reason: 'ok' }, field: 'reason' },
      { label: 'a change id of 0', input: { changeId: 0, approve: true, reason: 'the person exists' }, field: 'changeId' },
    ],
  },
  changeRole: {
    valid: { username: 'nobody-here', role: 'official', reason: 'moved to casework' },
    bad: [
      { label: 'an unknown role', input: { username: 'nobody-here', role: 'root', reason: 'moved to casework' }, field: 'role' },
      { label: 'no reason', input: { username: 'nobody-here', role: 'official' }, field: 'reason' },
    ],
  },
  enableUser: { valid: { username: 'nobody-here', reason: 'back from leave' }, bad: [{ label: 'no reason', input: { username: 'nobody-here' }, field: 'reason' }] },
  disableUser: { valid: { username: 'nobody-here', reason: 'left the office' }, bad: [{ label: 'a username with a space', input: { username: 'a b', reason: 'left the office' }, field: 'username' }] },
  resetPassword: { valid: { username: 'nobody-here', reason: 'forgot the password' }, bad: [{ label: 'no reason', input: { username: 'nobody-here' }, field: 'reason' }] },
  changePassword: {
    valid: { current: 'not the current password', next: 'a brand new password' },
    bad: [{ label: 'a new password of 7 characters', input: { current: TEST_PASSWORD, next: '1234567' }, field: 'next' }],
  },
  setLanguage: {
    valid: { language: 'zh-CN' },
    bad: [
      { label: 'a language the console does not speak', input: { language: 'fr' }, field: 'language' },
      { label: 'no language', input: {}, field: 'language' },
    ],
  },
  accountHistory: { valid: {}, bad: [{ label: 'a username over 64 characters', input: { username: 'u'.repeat(65) }, field: 'username' }] },
  sessions: { valid: {}, bad: EMPTY_INPUT_BAD },
  revokeSession: { valid: { sessionId: 'no-such-session', reason: 'a lost laptop' }, bad: [{ label: 'no reason', input: { sessionId: 'x' }, field: 'reason' }] },
  issueCliToken: { valid: {}, bad: EMPTY_INPUT_BAD },
  accessAlerts: { valid: {}, bad: [{ label: 'a limit of 0', input: { limit: 0 }, field: 'limit' }] },
  setBulkReadThreshold: {
    valid: { perHour: 500, reason: 'the casework team grew' },
    bad: [{ label: 'a threshold of 0', input: { perHour: 0, reason: 'the casework team grew' }, field: 'perHour' }],
  },
} satisfies Record<ChannelName, { valid: unknown; bad: BadInput[] }>;

describe('unknown channels', () => {
  it('the input table covers exactly the channels of the contract', () => {
    expect(Object.keys(INPUTS).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it.each(['dropDatabase', 'Ping', '', '__proto__', 'constructor', 'toString', 'credence:ping'])("refuses '%s' with unknown_channel", async (name) => {
    const error = await errorOf(name, {});
    expect(error.code).toBe('unknown_channel');
    expect(isChannel(name)).toBe(false);
  });
});

describe('input validation at the door', () => {
  const cases = CHANNEL_NAMES.flatMap((name) => (INPUTS[name].bad as BadInput[]).map((bad) => ({ name, ...bad })));

  it.each(cases)('$name: $label is refused as invalid_input naming $field, and the handler does not run', async ({ name, input, field }) => {
    const before = rowCounts(api.db);
    const handler = vi.spyOn(handlers, name);
    const start = stubJobStart();
    const error = await errorOf(name, input);
    expect(error.code).toBe('invalid_input');
    expect(error.message.startsWith(`${name}: `), error.message).toBe(true);
    expect(namesField(error.message, name, field), error.message).toBe(true);
    expect(handler).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
    expect(rowCounts(api.db)).toEqual(before);
  });

  it.each(CHANNEL_NAMES.map((name) => ({ name })))('$name: the valid input of the table passes its schema', ({ name }) => {
    expect(channels[name].input.safeParse(INPUTS[name].valid).success).toBe(true);
  });

  it('a missing input (undefined or null) is read as an empty object', async () => {
    expect((await call('ping', undefined)).ok).toBe(true);
    expect((await call('overview', null)).ok).toBe(true);
  });

  it('the handler receives the parsed input with the defaults of the schema filled in', async () => {
    const start = stubJobStart();
    const reply = await call('createDemo', {});
    expect(reply).toEqual({ ok: true, value: { jobId: FAKE_JOB_ID } });
    expect(start).toHaveBeenCalledWith('demo', 'tester', { citizens: 5000, seed: 1 });
  });

  it('a password is counted in characters: 7 characters outside the BMP (14 UTF-16 units) are too short', async () => {
    const error = await errorOf('createUser', { ...NEW_ACCOUNT, username: 'astral-short', password: '🔑'.repeat(7) });
    expect(error.code).toBe('invalid_input');
    expect(api.db.prepare("SELECT count(*) FROM users WHERE username = 'astral-short'").pluck().get()).toBe(0);
  });

  it('a password is counted in characters: 100 characters outside the BMP (200 UTF-16 units) are accepted, and log in', async () => {
    const password = '🔑'.repeat(100);
    const created = await call('createUser', { ...NEW_ACCOUNT, username: 'astral-long', password });
    expect(created.ok ? 'ok' : created.error.message).toBe('ok');
    // A proposed account: another administrator approves it before it can log in.
    const changeId = created.ok ? (created.value as { changeId: number }).changeId : 0;
    const approved = await dispatch('decideAccountChange', { changeId, approve: true, reason: 'the person exists' }, api.ctx, { user: 'another-admin', role: 'admin' });
    expect(approved.ok ? 'ok' : approved.error.message).toBe('ok');
    const login = await call('login', { username: 'astral-long', password });
    expect(login.ok ? 'ok' : login.error.message).toBe('ok');
  });

  it('a proposal reason is passed on trimmed', async () => {
    const simulationJobId = api.jobs.start('simulate', 'tester', { ruleset: CHANGED_RULESET });
    await api.jobs.wait(simulationJobId);
    const { proposalId } = await ok('proposeRuleset', { ruleset: CHANGED_RULESET, reason: '   tighten the late-bill rule   ', simulationJobId });
    const proposal = (await ok('proposals', {})).find((p) => p.id === proposalId);
    expect(proposal).toMatchObject({ kind: 'ruleset', reason: 'tighten the late-bill rule', proposedBy: 'tester', status: 'pending' });
  });
});

describe('roles', () => {
  /** Who may call a channel that needs a role, as the contract documents it: auditors read everything and write nothing. */
  const MAY_CALL: Record<Access, Role[]> = {
    public: ['viewer', 'official', 'auditor', 'admin'],
    viewer: ['viewer', 'official', 'auditor', 'admin'],
    official: ['official', 'admin'],
    auditor: ['auditor', 'admin'],
    admin: ['admin'],
  };
  const WRITE_CHANNELS: ChannelName[] = [
    'createUser',
    'simulate',
    'proposeRuleset',
    'proposeAdjustment',
    'decideProposal',
    'openDispute',
    'moveDispute',
    'decideMeasure',
    'importFiles',
    'importFolder',
    'recompute',
    'createDemo',
    'jobCancel',
  ];

  it.each(ROLES.flatMap((role) => [...ROLES, 'public' as const].map((needed) => ({ role, needed }))))('roleAllows($role, $needed)', ({ role, needed }) => {
    expect(roleAllows(role, needed)).toBe(MAY_CALL[needed].includes(role));
  });

  it.each(CHANNEL_NAMES.filter((n) => neededRole(n) !== 'viewer' && neededRole(n) !== 'public').map((name) => ({ name })))(
    'a viewer calling $name is forbidden and the handler does not run',
    async ({ name }) => {
      const handler = vi.spyOn(handlers, name);
      const start = stubJobStart();
      const error = await errorOf(name, INPUTS[name].valid, 'viewer');
      expect(error.code).toBe('forbidden');
      expect(error.message).toContain(name);
      expect(error.message).toContain('viewer');
      expect(handler).not.toHaveBeenCalled();
      expect(start).not.toHaveBeenCalled();
    },
  );

  it.each(WRITE_CHANNELS.map((name) => ({ name })))('an auditor calling the write channel $name is forbidden', async ({ name }) => {
    const handler = vi.spyOn(handlers, name);
    const start = stubJobStart();
    const error = await errorOf(name, INPUTS[name].valid, 'auditor');
    expect(error.code).toBe('forbidden');
    expect(handler).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
  });

  it('an auditor can verify the ledger; a viewer and an official cannot', async () => {
    expect((await call('verifyLedger', {}, 'auditor')).ok).toBe(true);
    expect((await errorOf('verifyLedger', {}, 'viewer')).code).toBe('forbidden');
    expect((await errorOf('verifyLedger', {}, 'official')).code).toBe('forbidden');
  });

  it.each(ROLES.flatMap((role) => CHANNEL_NAMES.map((name) => ({ role, name }))))('$role calling $name: allowed exactly when the hand-written role table says so', async ({ role, name }) => {
    const handler = vi.spyOn(handlers, name);
    stubJobStart();
    const reply = await call(name, INPUTS[name].valid, role);
    // Decided from the hand-written table, not from the contract under test.
    const allowed = mayCallByTable(name, role);
    if (allowed) {
      expect(reply.ok ? 'ok' : reply.error.code, reply.ok ? '' : reply.error.message).not.toMatch(/invalid_input|internal/);
      // setupAdmin answers forbidden from its handler once accounts exist; that is not the role check.
      if (!reply.ok) expect(reply.error.message).not.toMatch(/needs the \w+ role/);
      expect(handler).toHaveBeenCalledTimes(1);
    } else {
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(handler).not.toHaveBeenCalled();
    }
  });

  it('admin can call every channel', async () => {
    stubJobStart();
    /** Valid inputs that fail for a reason other than the role, given the state of this file's database. */
    const notOk: Partial<Record<ChannelName, string>> = {
      jobStatus: 'not_found', // an unknown job
      setupAdmin: 'forbidden', // accounts exist already
      unlock: 'unauthenticated', // a caller without a session
      decideProposal: 'not_found', // an unknown proposal
      proposeRuleset: 'rejected', // an unknown simulation job
      attachProposalSimulation: 'rejected', // an unknown simulation job
      openDispute: 'not_found', // an event the citizen does not have
      moveDispute: 'not_found', // an unknown dispute
      decideMeasure: 'rejected', // a measure that does not apply
      importFolder: 'rejected', // a folder that does not exist
      recordEvent: 'rejected', // an unknown citizen
      retractEvent: 'not_found', // an unknown event
      recordConsent: 'not_found', // an unknown citizen
      assignDispute: 'not_found', // an unknown dispute
      decideAccountChange: 'not_found', // an unknown account change
      changeRole: 'not_found', // an unknown account
      enableUser: 'not_found',
      disableUser: 'not_found',
      resetPassword: 'not_found',
      changePassword: 'not_found', // the test caller has no account
      setLanguage: 'not_found',
    };
    for (const name of CHANNEL_NAMES) {
      // A fresh username, so that createUser does not conflict with the account the role matrix made.
      const input = name === 'createUser' ? { ...NEW_ACCOUNT, username: 'made-by-admin-2' } : INPUTS[name].valid;
      const reply = await call(name, input, 'admin');
      const code = reply.ok ? 'ok' : reply.error.code;
      expect(code, `${name}: ${reply.ok ? '' : reply.error.message}`).toBe(notOk[name] ?? 'ok');
      if (!reply.ok) expect(reply.error.message).not.toMatch(/needs the \w+ role/);
    }
  });

  it('a viewer, an official and an auditor cannot create an account, and no account is written', async () => {
    const before = rowCounts(api.db).users;
    for (const role of ['viewer', 'official', 'auditor'] as const) {
      expect((await errorOf('createUser', { ...NEW_ACCOUNT, username: `by-${role}`, role: 'admin' }, role)).code).toBe('forbidden');
    }
    expect(rowCounts(api.db).users).toBe(before);
  });
});

describe('errors from handlers', () => {
  it('a job started while another runs is a conflict', async () => {
    stubJobStart(() => {
      throw new JobConflictError('another job is running');
    });
    expect(await errorOf('recompute', {})).toEqual({ code: 'conflict', message: 'another job is running' });
  });

  it('a rule that does not compile is rejected, naming the field', async () => {
    const error = await errorOf('testRule', { rule: { ...LATE_BILLS, condition: 'event.on_time +' } });
    expect(error.code).toBe('rejected');
    expect(error.message).toContain('condition');
  });

  it('a reply outside the contract is an internal error, not passed on', async () => {
    vi.spyOn(handlers, 'districts').mockReturnValue([1, 2] as unknown as string[]);
    const error = await errorOf('districts', {});
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/^districts produced a reply outside the contract/);
  });

  it('an unexpected exception is an internal error naming the channel', async () => {
    vi.spyOn(handlers, 'overview').mockImplementation(() => {
      throw new Error('disk on fire');
    });
    expect(await errorOf('overview', {})).toEqual({ code: 'internal', message: 'overview failed: disk on fire', key: 'internal.failed', params: { channel: 'overview', detail: 'disk on fire' } });
  });

  it.each([
    { name: 'citizen', input: { citizenId: 'X404' } },
    { name: 'citizenEvents', input: { citizenId: 'X404' } },
    { name: 'testRule', input: { rule: LATE_BILLS, citizenId: 'X404' } },
    { name: 'rulesetGet', input: { version: 99 } },
    { name: 'operationLedger', input: { operationId: 9999 } },
    { name: 'jobStatus', input: { jobId: 'no-such-job' } },
  ])('$name of something unknown is not_found', async ({ name, input }) => {
    const error = await errorOf(name, input);
    expect(error.code).toBe('not_found');
  });
});

describe('read channels on the demo database', () => {
  const sql = <T>(query: string, ...params: unknown[]) => api.db.prepare(query).pluck().get(...params) as T;
  const column = <T>(query: string, ...params: unknown[]) => api.db.prepare(query).pluck().all(...params) as T[];

  it('authStatus without a session: set up, nobody logged in, not locked', async () => {
    expect(await ok('authStatus', {})).toEqual({ needsSetup: false, user: null, locked: false });
  });

  it('users lists the accounts with their roles, none disabled, and no password hash', async () => {
    const value = await ok('users', {});
    for (const role of ROLES) expect(value).toContainEqual(expect.objectContaining({ username: USERNAMES[role], role, displayName: `Test ${role}`, createdBy: 'test setup', disabled: false }));
    expect(JSON.stringify(value)).not.toContain('scrypt$');
  });

  it('accessLog finds a refused call by user and action, newest first', async () => {
    await errorOf('verifyLedger', {}, 'viewer');
    await errorOf('verifyLedger', {}, 'official');
    const value = await ok('accessLog', { username: 'tester', action: 'verifyLedger' });
    expect(value.total).toBeGreaterThanOrEqual(2);
    expect(value.rows.length).toBe(Math.min(value.total, 100));
    expect(value.rows[0]).toMatchObject({ username: 'tester', action: 'verifyLedger', outcome: 'refused', citizenId: null });
    expect(value.rows[0].detail).toContain('official');
    const ids = value.rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('ping answers the current time', async () => {
    const value = await ok('ping', {});
    expect(Number.isNaN(Date.parse(value.at))).toBe(false);
  });

  it('overview counts the population, its tiers and its histogram', async () => {
    const value = await ok('overview', {});
    expect(value.population).toBe(DEMO_CITIZENS);
    expect(value.scored).toBe(DEMO_CITIZENS);
    expect(value.rulesetVersion).toBe(1);
    expect(value.asOf).toBe(DEMO_AS_OF);
    expect(value.tiers.map((t) => t.tier)).toEqual(['AAA', 'AA', 'A', 'B', 'C', 'D']);
    expect(value.tiers.reduce((s, t) => s + t.count, 0)).toBe(DEMO_CITIZENS);
    expect(value.histogram.reduce((s, b) => s + b.count, 0)).toBe(DEMO_CITIZENS);
    expect(value.ledgerEntries).toBe(sql<number>('SELECT count(*) FROM ledger'));
    expect(value.recentOperations.map((o) => o.kind)).toEqual(['ruleset_published', 'events_imported']);
  });

  it('districts lists each district of the population once, sorted', async () => {
    const value = await ok('districts', {});
    expect(value).toEqual(column<string>('SELECT DISTINCT district FROM citizens').sort());
    expect(value.length).toBeGreaterThan(1);
    for (const d of value) expect(DEMO_DISTRICTS).toContain(d);
  });

  it('search by a known name, in characters or in pinyin, finds that citizen', async () => {
    const { citizen_id, name, name_latin } = api.db.prepare("SELECT citizen_id, name, name_latin FROM citizens WHERE citizen_id = 'C0000042'").get() as { citizen_id: string; name: string; name_latin: string };
    const byName = await ok('search', { query: name, limit: 500 });
    expect(byName.rows.map((r) => r.citizenId)).toContain(citizen_id);
    expect(byName.total).toBe(byName.rows.length);
    for (const row of byName.rows) expect(row.name.startsWith(name) || row.name.endsWith(name)).toBe(true);
    const byPinyin = await ok('search', { query: name_latin, limit: 500 });
    expect(byPinyin.rows.map((r) => r.citizenId)).toContain(citizen_id);
    const [surname] = name_latin.split(' ');
    for (const row of byPinyin.rows) expect(row.nameLatin?.split(' ')[0]).toBe(surname);
  });

  it('search by an id finds exactly that citizen with its stored score', async () => {
    const value = await ok('search', { query: 'C0000042' });
    expect(value.total).toBe(1);
    expect(value.rows[0].citizenId).toBe('C0000042');
    const cents = sql<number>("SELECT s.cents FROM scores s JOIN citizens c ON c.idx = s.citizen_idx WHERE c.citizen_id = 'C0000042'");
    expect(value.rows[0].score).toBe(cents / 100);
  });

  it('search filters by district and score range, and sorts by score descending', async () => {
    const district = (await ok('districts', {}))[0];
    const value = await ok('search', { district, minScore: 900, maxScore: 1010, sort: 'score', descending: true, limit: 500 });
    expect(value.total).toBe(sql<number>('SELECT count(*) FROM citizens c JOIN scores s ON s.citizen_idx = c.idx WHERE c.district = ? AND s.cents BETWEEN 90000 AND 101000', district));
    expect(value.total).toBeGreaterThan(0);
    for (const row of value.rows) {
      expect(row.district).toBe(district);
      expect(row.score).toBeGreaterThanOrEqual(900);
      expect(row.score).toBeLessThanOrEqual(1010);
    }
    const scores = value.rows.map((r) => r.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('search pages with offset and limit over the same order', async () => {
    const all = await ok('search', { sort: 'name', limit: 20 });
    const page = await ok('search', { sort: 'name', offset: 10, limit: 10 });
    expect(all.total).toBe(DEMO_CITIZENS);
    expect(page.rows).toEqual(all.rows.slice(10, 20));
  });

  it("citizen: the explanation's parts add up to the score to the cent, for every citizen", async () => {
    const ids = column<string>('SELECT citizen_id FROM citizens ORDER BY citizen_id');
    let withPenalty = 0;
    let withRules = 0;
    for (const citizenId of ids) {
      const { summary, explanation } = await ok('citizen', { citizenId });
      const e = explanation!;
      const own = Math.min(2000, Math.max(0, e.base + e.rules.reduce((s, r) => s + r.total, 0) + e.adjustments));
      expect(e.own, citizenId).toBeCloseTo(own, 6);
      expect(Math.min(2000, Math.max(0, e.own - e.friendPenalty)), citizenId).toBeCloseTo(e.score, 2);
      expect(e.score).toBe(summary.score);
      expect(e.tier).toBe(summary.tier);
      expect(e.friends.reduce((s, f) => s + f.share, 0), citizenId).toBeCloseTo(e.friendPenalty, 6);
      for (const r of e.rules) expect(r.capped ? r.total !== r.raw : r.total === r.raw, `${citizenId} ${r.ruleId}`).toBe(true);
      if (e.friendPenalty > 0) withPenalty++;
      if (e.rules.length > 0) withRules++;
    }
    // The check means something only if the demo has both kinds of cause.
    expect(withPenalty).toBeGreaterThan(0);
    expect(withRules).toBeGreaterThan(0);
  });

  it("citizen: the history is the citizen's ledger entries, newest first, ending at the current score", async () => {
    const value = await ok('citizen', { citizenId: 'C0000007' });
    expect(value.summary.citizenId).toBe('C0000007');
    expect(value.history.length).toBe(sql<number>("SELECT count(*) FROM ledger WHERE citizen_id = 'C0000007'"));
    const seqs = value.history.map((h) => h.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(value.history[0].newScore).toBe(value.summary.score);
    expect(value.history[0].operation.kind).toBe('ruleset_published');
  });

  it("citizenEvents pages a citizen's events newest first, and its total matches the record's event count", async () => {
    const citizenId = sql<string>('SELECT c.citizen_id FROM events e JOIN citizens c ON c.idx = e.citizen_idx GROUP BY c.idx HAVING count(*) >= 6 LIMIT 1');
    const record = await ok('citizen', { citizenId });
    const all = await ok('citizenEvents', { citizenId });
    const page = await ok('citizenEvents', { citizenId, offset: 2, limit: 3 });
    expect(all.total).toBe(record.eventCount);
    expect(all.rows.length).toBe(all.total);
    const times = all.rows.map((r) => Date.parse(r.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.rows).toEqual(all.rows.slice(2, 5));
  });

  it('rulesetCurrent is version 1, the default ruleset and the default event kinds', async () => {
    const value = await ok('rulesetCurrent', {});
    expect(value.version).toBe(1);
    expect(value.spec).toEqual(DEFAULT_RULESET);
    const kinds = (JSON.parse(readFileSync(DEFAULT_KINDS_FILE, 'utf8')) as { kind: string }[]).map((k) => k.kind).sort();
    expect(value.kinds.map((k) => k.kind).sort()).toEqual(kinds);
  });

  it('rulesetVersions lists the one published version; rulesetGet returns it', async () => {
    const versions = await ok('rulesetVersions', {});
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, actor: 'demo', rules: (DEFAULT_RULESET.rules as unknown[]).length });
    expect(await ok('rulesetGet', { version: 1 })).toEqual(DEFAULT_RULESET);
  });

  it('checkExpression types a good expression, locates an error, and refuses protected fields', async () => {
    expect(await ok('checkExpression', CHECK_EXPRESSION)).toMatchObject({ ok: true, type: 'bool' });
    const broken = await ok('checkExpression', { ...CHECK_EXPRESSION, expression: 'event.on_time &&' });
    expect(broken.ok).toBe(false);
    expect(broken.error?.column).toBeGreaterThan(0);
    const protectedField = await ok('checkExpression', { eventKind: 'volunteer_service', expression: 'event.health_condition == "none"', expect: 'bool' });
    expect(protectedField.ok).toBe(false);
    expect((await ok('checkExpression', { ...CHECK_EXPRESSION, eventKind: 'no_such_kind' })).ok).toBe(false);
  });

  it('validateRuleset accepts the default ruleset and lists the problems of a broken one', async () => {
    expect(await ok('validateRuleset', { ruleset: DEFAULT_RULESET })).toEqual({ ok: true, problems: [] });
    const broken = await ok('validateRuleset', { ruleset: { ...DEFAULT_RULESET, tiers: [] } });
    expect(broken.ok).toBe(false);
    expect(broken.problems.length).toBeGreaterThan(0);
  });

  it('testRule scores samples and a citizen, and caps the total', async () => {
    const samples = await ok('testRule', { rule: LATE_BILLS, samples: [{ on_time: false }, { on_time: true }] });
    expect(samples.rows.map((r) => [r.matched, r.points])).toEqual([
      [true, -2],
      [false, 0],
    ]);
    expect(samples).toMatchObject({ raw: -2, total: -2, capped: false });
    const many = await ok('testRule', { rule: LATE_BILLS, samples: Array.from({ length: 15 }, () => ({ on_time: false })) });
    expect(many).toMatchObject({ raw: -30, total: -20, capped: true });
    const citizenId = sql<string>("SELECT c.citizen_id FROM events e JOIN citizens c ON c.idx = e.citizen_idx WHERE e.kind = 'bill_payment' LIMIT 1");
    const own = await ok('testRule', { rule: LATE_BILLS, citizenId });
    expect(own.rows.length).toBe(sql<number>("SELECT count(*) FROM events e JOIN citizens c ON c.idx = e.citizen_idx WHERE c.citizen_id = ? AND e.kind = 'bill_payment'", citizenId));
    for (const row of own.rows) expect(row.eventId).not.toBeNull();
  });

  it('operations lists every operation newest first, and filters by kind', async () => {
    const value = await ok('operations', {});
    expect(value.total).toBe(sql<number>('SELECT count(*) FROM operations'));
    const ids = value.rows.map((o) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(value.rows[0].kind).toBe('ruleset_published');
    const imports = await ok('operations', { kind: 'events_imported' });
    expect(imports.total).toBe(1);
    expect(imports.rows[0].actor).toBe('demo');
  });

  it('operationLedger returns the entries the publish wrote, in sequence order', async () => {
    const publish = (await ok('operations', { kind: 'ruleset_published' })).rows[0];
    const value = await ok('operationLedger', { operationId: publish.id, limit: 1000 });
    expect(value.operation.id).toBe(publish.id);
    expect(value.total).toBe(sql<number>('SELECT count(*) FROM ledger WHERE operation_id = ?', publish.id));
    expect(value.total).toBe(DEMO_CITIZENS);
    expect(value.rows).toHaveLength(value.total);
    const seqs = value.rows.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const row of value.rows) expect(row.operationId).toBe(publish.id);
    const page = await ok('operationLedger', { operationId: publish.id, offset: 5, limit: 5 });
    expect(page.rows).toEqual(value.rows.slice(5, 10));
  });

  it('verifyLedger finds the chain intact, with the last hash as head', async () => {
    const value = await ok('verifyLedger', {});
    expect(value.ok).toBe(true);
    expect(value.count).toBe(sql<number>('SELECT count(*) FROM ledger'));
    expect(value.head).toBe(sql<string>('SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1'));
  });

  it('jobCancel of an unknown job cancels nothing', async () => {
    expect(await ok('jobCancel', { jobId: 'no-such-job' })).toEqual({ cancelled: false });
  });
});
