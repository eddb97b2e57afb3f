/**
 * The rule engine's refusals in the reader's language (issue 12): every
 * message the CEL parser, type checker and rule compiler can give, the cost
 * bound, an RE2 pattern's error, the ruleset's own checks (tiers, cap,
 * weight, measures, its schema) and the lower layers' reasons (why an
 * instant or a JSON text is refused) carry a `server` key and parameters.
 * Their English is the English they always had (the key rendered in English
 * gives it exactly); the Chinese is Chinese, with the token, type, name or
 * position as parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileExpression, type ExpressionError } from '../../../electron/engine/cel.js';
import { classifyLibraryError } from '../../../electron/engine/celErrors.js';
import { evaluateRule, validateRuleset } from '../../../electron/engine/rules.js';
import { runRuleTest } from '../../../electron/services/ruleTest.js';
import { importFolder } from '../../../electron/services/import.js';
import { InvalidConsentError, recordConsent } from '../../../electron/services/consent.js';
import { folder, openTempDb, removeTempDirs, seedBaseline } from '../helpers/importFixtures.js';
import { jsonErrorKeyed, jsonErrorMessage } from '../../../electron/services/inputLimits.js';
import { checkEventRow } from '../../../electron/services/eventRows.js';
import { translator } from '../../../electron/services/translate.js';
import type { EventKindSpec, InputProblem } from '../../../shared/domain.js';
import { englishText } from '../../../shared/englishText.js';
import { INSTANT_FORM, INSTANT_FORM_KEYED, instantFlaw, instantFlawKeyed } from '../../../shared/instant.js';
import { renderKeyed, type KeyedText } from '../../../shared/keyedText.js';

const ROOT = join(import.meta.dirname, '../../..');
const zh = translator('zh-CN');
const chinese = (p: { key?: string; params?: Record<string, unknown> }): string => renderKeyed((k, q) => zh(k, q), { key: p.key!, params: p.params });

/** English sentence words that must not be left in a Chinese message (type, function and token names are code and may stay). */
const ENGLISH = /\b(unexpected|expected|got|token|overload|invalid|missing|must|not supported|too expensive|appears twice|between|below|character|string literal|property|steps|worst case|limit|regular expression|cannot|wrong type|may not|unknown|a date|the time|no zone|finer|line|column)\b/i;

/** A keyed error: its English is its key rendered in English, its Chinese has Chinese and none of the English words. */
function expectKeyed(e: { message: string; key?: string; params?: Record<string, unknown> }): string {
  expect(e.key, e.message).toBeTruthy();
  expect(englishText(e as KeyedText), e.key).toBe(e.message);
  const text = chinese(e);
  expect(text, e.message).toMatch(/\p{Script=Han}/u);
  expect(text, `${e.message} → ${text}`).not.toMatch(ENGLISH);
  return text;
}

const KIND: EventKindSpec = { kind: 'note', fields: { text: { type: 'string' }, hours: { type: 'number' }, ok: { type: 'bool' } } };

function refused(source: string, expect_: 'bool' | 'number' = 'bool'): ExpressionError {
  const r = compileExpression(source, KIND, expect_);
  if (r.ok) throw new Error(`accepted: ${source}`);
  return r.error;
}

