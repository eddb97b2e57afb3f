/**
 * `npm run bench -- --outlook [--citizens N] [--events-per-citizen K]`:
 * the score outlook (issue 13) of one citizen with 10,000 events in a
 * population of N (default 100k; the goal is stated at 1M), the outlook of
 * ordinary citizens, the network view and the district aggregate. Figures,
 * no assertions. The population is the demo generator's; the citizen with
 * 10k events is the lowest-scored one with friends, so that the friends
 * below the threshold have to be projected too.
 */
import { mkdirSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openDatabase } from '../../electron/db/connection.js';
import { writeDemoFolder } from '../../electron/services/demo.js';
import { importFolder } from '../../electron/services/import.js';
import { friendPenaltyByDistrict, networkView } from '../../electron/services/network.js';
import { scoreOutlook } from '../../electron/services/outlook.js';
import { publishRuleset } from '../../electron/services/rulesets.js';
import { TARGET_EVENTS, targetEvents } from './outlookTarget.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const citizens = arg('--citizens', args.includes('--large') ? 1_000_000 : 100_000);
const eventsPerCitizen = arg('--events-per-citizen', 20);
const root = resolve('.bench');
const resources = resolve('resources/default');
const asOf = '2026-11-01T00:00:00Z';
const asOfMs = Date.parse(asOf);

const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(52)} ${value.padStart(30)}  ${note}`);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  mkdirSync(root, { recursive: true });
  const folder = join(root, `outlook-pop-${citizens}-${eventsPerCitizen}`);
  if (!existsSync(join(folder, 'events.csv'))) {
    const made = writeDemoFolder(folder, join(resources, 'event_kinds.json'), { citizens, seed: 42, asOfMs, friendsPerCitizen: 10, eventsPerCitizen });
    console.log(`generated ${made.citizens} citizens, ${made.relationships} friendships, ${made.events} events`);
  }
  const dbFile = join(root, `outlook-${citizens}-${eventsPerCitizen}.sqlite`);
  let db = openDatabase(dbFile);
  const built = (db.prepare("SELECT count(*) FROM events WHERE event_id LIKE 'OUTLOOK-%'").pluck().get() as number) === TARGET_EVENTS;
  if (!built) {
    db.close();
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
    db = openDatabase(dbFile);
    const kindsOnly = join(root, 'outlook-kinds-only');
    mkdirSync(kindsOnly, { recursive: true });
    execFileSync('cp', [join(resources, 'event_kinds.json'), kindsOnly]);
    await importFolder(db, kindsOnly, { actor: 'bench' });
    publishRuleset(db, JSON.parse(readFileSync(join(resources, 'ruleset.json'), 'utf8')), { actor: 'bench', reason: 'bench', asOf });
    const t = performance.now();
    const report = await importFolder(db, folder, { actor: 'bench' });
    if (!report.ok) throw new Error(JSON.stringify(report.problems.slice(0, 3)));
    console.log(`imported the population in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const target = db
    .prepare(
      `SELECT c.citizen_id FROM scores s JOIN citizens c ON c.idx = s.citizen_idx
       WHERE EXISTS (SELECT 1 FROM relationships r WHERE r.a = c.idx OR r.b = c.idx) ORDER BY s.cents, c.idx LIMIT 1`,
    )
    .pluck()
    .get() as string;
  if (!built) {
    const dir = join(root, `outlook-target-${citizens}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.csv'), targetEvents(target, asOfMs));
    const report = await importFolder(db, dir, { actor: 'bench' });
    if (!report.ok) throw new Error(JSON.stringify(report.problems.slice(0, 3)));
  }
  const heaviest = db.prepare("SELECT citizen_id FROM citizens c JOIN events e ON e.citizen_idx = c.idx WHERE e.event_id = 'OUTLOOK-0'").pluck().get() as string;

  console.log(`\nScore outlook, ${citizens.toLocaleString('en')} citizens, ${eventsPerCitizen} events per citizen on average (figures, not assertions)\n`);
  // CPU time (user + system of this process) beside wall time: the machine is shared, and other load inflates the wall time.
  const timed = (id: string) => {
    const c = process.cpuUsage();
    const t = performance.now();
    const o = scoreOutlook(db, id);
    const wall = performance.now() - t;
    const used = process.cpuUsage(c);
    return { ms: wall, cpu: (used.user + used.system) / 1000, considered: o.considered, projected: o.projected, points: o.pointsTotal };
  };
  const both = (runs: { ms: number; cpu: number }[], p: number) => `${ms(percentile(runs.map((r) => r.ms), p))} wall, ${ms(percentile(runs.map((r) => r.cpu), p))} CPU`;
  timed(heaviest); // first read of the pages
  const runs = Array.from({ length: 15 }, () => timed(heaviest));
  const last = runs[runs.length - 1];
  line(`outlook of ${heaviest} (${TARGET_EVENTS.toLocaleString('en')} events) p50`, both(runs, 50), `goal <= 100 ms at 1M citizens`);
  line(`outlook of ${heaviest} (${TARGET_EVENTS.toLocaleString('en')} events) p95`, both(runs, 95));
  line('  dated changes / citizens read / projected', `${last.points} / ${last.considered} / ${last.projected}`);

  const ids = db.prepare('SELECT citizen_id FROM citizens ORDER BY random() LIMIT 200').pluck().all() as string[];
  const ordinary: { ms: number; cpu: number }[] = [];
  const considered: number[] = [];
  const projected: number[] = [];
  for (const id of ids) {
    const r = timed(id);
    ordinary.push(r);
    considered.push(r.considered);
    projected.push(r.projected);
  }
  line('outlook of 200 random citizens p50', both(ordinary, 50));
  line('outlook of 200 random citizens p95', both(ordinary, 95));
  line('  citizens read p50 / max', `${percentile(considered, 50)} / ${Math.max(...considered)}`);
  line('  citizens projected p50 / max', `${percentile(projected, 50)} / ${Math.max(...projected)}`);
  const low = db.prepare('SELECT c.citizen_id FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY s.cents LIMIT 100').pluck().all() as string[];
  const lowTimes: { ms: number; cpu: number }[] = [];
  const lowProjected: number[] = [];
  for (const id of low) {
    const r = timed(id);
    lowTimes.push(r);
    lowProjected.push(r.projected);
  }
  line('outlook of the 100 lowest scores p50', both(lowTimes, 50));
  line('outlook of the 100 lowest scores p95', both(lowTimes, 95));
  line('  citizens projected p50 / max', `${percentile(lowProjected, 50)} / ${Math.max(...lowProjected)}`);

  const networkTimes: number[] = [];
  for (const id of low) {
    const t = performance.now();
    networkView(db, id);
    networkTimes.push(performance.now() - t);
  }
  line('network view (friends penalised) p95, lowest scores', ms(percentile(networkTimes, 95)));
  const t = performance.now();
  friendPenaltyByDistrict(db);
  line('friend penalty share by district (whole population)', ms(performance.now() - t));
  db.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
