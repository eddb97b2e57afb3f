/**
 * The rule sandbox (issue 8 item 2): the rule tester runs user-written rules
 * in a worker with a time and a memory budget. A rule that runs too long or
 * fills its heap is stopped with a clear error, the main thread keeps
 * answering meanwhile, and the next request is served by a fresh worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RuleSandbox, RuleSandboxError } from '../../../electron/jobs/ruleSandbox.js';
import type { RuleTestRequest } from '../../../electron/services/ruleTest.js';
import type { EventKindSpec, RuleSpec } from '../../../shared/domain.js';

const hostile = new URL('../helpers/hostileRuleWorker.ts', import.meta.url);
const sandboxes: RuleSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

function sandbox(options: ConstructorParameters<typeof RuleSandbox>[0]): RuleSandbox {
  const s = new RuleSandbox(options);
  sandboxes.push(s);
  return s;
}

const ask = (s: RuleSandbox, expression: string) => s.run('checkExpression', { kind: null, eventKind: 'x', expression, expect: 'bool' });

/** Settles in the order things finish: the main thread's own work must come before the stuck rule's end. */
async function race(stuck: Promise<unknown>): Promise<string[]> {
  const order: string[] = [];
  const main = new Promise<void>((resolve) => setImmediate(resolve)).then(() => order.push('main thread answered'));
  const rule = stuck.then(
    () => order.push('rule answered'),
    (err: Error) => order.push(`rule stopped: ${err.message}`),
  );
  await Promise.all([main, rule]);
  return order;
}

describe('a rule that never ends', () => {
  it('is stopped at the time limit with a clear error, the main thread answering meanwhile, and the next request is served', async () => {
    const s = sandbox({ workerScript: hostile, timeMs: 1500 });
    const order = await race(ask(s, 'spin'));
    expect(order).toEqual(['main thread answered', 'rule stopped: the rule took longer than 1.5 s and was stopped']);
    await expect(ask(s, 'spin')).rejects.toMatchObject({ rejected: true });
    expect(await ask(s, 'hello')).toEqual({ answered: 'hello' });
  });

  it('requests queued behind it are served after it is stopped', async () => {
    const s = sandbox({ workerScript: hostile, timeMs: 1000 });
    const stuck = ask(s, 'spin').catch((e: Error) => e.message);
    const after = ask(s, 'next');
    expect(await stuck).toMatch(/took longer than 1 s/);
    expect(await after).toEqual({ answered: 'next' });
  });

  it('refuses at once past the queue limit instead of piling up requests', async () => {
    const s = sandbox({ workerScript: hostile, timeMs: 1000, queue: 2 });
    const all = [ask(s, 'spin'), ask(s, 'a'), ask(s, 'b'), ask(s, 'c')].map((p) => p.catch((e: Error) => e));
    const results = await Promise.all(all);
    // All four arrive in one tick, before the worker is up: two wait, two are refused.
    for (const r of results.slice(2)) {
      expect(r).toBeInstanceOf(RuleSandboxError);
      expect((r as Error).message).toMatch(/busy \(2 requests waiting\)/);
    }
    expect((results[0] as Error).message).toMatch(/took longer/);
    expect(results[1]).toEqual({ answered: 'a' });
  });
});

describe('a rule that fills the heap', () => {
  it('is stopped at the memory limit with a clear error, and the process goes on', async () => {
    const s = sandbox({ workerScript: hostile, heapMb: 32, timeMs: 60_000 });
    const order = await race(ask(s, 'heap'));
    expect(order).toEqual(['main thread answered', 'rule stopped: the rule used more than 32 MB of memory and was stopped']);
    expect(await ask(s, 'still here')).toEqual({ answered: 'still here' });
  });
});

describe('the real rule worker', () => {
  const KIND: EventKindSpec = { kind: 'note', fields: { text: { type: 'string' }, hours: { type: 'number' } } };
  const rule = (condition: string, points = '1'): RuleSpec => ({ id: 'r1', name: 'R', description: '', dimension: 'x', event_kind: 'note', condition, points });
  const request = (r: RuleSpec, samples: Record<string, unknown>[]): RuleTestRequest => ({
    draft: { base_score: 1000, score_min: 0, score_max: 2000, friend_penalty: { threshold: 850, weight: 0.5, cap: 100 }, tiers: [{ name: 'D', min: 0 }], rules: [r] },
    kinds: [KIND],
    asOfMs: Date.parse('2025-01-01T00:00:00Z'),
    events: [],
    samples,
  });

  it("runs the catastrophic regex in linear time: 'aaaa...a!'.matches('^(a+)+$') is false", async () => {
    const s = sandbox({ timeMs: 30_000 });
    const out = (await s.run('testRule', request(rule("event.text.matches('^(a+)+$')"), [{ text: `${'a'.repeat(4000)}!` }, { text: 'aaa' }]))) as { rows: { matched: boolean; error: string | null }[] };
    expect(out.rows.map((r) => [r.matched, r.error])).toEqual([
      [false, null],
      [true, null],
    ]);
  });

  it('refuses the 4-level all() and the heap-exhausting macro by name and column, without running them', async () => {
    const s = sandbox({ timeMs: 30_000 });
    const l = `[${Array.from({ length: 90 }, (_, i) => i).join(',')}]`;
    await expect(s.run('testRule', request(rule(`${l}.all(a, ${l}.all(b, ${l}.all(c, ${l}.all(d, true))))`), [{}]))).rejects.toMatchObject({
      rejected: true,
      message: expect.stringMatching(/rule r1, condition, column 1: expression too expensive/),
    });
    const heavy = "size(event.text.split('').map(a, event.text.split('').map(b, event.text.split('').map(c, a + b + c)))) > 0";
    await expect(s.run('checkExpression', { kind: KIND, eventKind: 'note', expression: heavy, expect: 'bool' })).resolves.toMatchObject({ ok: false, error: { message: expect.stringMatching(/too expensive/) } });
  });

  it('refuses a sample whose field has the wrong type (a rule would see a value CEL cannot have)', async () => {
    const s = sandbox({ timeMs: 30_000 });
    await expect(s.run('testRule', request(rule('event.hours > 1.0'), [{ hours: 2 }, { hours: '3' }]))).rejects.toMatchObject({ rejected: true, message: expect.stringMatching(/sample 2: field 'hours' must be a number/) });
  });
});