describe('CEL: every kind of refusal is keyed and reads in Chinese', () => {
  /** One expression per message the parser, the checker and the compiler give. */
  const CORPUS = [
    // parser
    'event.hours >',
    '(event.hours > 1.0',
    '[1, 2',
    '{1: 2',
    'event.hours > 1.0)',
    'event.hours # 2.0',
    '1 ++ 2',
    '1.2.3 > 0',
    '"abc',
    "'a\nb' == ''",
    '"""abc',
    '0x > 1',
    '"\\q" == ""',
    '"\\u12" == ""',
    '"\\x4" == ""',
    '"\\0" == ""',
    'in > 2',
    '[1].exists(1, true)',
    '[1].map(1, 2) == []',
    `${'('.repeat(30)}true${')'.repeat(30)}`,
    `[${Array.from({ length: 201 }, () => '1').join(',')}] == []`,
    // checker
    'has(1)',
    'event.hours ? true : false',
    'event.ok ? 1 : "a"',
    '[1, "a"] == []',
    '{1: 1, "a": 2} == {}',
    '{1: 1, 2: "a"} == {}',
    'event.text + 1 == ""',
    'event.text.startsWith(1)',
    'foo(1)',
    'event.text.foo()',
    '1 && true',
    '[1][event.text] == 1',
    'event.hours[0] == 1.0',
    '1.exists(x, true)',
    '[1].all(x, x)',
    '[1].filter(x, x) == []',
    '!1',
    '-"a" == ""',
    'event.hours < "a"',
    '{"a": 1}["a"][0] == 1',
    // compiler
    'event.hours * 2 > 1.0',
    '9007199254740993 > 0',
    'event.text.matches("a(b")',
    'event.text.matches("a(?=b)")',
    'event.text.matches("x{2000}")',
    'event.text.matches("\\\\")',
    `event.text.matches("${'a'.repeat(1001)}")`,
    'matches(event.text, 1)',
    'has(event.hours.x)',
    'size(1, 2) > 0',
    'size(event.ok) > 0',
    'event.text.split(1) == []',
    'event.text.contains("a", "b")',
    '1.5 % 2.0 > 0.0',
    'event.ok in event.text',
    'timestamp("2024-01-01T00:00:00Z") != null',
    '1u > 0u',
    'event.hours',
    `${'[1,2,3,4,5,6,7,8,9,10]'}.all(a, ${'[1,2,3,4,5,6,7,8,9,10]'}.all(b, event.text.split("").all(c, event.text.contains(c))))`,
  ];

  it.each(CORPUS)('%s', (source) => {
    const e = refused(source);
    expect(e.key).not.toBe('cel.syntax');
    expect(e.key).not.toBe('cel.regex.other');
    expectKeyed(e);
  });

  it('a syntax error: the position is kept, the token named in Chinese, the English unchanged', () => {
    const end = refused('event.hours >');
    expect(end).toMatchObject({ message: 'Unexpected token: EOF', key: 'cel.parse.unexpectedEnd', column: 14 });
    expect(chinese(end)).toBe('表达式不完整，末尾缺少内容（例如运算符后面缺少操作数）');
    const paren = refused('(event.hours > 1.0');
    expect(paren).toMatchObject({ message: 'Expected RPAREN, got EOF', key: 'cel.parse.missing', column: 19 });
    expect(chinese(paren)).toBe('缺少右括号“)”，表达式在此处提前结束');
    const token = refused('1 ++ 2');
    expect(token).toMatchObject({ message: 'Unexpected token: PLUS', column: 4 });
    expect(chinese(token)).toBe('此处不应出现“+”');
    expect(chinese(refused('1.2.3 > 0'))).toBe('此处应为名称，实际为数字');
    expect(chinese(refused('event.hours # 2.0'))).toBe('表达式中不能使用字符“#”');
    expect(chinese(refused('event.hours > 1.0)'))).toBe('表达式已经完整，其后却还有内容（“)”）：是否缺少运算符或括号？');
    expect(chinese(refused('"abc'))).toBe('字符串缺少结尾的引号');
    expect(chinese(refused('"\\q" == ""'))).toBe('无效的转义序列：\\q');
  });

  it('a type error names the types and, for int against double, how to mend it', () => {
    const mixed = refused('event.hours * 2 > 1.0');
    expect(mixed).toMatchObject({ message: 'no such overload: double * int', key: 'cel.check.noSuchOverloadNumbers', params: { left: 'double', op: '*', right: 'int' }, column: 1 });
    expect(chinese(mixed)).toBe('“*”不能用于 double 与 int 类型的操作数：整数与小数不能直接混合运算，请把整数写成小数（如 10.0），或用 double() 转换');
    expect(chinese(refused('event.text.startsWith(1)'))).toBe('没有与“string.startsWith(int)”相符的函数或方法：参数类型不符，或评分规则不提供该函数');
    expect(chinese(refused('[1].all(x, x)'))).toBe('all(var, predicate) 的判断条件必须返回 bool，此处返回 int');
  });

  it('an RE2 pattern: the reason in Chinese, the part of the pattern it names kept', () => {
    const e = refused('event.text.matches("a(b")');
    expect(e).toMatchObject({ message: 'invalid regular expression (RE2 syntax): error parsing regexp: missing closing ): `a(b`', key: 'cel.regex.missingParen', params: { input: 'a(b' }, column: 20 });
    expect(chinese(e)).toBe('正则表达式无效（RE2 语法）：缺少右括号“)”（出错部分：“a(b”）');
    expect(chinese(refused('event.text.matches("a(?=b)")'))).toBe('正则表达式无效（RE2 语法）：无效或不支持的 Perl 语法，RE2 不支持前瞻、后顾等断言（出错部分：“(?=”）');
    expect(chinese(refused('event.text.matches("\\\\")'))).toBe('正则表达式无效（RE2 语法）：末尾有多余的反斜杠');
  });

  it('the cost bound: the worst case and the limit as numbers, at the costliest macro', () => {
    const src = '[1,2,3,4,5,6,7,8,9,10].all(a, event.text.split("").all(c, event.text.contains(c)))';
    const e = refused(src);
    expect(e.key).toBe('cel.cost.about');
    expect(e.message).toMatch(/^expression too expensive: its worst case is about [\d,]+ steps per event, the limit is 250,000 \(event strings may hold 4096 characters; nested macros multiply\)$/);
    const steps = Number((e.params as { steps: number }).steps);
    expect(steps).toBeGreaterThan(250_000);
    expect(chinese(e)).toBe(`表达式计算量过大，每条信用记录最坏情况下约需 ${steps.toLocaleString('zh-CN')} 步，上限为 250,000 步（记录中的文字字段最长 4096 个字符；嵌套的宏会使计算量成倍增加）`);
    const hopeless = refused(`[${Array(90).fill(1).join(',')}].all(a, [${Array(90).fill(1).join(',')}].all(b, [${Array(90).fill(1).join(',')}].all(c, [${Array(90).fill(1).join(',')}].all(d, event.text.contains("x")))))`);
    expect(hopeless.key).toBe('cel.cost.moreThan');
    expect(chinese(hopeless)).toMatch(/^表达式计算量过大，每条信用记录最坏情况下超过 250,000,000 步/);
  });

  it("a classification is kept only when its English is the library's exactly; another wording falls back to quoting it", () => {
    expect(classifyLibraryError('unexpected_token', 'Unexpected token: EOF')).toMatchObject({ key: 'cel.parse.unexpectedEnd' });
    expect(classifyLibraryError('unexpected_token', 'Unexpected token: EOF here')).toBeNull();
    expect(classifyLibraryError('no_such_overload', 'no such overload: list<int> + map<string, int>')).toMatchObject({ params: { left: 'list<int>', op: '+', right: 'map<string, int>' } });
    expect(classifyLibraryError('some_new_code', 'Something new')).toBeNull();
  });

  it('every error code the CEL library can raise while parsing or checking has a key', () => {
    const lib = join(ROOT, 'node_modules/@marcbachmann/cel-js/lib');
    const codes = new Set<string>();
    for (const file of ['parser.js', 'macros.js', 'operators.js', 'type-checker.js']) {
      const source = readFileSync(join(lib, file), 'utf8');
      for (const m of source.matchAll(/(?:parseError|createError)\(\s*'([a-z_]+)'/g)) codes.add(m[1]);
      for (const m of source.matchAll(/(?:parseError|createError)\(\s*\n\s*'([a-z_]+)'/g)) codes.add(m[1]);
      for (const m of source.matchAll(/\? '([a-z_]+)' : '([a-z_]+)'/g)) codes.add(m[1]).add(m[2]);
    }
    const parser = readFileSync(join(lib, 'parser.js'), 'utf8');
    const escapes = parser.slice(parser.indexOf('const ESCAPE_ERRORS = {'), parser.indexOf('}', parser.indexOf('const ESCAPE_ERRORS = {')));
    for (const m of escapes.matchAll(/^\s+([a-z_]+):/gm)) codes.add(m[1]);
    for (const m of readFileSync(join(lib, 'operators.js'), 'utf8').matchAll(/^\s{2}(heterogeneous_[a-z_]+):/gm)) codes.add(m[1]);
    // Raised only while evaluating (rules are never evaluated by the library) or for a non-string input.
    const never = new Set(['expression_must_be_string', 'variable_type_mismatch', 'invalid_context']);
    const source = readFileSync(join(ROOT, 'electron/engine/celErrors.ts'), 'utf8');
    const missing = [...codes].filter((c) => !never.has(c) && !new RegExp(`\\b${c}\\b`).test(source));
    expect(codes.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

describe('CEL: errors while a rule runs on an event', () => {
  const rule = (condition: string, points = '1.0') => {
    const r = validateRuleset(
      { base_score: 1000, score_min: 0, score_max: 2000, friend_penalty: { threshold: 850, weight: 0.5, cap: 100 }, tiers: [{ name: 'D', min: 0 }], rules: [{ id: 'r1', name: 'R1', description: '', dimension: 'civic', event_kind: 'note', condition, points }] },
      new Map([[KIND.kind, KIND]]),
    );
    if (!r.ok) throw new Error(r.problems[0].message);
    return r.ruleset.rules[0];
  };

  it.each([
    ['event.hours > 0.0', {}, 'No such key: hours', '没有键“hours”（这条信用记录没有该字段时，可先用 has() 判断）'],
    ['int(event.text) > 0', { text: 'abc' }, "int() cannot convert 'abc'", 'int() 无法转换“abc”'],
    ['1 / int(event.hours) > 0', { hours: 0.5 }, 'division by zero', '除数为零'],
    ['"abc".matches(event.text + "")', { text: 'a(' }, 'invalid regular expression (RE2 syntax): error parsing regexp: missing closing ): `a(`', '正则表达式无效（RE2 语法）：缺少右括号“)”（出错部分：“a(”）'],
    ['event.text.size() > 0', { text: 'x'.repeat(5000) }, "field 'text' is longer than 4096 characters, the most a rule reads", '字段“text”超过 4096 个字符，超出评分规则可读取的长度'],
  ])('%s', (condition, data, english, expected) => {
    const c = evaluateRule(rule(condition), data);
    expect(c.error).toBe(english);
    if (c.error === null) return;
    expect(expectKeyed({ message: c.error, ...c.said })).toBe(expected);
  });

  it('points that are not a finite number', () => {
    const c = evaluateRule(rule('true', 'event.hours / 0.0'), { hours: 1 });
    expect(c).toMatchObject({ error: 'points are not a finite number', said: { key: 'cel.eval.notFinite' } });
    if (c.error !== null) expect(chinese(c.said!)).toBe('分值不是有限的数值');
  });

  it("the rule tester's rows carry the key beside the English", () => {
    const out = runRuleTest({
      draft: { base_score: 1000, score_min: 0, score_max: 2000, friend_penalty: { threshold: 850, weight: 0.5, cap: 100 }, tiers: [{ name: 'D', min: 0 }], rules: [{ id: 'r1', name: 'R1', description: '', dimension: 'civic', event_kind: 'note', condition: '1 / int(event.hours) > 0', points: '1.0' }] },
      kinds: [KIND],
      asOfMs: 0,
      events: [],
      samples: [{ hours: 0.5 }],
    });
    expect(out.rows[0]).toMatchObject({ error: 'division by zero', errorKey: 'cel.eval.divisionByZero' });
    expect(chinese({ key: out.rows[0].errorKey, params: out.rows[0].errorParams })).toBe('除数为零');
  });
});

describe('ruleset checks: tiers, cap, weight, measures, cost per kind, the schema', () => {
  const base = () => ({
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
    tiers: [
      { name: 'A', min: 1200 },
      { name: 'B', min: 0 },
    ],
    rules: [{ id: 'r1', name: 'R1', description: '', dimension: 'civic', event_kind: 'note', condition: 'true', points: '1.0' }],
  });
  const problems = (input: unknown): InputProblem[] => {
    const r = validateRuleset(input, new Map([[KIND.kind, KIND]]));
    return r.ok ? [] : r.problems;
  };
  const only = (input: unknown): string => {
    const p = problems(input);
    expect(p).toHaveLength(1);
    return expectKeyed(p[0]);
  };

  it.each([
    ['weight', { friend_penalty: { threshold: 850, weight: 1.5, cap: 100 } }, '关联扣分权重 weight 必须在 0 到 0.95 之间，实际为 1.5'],
    ['score range', { score_min: 2000, score_max: 0, base_score: 1000, tiers: [{ name: 'A', min: 0 }] }, null],
    ['tier order', { tiers: [{ name: 'A', min: 600 }, { name: 'B', min: 600 }, { name: 'C', min: 0 }] }, '信用等级 B 的下限 600 必须低于上一等级 A 的下限（600）'],
    ['last tier', { tiers: [{ name: 'A', min: 1200 }, { name: 'B', min: 300 }] }, '最后一个信用等级（B）的下限不得高于最低分 score_min 0，以便每个信用分都有对应等级'],
    ['tier twice', { tiers: [{ name: 'A', min: 1200 }, { name: 'A', min: 0 }] }, '信用等级名称 A 出现两次'],
  ])('%s', (_name, change, expected) => {
    const text = expected === null ? problems({ ...base(), ...change }).map(expectKeyed).join(' / ') : only({ ...base(), ...change });
    if (expected !== null) expect(text).toBe(expected);
  });

  it('a cap that does not contain 0, a rule id twice, an unknown kind, a measure naming an unknown tier', () => {
    const rule = base().rules[0];
    expect(only({ ...base(), rules: [{ ...rule, cap: { min: 5, max: 10 } }] })).toBe('上限 cap 必须包含 0（min ≤ 0 ≤ max），实际为 {min: 5, max: 10}');
    expect(only({ ...base(), rules: [rule, rule] })).toBe('规则编号 r1 出现两次');
    expect(only({ ...base(), rules: [{ ...rule, event_kind: 'parking' }] })).toBe('未知记录类型“parking”');
    expect(only({ ...base(), measures: [{ id: 'm1', kind: 'benefit', name: 'M', description: '', tiers: ['Z'] }] })).toMatch(/^措施 m1 引用了信用等级 Z，但规则集没有定义该等级$/);
  });

  it('the rules of one kind costing too much together', () => {
    const heavy = '[1,2,3,4,5,6,7,8,9,10].exists(a, event.text.contains("x"))';
    const rules = Array.from({ length: 20 }, (_, i) => ({ ...base().rules[0], id: `r${i}`, condition: heavy }));
    const p = problems({ ...base(), rules });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ key: 'ruleset.kindCost', params: { kind: 'note', max: 500_000 } });
    expect(expectKeyed(p[0])).toMatch(/^记录类型“note”的评分规则（r0, r1, .*r19）合计每条信用记录最坏情况下约需 [\d,]+ 步，上限为 500,000 步：请简化或合并其中部分规则$/);
  });

  it('the schema: a wrong type, an empty list, a bad rule id, a text too long, an unknown field', () => {
    expect(only({ ...base(), base_score: 'high' })).toBe('类型错误：应为数值');
    expect(only({ ...base(), tiers: [] })).toBe('不能为空');
    expect(only({ ...base(), rules: [{ ...base().rules[0], id: 'a b' }] })).toBe('规则编号须为 1 至 64 个字符，仅限 A-Z a-z 0-9 _ . -');
    expect(only({ ...base(), rules: [{ ...base().rules[0], condition: 'x'.repeat(2001) }] })).toBe('最多 2000 个字符');
    expect(only({ ...base(), extra: 1 })).toBe('未知字段 extra');
    expect(only({ ...base(), rules: [{ ...base().rules[0], ttl_days: 0 }] })).toBe('必须大于 0');
  });
});

describe('lower layers: why an instant or a JSON text is refused', () => {
  it.each([
    ['2024-05-01', 'dateOnly', '只有日期，没有时间'],
    ['2024-05-01T10:00Z', 'noSeconds', '时间缺少秒'],
    ['2024-05-01T10:00:00.1234Z', 'fraction', '秒的小数部分超过 3 位（最多精确到毫秒）'],
    ['2024-05-01T10:00:00', 'noZone', '缺少时区（Z 或时区偏移）'],
    ['2024-05-01 10:00:00Z', 'space', '日期与时间之间是空格，应为“T”'],
    ['2024-02-30T10:00:00Z', 'other', '格式不符，或不是真实存在的日期和时间'],
  ])('an instant %s: %s', (text, flaw, expected) => {
    const k = instantFlawKeyed(text);
    expect(k.key).toBe(`instant.flaw.${flaw}`);
    expect(englishText(k)).toBe(instantFlaw(text));
    expect(chinese(k)).toBe(expected);
  });

  it('the form of an instant, and an imported row with an instant without seconds', () => {
    expect(englishText(INSTANT_FORM_KEYED)).toBe(INSTANT_FORM);
    const row = checkEventRow(
      2,
      { event_id: 'E1', citizen_id: 'C1', kind: 'note', occurred_at: '2024-05-01T10:00Z', data: '{}' },
      { citizenIdx: () => 1, kind: (k) => (k === 'note' ? KIND : undefined) } as Parameters<typeof checkEventRow>[2],
    );
    expect('problem' in row).toBe(true);
    if ('problem' in row) {
      expect(row.problem.message).toBe(`occurred_at "2024-05-01T10:00Z" is not ${INSTANT_FORM}: the time has no seconds`);
      expect(expectKeyed(row.problem)).toBe(
        '发生时间 occurred_at "2024-05-01T10:00Z" 不是有效的 RFC 3339 时间（须含秒，秒的小数最多 3 位，并带 Z 或时区偏移，例如 2024-05-01T10:00:00Z 或 2024-05-01T12:00:00.250+02:00）：时间缺少秒',
      );
    }
  });

  const parseError = (text: string): unknown => {
    try {
      JSON.parse(text);
    } catch (err) {
      return err;
    }
    throw new Error(`valid JSON: ${text}`);
  };

  it.each([
    ['{"a":1', '属性值之后应为“,”或“}”（第 1 行第 7 列）'],
    ['{\n"a" 1}', '属性名之后应为“:”（第 2 行第 5 列）'],
    ['[1 2]', '数组元素之后应为“,”或“]”（第 1 行第 4 列）'],
    ['{"a":}', '此处不应出现“}”'],
    ['', 'JSON 内容不完整，意外结束'],
    ['{"a":1}}', 'JSON 值之后还有多余的内容（第 1 行第 8 列）'],
    ['"\\x"', '无效的转义字符（第 1 行第 3 列）'],
    ['-', '负号后缺少数字（第 1 行第 2 列）'],
    ['{"a":1,}', '此处应为带双引号的属性名（或多了一个逗号）（第 1 行第 8 列）'],
  ])('JSON %j', (text, expected) => {
    const err = parseError(text);
    const k = jsonErrorKeyed(err, text);
    expect(k.key === 'json.other' || (k.key === 'json.at' && (k.params?.what as KeyedText).key === 'json.other'), JSON.stringify(k)).toBe(false);
    expect(englishText(k)).toBe(jsonErrorMessage(err, text));
    expect(chinese(k)).toBe(expected);
  });

  it("JSON: the English is V8's, without the text it quotes", () => {
    expect(jsonErrorMessage(parseError('{"secret":}'), '{"secret":}')).toBe("Unexpected token '}'");
    expect(jsonErrorMessage(parseError('{"a":1'), '{"a":1')).toBe("Expected ',' or '}' after property value (line 1, column 7)");
    expect(jsonErrorMessage(new Error('Some future wording at position 3'), 'abcdef')).toBe('Some future wording (line 1, column 4)');
  });

  it('an events.jsonl line that is not JSON, and one nested too deep: refused in Chinese, through the event worker too', async () => {
    const { db } = openTempDb();
    try {
      await seedBaseline(db);
      const lines = ['{"event_id": "E1", "citizen_id": "C1",', `{"a": ${'['.repeat(100)}${']'.repeat(100)}}`].join('\n');
      for (const eventWorker of ['never', 'always'] as const) {
        const report = await importFolder(db, folder({ 'events.jsonl': `${lines}\n` }), { actor: 'tester', provider: 'Test registry', eventWorker });
        expect(report.problems.map((p) => `${p.line} ${expectKeyed(p)}`), eventWorker).toEqual(['1 不是有效的 JSON：此处应为带双引号的属性名（或多了一个逗号）（第 1 行第 39 列）', '2 第 2 行嵌套过深（超过 32 层）']);
      }
      // Consent recorded from the console with an instant without a zone: refused keyed, the English as before.
      let refused: unknown;
      try {
        recordConsent(db, { citizenId: 'C1', status: 'given', at: '2024-05-01T10:00:00' } as Parameters<typeof recordConsent>[1], { actor: 'tester', reason: 'form received' });
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(InvalidConsentError);
      const { message, keyed: k } = refused as InvalidConsentError;
      expect(message).toBe(`at "2024-05-01T10:00:00" is not ${INSTANT_FORM}: no zone (Z or an offset)`);
      expect(expectKeyed({ message, ...k })).toMatch(/^时间 at "2024-05-01T10:00:00" 不是有效的 RFC 3339 时间（.*）：缺少时区（Z 或时区偏移）$/);
    } finally {
      db.close();
      removeTempDirs();
    }
  });

  it("an imported row's data that is not JSON: the reason in Chinese, with line and column", () => {
    const row = checkEventRow(
      2,
      { event_id: 'E1', citizen_id: 'C1', kind: 'note', occurred_at: '2024-05-01T10:00:00Z', data: '{"hours": }' },
      { citizenIdx: () => 1, kind: (k) => (k === 'note' ? KIND : undefined) } as Parameters<typeof checkEventRow>[2],
    );
    expect('problem' in row && expectKeyed(row.problem)).toBe('data 不是有效的 JSON：此处不应出现“}”');
  });
});
