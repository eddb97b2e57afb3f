/**
 * `npm run bench -- --cel`: the rule language. Evaluations per second of
 * everyday conditions, the catastrophic regex on RE2, check time of the
 * refused attacks, and the rule sandbox's round trip. Figures, not assertions.
 */
import { compileExpression } from '../../electron/engine/cel.js';
import { RuleSandbox } from '../../electron/jobs/ruleSandbox.js';
import type { EventKindSpec } from '../../shared/domain.js';

const KIND: EventKindSpec = { kind: 'note', fields: { text: { type: 'string' }, hours: { type: 'number' }, on_time: { type: 'bool' } } };

function line(label: string, value: string, target = ''): void {
  console.log(`${label.padEnd(58)} ${value.padStart(14)}  ${target}`);
}

function compile(src: string) {
  const r = compileExpression(src, KIND, 'bool');
  if (!r.ok) throw new Error(`${src}: ${r.error.message}`);
  return r;
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
}

console.log('\nCredence rule language (figures, not assertions)\n');
for (const src of ['has(event.hours) && event.hours > 2.5', 'has(event.on_time) && !event.on_time', '["late", "overdue"].exists(w, event.text.contains(w))', "event.text.matches('^[A-Z]{2}-[0-9]+$')"]) {
  const { evaluate } = compile(src);
  const data = { hours: 3, on_time: false, text: 'AB-12345 paid late' };
  const n = 200_000;
  const [, ms] = time(() => {
    for (let i = 0; i < n; i++) evaluate(data);
  });
  line(`evaluate ${src.slice(0, 46)}`, `${((n / ms) * 1000 / 1e6).toFixed(2)} M/s`);
}
const regex = compile("event.text.matches('^(a+)+$')").evaluate;
for (const len of [31, 4096]) {
  const [, ms] = time(() => regex({ text: `${'a'.repeat(len - 1)}!` }));
  line(`'a'x${len - 1}+'!'.matches('^(a+)+$') (RE2)`, `${ms.toFixed(2)} ms`, 'JS RegExp: 42 s at 31 characters');
}
const l = `[${Array.from({ length: 90 }, (_, i) => i).join(',')}]`;
for (const [label, src] of [
  ['check + refuse the 4-level all()', `${l}.all(a, ${l}.all(b, ${l}.all(c, ${l}.all(d, true))))`],
  ['check + refuse nested split("").map()', "size(event.text.split('').map(a, event.text.split('').map(b, a + b))) > 0"],
] as const) {
  const [r, ms] = time(() => compileExpression(src, KIND, 'bool'));
  line(label, `${ms.toFixed(2)} ms`, r.ok ? 'ACCEPTED (should be refused)' : 'refused');
}
const sandbox = new RuleSandbox();
const ask = () => sandbox.run('checkExpression', { kind: KIND, eventKind: 'note', expression: 'event.hours > 1.0', expect: 'bool' });
const first = performance.now();
await ask();
line('rule sandbox: first call (starts the worker)', `${(performance.now() - first).toFixed(0)} ms`);
const times: number[] = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  await ask();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
line('rule sandbox: round trip p50 / p95', `${times[25].toFixed(2)} / ${times[47].toFixed(2)} ms`);
await sandbox.close();
