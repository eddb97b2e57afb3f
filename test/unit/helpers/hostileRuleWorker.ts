/**
 * A stand-in for the rule sandbox's worker that misbehaves on request, to
 * show what the sandbox does with a rule that never ends or fills the heap
 * (the real rules that would do so are refused at check time, so none can be
 * used here). `expression` says what to do: spin, heap, or answer.
 */
import { parentPort } from 'node:worker_threads';
import { SANDBOX_READY, type SandboxReply, type SandboxRequest } from '../../../electron/jobs/ruleSandbox.js';

parentPort!.on('message', (m: SandboxRequest) => {
  const what = m.task === 'checkExpression' ? m.input.expression : 'answer';
  if (what === 'spin') for (;;);
  if (what === 'heap') {
    const hoard: string[][] = [];
    for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `${i}-${hoard.length}`));
  }
  const reply: SandboxReply = { id: m.id, ok: true, value: { answered: what } };
  parentPort!.postMessage(reply);
});

parentPort!.postMessage(SANDBOX_READY);
