/**
 * A deterministic synthetic population in the interchange format: citizens
 * spread over districts, friendships mostly within a district, and behaviour
 * records whose mix gives a realistic spread of tiers (most citizens in A/AA,
 * a tail in B, C and D). The same seed and instant give the same files.
 */
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobResult } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { formatProblem } from '../engine/rules.js';
import { demoName, DEMO_DISTRICTS } from './demoNames.js';
import { importFolder } from './import.js';
import { publishRuleset } from './rulesets.js';
import type { Progress } from './scoring.js';

export interface DemoOptions {
  citizens: number;
  seed: number;
  /** Events are dated before this instant. */
  asOfMs: number;
  /** Average friendships per citizen (each counted once per pair). */
  friendsPerCitizen?: number;
  /** Average behaviour records per citizen. */
  eventsPerCitizen?: number;
}

export { DEMO_DISTRICTS };

/** mulberry32: a small, fast, seedable PRNG; good enough for synthetic data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class BufferedFile {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function citizenIdFor(i: number): string {
  return `C${String(i + 1).padStart(7, '0')}`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY = 86_400_000;

export function writeDemoFolder(dir: string, kindsFile: string, options: DemoOptions): { citizens: number; relationships: number; events: number } {
  mkdirSync(dir, { recursive: true });
  copyFileSync(kindsFile, join(dir, 'event_kinds.json'));
  const random = rng(options.seed);
  const n = options.citizens;
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const district = new Uint8Array(n);

  const citizens = new BufferedFile(join(dir, 'citizens.csv'));
  citizens.line('citizen_id,name,district,birth_date,name_latin');
  for (let i = 0; i < n; i++) {
    district[i] = Math.floor(random() * DEMO_DISTRICTS.length);
    const born = options.asOfMs - (18 + random() * 62) * 365.25 * DAY;
    const { name, latin } = demoName(random, new Date(born).getUTCFullYear());
    citizens.line(`${citizenIdFor(i)},${name},${DEMO_DISTRICTS[district[i]]},${isoDate(born)},${latin}`);
  }
  citizens.close();

  // Friendships: neighbours in id order share a district block (a ring of
  // nearby ids), plus a few long-range ties: a small-world graph.
  const byDistrict: number[][] = DEMO_DISTRICTS.map(() => []);
  for (let i = 0; i < n; i++) byDistrict[district[i]].push(i);
  const pos = new Int32Array(n);
  for (const members of byDistrict) members.forEach((c, k) => (pos[c] = k));
  const perCitizen = options.friendsPerCitizen ?? 4;
  const rel = new BufferedFile(join(dir, 'relationships.csv'));
  rel.line('a,b,since,until');
  const seen = new Set<number>();
  let relationships = 0;
  for (let i = 0; i < n; i++) {
    const members = byDistrict[district[i]];
    const ties = Math.floor(perCitizen * (0.5 + random()));
    for (let t = 0; t < ties; t++) {
      let j: number;
      if (random() < 0.85 && members.length > 1) {
        const offset = 1 + Math.floor(random() * Math.min(50, members.length - 1));
        j = members[(pos[i] + offset) % members.length];
      } else j = Math.floor(random() * n);
      if (j === i) continue;
      const lo = Math.min(i, j);
      const hi = Math.max(i, j);
      const key = lo * n + hi;
      if (seen.has(key)) continue;
      seen.add(key);
      const since = options.asOfMs - random() * 10 * 365 * DAY;
      const ended = random() < 0.08;
      const until = ended ? isoDate(since + (30 + random() * 3 * 365) * DAY) : '';
      rel.line(`${citizenIdFor(lo)},${citizenIdFor(hi)},${isoDate(since)},${until > isoDate(since) ? until : ''}`);
      relationships++;
    }
  }
  seen.clear();
  rel.close();

  // Behaviour: each citizen has a disposition that sets how likely
  // negative records are, so scores cluster instead of being uniform noise.
  const ev = new BufferedFile(join(dir, 'events.csv'));
  ev.line('event_id,citizen_id,kind,occurred_at,data');
  const perEvents = options.eventsPerCitizen ?? 12;
  let events = 0;
  const emit = (citizen: number, kind: string, ageDays: number, data: Record<string, unknown>) => {
    events++;
    const at = new Date(options.asOfMs - ageDays * DAY - Math.floor(random() * DAY)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    ev.line(`E${String(events).padStart(9, '0')},${citizenIdFor(citizen)},${kind},${at},"${JSON.stringify(data).replace(/"/g, '""')}"`);
  };
  const bill = (i: number, age: number, onTime: boolean) =>
    emit(i, 'bill_payment', age, { amount: Math.round(20 + random() * 300), on_time: onTime, provider: pick(['自来水公司', '供电公司', '燃气公司', '中国移动']) });
  const volunteer = (i: number, age: number) => emit(i, 'volunteer_service', age, { hours: Math.round(4 + random() * 12), organisation: pick(['红十字会', '社区服务中心', '学校', '养老院']) });
  const negative = (i: number, age: number) => {
    const bad = random();
    if (bad < 0.4) emit(i, 'bank_arrears', age, { amount: Math.round(500 + random() * 20000), months_overdue: 1 + Math.floor(random() * 6), lender: pick(['中国工商银行', '中国农业银行', '农村商业银行']) });
    else if (bad < 0.65) emit(i, 'contract_breach', age, { amount: Math.round(100 + random() * 5000), court_confirmed: random() < 0.4 });
    else if (bad < 0.85) emit(i, 'court_judgment', age, { case_type: pick(['civil', 'civil', 'traffic', 'fraud']), judgment_date: isoDate(options.asOfMs - age * DAY), court: `济南市${DEMO_DISTRICTS[district[i]]}人民法院` });
    else if (bad < 0.95) emit(i, 'utility_theft', age, { value: Math.round(50 + random() * 900), utility: pick(['power', 'water']) });
    else emit(i, 'public_property_damage', age, { value: Math.round(100 + random() * 3000), deliberate: random() < 0.5 });
  };
  // Profiles: civic-minded citizens reach AA/AAA through rewards; most are
  // ordinary (A); a minority has adjudicated violations (B, C) and a small
  // tail many of them (D). Each profile's record count scales with perEvents.
  const scale = perEvents / 12;
  for (let i = 0; i < n; i++) {
    const p = random();
    const profile = p < 0.1 ? 'exemplary' : p < 0.3 ? 'engaged' : p < 0.84 ? 'ordinary' : p < 0.97 ? 'troubled' : 'severe';
    const bills = Math.round((profile === 'exemplary' || profile === 'engaged' ? 12 : 4 + random() * 6) * scale);
    const lateShare = profile === 'troubled' ? 0.3 : profile === 'severe' ? 0.6 : 0.03;
    for (let k = 0; k < bills; k++) bill(i, Math.floor(random() * (profile === 'exemplary' ? 365 : 6 * 365)), random() >= lateShare);
    const volunteering = Math.round((profile === 'exemplary' ? 8 + random() * 8 : profile === 'engaged' ? 5 + random() * 6 : random() < 0.3 ? 1 : 0) * scale);
    for (let k = 0; k < volunteering; k++) volunteer(i, Math.floor(random() * 3 * 365));
    const donations = profile === 'exemplary' ? 2 + Math.floor(random() * 3) : random() < 0.15 ? 1 : 0;
    for (let k = 0; k < donations; k++) emit(i, 'blood_donation', Math.floor(random() * 3 * 365), { ml: random() < 0.92 ? 400 : 150 });
    const negatives = profile === 'troubled' ? 1 + Math.floor(random() * 3) : profile === 'severe' ? 5 + Math.floor(random() * 10) : random() < 0.05 ? 1 : 0;
    for (let k = 0; k < negatives; k++) negative(i, Math.floor(random() * 6 * 365));
  }
  ev.close();
  return { citizens: n, relationships, events };
}

/** The demo population's outcome, as the contract gives it (shared/contract.ts). */
export type DemoPopulationResult = JobResult<'demo'>;

