/**
 * Benchmarks: print figures, assert nothing. `npm run bench` runs the 100k
 * size (100k citizens / ~1M friendships / ~2M events); `-- --large` the 1M
 * size; `-- --citizens N` any other; `-- --abuse` a viewer's ping during
 * each attack of the abuse suite; `-- --cel` the rule language; `-- --search`
 * name search at 1M citizens. Targets are printed beside the figures.
 */
import { createUser } from '../../electron/services/auth.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../electron/db/connection.js';
import { writeDemoFolder } from '../../electron/services/demo.js';
import { explainCitizen } from '../../electron/services/explain.js';
import { importFolder } from '../../electron/services/import.js';
import { recordEvent } from '../../electron/services/recordEvent.js';
import { publishRuleset } from '../../electron/services/rulesets.js';
import { verifyIntegrity } from '../../electron/db/chainVerify.js';
import { createBackup } from '../../electron/services/backup.js';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const apiOnly = args.includes('--api');
const abuse = args.includes('--abuse');
const cel = args.includes('--cel');
const nameSearch = args.includes('--search');
const large = args.includes('--large');
const citizensArg = args.indexOf('--citizens');
const citizens = citizensArg >= 0 ? Number(args[citizensArg + 1]) : large ? 1_000_000 : 100_000;
const root = resolve('.bench');
const resources = resolve('resources/default');
const asOf = '2026-11-01T00:00:00Z';
const asOfMs = Date.parse(asOf);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function line(label: string, value: string, target = ''): void {
  console.log(`${label.padEnd(44)} ${value.padStart(14)}  ${target}`);
}

async function main(): Promise<void> {
  mkdirSync(root, { recursive: true });
  const folder = join(root, `pop-${citizens}`);
  if (!existsSync(join(folder, 'events.csv'))) {
    const t = performance.now();
    const made = writeDemoFolder(folder, join(resources, 'event_kinds.json'), { citizens, seed: 42, asOfMs, friendsPerCitizen: 10, eventsPerCitizen: 20 });
    console.log(`generated ${made.citizens} citizens, ${made.relationships} friendships, ${made.events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const dbFile = join(root, `bench-${citizens}.sqlite`);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  const db = openDatabase(dbFile);
  console.log(`\nCredence benchmarks, ${citizens.toLocaleString('en')} citizens (figures, not assertions)\n`);

  // Import with a published ruleset first, so events are evaluated as they arrive.
  const kindsOnly = join(root, 'kinds-only');
  mkdirSync(kindsOnly, { recursive: true });
  execFileSync('cp', [join(resources, 'event_kinds.json'), kindsOnly]);
  await importFolder(db, kindsOnly, { actor: 'bench' });
  const ruleset = JSON.parse(readFileSync(join(resources, 'ruleset.json'), 'utf8'));
  publishRuleset(db, ruleset, { actor: 'bench', reason: 'bench', asOf });

  let t = performance.now();
  const report = await importFolder(db, folder, { actor: 'bench' });
  const importSeconds = (performance.now() - t) / 1000;
  if (!report.ok) throw new Error(`bench import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  const c = report.counts;
  line('import: total', `${importSeconds.toFixed(1)} s`);
  line('import: events/s (whole folder, all rows)', `${Math.round((c.eventsAdded + c.citizensAdded + c.relationshipsAdded) / importSeconds).toLocaleString('en')}`, 'target >= 150,000 events/s');

  // Publishing re-evaluates every event under the new ruleset.
  t = performance.now();
  publishRuleset(db, { ...ruleset, base_score: 1001 }, { actor: 'bench', reason: 'bench republish', asOf });
  line('publish (re-evaluate all events + recompute)', `${((performance.now() - t) / 1000).toFixed(2)} s`);
  // The command line authenticates: an administrator for the recompute below (bench setup, no approval).
  await createUser(db, { username: 'bench', displayName: 'bench', role: 'admin', password: 'bench command-line password' }, 'bench setup');
  db.close();

  // Full recompute from a cold start, through the CLI, as an operator runs it.
  t = performance.now();
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'recompute', '--db', dbFile, '--as-of', '2026-11-02T00:00:00Z'], {
    encoding: 'utf8',
    env: { ...process.env, CREDENCE_USER: 'bench', CREDENCE_PASSWORD: 'bench command-line password' },
  });
  line('full recompute, CLI cold start', `${((performance.now() - t) / 1000).toFixed(2)} s`, citizens >= 1_000_000 ? 'target <= 15 s' : 'target <= 1.5 s');
  const m = /(\d+) fixed-point iterations \(([\d.]+) ms each\)/.exec(output);
  if (m) {
    line('fixed point: iterations', m[1]);
    line('fixed point: ms per iteration', m[2], 'target <= 15 ms at 100k');
  }

  const db2 = openDatabase(dbFile);
  // Incremental: one event recorded by hand, scored and ledgered.
  const ids = db2.prepare('SELECT citizen_id FROM citizens ORDER BY random() LIMIT 300').pluck().all() as string[];
  const times: number[] = [];
  ids.forEach((citizenId, i) => {
    const start = performance.now();
    recordEvent(
      db2,
      { eventId: `BENCH-${Date.now()}-${i}`, citizenId, kind: i % 2 ? 'bank_arrears' : 'volunteer_service', occurredAt: '2026-10-30T10:00:00Z', data: i % 2 ? { months_overdue: 2, amount: 900, lender: 'ABC' } : { hours: 8, organisation: 'School' } },
      { actor: 'bench', reason: 'bench' },
    );
    times.push(performance.now() - start);
  });
  line('incremental single-event update p50', `${percentile(times, 50).toFixed(2)} ms`);
  line('incremental single-event update p95', `${percentile(times, 95).toFixed(2)} ms`, 'target <= 5 ms');

  const explainTimes: number[] = [];
  for (const id of ids.slice(0, 100)) {
    const start = performance.now();
    explainCitizen(db2, id);
    explainTimes.push(performance.now() - start);
  }
  line('explain p50', `${percentile(explainTimes, 50).toFixed(2)} ms`);
  line('explain p95', `${percentile(explainTimes, 95).toFixed(2)} ms`);

  // The chain of every record, the ledger and every score, recomputed as an auditor's verify does; then a backup.
  t = performance.now();
  const integrity = verifyIntegrity(db2);
  line(`verify everything (${integrity.chain.count.toLocaleString('en')} chain entries)`, `${((performance.now() - t) / 1000).toFixed(2)} s`);
  const backupFile = join(root, `bench-${citizens}-${Date.now()}.backup`);
  t = performance.now();
  createBackup(db2, backupFile);
  line('online backup (VACUUM INTO + manifest)', `${((performance.now() - t) / 1000).toFixed(2)} s`);
  rmSync(backupFile, { force: true });
  rmSync(`${backupFile}.manifest.json`, { force: true });
  db2.close();
  line('database size', `${(statSync(dbFile).size / 2 ** 20).toFixed(0)} MiB`);
  line('peak RSS (this process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`, 'target <= 2 GiB at 1M');
}

if (abuse) await import('./abuse.js');
else if (cel) await import('./cel.js');
else if (nameSearch) await import('./search.js');
else if (apiOnly) await import('./api.js');
else main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
