/**
 * Rule and measure texts in both languages (shared/domain.ts TextTranslations,
 * shared/localizedText.ts): a ruleset may carry its names and descriptions in
 * the other console language; the reader gets theirs, falling back to the
 * ruleset's own words. The texts are data for readers: bounded, one line of
 * printable text, never CEL, and a change of texts alone is a new ruleset
 * version proposed, simulated and approved like any other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventKindSpec, RulesetSpec, type RuleSpec } from '../../../shared/domain.js';
import { localizedName, localizedText } from '../../../shared/localizedText.js';
import type { Db } from '../../../electron/db/connection.js';
import { getRuleset } from '../../../electron/db/rulesets.js';
import { validateRuleset } from '../../../electron/engine/rules.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { measuresFor } from '../../../electron/services/measures.js';
import { approveRuleset, getProposal, proposeRuleset } from '../../../electron/services/proposals.js';
import { RejectedInputError, simulateRuleset } from '../../../electron/services/ruleLab.js';
import { accountabilityDatabases, currentRulesetVersion, ledgerOf, storedScores, type AccountabilityDatabases } from '../helpers/accountability.js';
import { defaultRuleset } from '../helpers/defaultResources.js';
import { diffRulesets, summariseDiff } from '../../../renderer/src/components/rules/diff.js';
import { cleanRule, toSubmit, type DraftRuleset } from '../../../renderer/src/components/rules/draft.js';

const ROOT = join(import.meta.dirname, '../../..');
const KINDS = new Map(
  (JSON.parse(readFileSync(join(ROOT, 'resources/default/event_kinds.json'), 'utf8')) as unknown[]).map((k) => {
    const spec = EventKindSpec.parse(k);
    return [spec.kind, spec] as const;
  }),
);
const HAN = /\p{Script=Han}/u;

type Spec = { rules: (RuleSpec & Record<string, unknown>)[]; measures: Record<string, unknown>[] } & Record<string, unknown>;
const spec = () => defaultRuleset() as unknown as Spec;

/** The problems validateRuleset names for the default ruleset with rule 0's i18n replaced. */
function problemsWithI18n(i18n: unknown): { rule?: string; field?: string; message: string; key?: string; params?: Record<string, unknown> }[] {
  const s = spec();
  s.rules[0].i18n = i18n as RuleSpec['i18n'];
  const r = validateRuleset(s, KINDS);
  return r.ok ? [] : r.problems;
}

describe('the default ruleset speaks Chinese', () => {
  it('every rule and every measure has a Chinese name and description, and validates', () => {
    const s = RulesetSpec.parse(defaultRuleset());
    for (const item of [...s.rules, ...(s.measures ?? [])]) {
      const zh = item.i18n?.['zh-CN'];
      expect(zh?.name, item.id).toMatch(HAN);
      expect(zh?.description, item.id).toMatch(HAN);
    }
    expect(validateRuleset(defaultRuleset(), KINDS)).toMatchObject({ ok: true });
  });
});

describe('localizedText', () => {
  const rule = { name: 'Unpaid utility bill', description: '-2 per bill', i18n: { 'zh-CN': { name: '公用事业费欠缴', description: '每笔扣2分' } } };

  it("gives a reader their language, and the ruleset's own words to the other", () => {
    expect(localizedText(rule, 'zh-CN')).toEqual({ name: '公用事业费欠缴', description: '每笔扣2分', translated: true });
    expect(localizedText(rule, 'en')).toEqual({ name: 'Unpaid utility bill', description: '-2 per bill', translated: false });
    expect(localizedName(rule, 'zh-CN')).toBe('公用事业费欠缴');
  });

  it('falls back to the other language when a rule has no translation, field by field', () => {
    expect(localizedText({ name: 'Blood donation', description: '+5' }, 'zh-CN')).toEqual({ name: 'Blood donation', description: '+5', translated: false });
    expect(localizedText({ name: 'Blood donation', description: '+5', i18n: { 'zh-CN': { name: '无偿献血' } } }, 'zh-CN')).toEqual({ name: '无偿献血', description: '+5', translated: true });
    expect(localizedText({ name: 'x', description: null, i18n: null }, 'en')).toEqual({ name: 'x', description: '', translated: false });
  });

  it('a ruleset written in Chinese may carry English', () => {
    const chineseFirst = { name: '无偿献血', description: '每次加5分', i18n: { en: { name: 'Blood donation', description: '+5 per donation' } } };
    expect(localizedText(chineseFirst, 'en').name).toBe('Blood donation');
    expect(localizedText(chineseFirst, 'zh-CN').name).toBe('无偿献血');
  });
});

