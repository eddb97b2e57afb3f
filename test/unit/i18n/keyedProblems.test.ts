/**
 * Import problems and rule (CEL) errors carry a `server` catalog key and its
 * parameters beside the English message: the English is what it always was
 * (the key rendered in English gives it exactly), and the key reads in
 * Chinese, nested reasons included, so the console can show the reader's
 * language.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { validateRuleset } from '../../../electron/engine/rules.js';
import { compileExpression } from '../../../electron/engine/cel.js';
import { importFolder } from '../../../electron/services/import.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { logAccess } from '../../../electron/services/accessLog.js';
import { runExpressionCheck } from '../../../electron/services/ruleTest.js';
import { translator } from '../../../electron/services/translate.js';
import type { EventKindSpec, InputProblem } from '../../../shared/domain.js';
import { englishText } from '../../../shared/englishText.js';
import { renderKeyed, type KeyedText } from '../../../shared/keyedText.js';
import { folder, openTempDb, removeTempDirs, seedBaseline } from '../helpers/importFixtures.js';

const zh = translator('zh-CN');
const chinese = (p: { key?: string; params?: Record<string, unknown> }) => renderKeyed((k, q) => zh(k, q), { key: p.key!, params: p.params });
/** Every keyed problem's English message is its key rendered in English, and its Chinese text has no English sentence. */
function expectKeyed(p: InputProblem | { message: string; key?: string; params?: Record<string, unknown> }): string {
  expect(p.key, p.message).toBeTruthy();
  expect(englishText(p as KeyedText)).toBe(p.message);
  const text = chinese(p);
  expect(text).toMatch(/\p{Script=Han}/u);
  expect(text).not.toMatch(/\b(is not|must be|appears|unknown|has an empty|cannot)\b/);
  return text;
}

describe('import problems', () => {
  let db: Db;
  beforeEach(async () => {
    db = openTempDb().db;
    await seedBaseline(db);
  });
  afterEach(() => {
    db.close();
    removeTempDirs();
  });

  it('a bad row of each file is keyed and reads in Chinese', async () => {
    const dir = folder({
      'citizens.csv': 'citizen_id,name,district,birth_date\nK1,Wang Fang,Lixia,1990-13-45\nK2,,Lixia,\nK3,Li\u0007Na,Lixia,\nK4,Zhao\n',
      'relationships.csv': 'a,b,since,until\nK9,C1,2020-01-01,\nC1,C1,2020-01-01,\n',
      'events.csv': 'event_id,citizen_id,kind,occurred_at,data\nE900,C1,no_such_kind,2024-01-01T00:00:00Z,{}\n',
    });
    const report = await importFolder(db, dir, { actor: 'tester', provider: 'Test registry' });
    expect(report.ok).toBe(false);
    const texts = report.problems.map((p) => `${p.file}:${p.line} ${expectKeyed(p)}`);
    expect(texts).toEqual([
      'citizens.csv:2 出生日期 birth_date“1990-13-45”不是 YYYY-MM-DD 格式的日期',
      'citizens.csv:3 公民 K2 的姓名为空',
      'citizens.csv:4 公民 K3：name 含有控制字符 U+0007',
      'citizens.csv:5 该行有 2 个字段，表头有 4 列',
      'relationships.csv:2 未知公民“K9”',
      'relationships.csv:3 自环：公民 C1 不能与自己建立好友关系',
      'events.csv:2 未知记录类型 "no_such_kind"',
    ]);
  });

  it('a file whose header lacks a column is refused in Chinese, through the event worker too', async () => {
    for (const eventWorker of ['never', 'always'] as const) {
      const report = await importFolder(db, folder({ 'events.csv': 'event_id,citizen_id,kind,data\nE1,C1,x,{}\n' }), { actor: 'tester', provider: 'Test registry', eventWorker });
      expect(report.problems.map((p) => expectKeyed(p)), eventWorker).toEqual(['表头缺少列 occurred_at（应为 event_id,citizen_id,kind,occurred_at,data）']);
    }
  });

  it('ledger verification: a tampered record and a truncated ledger are named in Chinese', () => {
    const truncated = verifyLedger(db, { count: 1_000_000, head: '0'.repeat(64), at: '2026-11-01T00:00:00.000Z' });
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(expectKeyed(truncated)).toMatch(/^台账现有 \d+ 条，但 2026-11-01T00:00:00.000Z 的校验点记录为 1000000 条：自第 \d+ 条起的条目已被删除$/);
    logAccess(db, { username: 'wang', action: 'login', detail: { key: 'access.loginAs', params: { role: 'official' } }, outcome: 'allowed' });
    db.exec('DROP TRIGGER access_log_no_update');
    db.prepare("UPDATE access_log SET detail = 'nothing happened' WHERE id = (SELECT min(id) FROM access_log)").run();
    const report = verifyIntegrity(db);
    expect(report.ok).toBe(false);
    const texts = report.problems.map((p) => expectKeyed(p));
    expect(texts.some((text) => /^链条目 \d+：第 \d+ 行的内容在记录后被更改$/.test(text)), texts.join('\n')).toBe(true);
  });
});

describe('rule (CEL) errors', () => {
  const KIND: EventKindSpec = { kind: 'volunteer_service', fields: { hours: { type: 'number' }, health_condition: { type: 'string', protected: true } } };
  const rules = (condition: string, points = '1.0') => ({
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
    tiers: [{ name: 'D', min: 0 }],
    rules: [{ id: 'r1', name: 'R1', description: '', dimension: 'civic', event_kind: 'volunteer_service', condition, points }],
  });

  it.each([
    ['event.minutes > 1.0', '字段“minutes”未在记录类型“volunteer_service”中声明'],
    ['event.health_condition == "x"', '记录类型“volunteer_service”的字段“health_condition”是受保护字段，评分规则不能使用'],
    ['event.hours', '条件必须返回 bool（真/假），此表达式返回 double'],
    ['size(event) > 0', 'event 只能按字段读取（event.<字段>）；不允许动态索引或整体使用'],
  ])('%s: the problem is keyed', (condition, expected) => {
    const r = validateRuleset(rules(condition), new Map([[KIND.kind, KIND]]));
    expect(r.ok).toBe(false);
    const [problem] = r.ok ? [] : r.problems;
    expect(problem).toMatchObject({ rule: 'r1', field: 'condition' });
    expect(expectKeyed(problem)).toBe(expected);
  });

  it("a syntax error reads in Chinese, not in the parser's English (more in engineKeyed.test.ts)", () => {
    const r = compileExpression('event.hours >', KIND, 'bool');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(expectKeyed(r.error)).toBe('表达式不完整，末尾缺少内容（例如运算符后面缺少操作数）');
  });

  it('the expression check of the rule editor answers keyed, an unknown kind too', () => {
    const unknown = runExpressionCheck({ kind: null, eventKind: 'parking', expression: 'true', expect: 'bool' });
    expect(unknown.ok).toBe(false);
    expect(expectKeyed(unknown.error!)).toBe('未知记录类型“parking”');
    const bad = runExpressionCheck({ kind: KIND, eventKind: KIND.kind, expression: 'event.minutes > 1.0', expect: 'bool' });
    expect(expectKeyed(bad.error!)).toBe('字段“minutes”未在记录类型“volunteer_service”中声明');
  });
});
