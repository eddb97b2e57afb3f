/**
 * Benchmarks: print figures, assert nothing. `npm run bench` runs the 100k
 * size (100k citizens / ~0.9M friendships / ~2M events, generated
 * deterministically); `-- --large` the 1M size (1M / ~9M / ~20M) end to end;
 * `-- --citizens N` any other; `-- --abuse` a viewer's ping during each
 * attack of the abuse suite; `-- --cel` the rule language; `-- --search`
 * name search at 1M citizens; `-- --outlook` the score outlook (outlook.ts). Each headline figure is printed next to its
 * anchor, measured in the same run (a raw better-sqlite3 insert of the same
 * rows, a raw scan of the events: anchors.ts), and its goal, with a
 * breakdown by phase.
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
import { channels } from '../../shared/contract.js';
import { PhaseClock } from '../../electron/services/phaseClock.js';
import { search } from '../../electron/services/queries.js';
import { recomputeScores } from '../../electron/services/rulesets.js';
import { rawInsert, rawScan } from './anchors.js';

const args = process.argv.slice(2);
const apiOnly = args.includes('--api');
const abuse = args.includes('--abuse');
const cel = args.includes('--cel');
const nameSearch = args.includes('--search');
const outlook = args.includes('--outlook');
const large = args.includes('--large');
/** Only the headline figures (import and recompute with their anchors and phases). */
const headline = args.includes('--headline');
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

