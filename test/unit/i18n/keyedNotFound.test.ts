/**
 * What is not there, the fairness acknowledgement and a proposal of the other
 * kind, read in Chinese: each refusal comes keyed (server:notFound.*,
 * fairness.*, proposalKind.*), its English what it always was, and the
 * console (errorText over a reply of dispatch, or over the error's key) puts
 * it in Chinese with its parameters, a withheld ratio said as withheld.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../renderer/src/i18n/index';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { TwoPersonRuleError } from '../../../electron/services/accounts.js';
import { FairnessAcknowledgementError, requireAcknowledgement } from '../../../electron/services/fairness.js';
import { approveAdjustment, proposeAdjustment, proposeRuleset } from '../../../electron/services/proposals.js';
import { simulateRuleset } from '../../../electron/services/ruleLab.js';
import { loadScoringState } from '../../../electron/services/scoring.js';
import { keyed } from '../../../shared/englishText.js';
import type { FairnessReport } from '../../../shared/fairness.js';
import { callerAs, createAccounts, openApiContext, type ApiContext } from '../helpers/apiContext.js';
import { removeTempDirs } from '../helpers/importFixtures.js';
import { refusalShown, thrownShown, thrown } from '../helpers/refusalShown.js';

/** Chinese with no English sentence left in it (names and codes aside). */
function expectChinese(text: string): void {
  expect(text).toMatch(/\p{Script=Han}/u);
  expect(text).not.toMatch(/\b(no|is|not|the|has|of|ratio|withheld|citizens|group|refused|proposal|version|district|age)\b/);
}

describe('not found, fairness and proposal kind refusals, in Chinese', () => {
  let api: ApiContext;
  beforeAll(async () => {
    api = await openApiContext({ demo: true });
    await createAccounts(api.db, ['viewer', 'admin']);
  });
  afterAll(() => {
    api?.close();
    removeTempDirs();
  });

  it('a ruleset version that does not exist, as the renderer receives it over dispatch', async () => {
    const reply = await dispatch('rulesetGet', { version: 999 }, api.ctx, callerAs('viewer'));
    expect(reply.ok ? null : reply.error.code).toBe('not_found');
    expect(reply.ok ? null : reply.error.message).toBe('no ruleset version 999');
    expect(await refusalShown(reply, 'en')).toBe('no ruleset version 999');
    const zh = await refusalShown(reply, 'zh-CN');
    expect(zh).toBe('没有规则集第 999 版');
  });

  it('a citizen that does not exist, named in Chinese over dispatch', async () => {
    const reply = await dispatch('subjectExport', { citizenId: 'NOBODY-42' }, api.ctx, callerAs('admin'));
    expect(reply.ok ? null : reply.error.code).toBe('not_found');
    expect(await refusalShown(reply, 'en')).toBe("no citizen with id 'NOBODY-42'");
    expect(await refusalShown(reply, 'zh-CN')).toBe('没有编号为“NOBODY-42”的公民');
  });

  it('the fairness acknowledgement refusal names each flagged group in Chinese, a withheld ratio as withheld', async () => {
    const report = {
      flags: [
        { dimension: 'district', group: 'North', size: 120, ratio: 0.7123, ratioBefore: null },
        { dimension: 'age', group: '18-24', size: 8, ratio: null, ratioBefore: null },
      ],
    } as unknown as FairnessReport;
    const err = thrown(() => requireAcknowledgement(report, 'ok', keyed('fairness.approvalRefused', { id: 7 })));
    expect(err).toBeInstanceOf(FairnessAcknowledgementError);
    const english =
      'approval of proposal 7 refused: the fairness report flags 2 group(s) below four fifths of the best-off group: district North (ratio 0.71, 120 citizens), age 18-24 (ratio withheld, 8 citizens); acknowledge them with a reason of at least 5 characters';
    expect((err as Error).message).toBe(english);
    expect(await thrownShown(err, 'en')).toBe(english);
    const zh = await thrownShown(err, 'zh-CN');
    expect(zh).toBe(
      '批准提议 7 被拒绝：公平性报告标记了 2 个群组的不利影响比低于参照组的五分之四：辖区 North（不利影响比 0.71，120 人）；年龄段 18-24（不利影响比 不予显示（人数过少），8 人）；请填写至少 5 个字符的理由以确认知悉',
    );
    expectChinese(zh.replace(/North|18-24/g, ''));
    // Publishing says which version; one flag alone is no list.
    const one = { flags: [report.flags[0]] } as unknown as FairnessReport;
    const publish = thrown(() => requireAcknowledgement(one, null, keyed('fairness.publishRefused', { version: 4 })));
    expect(await thrownShown(publish, 'zh-CN')).toBe('发布规则集第 4 版被拒绝：公平性报告标记了 1 个群组的不利影响比低于参照组的五分之四：辖区 North（不利影响比 0.71，120 人）；请填写至少 5 个字符的理由以确认知悉');
    // An acknowledgement of 5 characters lets it through.
    expect(() => requireAcknowledgement(report, '已知悉并核实', keyed('fairness.approvalRefused', { id: 7 }))).not.toThrow();
  });

  it('a proposal of the other kind: approved as an adjustment, or its fairness report exported', async () => {
    const spec = structuredClone(loadScoringState(api.db)!.ruleset.spec) as { base_score: number };
    spec.base_score += 1;
    const rulesetId = proposeRuleset(api.db, spec, 'a fairer starting score', 'alice', simulateRuleset(api.db, spec));
    const err = thrown(() => approveAdjustment(api.db, rulesetId, 'bob', 'checked the order'));
    expect(err).toBeInstanceOf(TwoPersonRuleError);
    expect((err as Error).message).toBe(`proposal ${rulesetId} is not an adjustment`);
    expect(await thrownShown(err, 'zh-CN')).toBe(`提议 ${rulesetId} 不是人工调整提议`);

    const citizen = api.db.prepare('SELECT citizen_id FROM citizens ORDER BY idx LIMIT 1').pluck().get() as string;
    const adjustmentId = proposeAdjustment(api.db, { citizenId: citizen, points: 5, justification: 'court order 2024/118' }, 'alice');
    const notRuleset = await dispatch('exportFairnessReport', { proposalId: adjustmentId }, api.ctx, callerAs('admin'));
    expect(await refusalShown(notRuleset, 'en')).toBe(`proposal ${adjustmentId} is not a ruleset: it has no fairness report`);
    expect(await refusalShown(notRuleset, 'zh-CN')).toBe(`提议 ${adjustmentId} 不是规则集提议，没有公平性报告`);
    const both = await dispatch('exportFairnessReport', { proposalId: rulesetId, version: 1 }, api.ctx, callerAs('admin'));
    expect(await refusalShown(both, 'zh-CN')).toBe('请导出某一版本或某一提议的报告，不能同时导出两者');
    const missing = await dispatch('exportFairnessReport', { proposalId: 99_999 }, api.ctx, callerAs('admin'));
    expect(await refusalShown(missing, 'zh-CN')).toBe('没有编号为 99999 的提议');
  });
});
