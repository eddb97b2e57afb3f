/**
 * The last refusals a reader of Chinese met in English (issue 12): the rule
 * tester's through its sandbox (a bad sample named by its number, a ruleset
 * with several problems, a rule stopped at its time limit), a recorded
 * event's and a consent's, an instant refused by the contract's own check,
 * retention's, and an internal failure. Each is keyed: its English what it
 * always was, and the console (errorText over a dispatch reply) or the
 * command line (refusalText) reads it in Chinese with its parameters.
 */
import i18next from 'i18next';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../../renderer/src/i18n/index';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { handlers } from '../../../electron/ipc/handlers.js';
import { RuleSandbox, RuleSandboxError } from '../../../electron/jobs/ruleSandbox.js';
import { recordConsent } from '../../../electron/services/consent.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { purgeExpiredRecords, RetentionError, setRetention } from '../../../electron/services/retention.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { publishRuleset, recomputeScores } from '../../../electron/services/rulesets.js';
import { problemsKeyed } from '../../../shared/problemText.js';
import { renderKeyed, type KeyedText } from '../../../shared/keyedText.js';
import { translator } from '../../../electron/services/translate.js';
import { openTempDb, removeTempDirs } from '../helpers/importFixtures.js';
import { runRuleTest, RuleTestRejected, type RuleTestRequest } from '../../../electron/services/ruleTest.js';
import { setCliLanguage, refusalText } from '../../../electron/cli/i18n.js';
import { JobManager } from '../../../electron/jobs/manager.js';
import { jobErrorText } from '../../../renderer/src/i18n/serverText';
import type { EventKindSpec, RuleSpec } from '../../../shared/domain.js';
import { callerAs, openApiContext, pollUntil, type ApiContext } from '../helpers/apiContext.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { defaultRuleset } from '../helpers/defaultResources.js';
import { refusalShown, thrownShown, thrown } from '../helpers/refusalShown.js';


/** Chinese with no English sentence left in it (names, codes and fields aside). */
function expectChinese(text: string): void {
  expect(text).toMatch(/\p{Script=Han}/u);
  expect(text).not.toMatch(/\b(is|are|the|not|cannot|must|only|needs|already|was|of|in|sample|rule|failed)\b/);
}

const ARREARS: EventKindSpec = { kind: 'bank_arrears', fields: { amount: { type: 'number' }, months_overdue: { type: 'number' }, lender: { type: 'string' } } } as EventKindSpec;
const RULE: RuleSpec = { id: 'bank-arrears', name: 'Bank arrears', description: 'Overdue bank loans', dimension: 'financial', event_kind: 'bank_arrears', condition: 'event.months_overdue >= 1.0', points: '-10.0 * event.months_overdue', ttl_days: 1826 } as RuleSpec;
const request = (over: Partial<RuleTestRequest>): RuleTestRequest => ({
  draft: { base_score: 1000, score_min: 0, score_max: 2000, friend_penalty: { threshold: 850, weight: 0.5, cap: 100 }, tiers: [{ name: 'D', min: 0 }], rules: [RULE] },
  kinds: [ARREARS],
  asOfMs: Date.parse('2026-11-01T00:00:00Z'),
  events: [],
  samples: [],
  ...over,
});

