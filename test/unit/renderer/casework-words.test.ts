/**
 * The words of the console (issue 10): a CEL type error that mixes whole
 * numbers and decimals comes with its fix, checked against the real CEL
 * compiler; a job's progress is one bar that never runs backwards across
 * phases, in plain words; a refusal never shows a channel's internal name.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../electron/engine/cel.js';
import { celTypeHint } from '../../../renderer/src/components/rules/celHint.js';
import { overallProgress, phaseText } from '../../../renderer/src/components/jobPhases.js';
import { plainMessage } from '../../../renderer/src/plainMessage.js';

const ARREARS = { kind: 'bank_arrears', fields: { months_overdue: { type: 'number' as const }, note: { type: 'string' as const } } };

describe('the CEL type hint', () => {
  it.each([
    ['-10 * event.months_overdue', '-10.0 * event.months_overdue', 'number'],
    ['event.months_overdue + 2', 'event.months_overdue + 2.0', 'number'],
    ['has(event.note) && event.note == "10" ? 5 * event.months_overdue : 0.0', 'has(event.note) && event.note == "10" ? 5.0 * event.months_overdue : 0.0', 'number'],
  ] as const)('%s: suggests %s, which compiles', (expression, fixed, expect_) => {
    const broken = compileExpression(expression, ARREARS, expect_);
    expect(broken.ok).toBe(false);
    const hint = celTypeHint(expression, broken.ok ? '' : broken.error.message);
    expect(hint?.fixed).toBe(fixed);
    expect(hint?.text).toMatch(/→/);
    expect(compileExpression(fixed, ARREARS, expect_).ok).toBe(true);
  });

  it('says nothing for other errors, or when there is no whole number to change', () => {
    expect(celTypeHint('event.nope > 1.0', 'undeclared reference to nope')).toBeNull();
    expect(celTypeHint('event.months_overdue * 2.5', 'no such overload: double * string')).toBeNull();
  });
});

describe('job progress', () => {
  it('moves forward across the phases of a publish, in plain words', () => {
    const steps: [string, number, number][] = [
      ['starting', 0, 1],
      ['evaluating rules', 50, 100],
      ['evaluating rules', 100, 100],
      ['rule totals', 0, 1],
      ['friend network', 0, 1],
      ['fixed point', 3, 10],
      ['writing scores', 0, 400],
      ['writing scores', 400, 400],
      ['committing', 1, 1],
    ];
    const values = steps.map(([p, d, t]) => overallProgress(p, d, t));
    for (let i = 1; i < values.length; i++) expect(values[i], steps[i].join(' ')).toBeGreaterThanOrEqual(values[i - 1]);
    expect(values[values.length - 1]).toBe(1);
    for (const [p] of steps) expect(phaseText(p)).not.toBe(p);
  });
});

describe('messages without channel names', () => {
  it.each([
    ['users needs the admin role; bob is viewer', 'This needs the admin role; bob is viewer'],
    ['recordEvent: reason: give a reason of at least 10 characters', 'reason: give a reason of at least 10 characters'],
    ['moveDispute failed: disk full', 'The action failed: disk full'],
    ['dispute 4 was opened by ann: another official must decide it', 'dispute 4 was opened by ann: another official must decide it'],
  ])('%s -> %s', (raw, plain) => {
    expect(plainMessage(raw)).toBe(plain);
  });
});
