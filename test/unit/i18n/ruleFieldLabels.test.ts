/**
 * Ruleset fields as a reader of Chinese sees them in the editor's problem
 * list and in a ruleset diff: "条件", "分值", "有效期（天）", not "condition",
 * "points", "ttl_days"; the English console keeps the ruleset's own names,
 * and a field the catalog does not name is shown as the ruleset spells it.
 */
import i18next from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../renderer/src/i18n/index';
import { RULE_FIELDS } from '../../../renderer/src/components/rules/diff';
import { describeProblem, ruleFieldLabel, type Problem } from '../../../renderer/src/components/rules/draft';

const CJK = /[\u4e00-\u9fff]/;

describe('ruleset field names in the reader\'s language', () => {
  beforeAll(async () => {
    await i18next.changeLanguage('zh-CN');
  });
  afterAll(async () => {
    await i18next.changeLanguage('en');
  });

  it('names every field a diff can show in Chinese', () => {
    const parameters = ['base_score', 'score_min', 'score_max', 'friend_penalty.threshold', 'friend_penalty.weight', 'friend_penalty.cap'];
    for (const field of [...RULE_FIELDS.map(([f]) => f), ...parameters]) {
      const label = ruleFieldLabel(field);
      expect(label, field).toMatch(CJK);
    }
    expect(ruleFieldLabel('points')).toBe('分值');
    expect(ruleFieldLabel('i18n.zh-CN.name')).toBe('中文名称');
  });

  it('names the field of a problem in Chinese, and keeps an unknown or malformed field as written', () => {
    const problem: Problem = { rule: 'bank-arrears', field: 'rules.0.condition', position: 23, message: 'Syntax error' };
    const text = describeProblem(problem);
    expect(text).toContain('规则 bank-arrears · 条件 · 第 23 列');
    expect(text).not.toContain('condition');
    expect(ruleFieldLabel('tiers.2.min')).toBe('tiers.2.min');
    expect(ruleFieldLabel('rules.3')).toBe('rules.3');
    expect(ruleFieldLabel('cap:min')).toBe('cap:min');
    expect(ruleFieldLabel('')).toBe('');
  });

  it('keeps the ruleset\'s own names in English', async () => {
    await i18next.changeLanguage('en');
    try {
      for (const [field] of RULE_FIELDS) expect(ruleFieldLabel(field)).toBe(field);
      expect(ruleFieldLabel('friend_penalty.weight')).toBe('friend_penalty.weight');
    } finally {
      await i18next.changeLanguage('zh-CN');
    }
  });
});