describe('the rule tester, in Chinese', () => {
  it('a sample of the wrong type is named by its number', async () => {
    const err = thrown(() => runRuleTest(request({ samples: [{ months_overdue: 2 }, { months_overdue: 'three' }] })));
    expect(err).toBeInstanceOf(RuleTestRejected);
    expect((err as Error).message).toBe('sample 2: field \'months_overdue\' must be a number, got "three"');
    const zh = await thrownShown(err, 'zh-CN');
    expect(zh).toBe('样例 2：字段“months_overdue”必须是数字，实际为 "three"');
    expectChinese(zh.replace('months_overdue', ''));
  });

  it('a rule with several problems: each keyed in its frame, joined with the Chinese semicolon', async () => {
    const bad = { ...RULE, name: '', ttl_days: 0 } as RuleSpec;
    const err = thrown(() => runRuleTest(request({ draft: { ...request({}).draft, rules: [bad] } })));
    expect(err).toBeInstanceOf(RuleTestRejected);
    const english = (err as Error).message;
    expect(english).toBe('rule bank-arrears, rules.0.name: may not be empty; rule bank-arrears, rules.0.ttl_days: must be greater than 0');
    expect(english.split('; ')).toHaveLength(2);
    expect(english).toMatch(/^rule bank-arrears, /);
    const zh = await thrownShown(err, 'zh-CN');
    expect(zh).toBe('评分规则 bank-arrears，rules.0.name：不能为空；评分规则 bank-arrears，rules.0.ttl_days：必须大于 0');
    const parts = zh.split('；');
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part).toMatch(/^评分规则 bank-arrears，/);
    expect(zh).not.toContain('; ');
  });

  it('through the sandbox and the console: the sample refusal crosses the worker keyed', async () => {
    const sandbox = new RuleSandbox();
    try {
      const refused = await sandbox.run('testRule', request({ samples: [{ months_overdue: true }] })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RuleSandboxError);
      expect((refused as RuleSandboxError).rejected).toBe(true);
      expect((refused as Error).message).toBe("sample 1: field 'months_overdue' must be a number, got true");
      expect(await thrownShown(refused, 'zh-CN')).toBe('样例 1：字段“months_overdue”必须是数字，实际为 true');
    } finally {
      await sandbox.close();
    }
  });

  it('a rule stopped at its time limit, and a tester that is busy, stopped or crashed', async () => {
    const stuck = new RuleSandbox({ workerScript: new URL('../helpers/hostileRuleWorker.ts', import.meta.url), timeMs: 1500 });
    try {
      const err = await stuck.run('checkExpression', { kind: null, eventKind: 'x', expression: 'spin', expect: 'bool' }).catch((e: unknown) => e);
      expect((err as Error).message).toBe('the rule took longer than 1.5 s and was stopped');
      expect(await thrownShown(err, 'zh-CN')).toBe('该评分规则运行超过 1.5 秒，已被停止');
    } finally {
      await stuck.close();
    }
    for (const [said, zh] of [
      [new RuleSandboxError({ key: 'ruleTest.busy', params: { count: 32 }, message: 'the rule tester is busy (32 requests waiting): try again in a moment' }, false), '规则测试正忙（32 个请求在排队）：请稍后再试'],
      [new RuleSandboxError({ key: 'ruleTest.memory', params: { mb: 256 }, message: 'the rule used more than 256 MB of memory and was stopped' }, true), '该评分规则占用内存超过 256 MB，已被停止'],
      [new RuleSandboxError({ key: 'ruleTest.exited', params: { code: 1 }, message: 'the rule tester stopped unexpectedly (exit 1)' }, false), '规则测试意外停止（退出代码 1）'],
    ] as const) {
      expect(await thrownShown(said, 'zh-CN')).toBe(zh);
    }
  });
});

