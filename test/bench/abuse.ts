/**
 * `npm run bench -- --abuse`: the attacks of the abuse suite (test/abuse/)
 * against a real console, with a viewer pinging every 50 ms; prints the
 * viewer's ping latency during each attack (p50, p95, max) and whether the
 * console held. Figures, not assertions.
 */
import { ATTACKS } from '../abuse/attacks.js';
import { percentile, PING_DEADLINE_MS, startAbuseConsole, startPinger } from '../abuse/console.js';

function line(label: string, cells: string[]): void {
  console.log(`${label.padEnd(58)} ${cells.map((c) => c.padStart(9)).join(' ')}`);
}

const c = await startAbuseConsole();
try {
  console.log(`\nCredence under attack: a viewer's ping during each attack (target: every ping within ${PING_DEADLINE_MS} ms)\n`);
  line('attack', ['pings', 'p50 ms', 'p95 ms', 'max ms', 'page p95', 'late', 'held']);
  const idle = startPinger(c);
  await new Promise((r) => setTimeout(r, 2_000));
  const base = await idle.stop();
  line('(no attack)', [String(base.latencies.length), percentile(base.latencies, 50).toFixed(1), percentile(base.latencies, 95).toFixed(1), Math.max(...base.latencies).toFixed(1), percentile(base.pageLatencies, 95).toFixed(1), String(base.failures.length), '-']);
  for (const attack of ATTACKS) {
    const pinger = startPinger(c);
    const started = performance.now();
    const problems = await attack.run(c);
    const seconds = (performance.now() - started) / 1000;
    const r = await pinger.stop();
    line(`${attack.name} (${seconds.toFixed(1)} s)`, [
      String(r.latencies.length + r.failures.filter((f) => f.startsWith('ping')).length),
      percentile(r.latencies, 50).toFixed(1),
      percentile(r.latencies, 95).toFixed(1),
      (r.latencies.length ? Math.max(...r.latencies) : NaN).toFixed(1),
      percentile(r.pageLatencies, 95).toFixed(1),
      String(r.failures.length),
      problems.length ? 'NO' : 'yes',
    ]);
    for (const p of problems) console.log(`    ${p}`);
  }
  console.log(`\nconsole memory at the end: ${c.rssMiB().toFixed(0)} MiB resident`);
} finally {
  await c.stop();
}
