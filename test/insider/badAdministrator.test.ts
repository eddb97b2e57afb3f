/**
 * The bad administrator: one person with the admin role tries to act as two,
 * to act without a proven identity, to read without a trace, to see
 * protected attributes, and to keep a disabled account working. Each attempt
 * goes through the same door as the console (dispatchFromSession with real
 * sessions) or through the command line, and is refused or detected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, Reply } from '../../shared/contract.js';
import { RulesetSpec } from '../../shared/domain.js';
import { dispatchFromSession } from '../../electron/ipc/dispatch.js';
import { createFirstAdmin } from '../../electron/services/accounts.js';
import { createUser, findUser } from '../../electron/services/auth.js';
import { recordEvent } from '../../electron/services/recordEvent.js';
import { defaultRuleset } from '../unit/helpers/defaultResources.js';
import { accessMark, accessSince, openApiContext, TEST_PASSWORD, type ApiContext } from '../unit/helpers/apiContext.js';
import { CLI_PASSWORD, runCli } from '../unit/helpers/cliHarness.js';

const MALLORY = 'mallory';
const HONEST = 'harriet';
const PUPPET = 'mallory-2';
const PUPPET_PASSWORD = 'the puppet password 42';

let api: ApiContext;
const tokens: Record<string, string> = {};

async function call<K extends ChannelName>(who: string, name: K, input: unknown): Promise<Reply<unknown>> {
  return dispatchFromSession(name, input, api.ctx, tokens[who]);
}
async function value<K extends ChannelName>(who: string, name: K, input: unknown): Promise<Record<string, unknown>> {
  const r = await call(who, name, input);
  if (!r.ok) throw new Error(`${who} ${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as Record<string, unknown>;
}
async function logIn(username: string, password = TEST_PASSWORD): Promise<void> {
  tokens[username] = (await api.sessions.login(username, password)).token;
}

beforeAll(async () => {
  api = await openApiContext({ demo: true });
  // The installation: Mallory its first administrator, Harriet an independent second one, and a viewer and an auditor.
  await createFirstAdmin(api.db, { username: MALLORY, displayName: 'Mallory', password: TEST_PASSWORD }, 'first start');
  await createUser(api.db, { username: HONEST, displayName: 'Harriet', role: 'admin', password: TEST_PASSWORD }, 'installation');
  await createUser(api.db, { username: 'victor', displayName: 'Victor Viewer', role: 'viewer', password: TEST_PASSWORD }, 'installation');
  await createUser(api.db, { username: 'audrey', displayName: 'Audrey Auditor', role: 'auditor', password: TEST_PASSWORD }, 'installation');
  for (const u of [MALLORY, HONEST, 'victor', 'audrey']) await logIn(u);
});
afterAll(() => api?.close());

describe('one person cannot become two', () => {
  it('an admin account Mallory proposes is not live until another administrator approves it', async () => {
    const created = await value(MALLORY, 'createUser', { username: PUPPET, role: 'admin', password: PUPPET_PASSWORD, reason: 'a colleague starting Monday' });
    expect(created).toMatchObject({ status: 'pending' });
    expect(findUser(api.db, PUPPET)).toBeUndefined();
    // Mallory cannot approve it herself.
    const self = await call(MALLORY, 'decideAccountChange', { changeId: created.changeId, approve: true, reason: 'looks fine to me' });
    expect(self).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(findUser(api.db, PUPPET)).toBeUndefined();
    // Harriet approves (she believes the colleague exists).
    await value(HONEST, 'decideAccountChange', { changeId: created.changeId, approve: true, reason: 'confirmed with HR' });
    expect(findUser(api.db, PUPPET)).toMatchObject({ role: 'admin', must_change_password: 1 });
  });

  it("Mallory logs in as the second admin account and tries to approve her own ruleset proposal: refused, nothing published", async () => {
    await logIn(PUPPET, PUPPET_PASSWORD);
    // The initial password must be changed first; Mallory knows it, so she changes it.
    expect(await call(PUPPET, 'proposals', {})).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/change your password/) } });
    await value(PUPPET, 'changePassword', { current: PUPPET_PASSWORD, next: 'mallory owns this one too' });
    const ruleset = { ...defaultRuleset(), base_score: 1200 };
    const simulationJobId = api.jobs.start('simulate', MALLORY, { ruleset });
    await api.jobs.wait(simulationJobId);
    const { proposalId } = await value(MALLORY, 'proposeRuleset', { ruleset, reason: 'raise every score by two hundred points', simulationJobId });
    const before = api.db.prepare('SELECT count(*) FROM rulesets').pluck().get();
    const approval = await call(PUPPET, 'decideProposal', { proposalId, approve: true, reason: 'approved by a second person' });
    expect(approval).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/created, re-enabled, given its role or had its password reset by mallory/) } });
    expect(api.db.prepare('SELECT count(*) FROM rulesets').pluck().get()).toBe(before);
    expect(api.db.prepare('SELECT status FROM proposals WHERE id = ?').pluck().get(proposalId)).toBe('pending');
    // The other way round too: the puppet proposes, Mallory approves.
    const { proposalId: other } = await value(PUPPET, 'proposeAdjustment', { citizenId: 'C0000042', points: 50, justification: 'a bonus for a friend of mine' });
    expect(await call(MALLORY, 'decideProposal', { proposalId: other, approve: true, reason: 'fine by me' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('a third account set up by the puppet is still Mallory\u2019s: it cannot approve her proposals either', async () => {
    const { changeId } = await value(PUPPET, 'createUser', { username: 'mallory-3', role: 'admin', password: 'third puppet password', reason: 'another colleague' });
    await value(HONEST, 'decideAccountChange', { changeId, approve: true, reason: 'confirmed' });
    await logIn('mallory-3', 'third puppet password');
    await value('mallory-3', 'changePassword', { current: 'third puppet password', next: 'mallory owns three now' });
    const { proposalId } = await value(MALLORY, 'proposeAdjustment', { citizenId: 'C0000007', points: -100, justification: 'punish a neighbour of mine' });
    expect(await call('mallory-3', 'decideProposal', { proposalId, approve: true, reason: 'fine by me' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('granting a role is itself a two-person decision, and Mallory cannot raise her own role or approve a change about herself', async () => {
    const { changeId } = await value(MALLORY, 'changeRole', { username: 'victor', role: 'admin', reason: 'victor needs more rights' });
    expect(findUser(api.db, 'victor')!.role).toBe('viewer');
    expect(await call(MALLORY, 'decideAccountChange', { changeId, approve: true, reason: 'looks right' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call(PUPPET, 'decideAccountChange', { changeId, approve: true, reason: 'looks right' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(findUser(api.db, 'victor')!.role).toBe('viewer');
    await value(HONEST, 'decideAccountChange', { changeId, approve: false, reason: 'no reason for it' });
  });

  it('re-enabling an account is two-person too: a disabled account Mallory re-enables cannot then approve her proposals', async () => {
    await value(MALLORY, 'disableUser', { username: 'audrey', reason: 'on leave' });
    const { changeId } = await value(MALLORY, 'enableUser', { username: 'audrey', reason: 'back from leave' });
    expect(await call(MALLORY, 'decideAccountChange', { changeId, approve: true, reason: 'looks right' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await value(HONEST, 'decideAccountChange', { changeId, approve: true, reason: 'confirmed she is back' });
    // Her session ended when she was disabled; she logs in again.
    expect(await call('audrey', 'ping', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await logIn('audrey');
    const events = api.db.prepare("SELECT action, actor, approved_by FROM account_events WHERE username = 'audrey' ORDER BY id").all();
    expect(events).toEqual(expect.arrayContaining([{ action: 'disabled', actor: MALLORY, approved_by: null }, { action: 'enabled', actor: MALLORY, approved_by: HONEST }]));
  });

  it('the last administrator cannot be disabled', async () => {
    const solo = await openApiContext({ demo: false });
    try {
      await createFirstAdmin(solo.db, { username: 'only', displayName: '', password: TEST_PASSWORD }, 'first start');
      const token = (await solo.sessions.login('only', TEST_PASSWORD)).token;
      const r = await dispatchFromSession('disableUser', { username: 'only', reason: 'leaving the office' }, solo.ctx, token);
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/last administrator/) } });
      expect(findUser(solo.db, 'only')!.disabled_at).toBeNull();
    } finally {
      solo.close();
    }
  });
});

describe('a disabled account is dead at once', () => {
  it("Victor's open session answers unauthenticated on the next call after he is disabled", async () => {
    expect((await call('victor', 'ping', {})).ok).toBe(true);
    const { sessionsEnded } = await value(HONEST, 'disableUser', { username: 'victor', reason: 'left the office' });
    expect(sessionsEnded).toBe(1);
    expect(await call('victor', 'ping', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await expect(api.sessions.login('victor', TEST_PASSWORD)).rejects.toThrow(/wrong username or password/);
  });

  it('a session survives nothing done behind the session store\u2019s back: disabling in the database ends it on the next call', async () => {
    await createUser(api.db, { username: 'walter', displayName: '', role: 'viewer', password: TEST_PASSWORD }, 'installation');
    await logIn('walter');
    api.db.prepare("UPDATE users SET disabled_at = '2026-11-30T00:00:00Z' WHERE username = 'walter'").run();
    expect(await call('walter', 'search', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});

describe('reads leave a trace', () => {
  it('every personal-data channel a viewer calls writes an access-log row naming the citizens it returned, with the purpose', async () => {
    await createUser(api.db, { username: 'nosy', displayName: 'Nosy Viewer', role: 'viewer', password: TEST_PASSWORD }, 'installation');
    await logIn('nosy');
    const purpose = 'case 2026/117';
    const reads: [ChannelName, Record<string, unknown>, string][] = [
      ['search', { purpose }, 'search'],
      ['citizen', { citizenId: 'C0000042', purpose }, 'view_record'],
      ['citizenEvents', { citizenId: 'C0000042', purpose }, 'view_events'],
      ['measures', { citizenId: 'C0000042', purpose }, 'view_measures'],
      ['disputes', { purpose }, 'list_disputes'],
      ['recordViewers', { citizenId: 'C0000042', purpose }, 'view_viewers'],
      ['operationLedger', { operationId: 1, limit: 20, purpose }, 'view_ledger'],
    ];
    for (const [name, input, action] of reads) {
      const mark = accessMark(api.db);
      const r = await call('nosy', name, input);
      expect(r.ok, `${name}: ${r.ok ? '' : r.error.message}`).toBe(true);
      const rows = accessSince(api.db, mark).filter((row) => row.action === action);
      expect(rows, name).toEqual([expect.objectContaining({ username: 'nosy', outcome: 'allowed', purpose })]);
    }
    // An unfiltered search (the whole population, a page at a time) names the citizens it returned.
    const mark = accessMark(api.db);
    const page = (await value('nosy', 'search', { limit: 50 })) as { rows: { citizenId: string }[] };
    const [row] = accessSince(api.db, mark);
    expect(row.detail).toContain(`${page.rows.length} citizen(s)`);
    expect(row.detail).toContain(page.rows[0].citizenId);
    expect(api.db.prepare('SELECT count(*) FROM access_reads WHERE username = ?').pluck().get('nosy')).toBeGreaterThanOrEqual(50);
  });

  it('a finished simulation names its top movers: reading it is logged with those citizens', async () => {
    const base = RulesetSpec.parse(defaultRuleset());
    const harsher = { ...base, friend_penalty: { ...base.friend_penalty, weight: 0.9 } };
    const { jobId } = (await value(HONEST, 'simulate', { ruleset: harsher })) as { jobId: string };
    await api.ctx.jobs.wait(jobId);
    const mark = accessMark(api.db);
    const status = (await value(HONEST, 'jobStatus', { jobId })) as { state: string; result: { topUp: { citizenId: string }[]; topDown: { citizenId: string }[] } };
    expect(status.state).toBe('done');
    const movers = [...status.result.topUp, ...status.result.topDown].map((m) => m.citizenId);
    expect(movers.length).toBeGreaterThan(0);
    const rows = accessSince(api.db, mark).filter((row) => row.action === 'view_simulation');
    expect(rows).toEqual([expect.objectContaining({ username: HONEST, outcome: 'allowed' })]);
    expect(rows[0].detail).toContain(movers[0]);
  });

  it('paging through the population raises a bulk-read alert the auditor sees, once per hour', async () => {
    await value(HONEST, 'setBulkReadThreshold', { perHour: 120, reason: 'a small test office' });
    await createUser(api.db, { username: 'pager', displayName: '', role: 'viewer', password: TEST_PASSWORD }, 'installation');
    await logIn('pager');
    for (let offset = 0; offset < 300; offset += 100) await value('pager', 'search', { offset, limit: 100 });
    const alerts = (await value('audrey', 'accessAlerts', {})) as { threshold: number; alerts: { username: string; citizens: number }[] };
    expect(alerts.threshold).toBe(120);
    expect(alerts.alerts.filter((a) => a.username === 'pager')).toEqual([expect.objectContaining({ username: 'pager', citizens: expect.any(Number) })]);
    expect(alerts.alerts.find((a) => a.username === 'pager')!.citizens).toBeGreaterThan(120);
    // A viewer cannot look at the alerts.
    expect(await call('pager', 'accessAlerts', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('protected attributes', () => {
  const citizenId = 'C0000011';
  beforeAll(() => {
    // The demo leaves protected fields empty: record one event that carries both kinds of protected value.
    recordEvent(api.db, { eventId: 'E-PROTECTED-1', citizenId, kind: 'volunteer_service', occurredAt: '2026-10-01T10:00:00Z', data: { hours: 4, organisation: 'Red Cross', health_condition: 'HIV positive' } }, { actor: 'clerk', reason: 'volunteer record with a health note' });
    recordEvent(api.db, { eventId: 'E-PROTECTED-2', citizenId, kind: 'court_judgment', occurredAt: '2026-09-01T10:00:00Z', data: { case_type: 'civil', judgment_date: '2026-09-01', court: 'Yatou', defendant_ethnicity: 'Uyghur' } }, { actor: 'clerk', reason: 'court record' });
  });

  it('a viewer sees protected fields masked, and cannot unmask them', async () => {
    const { rows } = (await value('nosy', 'citizenEvents', { citizenId, limit: 1000 })) as { rows: { eventId: string; data: Record<string, unknown>; masked: string[] }[] };
    const one = rows.find((r) => r.eventId === 'E-PROTECTED-1')!;
    const two = rows.find((r) => r.eventId === 'E-PROTECTED-2')!;
    expect(one).toMatchObject({ data: { hours: 4, organisation: 'Red Cross', health_condition: '[protected]' }, masked: ['health_condition'] });
    expect(two).toMatchObject({ data: { court: 'Yatou', defendant_ethnicity: '[protected]' }, masked: ['defendant_ethnicity'] });
    expect(JSON.stringify(rows)).not.toMatch(/HIV|Uyghur/);
    const mark = accessMark(api.db);
    expect(await call('nosy', 'citizenEvents', { citizenId, unmask: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // An administrator is not an auditor: no unmasking either.
    expect(await call(MALLORY, 'citizenEvents', { citizenId, unmask: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(accessSince(api.db, mark).filter((r) => r.outcome === 'refused').length).toBe(2);
  });

  it('an auditor unmasks explicitly, and the unmasking is logged with its purpose', async () => {
    const mark = accessMark(api.db);
    const { rows } = (await value('audrey', 'citizenEvents', { citizenId, unmask: true, limit: 1000, purpose: 'audit of case 12' })) as { rows: { data: Record<string, unknown> }[] };
    expect(JSON.stringify(rows)).not.toContain('[protected]');
    expect(JSON.stringify(rows)).toContain('HIV positive');
    expect(accessSince(api.db, mark)).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'audrey', action: 'unmask', citizenId, purpose: 'audit of case 12' })]));
  });
});

describe('the command line', () => {
  it('has no --actor: publishing as an arbitrary actor is refused, and publishing with a proven identity only proposes', async () => {
    const r = await runCli('rules', 'publish', 'resources/default/ruleset.json', '--db', api.dbFile, '--actor', 'admin2', '--reason', 'publish without a second person');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--actor'/);
    // Without a proven identity nothing is done.
    const before = api.db.prepare('SELECT count(*) FROM proposals').pluck().get() as number;
    const anonymous = await runCli('rules', 'publish', 'resources/default/ruleset.json', '--db', api.dbFile, '--user', MALLORY, '--reason', 'publish without a second person');
    expect(anonymous.code).toBe(1);
    expect(api.db.prepare('SELECT count(*) FROM proposals').pluck().get()).toBe(before);
  });

  it('a wrong password on the command line is refused and logged; the right one proposes under that name, and a puppet cannot approve it', async () => {
    await createUser(api.db, { username: 'cli-mallory', displayName: '', role: 'admin', password: CLI_PASSWORD }, 'installation');
    process.env.CREDENCE_PASSWORD = 'not the password';
    const mark = accessMark(api.db);
    const wrong = await runCli('rules', 'publish', 'resources/default/ruleset.json', '--db', api.dbFile, '--user', 'cli-mallory', '--reason', 'a ruleset from the command line');
    expect(wrong.code).toBe(1);
    expect(accessSince(api.db, mark)).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'cli-mallory', action: 'login', outcome: 'refused' })]));
    process.env.CREDENCE_PASSWORD = CLI_PASSWORD;
    const ruleset = { ...defaultRuleset(), base_score: 1300 };
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'insider-')), 'ruleset.json');
    writeFileSync(path, JSON.stringify(ruleset));
    const proposed = await runCli('rules', 'publish', path, '--db', api.dbFile, '--user', 'cli-mallory', '--reason', 'a ruleset from the command line');
    expect(proposed.code, proposed.stderr).toBe(0);
    const id = Number(/proposal (\d+)/.exec(proposed.stdout)?.[1]);
    expect(api.db.prepare('SELECT proposed_by, status FROM proposals WHERE id = ?').get(id)).toEqual({ proposed_by: 'cli-mallory', status: 'pending' });
    // The same person approving on the command line: refused, nothing published.
    const again = await runCli('rules', 'approve', String(id), '--db', api.dbFile, '--user', 'cli-mallory', '--reason', 'approve my own');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/another user must approve it/);
    expect(api.db.prepare('SELECT status FROM proposals WHERE id = ?').pluck().get(id)).toBe('pending');
    delete process.env.CREDENCE_PASSWORD;
  });

  it('a one-time token from the console works once, then never again', async () => {
    const { token } = (await value(HONEST, 'issueCliToken', {})) as { token: string };
    const first = await runCli('explain', 'C0000042', '--db', api.dbFile, '--token', token, '--purpose', 'citizen request');
    expect(first.code, first.stderr).toBe(0);
    const row = api.db.prepare("SELECT username, purpose FROM access_log WHERE action = 'view_record' ORDER BY id DESC LIMIT 1").get();
    expect(row).toEqual({ username: HONEST, purpose: 'citizen request' });
    const second = await runCli('explain', 'C0000042', '--db', api.dbFile, '--token', token);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/unknown, used or expired/);
  });
});