/**
 * Create the demo population in `db`: write the folder, import it and publish
 * the default ruleset, each an operation by the `demo` actor.
 */
export async function createDemoPopulation(
  db: Db,
  resources: string,
  options: { citizens: number; seed: number; asOf: { iso: string; ms: number }; friendsPerCitizen?: number; eventsPerCitizen?: number; onProgress?: Progress; actor?: string },
): Promise<DemoPopulationResult> {
  const actor = options.actor ?? 'demo';
  const dir = mkdtempSync(join(tmpdir(), 'credence-demo-'));
  try {
    options.onProgress?.('generating population', 0, 1);
    writeDemoFolder(dir, join(resources, 'event_kinds.json'), {
      citizens: options.citizens,
      seed: options.seed,
      asOfMs: options.asOf.ms,
      friendsPerCitizen: options.friendsPerCitizen,
      eventsPerCitizen: options.eventsPerCitizen,
    });
    // Import and publish are one transaction: a cancelled or failed demo leaves nothing behind.
    // The import's references are checked by its own code (see importFolder).
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN IMMEDIATE');
    try {
      const report = await importFolder(db, dir, { actor, provider: 'Credence 演示数据生成器（合成数据）', reason: `合成演示人口（${options.citizens} 名公民，随机种子 ${options.seed}）`, onProgress: options.onProgress });
      if (!report.ok) throw new Error(`demo import failed: ${report.problems.map(formatProblem).join('; ')}`);
      const ruleset = JSON.parse(readFileSync(join(resources, 'ruleset.json'), 'utf8'));
      const published = publishRuleset(db, ruleset, { actor, reason: '演示人口的默认规则集', asOf: options.asOf.iso, onProgress: options.onProgress });
      if (!published.ok) throw new Error(`default ruleset rejected: ${published.problems.map(formatProblem).join('; ')}`);
      db.exec('COMMIT');
      return { citizens: options.citizens, relationships: report.counts.relationshipsAdded, events: report.counts.eventsAdded, rulesetVersion: published.version!, asOf: options.asOf.iso };
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    } finally {
      db.pragma('foreign_keys = ON');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