const goals = {
  importRatio: 0.4,
  recomputeRatio: 0.4,
  largeRecomputeHalfS: 15,
  largeRecomputeNoneS: 8,
  rssMiB: 2048,
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Each phase of a clock: time and share. */
function phases(title: string, ms: Map<string, number>): void {
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  console.log(`  ${title} by phase:`);
  for (const [phase, t] of ms) line(`    ${phase}`, seconds(t), `${((100 * t) / total).toFixed(0)}%`);
}

/** Times a recompute phase by phase, from its progress reports (the phases of fullRecompute). */
function recomputeClock(): { clock: PhaseClock; onProgress: (phase: string) => void } {
  const clock = new PhaseClock();
  const names: Record<string, string> = {
    'rule totals': 'load',
    'friend network': 'load',
    'fixed point': 'fixed point',
    'writing scores': 'write scores',
    ledger: 'ledger',
    committing: 'commit',
  };
  return { clock, onProgress: (phase) => clock.switch(names[phase] ?? phase) };
}

/** CPU seconds of this process (every thread) since `from`: on a shared machine, less sensitive to other load than the wall clock. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

function rss(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  mkdirSync(root, { recursive: true });
  const size = `${citizens >= 1_000_000 ? `${citizens / 1_000_000}M` : `${citizens / 1000}k`}`;
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

  const importClock = new PhaseClock();
  let t = performance.now();
  let cpu = process.cpuUsage();
  const report = await importFolder(db, folder, { actor: 'bench', clock: importClock });
  const importMs = performance.now() - t;
  const importCpu = cpuSince(cpu);
  importClock.stop();
  if (!report.ok) throw new Error(`bench import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  const rssAfterImport = rss();
  const c = report.counts;
  const importRows = c.eventsAdded + c.citizensAdded + c.relationshipsAdded;
  cpu = process.cpuUsage();
  const raw = rawInsert(db, join(root, `raw-${citizens}.sqlite`), report.operationId ?? 0);
  const rawCpu = cpuSince(cpu);
  const importRate = importRows / (importMs / 1000);
  line(`import ${size}: total`, seconds(importMs), `${importRows.toLocaleString('en')} rows (${c.citizensAdded.toLocaleString('en')} citizens, ${c.relationshipsAdded.toLocaleString('en')} friendships, ${c.eventsAdded.toLocaleString('en')} events)`);
  console.log(
    `import ${size}: ${Math.round(importRate / 1000)}k rows/s = ${(importRate / raw.rowsPerSecond).toFixed(2)}x raw insert (raw ${Math.round(raw.rowsPerSecond / 1000)}k/s in this run, ${raw.seconds.toFixed(1)} s); goal >= ${goals.importRatio}x`,
  );
  line('  CPU time, all threads (import / raw insert)', `${importCpu.toFixed(1)} s / ${rawCpu.toFixed(1)} s`, `${(importCpu / rawCpu).toFixed(2)}x the raw insert's work (the import runs a worker beside its writer)`);
  phases('import', importClock.ms);

  // Publishing re-evaluates every event under the new ruleset.
  if (!headline) {
    t = performance.now();
    publishRuleset(db, { ...ruleset, base_score: 1001 }, { actor: 'bench', reason: 'bench republish', asOf });
    line(`publish ${size} (re-evaluate all events + recompute)`, seconds(performance.now() - t));
  }

  // Recompute in the process, as a job runs it: the as-of moves 45 days (bills leave their one-year window: about half the scores change), then again at the same instant (nothing changes).
  cpu = process.cpuUsage();
  const scan = rawScan(db);
  const scanCpu = cpuSince(cpu);
  cpu = process.cpuUsage();
  const half = recomputeClock();
  t = performance.now();
  const moved = recomputeScores(db, { asOf: '2026-12-16T00:00:00Z', actor: 'bench', onProgress: half.onProgress });
  const halfMs = performance.now() - t;
  const halfCpu = cpuSince(cpu);
  half.clock.stop();
  const share = moved.scoring.scoresChanged / moved.scoring.citizens;
  console.log(
    `recompute ${size}, ${(100 * share).toFixed(0)}% of scores change: ${seconds(halfMs)} = ${(halfMs / 1000 / scan.seconds).toFixed(2)}x raw scan (raw scan of ${scan.rows.toLocaleString('en')} events ${scan.seconds.toFixed(2)} s in this run); goal <= ${goals.recomputeRatio}x` +
      (citizens >= 1_000_000 ? `, <= ${goals.largeRecomputeHalfS} s` : ''),
  );
  line('  ledger entries written', moved.scoring.ledgerEntries.toLocaleString('en'));
  line('  CPU time (recompute / raw scan)', `${halfCpu.toFixed(2)} s / ${scanCpu.toFixed(2)} s`, `${(halfCpu / scanCpu).toFixed(2)}x; both one thread`);
  phases('recompute', half.clock.ms);
  const none = recomputeClock();
  t = performance.now();
  const same = recomputeScores(db, { asOf: '2026-12-16T00:00:00Z', actor: 'bench', onProgress: none.onProgress });
  const noneMs = performance.now() - t;
  none.clock.stop();
  console.log(
    `recompute ${size}, no score changes (${same.scoring.scoresChanged} changed): ${seconds(noneMs)} = ${(noneMs / 1000 / scan.seconds).toFixed(2)}x raw scan` +
      (citizens >= 1_000_000 ? `; goal <= ${goals.largeRecomputeNoneS} s` : ''),
  );
  phases('recompute', none.clock.ms);
  line('fixed point: iterations', String(moved.scoring.iterations));
  line('fixed point: ms per iteration', (moved.scoring.msPerIteration ?? 0).toFixed(1), 'target <= 15 ms at 100k');
  if (headline) {
    db.close();
    line('peak RSS after import', `${rssAfterImport.toFixed(0)} MiB`, `goal <= ${goals.rssMiB} MiB at 1M`);
    return;
  }
  // The command line authenticates: an administrator for the recompute below (bench setup, no approval).
  await createUser(db, { username: 'bench', displayName: 'bench', role: 'admin', password: 'bench command-line password' }, 'bench setup');
  db.close();

  // Full recompute from a cold start, through the CLI, as an operator runs it (the bundle rebuilt first if stale, untimed).
  execFileSync(process.execPath, ['electron/credence.mjs', '--help'], { encoding: 'utf8' });
  t = performance.now();
  execFileSync(process.execPath, ['electron/credence.mjs', 'recompute', '--db', dbFile, '--as-of', '2026-12-17T00:00:00Z'], {
    encoding: 'utf8',
    env: { ...process.env, CREDENCE_USER: 'bench', CREDENCE_PASSWORD: 'bench command-line password' },
  });
  line('full recompute, CLI cold start', seconds(performance.now() - t));

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

  const searchTimes: number[] = [];
  for (const q of ['wang', 'li wei', 'zhang x', 'C00004', 'chen yan', 'hu', 'liu jing', 'C0099', 'zhao', 'ma ping']) {
    for (const prefix of [q.slice(0, 2), q.slice(0, 4), q]) {
      const start = performance.now();
      search(db2, channels.search.input.parse({ query: prefix, limit: 100 }));
      searchTimes.push(performance.now() - start);
    }
  }
  line('search p50 (as-you-type prefixes)', `${percentile(searchTimes, 50).toFixed(2)} ms`);
  line('search p95', `${percentile(searchTimes, 95).toFixed(2)} ms`, 'target <= 10 ms at 1M');

  // The chain of every record, the ledger and every score, recomputed as an auditor's verify does; then a backup.
  t = performance.now();
  const integrity = verifyIntegrity(db2);
  line(`verify everything (${integrity.chain.count.toLocaleString('en')} chain entries)`, seconds(performance.now() - t), integrity.ok ? 'ok' : `NOT OK: ${integrity.problems[0]?.message}`);
  if (!large) {
    const backupFile = join(root, `bench-${citizens}-${Date.now()}.backup`);
    t = performance.now();
    createBackup(db2, backupFile);
    line('online backup (VACUUM INTO + manifest)', seconds(performance.now() - t));
    rmSync(backupFile, { force: true });
    rmSync(`${backupFile}.manifest.json`, { force: true });
  }
  db2.close();
  line('database size', `${(statSync(dbFile).size / 2 ** 20).toFixed(0)} MiB`);
  line('peak RSS after import', `${rssAfterImport.toFixed(0)} MiB`, `goal <= ${goals.rssMiB} MiB at 1M`);
  line('peak RSS (this process, whole run)', `${rss().toFixed(0)} MiB`, `goal <= ${goals.rssMiB} MiB at 1M`);
}

if (abuse) await import('./abuse.js');
else if (cel) await import('./cel.js');
else if (nameSearch) await import('./search.js');
else if (outlook) await import('./outlook.js');
else if (apiOnly) await import('./api.js');
else main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
