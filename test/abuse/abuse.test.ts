/**
 * Issue 8's attacks against a real console (electron/serve.ts in a child
 * process): each runs while a viewer pings, and the console must hold (the
 * attack finds nothing wrong) and keep answering the viewer's ping within
 * 1 s, during the attack and after it (threat model, guarantee 4). The
 * figures are printed by `npm run bench -- --abuse`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ATTACKS } from './attacks.js';
import { PING_DEADLINE_MS, startAbuseConsole, startPinger, type AbuseConsole } from './console.js';

let c: AbuseConsole;

// Password hashes at their real cost (the rest of the suite hashes with N = 2^10, vitest.config.ts): the
// login and unlock attacks are about what scrypt costs the console.
vi.stubEnv('CREDENCE_TEST_PASSWORD_LOG_N', undefined);

beforeAll(async () => {
  c = await startAbuseConsole();
}, 120_000);

afterAll(async () => {
  await c?.stop();
});

describe('the console under attack', () => {
  it.each(ATTACKS.map((a) => [a.name, a] as const))('%s: refused or contained, and a viewer’s ping answers within 1 s during and after', async (_name, attack) => {
    const during = startPinger(c);
    const problems = await attack.run(c);
    const pings = await during.stop();
    expect(problems).toEqual([]);
    expect(c.alive(), c.stderr()).toBe(true);
    expect(pings.failures, `pings over ${PING_DEADLINE_MS} ms or refused during the attack`).toEqual([]);
    expect(pings.latencies.length).toBeGreaterThan(0);

    const after = startPinger(c);
    await new Promise((r) => setTimeout(r, 300));
    const afterPings = await after.stop();
    expect(afterPings.failures, 'pings after the attack').toEqual([]);
    expect(afterPings.latencies.length).toBeGreaterThan(0);
  });
});