describe('recording by hand, retention, an instant and an internal failure, in Chinese', () => {
  let api: ApiContext;
  let citizen: string;
  beforeAll(async () => {
    api = await openApiContext({ demo: true });
    citizen = api.db.prepare('SELECT citizen_id FROM citizens ORDER BY idx LIMIT 1').pluck().get() as string;
  });
  afterAll(() => {
    api?.close();
    removeTempDirs();
  });

  it('an event of a kind that does not exist, an event id of the wrong form, one recorded twice', async () => {
    const base = { eventId: 'hand-1', citizenId: citizen, kind: 'bank_arrears', occurredAt: '2026-10-01T09:00:00Z', data: { amount: 100, months_overdue: 1, lender: 'ICBC' } };
    const unknownKind = thrown(() => recordEvent(api.db, { ...base, kind: 'parking_fine' }, { actor: 'alice', reason: 'entered from the paper file' }));
    expect((unknownKind as Error).message).toBe("unknown event kind 'parking_fine'");
    expect(await thrownShown(unknownKind, 'zh-CN')).toBe('未知记录类型“parking_fine”');
    const badId = thrown(() => recordEvent(api.db, { ...base, eventId: 'has space' }, { actor: 'alice', reason: 'entered from the paper file' }));
    expect(await thrownShown(badId, 'zh-CN')).toBe('记录编号 event_id“has space”须为 1 至 128 个字符，仅限 A-Z a-z 0-9 _ . : -');
    const badData = thrown(() => recordEvent(api.db, { ...base, data: { amount: 'lots' } }, { actor: 'alice', reason: 'entered from the paper file' }));
    expect(await thrownShown(badData, 'zh-CN')).toBe('字段“amount”必须是数字，实际为 "lots"');
    recordEvent(api.db, base, { actor: 'alice', reason: 'entered from the paper file' });
    const twice = thrown(() => recordEvent(api.db, base, { actor: 'alice', reason: 'entered from the paper file' }));
    expect((twice as Error).message).toBe('event hand-1 already exists');
    expect(await thrownShown(twice, 'zh-CN')).toBe('信用记录 hand-1 已存在');
  });

  it("a consent without a reason, of an unknown status, in the future, without evidence, or twice", async () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    const consent = { citizenId: citizen, status: 'given', at: '2026-11-02T10:00:00Z', evidence: 'form 2026-118' };
    const ok = { actor: 'alice', reason: 'signed form received', now };
    const cases: [() => unknown, string, string][] = [
      [() => recordConsent(api.db, consent, { ...ok, reason: ' ' }), 'recording consent needs a written reason', '登记授权同意须填写书面理由'],
      [() => recordConsent(api.db, { ...consent, status: 'maybe' }, ok), 'status "maybe" must be one of given, withdrawn, refused', '状态 "maybe" 必须是 given, withdrawn, refused 之一'],
      [
        () => recordConsent(api.db, { ...consent, at: '2027-01-01T00:00:00Z' }, ok),
        'at 2027-01-01T00:00:00Z is in the future: record consent when the citizen has given, withdrawn or refused it',
        '时间 2027-01-01T00:00:00Z 晚于当前时间：请在公民实际给予、撤回或拒绝授权同意之后再登记',
      ],
      [() => recordConsent(api.db, { ...consent, evidence: '  ' }, ok), 'consent needs evidence: the form number or the channel it came through', '授权同意须有证明材料：表单编号或其来源渠道'],
    ];
    for (const [run, english, zh] of cases) {
      const err = thrown(run);
      expect((err as Error).message).toBe(english);
      expect(await thrownShown(err, 'zh-CN')).toBe(zh);
    }
    recordConsent(api.db, consent, ok);
    const twice = thrown(() => recordConsent(api.db, consent, ok));
    expect(await thrownShown(twice, 'zh-CN')).toBe(`公民 ${citizen} 在 2026-11-02T10:00:00Z 的授权同意记录已存在；授权同意记录只能追加：请以变更实际发生的时间另行登记`);
  });

  it('retention refusals, as the command line says them in each language', async () => {
    const days = thrown(() => setRetention(api.db, 'bank_arrears', 0, { actor: 'alice', reason: 'policy' }));
    expect(days).toBeInstanceOf(RetentionError);
    expect((days as Error).message).toBe('a retention period is a whole number of days >= 1, got 0');
    setCliLanguage({ language: 'zh-CN', source: 'option' });
    expect(refusalText(days as Error)).toBe('保存期限须为不小于 1 的整数天数，实际为 0');
    setCliLanguage({ language: 'en', source: 'option' });
    expect(refusalText(days as Error)).toBe('a retention period is a whole number of days >= 1, got 0');
    const purge = thrown(() => purgeExpiredRecords(api.db, { actor: 'alice', reason: ' ' }));
    expect(purge).toBeInstanceOf(RetentionError);
    expect(await thrownShown(purge, 'zh-CN')).toBe('清除到期失效的信用记录须填写书面理由');
  });

  it('a retraction and a publish without a reason, a recompute before any ruleset', async () => {
    const retract = thrown(() => retractEvent(api.db, 'any', { actor: 'alice', reason: '  ' }));
    expect((retract as Error).message).toBe('retracting an event needs a written reason');
    expect(await thrownShown(retract, 'zh-CN')).toBe('撤销信用记录须填写书面理由');
    const published = publishRuleset(api.db, {}, { actor: 'alice', reason: '' });
    expect(published.ok).toBe(false);
    const zh = renderKeyed((k, p) => translator('zh-CN')(k, p), { key: 'simulation.notValid', params: { problems: problemsKeyed(published.problems) } } as KeyedText);
    expect(zh).toBe('规则集未通过校验：发布规则集须填写书面理由');
    const { db: empty } = openTempDb();
    try {
      const none = thrown(() => recomputeScores(empty, { actor: 'alice' }));
      expect(await thrownShown(none, 'zh-CN')).toBe('尚未发布任何规则集：请先发布一个规则集（rules publish FILE --reason TEXT）');
    } finally {
      empty.close();
    }
  });

  it('an instant the contract refuses, over dispatch: the field and the form in Chinese', async () => {
    const reply = await dispatch('recordEvent', { citizenId: citizen, eventId: 'hand-2', kind: 'bank_arrears', occurredAt: '2026-10-01', data: {}, reason: 'entered from the paper file' }, api.ctx, callerAs('official'));
    expect(reply.ok ? null : reply.error.key).toBe('input.said');
    const english = await refusalShown(reply, 'en');
    expect(english).toBe(reply.ok ? '' : reply.error.message);
    expect(english).toMatch(/^recordEvent: occurredAt: occurredAt must be an RFC 3339 instant/);
    const zh = await refusalShown(reply, 'zh-CN');
    expect(zh).toMatch(/^recordEvent：occurredAt：occurredAt 须为RFC 3339 时间（须含秒/);
    expectChinese(zh.replace(/recordEvent|occurredAt|RFC 3339|Z/g, ''));
  });

  it('an internal failure names its channel in Chinese, the raw text a technical detail', async () => {
    const spy = vi.spyOn(handlers, 'overview').mockImplementation(() => {
      throw new Error('SQLITE_BUSY: database is locked');
    });
    try {
      const reply = await dispatch('overview', {}, api.ctx, callerAs('viewer'));
      expect(await refusalShown(reply, 'en')).toBe('overview failed: SQLITE_BUSY: database is locked');
      expect(await refusalShown(reply, 'zh-CN')).toBe('overview 未能完成：平台内部出错（技术细节：SQLITE_BUSY: database is locked）');
    } finally {
      spy.mockRestore();
    }
  });
});

