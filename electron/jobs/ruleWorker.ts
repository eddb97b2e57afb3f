/**
 * The rule sandbox's worker thread: runs rule-tester requests one at a time
 * and answers each. It holds no database connection; the main thread sends
 * the data. Its heap is capped and it is terminated when a request runs past
 * its time (RuleSandbox), so a user-written rule cannot stall or crash the
 * process that answers everyone else.
 */
import { parentPort } from 'node:worker_threads';
import { runExpressionCheck, runRuleTest, RuleTestRejected } from '../services/ruleTest.js';
import { SANDBOX_READY, type SandboxReply, type SandboxRequest } from './ruleSandbox.js';

parentPort!.on('message', (m: SandboxRequest) => {
  let reply: SandboxReply;
  try {
    const value = m.task === 'testRule' ? runRuleTest(m.input) : runExpressionCheck(m.input);
    reply = { id: m.id, ok: true, value };
  } catch (err) {
    reply = { id: m.id, ok: false, rejected: err instanceof RuleTestRejected, message: (err as Error).message ?? String(err), ...(err instanceof RuleTestRejected && err.said && { said: err.said }) };
  }
  parentPort!.postMessage(reply);
});

parentPort!.postMessage(SANDBOX_READY);
