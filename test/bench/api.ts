/**
 * Console API benchmarks (`npm run bench -- --api`): at 1M citizens, search
 * latency through dispatch, loading a citizen record with 10k events, and
 * ping latency while a full recompute runs in a job worker. Figures only.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../electron/db/connection.js';
import type { Caller } from '../../electron/ipc/handlers.js';
import { dispatch } from '../../electron/ipc/dispatch.js';
import { JobManager } from '../../electron/jobs/manager.js';
import { RESOURCES_DIR } from '../../electron/paths.js';
import { createDemoPopulation } from '../../electron/services/demo.js';
import { importFolder } from '../../electron/services/import.js';
import { SessionStore } from '../../electron/services/auth.js';
import { parseInstant } from '../../electron/services/scoring.js';

const args = process.argv.slice(2);
const citizensArg = args.indexOf('--citizens');
const citizens = citizensArg >= 0 ? Number(args[citizensArg + 1]) : 1_000_000;
const root = resolve('.bench');
const caller: Caller = { user: 'bench', role: 'admin' };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function line(label: string, value: string, target = ''): void {
  console.log(`${label.padEnd(44)} ${value.padStart(14)}  ${target}`);
}

async function main(): Promise<void> {
  mkdirSync(root, { recursive: true });
  const dbFile = join(root, `api-${citizens}.sqlite`);
  if (!existsSync(dbFile)) {
    const t = performance.now();
    const db = openDatabase(dbFile);
    await createDemoPopulation(db, RESOURCES_DIR, { citizens, seed: 11, asOf: parseInstant('2026-11-01'), friendsPerCitizen: 5, eventsPerCitizen: 4 });
    // One citizen with a long record: 10k events.
    const dir = join(root, 'long-record');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'events.csv');
    rmSync(file, { force: true });
    const rows = ['event_id,citizen_id,kind,occurred_at,data'];
    for (let i = 0; i < 10_000; i++) {
      const day = new Date(Date.parse('2021-01-01T00:00:00Z') + i * 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      rows.push(`L${String(i).padStart(6, '0')},C0000042,bill_payment,${day},"{""amount"":50,""on_time"":${i % 7 !== 0},""provider"":""water""}"`);
    }
    appendFileSync(file, `${rows.join('\n')}\n`);
    await importFolder(db, dir, { actor: 'bench', reason: 'long record' });
    db.close();
    console.log(`built ${dbFile} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const db = openDatabase(dbFile);
  const jobs = new JobManager(dbFile, RESOURCES_DIR);
  const ctx = { db, dbFile, jobs, sessions: new SessionStore(db) };
  console.log(`\nConsole API benchmarks, ${citizens.toLocaleString('en')} citizens (figures, not assertions)\n`);

  const queries = ['wang', 'li wei', 'zhang x', 'C00004', 'chen yan', 'hu', 'liu jing', 'C0099', 'zhao', 'ma ping'];
  const searchTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of queries) {
      for (const prefix of [q.slice(0, 2), q.slice(0, 4), q]) {
        const t = performance.now();
        const r = await dispatch('search', { query: prefix, limit: 100 }, ctx, caller);
        searchTimes.push(performance.now() - t);
        if (!r.ok) throw new Error(JSON.stringify(r.error));
      }
    }
  }
  line('search p50 (as-you-type prefixes)', `${percentile(searchTimes, 50).toFixed(2)} ms`);
  line('search p95', `${percentile(searchTimes, 95).toFixed(2)} ms`, 'target <= 10 ms');

  const filtered: number[] = [];
  for (const input of [{ tier: 'C' }, { district: 'Yatou', sort: 'score', descending: true }, { minScore: 900, maxScore: 950 }, { query: 'wang', tier: 'A' }]) {
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      await dispatch('search', { ...input, limit: 100 }, ctx, caller);
      filtered.push(performance.now() - t);
    }
  }
  line('filtered/sorted search p95', `${percentile(filtered, 95).toFixed(2)} ms`);

  const recordTimes: number[] = [];
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    const a = await dispatch('citizen', { citizenId: 'C0000042' }, ctx, caller);
    const b = await dispatch('citizenEvents', { citizenId: 'C0000042', limit: 200 }, ctx, caller);
    recordTimes.push(performance.now() - t);
    if (!a.ok || !b.ok) throw new Error('record load failed');
  }
  line('citizen record with 10k events (record + first page)', `${percentile(recordTimes, 50).toFixed(1)} ms p50`, `p95 ${percentile(recordTimes, 95).toFixed(1)} ms, target <= 50 ms`);

  const started = await dispatch('recompute', { asOf: '2026-11-02T00:00:00Z' }, ctx, caller);
  if (!started.ok) throw new Error(started.error.message);
  const jobId = (started.value as { jobId: string }).jobId;
  const pings: number[] = [];
  while (jobs.status(jobId)?.state === 'running') {
    const t = performance.now();
    await dispatch('ping', {}, ctx, caller);
    pings.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  line('ping during a full recompute p95', `${percentile(pings, 95).toFixed(2)} ms`, `target <= 50 ms (${pings.length} pings, job ${jobs.status(jobId)?.state})`);
  line('peak RSS (API process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  db.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