describe("a job's failure, as the progress shows it", () => {
  let own: ApiContext;
  beforeAll(async () => {
    own = await openApiContext({ demo: false });
  });
  afterAll(() => own?.close());

  /** The job's status once its worker has exited, and its failure as the console shows it in each language. */
  async function ended(jobs: JobManager, jobId: string): Promise<{ english: string | null; zh: string | null; error: string | null }> {
    await jobs.wait(jobId);
    const status = jobs.status(jobId)!;
    await i18next.changeLanguage('en');
    const english = jobErrorText(status);
    await i18next.changeLanguage('zh-CN');
    return { english, zh: jobErrorText(status), error: status.error };
  }

  it('a refusal inside the job (a proposal that does not exist) crosses the worker keyed', async () => {
    const jobs = new JobManager(own.dbFile, RESOURCES_DIR);
    const shown = await ended(jobs, jobs.start('publish', 'alice', { proposalId: 4242, reason: 'publish it' }));
    expect(shown.english).toBe(shown.error);
    expect(shown.error).toBe('no proposal 4242');
    expect(shown.zh).toBe('没有编号为 4242 的提议');
  });

  it('cancelled, stopped at its time limit, and a worker breaking the protocol', async () => {
    const stubborn = new JobManager(own.dbFile, RESOURCES_DIR, undefined, { workerScript: new URL('../helpers/stubbornJobWorker.ts', import.meta.url), cancelGraceMs: 200, timeLimitsMs: { simulate: 1000 } });
    const cancelled = stubborn.start('recompute', 'alice', {});
    await pollUntil(() => stubborn.status(cancelled)!.phase === 'writing half a job', 'the stubborn job has started');
    stubborn.cancel(cancelled);
    expect(await ended(stubborn, cancelled)).toEqual({ english: 'cancelled: nothing was changed', error: 'cancelled: nothing was changed', zh: '已取消：未作任何更改' });
    const late = await ended(stubborn, stubborn.start('simulate', 'alice', { ruleset: defaultRuleset() }));
    expect(late).toEqual({ english: 'stopped after its time limit of 1 s: nothing was changed', error: 'stopped after its time limit of 1 s: nothing was changed', zh: '已超过 1 秒的运行时限，任务已停止：未作任何更改' });

    const malformed = new JobManager(own.dbFile, RESOURCES_DIR, undefined, { workerScript: new URL('../helpers/malformedJobWorker.ts', import.meta.url) });
    const broken = await ended(malformed, malformed.start('simulate', 'alice', { ruleset: defaultRuleset() }));
    expect(broken.english).toBe(broken.error);
    expect(broken.error).toMatch(/^the simulate job sent a result outside the job protocol, refused: .+; the job was stopped: nothing was changed$/);
    expect(broken.zh).toMatch(/^模拟测算任务返回的结果不符合任务协议，已拒绝（技术细节：.+）；该任务已停止：未作任何更改$/);
  });
});