describe('the ruleset schema refuses bad texts, naming the rule, the field and why', () => {
  it('a language the console does not speak', () => {
    expect(problemsWithI18n({ fr: { name: 'Arriérés bancaires' } })).toEqual([
      { rule: 'bank-arrears', field: 'rules.0.i18n', message: 'fr is not a console language (en, zh-CN)', key: 'ruleset.schema.language', params: { keys: 'fr', languages: 'en, zh-CN' } },
    ]);
  });

  it('control, bidirectional and separator characters, and lone surrogates', () => {
    for (const [text, why] of [
      ['银行\u202E贷款', /U\+202E at character 3/],
      ['银行\n贷款', /U\+000A/],
      ['\u2067x', /U\+2067 at character 1/],
      ['a\u2028b', /U\+2028/],
      ['\u0000', /U\+0000/],
      ['a\uD800', /lone UTF-16 surrogate/],
    ] as const) {
      const problems = problemsWithI18n({ 'zh-CN': { name: '银行贷款逾期', description: text } });
      expect(problems, JSON.stringify(text)).toEqual([
        { rule: 'bank-arrears', field: 'rules.0.i18n.zh-CN.description', message: expect.stringMatching(why) as string, key: expect.stringMatching(/^ruleset\.schema\.(unsafeChar|surrogate)$/) as string, ...(problems[0]?.params ? { params: expect.anything() as unknown } : {}) },
      ]);
      expect(problemsWithI18n({ 'zh-CN': { name: text } })[0]).toMatchObject({ rule: 'bank-arrears', field: 'rules.0.i18n.zh-CN.name' });
    }
  });

  it('texts beyond their bound, an empty name, a missing name, a number', () => {
    expect(problemsWithI18n({ 'zh-CN': { name: '长'.repeat(201) } })).toMatchObject([{ field: 'rules.0.i18n.zh-CN.name', message: expect.stringMatching(/200/) as string }]);
    expect(problemsWithI18n({ 'zh-CN': { name: '长'.repeat(200), description: '长'.repeat(2000) } })).toEqual([]);
    expect(problemsWithI18n({ 'zh-CN': { name: 'x', description: '长'.repeat(2001) } })).toMatchObject([{ field: 'rules.0.i18n.zh-CN.description' }]);
    expect(problemsWithI18n({ 'zh-CN': { name: '' } })).toMatchObject([{ field: 'rules.0.i18n.zh-CN.name', message: 'a translated name may not be empty' }]);
    expect(problemsWithI18n({ 'zh-CN': { description: '只有说明' } })).toMatchObject([{ field: 'rules.0.i18n.zh-CN.name' }]);
    expect(problemsWithI18n({ 'zh-CN': { name: 7 } })).toMatchObject([{ field: 'rules.0.i18n.zh-CN.name' }]);
    expect(problemsWithI18n('银行贷款逾期')).toMatchObject([{ field: 'rules.0.i18n' }]);
  });

  it('a measure is checked alike', () => {
    const s = spec();
    s.measures[0].i18n = { 'zh-CN': { name: '免押金\u202E' } };
    const r = validateRuleset(s, KINDS);
    expect(r.ok ? [] : r.problems).toMatchObject([{ field: 'measures.0.i18n.zh-CN.name', message: expect.stringMatching(/U\+202E/) as string }]);
  });

  it('texts are never CEL: an expression smuggled into a translation is refused, and a rule still cannot read a protected field', () => {
    expect(problemsWithI18n({ 'zh-CN': { name: '逾期', condition: 'event.religion == "x"' } })).toMatchObject([
      { rule: 'bank-arrears', field: 'rules.0.i18n.zh-CN', message: expect.stringMatching(/condition/) as string },
    ]);
    const kinds = new Map(KINDS);
    kinds.set('bank_arrears', { kind: 'bank_arrears', fields: { ...KINDS.get('bank_arrears')!.fields, religion: { type: 'string', protected: true } } });
    const s = spec();
    s.rules[0].condition = 'event.religion == "x"';
    s.rules[0].i18n = { 'zh-CN': { name: '宗教', description: 'event.religion' } };
    const r = validateRuleset(s, kinds);
    expect(r.ok ? [] : r.problems).toMatchObject([{ rule: 'bank-arrears', field: 'condition', message: expect.stringMatching(/protected/) as string }]);
  });
});

