/**
 * A wording no table knows (a CEL parser's or RE2's new reason, a V8
 * JSON.parse message, a zod issue of another kind) still reaches a reader of
 * Chinese as a Chinese sentence: it says where (the column, the line and
 * column, the field) and that the platform did not recognise the reason,
 * and quotes the raw English only as a marked technical detail
 * （技术细节：…）. The English is unchanged. The library's classifier is
 * mocked to know nothing, so the real fallback path of compileExpression runs.
 */
import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { compileExpression } from '../../../electron/engine/cel.js';
import { regexError } from '../../../electron/engine/celErrors.js';
import { schemaProblem } from '../../../electron/engine/rulesetSchema.js';
import { inputIssueKeyed } from '../../../electron/ipc/dispatch.js';
import { jsonErrorKeyed } from '../../../electron/services/inputLimits.js';
import { translator } from '../../../electron/services/translate.js';
import { englishText } from '../../../shared/englishText.js';
import { renderKeyed, type KeyedText } from '../../../shared/keyedText.js';
import type { Language } from '../../../shared/language.js';
import { MESSAGES } from '../../../shared/messages.js';
import type { EventKindSpec } from '../../../shared/domain.js';

vi.mock('../../../electron/engine/celErrors.js', async (original) => ({ ...(await original<Record<string, unknown>>()), classifyLibraryError: () => null }));

const render = (language: Language, k: KeyedText): string => renderKeyed((key, params) => translator(language)(key, params), k);
const zh = (k: KeyedText): string => render('zh-CN', k);

/** The raw detail appears only inside the marked technical detail, and the sentence around it is Chinese. */
function expectFramed(text: string, detail: string): void {
  expect(text).toContain(`（技术细节：${detail}）`);
  expect(text.replace(`（技术细节：${detail}）`, '')).not.toContain(detail);
  expect(text.replace(`（技术细节：${detail}）`, '')).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,}/);
  expect(text).toMatch(/\p{Script=Han}{4}/u);
}

const KIND: EventKindSpec = { kind: 'late_payment', fields: { days: { type: 'number' } } } as EventKindSpec;

describe('a wording no table knows, in Chinese with the raw text as a technical detail', () => {
  it('a CEL parser reason: the column in the frame, the reason not the library English', () => {
    const r = compileExpression('event.days >', KIND, 'bool');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const { error } = r;
    expect(error.key).toBe('cel.syntax');
    const detail = String(error.params?.detail);
    // English: the library's own line, as before.
    expect(error.message).toBe(detail);
    expect(englishText(error as KeyedText)).toBe(detail);
    const shown = zh({ key: 'problem.ruleFieldColumn', params: { rule: 'late', field: 'condition', column: error.column, message: error as KeyedText } });
    expect(shown).toContain(`第 ${error.column} 列`);
    expectFramed(shown, detail);
  });

  it('an RE2 reason not in the table', () => {
    const said = regexError(Object.assign(new Error('error parsing regexp: some future reason: `a{`'), { error: 'some future reason', input: 'a{' }));
    expect(said.key).toBe('cel.regex.other');
    expect(said.message).toBe('invalid regular expression (RE2 syntax): error parsing regexp: some future reason: `a{`');
    expect(englishText(said)).toBe(said.message);
    const shown = zh(said);
    expect(shown).toContain('正则表达式无效（RE2 语法）');
    expectFramed(shown, 'error parsing regexp: some future reason: `a{`');
  });

  it('a V8 JSON.parse message not in the table: the line and column stay', () => {
    const text = '{\n  "a": 1,\n  "b" ~ 2\n}';
    const k = jsonErrorKeyed(new SyntaxError('Some future wording of V8 in JSON at position 18'), text);
    expect(k).toMatchObject({ key: 'json.at', params: { line: 3, what: { key: 'json.other' } } });
    expect(englishText(k)).toBe('Some future wording of V8 (line 3, column 7)');
    const shown = zh(k);
    expect(shown).toContain('第 3 行第 7 列');
    expectFramed(shown, 'Some future wording of V8');
  });

  it('a zod issue of a kind not known: in a ruleset (the field in the frame) and on a channel', () => {
    const parsed = z.object({ weight: z.number().refine((n) => n !== 3, 'weight may not be three') }).safeParse({ weight: 3 });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const problem = schemaProblem(parsed.error.issues[0]);
    expect(problem).toMatchObject({ key: 'ruleset.schema.other', message: 'weight may not be three' });
    const shown = zh({ key: 'problem.field', params: { field: 'friend_penalty.weight', message: problem } });
    expect(shown).toContain('friend_penalty.weight');
    expectFramed(shown, 'weight may not be three');

    const refusal = inputIssueKeyed('recordEvent', parsed.error);
    expect(refusal.key).toBe('input.other');
    expect(render('en', refusal)).toBe('recordEvent: weight: weight may not be three');
    const refused = zh(refusal);
    expect(refused).toContain('recordEvent：weight');
    expectFramed(refused, 'weight may not be three');
  });

  it('every fallback key of the catalogs marks its raw detail in Chinese (and only there)', () => {
    const FALLBACKS: [string, string][] = [
      ['cel.syntax', 'detail'],
      ['cel.regex.other', 'detail'],
      ['cel.eval.internal', 'detail'],
      ['json.other', 'detail'],
      ['ruleset.schema.other', 'reason'],
      ['input.other', 'reason'],
      ['importFile.kinds.other', 'message'],
    ];
    for (const [key, param] of FALLBACKS) {
      const value = key.split('.').reduce<unknown>((c, part) => (c as Record<string, unknown>)[part], MESSAGES['zh-CN'].server);
      expect(value, key).toEqual(expect.stringContaining(`（技术细节：{{${param}}}）`));
      expectFramed(translator('zh-CN', 'server')(key, { [param]: 'Raw English words', channel: 'c', field: 'f' }), 'Raw English words');
    }
  });
});