describe('texts on a published ruleset', () => {
  let dbs: AccountabilityDatabases;
  let db: Db;
  beforeAll(async () => {
    dbs = await accountabilityDatabases();
  });
  afterAll(() => dbs?.cleanup());
  beforeEach(() => {
    db = dbs.copy();
  });

  it('the explanation and the measures carry them to the reader', () => {
    const e = explainCitizen(db, 'C3');
    const arrears = e.rules.find((r) => r.ruleId === 'bank-arrears')!;
    expect(localizedName({ name: arrears.ruleName, i18n: arrears.i18n }, 'zh-CN')).toBe('银行贷款逾期');
    expect(localizedName({ name: arrears.ruleName, i18n: arrears.i18n }, 'en')).toBe('Bank arrears');
    const restriction = measuresFor(db, 'D1').find((m) => m.id === 'no-fast-track-permits')!;
    expect(localizedText(restriction, 'zh-CN').name).toBe('不适用行政许可绿色通道');
    expect(localizedText(restriction, 'en').name).toBe('No fast-track permits');
  });

  it('changing only texts is a new version: proposed with a simulation, approved by a second person, no score moved', () => {
    const before = storedScores(db);
    const s = spec();
    s.rules.find((r) => r.id === 'bank-arrears')!.i18n = { 'zh-CN': { name: '银行贷款拖欠', description: '每逾期一个月扣10分。' } };
    expect(() => proposeRuleset(db, s, 'clearer Chinese name', 'alice', null)).toThrow(RejectedInputError);
    expect(() => proposeRuleset(db, defaultRuleset(), 'nothing changed', 'alice', simulateRuleset(db, defaultRuleset()))).toThrow(/identical to the published version/);

    const id = proposeRuleset(db, s, 'clearer Chinese name', 'alice', simulateRuleset(db, s));
    expect(() => approveRuleset(db, id, 'alice', 'mine')).toThrow(/another user must approve it/);
    const result = approveRuleset(db, id, 'bob', 'checked the wording');
    expect(result).toMatchObject({ ok: true, version: 2 });
    expect(getProposal(db, id)).toMatchObject({ status: 'approved' });
    expect(currentRulesetVersion(db)).toBe(2);
    expect(getRuleset(db, 2)!.spec.rules[0].i18n).toEqual({ 'zh-CN': { name: '银行贷款拖欠', description: '每逾期一个月扣10分。' } });
    expect(storedScores(db)).toEqual(before);
    expect(ledgerOf(db, result.operationId!)).toEqual([]);
    const arrears = explainCitizen(db, 'C3').rules.find((r) => r.ruleId === 'bank-arrears')!;
    expect(localizedName({ name: arrears.ruleName, i18n: arrears.i18n }, 'zh-CN')).toBe('银行贷款拖欠');
  });
});

describe('the rules editor', () => {
  it('keeps a rule\'s translations through editing, and the diff shows a change of wording as a change', () => {
    const before = spec() as unknown as DraftRuleset;
    const arrears = before.rules[0];
    expect(cleanRule(arrears).i18n).toEqual(arrears.i18n);
    expect(toSubmit(before).rules.every((r) => r.i18n?.['zh-CN']?.name)).toBe(true);

    const after = structuredClone(before);
    after.rules[0].i18n = { 'zh-CN': { name: '银行贷款拖欠', description: arrears.i18n!['zh-CN']!.description } };
    const diff = diffRulesets(before, after);
    // The change carries the draft's texts, so it is headed by the new Chinese name for a Chinese reader.
    expect(diff.changed).toEqual([{ id: 'bank-arrears', name: 'Bank arrears', i18n: after.rules[0].i18n, fields: [{ field: 'i18n.zh-CN.name', before: '银行贷款逾期', after: '银行贷款拖欠' }] }]);
    expect(localizedText(diff.changed[0], 'zh-CN').name).toBe('银行贷款拖欠');
    expect(summariseDiff(diff)).toBe('1 rule changed');
    expect(diffRulesets(before, structuredClone(before)).size).toBe(0);
  });
});
