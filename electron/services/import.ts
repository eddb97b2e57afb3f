/**
 * Import of an interchange folder (event_kinds.json, citizens.csv,
 * relationships.csv, events.csv | events.jsonl), all-or-nothing: one
 * transaction, rolled back if any row is invalid, the run is cancelled or
 * nothing is new. Then scores are updated incrementally (or fully, when most
 * of the population is touched) under the same transaction.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CITIZEN_ID_PATTERN, EventKindsFile, type EventKindSpec, type InputProblem } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import { canonicalFields, insertKind, loadKinds } from '../db/kinds.js';
import { recordOperation } from '../db/operations.js';
import { contributionWriter, type ContributionWriter } from './contributions.js';
import { FileFormatError, readCsv, readJsonLines } from './csvSource.js';
import { CancelledError, loadScoringState, updateScores, type Progress, type ScoreChangeStats, type ScoringPath } from './scoring.js';
import { checkEventData, EVENT_ID, isIsoDate, parseIsoInstant } from './validation.js';

export const IMPORT_FILES = ['event_kinds.json', 'citizens.csv', 'relationships.csv', 'events.csv', 'events.jsonl'] as const;
const MAX_LISTED_PROBLEMS = 100;
/** Index of a citizen validated in this import but not written (a problem was already found). */
const PENDING_CITIZEN = -1;

export interface ImportCounts {
  kindsAdded: number;
  citizensAdded: number;
  citizensUpdated: number;
  relationshipsAdded: number;
  relationshipsChanged: number;
  eventsAdded: number;
  eventsUnchanged: number;
}

export interface ImportReport {
  ok: boolean;
  /** The first problems (at most 100), each naming file, line and reason. */
  problems: InputProblem[];
  problemCount: number;
  counts: ImportCounts;
  operationId: number | null;
  scoring: ScoreChangeStats | null;
}

export interface ImportOptions {
  actor: string;
  /** Validate and score everything, report, then roll back: nothing is kept. */
  dryRun?: boolean;
  reason?: string;
  onProgress?: Progress;
  signal?: AbortSignal;
  /** Force the full or the incremental scoring path (tests); default `auto`. */
  scoringPath?: ScoringPath;
}

class Problems {
  list: InputProblem[] = [];
  count = 0;
  add(p: InputProblem): void {
    this.count++;
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push(p);
  }
}

export async function importFolder(db: Db, dir: string, options: ImportOptions): Promise<ImportReport> {
  const counts: ImportCounts = { kindsAdded: 0, citizensAdded: 0, citizensUpdated: 0, relationshipsAdded: 0, relationshipsChanged: 0, eventsAdded: 0, eventsUnchanged: 0 };
  const problems = new Problems();
  const present = IMPORT_FILES.filter((f) => existsSync(join(dir, f)));
  const fail = (): ImportReport => ({ ok: false, problems: problems.list, problemCount: problems.count, counts, operationId: null, scoring: null });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    problems.add({ file: dir, message: 'not a folder' });
    return fail();
  }
  if (present.length === 0) {
    problems.add({ file: dir, message: `no importable file found (expected any of ${IMPORT_FILES.join(', ')})` });
    return fail();
  }
  if (present.includes('events.csv') && present.includes('events.jsonl')) {
    problems.add({ file: dir, message: 'both events.csv and events.jsonl are present; keep one' });
    return fail();
  }
  const totalBytes = present.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  let doneBytes = 0;
  // Every progress report is also a cancellation point, scoring included.
  const progress: Progress = (phase, done, total) => {
    options.onProgress?.(phase, done, total);
    if (options.signal?.aborted) throw new CancelledError();
  };
  const onBytes = (n: number) => {
    doneBytes += n;
    progress('reading files', doneBytes, totalBytes);
  };

  // Every reference an import writes (citizen, kind, operation) is checked by
  // this code before the insert; SQLite's own per-row foreign-key lookups
  // would only repeat that, at a third of the import's time. They stay on
  // for every other writer.
  // Inside a caller's transaction (the demo: import and publish as one) the
  // import is a savepoint; otherwise its own transaction.
  const nested = db.inTransaction;
  const tx = nested
    ? { begin: 'SAVEPOINT credence_import', commit: 'RELEASE credence_import', rollback: 'ROLLBACK TO credence_import; RELEASE credence_import' }
    : { begin: 'BEGIN IMMEDIATE', commit: 'COMMIT', rollback: 'ROLLBACK' };
  if (!nested) db.pragma('foreign_keys = OFF');
  db.exec(tx.begin);
  let open = true;
  const finish = (sql: string) => {
    open = false;
    db.exec(sql);
  };
  try {
    // The operation row is written last, when its kind is known (an import
    // that only changes friendships is a relationship_changed operation);
    // rows written meanwhile refer to its id, reserved under the write lock.
    const operationId = ((db.prepare('SELECT max(id) FROM operations').pluck().get() as number | null) ?? 0) + 1;
    const ctx = new ImportContext(db, operationId, problems, counts);
    for (const file of present) {
      const path = join(dir, file);
      try {
        if (file === 'event_kinds.json') ctx.importKinds(path);
        else if (file === 'citizens.csv') await ctx.importCitizens(path, onBytes);
        else if (file === 'relationships.csv') await ctx.importRelationships(path, onBytes);
        else await ctx.importEvents(path, file === 'events.jsonl', onBytes);
      } catch (err) {
        if (err instanceof FileFormatError) problems.add({ file, line: err.line, message: err.message });
        else throw err;
      }
    }
    if (problems.count > 0) {
      finish(tx.rollback);
      return fail();
    }
    const changed = counts.kindsAdded + counts.citizensAdded + counts.citizensUpdated + counts.relationshipsAdded + counts.relationshipsChanged + counts.eventsAdded;
    if (changed === 0) {
      // Re-importing known data: nothing to record, not even the operation.
      finish(tx.rollback);
      return { ok: true, problems: [], problemCount: 0, counts, operationId: null, scoring: null };
    }
    const onlyRelationships = counts.kindsAdded + counts.citizensAdded + counts.citizensUpdated + counts.eventsAdded === 0;
    recordOperation(db, {
      id: operationId,
      kind: onlyRelationships ? 'relationship_changed' : 'events_imported',
      actor: options.actor,
      reason: options.reason ?? `import of ${dir}`,
      details: { folder: dir, files: present, ...counts },
    });
    let scoring: ScoreChangeStats | null = null;
    const state = ctx.state;
    if (state && ctx.dirty.size > 0) {
      progress('scoring', 0, 1);
      scoring = updateScores(db, state, ctx.dirty, operationId, { path: options.scoringPath, friendshipChanges: ctx.friendshipChanges, onProgress: progress });
    }
    if (options.dryRun) {
      finish(tx.rollback);
      return { ok: true, problems: [], problemCount: 0, counts, operationId: null, scoring };
    }
    progress('committing', 1, 1);
    finish(tx.commit);
    return { ok: true, problems: [], problemCount: 0, counts, operationId, scoring };
  } catch (err) {
    if (open && db.inTransaction) finish(tx.rollback);
    throw err;
  } finally {
    if (!nested) db.pragma('foreign_keys = ON');
  }
}

/** Per-run state of one import: lookups, prepared statements, the citizens whose inputs changed. */
class ImportContext {
  readonly state;
  readonly dirty = new Set<number>();
  readonly friendshipChanges = new Map<number, Set<number>>();
  private kinds: Map<string, EventKindSpec>;
  private citizenIdx = new Map<string, number>();
  private contributions: ContributionWriter | null = null;

  constructor(
    private db: Db,
    private operationId: number,
    private problems: Problems,
    private counts: ImportCounts,
  ) {
    this.kinds = loadKinds(db);
    this.state = loadScoringState(db);
    for (const [id, idx] of db.prepare('SELECT citizen_id, idx FROM citizens').raw(true).iterate() as IterableIterator<[string, number]>) {
      this.citizenIdx.set(id, idx);
    }
  }

  importKinds(path: string): void {
    const file = 'event_kinds.json';
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      this.problems.add({ file, message: `not valid JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = EventKindsFile.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) this.problems.add({ file, field: issue.path.join('.'), message: issue.message });
      return;
    }
    const inFile = new Set<string>();
    for (const spec of parsed.data) {
      if (inFile.has(spec.kind)) {
        this.problems.add({ file, field: spec.kind, message: `event kind '${spec.kind}' is listed twice` });
        continue;
      }
      inFile.add(spec.kind);
      const existing = this.kinds.get(spec.kind);
      if (existing) {
        if (canonicalFields(existing) !== canonicalFields(spec)) {
          this.problems.add({ file, field: spec.kind, message: `event kind '${spec.kind}' is already registered with another schema; a kind's schema cannot change` });
        }
        continue;
      }
      insertKind(this.db, spec);
      this.kinds.set(spec.kind, spec);
      this.counts.kindsAdded++;
    }
    this.contributions = null;
  }

  async importCitizens(path: string, onBytes: (n: number) => void): Promise<void> {
    const file = 'citizens.csv';
    const find = this.db.prepare('SELECT idx, name, district, birth_date FROM citizens WHERE citizen_id = ?');
    const insert = this.db.prepare('INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES (?, ?, ?, ?)');
    const update = this.db.prepare('UPDATE citizens SET name = ?, district = ?, birth_date = ? WHERE idx = ?');
    const seen = new Set<string>();
    await readCsv(path, ['citizen_id', 'name', 'district', 'birth_date'], (row) => {
      const bad = (message: string) => this.problems.add({ file, line: row.line, message });
      if (row.ragged) {
        bad(row.ragged);
        return;
      }
      const [id, name, district, birth] = row.fields;
      if (!CITIZEN_ID_PATTERN.test(id)) bad(`citizen_id '${id}' must be 1-64 characters of A-Z a-z 0-9 _ -`);
      else if (seen.has(id)) bad(`citizen_id '${id}' appears twice in the file`);
      else if (!name.trim()) bad(`citizen ${id} has an empty name`);
      else if (!district.trim()) bad(`citizen ${id} has an empty district`);
      else if (birth !== '' && !isIsoDate(birth)) bad(`birth_date '${birth}' is not a date YYYY-MM-DD`);
      else {
        seen.add(id);
        if (this.problems.count > 0) {
          // Nothing is written once a problem is found, but later files may
          // still name this citizen: remember it so they are not reported too.
          if (!this.citizenIdx.has(id)) this.citizenIdx.set(id, PENDING_CITIZEN);
          return;
        }
        const birthDate = birth === '' ? null : birth;
        const existing = find.get(id) as { idx: number; name: string; district: string; birth_date: string | null } | undefined;
        if (!existing) {
          const idx = Number(insert.run(id, name, district, birthDate).lastInsertRowid);
          this.citizenIdx.set(id, idx);
          this.dirty.add(idx);
          this.counts.citizensAdded++;
        } else if (existing.name !== name || existing.district !== district || existing.birth_date !== birthDate) {
          update.run(name, district, birthDate, existing.idx);
          this.counts.citizensUpdated++;
        }
      }
    }, { onBytes });
  }

  async importRelationships(path: string, onBytes: (n: number) => void): Promise<void> {
    const file = 'relationships.csv';
    const find = this.db.prepare('SELECT since, until FROM relationships WHERE a = ? AND b = ?');
    const insert = this.db.prepare('INSERT INTO relationships (a, b, since, until) VALUES (?, ?, ?, ?)');
    const update = this.db.prepare('UPDATE relationships SET since = ?, until = ? WHERE a = ? AND b = ?');
    const seen = new Set<string>();
    await readCsv(path, ['a', 'b', 'since', 'until'], (row) => {
      const bad = (message: string) => this.problems.add({ file, line: row.line, message });
      if (row.ragged) {
        bad(row.ragged);
        return;
      }
      const [a, b, since, until] = row.fields;
      const ia = this.citizenIdx.get(a);
      const ib = this.citizenIdx.get(b);
      if (ia === undefined) bad(`unknown citizen '${a}'`);
      else if (ib === undefined) bad(`unknown citizen '${b}'`);
      else if (a === b) bad(`self-loop: citizen ${a} cannot be their own friend`);
      else if (!isIsoDate(since)) bad(`since '${since}' is not a date YYYY-MM-DD`);
      else if (until !== '' && !isIsoDate(until)) bad(`until '${until}' is not a date YYYY-MM-DD`);
      else if (until !== '' && until <= since) bad(`until ${until} is not after since ${since}`);
      else {
        const key = a < b ? `${a}\n${b}` : `${b}\n${a}`;
        if (seen.has(key)) {
          bad(`the pair ${a},${b} appears twice in the file`);
          return;
        }
        seen.add(key);
        if (this.problems.count > 0) return;
        const [lo, hi] = ia < ib ? [ia, ib] : [ib, ia];
        const untilValue = until === '' ? null : until;
        const existing = find.get(lo, hi) as { since: string; until: string | null } | undefined;
        if (!existing) {
          insert.run(lo, hi, since, untilValue);
          this.counts.relationshipsAdded++;
        } else if (existing.since !== since || existing.until !== untilValue) {
          update.run(since, untilValue, lo, hi);
          this.counts.relationshipsChanged++;
        } else return;
        this.dirty.add(lo);
        this.dirty.add(hi);
        for (const [x, y] of [[lo, hi], [hi, lo]]) {
          const set = this.friendshipChanges.get(x) ?? new Set<number>();
          set.add(y);
          this.friendshipChanges.set(x, set);
        }
      }
    }, { onBytes });
  }

  async importEvents(path: string, jsonl: boolean, onBytes: (n: number) => void): Promise<void> {
    const file = jsonl ? 'events.jsonl' : 'events.csv';
    const insert = this.db.prepare(
      `INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(event_id) DO NOTHING`,
    );
    const existing = this.db.prepare('SELECT citizen_idx, kind, occurred_ms, data FROM events WHERE event_id = ?');
    if (this.state && !this.contributions) this.contributions = contributionWriter(this.db, this.state.ruleset, this.kinds);
    const handle = (line: number, rec: Record<string, unknown>) => {
      const bad = (message: string) => this.problems.add({ file, line, message });
      const { event_id: id, citizen_id: citizen, kind: kindName, occurred_at: at } = rec;
      let data = rec.data;
      if (typeof id !== 'string' || !EVENT_ID.test(id)) return bad(`event_id ${JSON.stringify(id)} must be 1-128 characters of A-Z a-z 0-9 _ . : -`);
      if (typeof citizen !== 'string') return bad('citizen_id is missing');
      const citizenIdx = this.citizenIdx.get(citizen);
      if (citizenIdx === undefined) return bad(`unknown citizen '${citizen}'`);
      const kind = typeof kindName === 'string' ? this.kinds.get(kindName) : undefined;
      if (!kind) return bad(`unknown event kind ${JSON.stringify(kindName)}`);
      const ms = typeof at === 'string' ? parseIsoInstant(at) : null;
      if (ms === null) return bad(`occurred_at ${JSON.stringify(at)} is not an ISO 8601 instant with a zone (e.g. 2024-05-01T10:00:00Z)`);
      if (typeof data === 'string') {
        try {
          data = data.trim() === '' ? {} : JSON.parse(data);
        } catch (err) {
          return bad(`data is not valid JSON: ${(err as Error).message}`);
        }
      }
      const checked = checkEventData(kind, data);
      if (!checked.ok) return bad(checked.message);
      if (this.problems.count > 0) return;
      const info = insert.run(id, citizenIdx, kind.kind, at, ms, checked.json, this.operationId);
      if (info.changes === 0) {
        const prior = existing.get(id) as { citizen_idx: number; kind: string; occurred_ms: number; data: string };
        if (prior.citizen_idx !== citizenIdx || prior.kind !== kind.kind || prior.occurred_ms !== ms || prior.data !== checked.json) {
          return bad(`event ${id} is already recorded with other content; an event id cannot be reused`);
        }
        this.counts.eventsUnchanged++;
        return;
      }
      this.counts.eventsAdded++;
      if (this.contributions) {
        this.contributions.add(Number(info.lastInsertRowid), citizenIdx, kind.kind, ms, checked.value);
        this.dirty.add(citizenIdx);
      }
    };
    if (jsonl) {
      for await (const row of readJsonLines(path, { onBytes })) {
        if (row.error) this.problems.add({ file, line: row.line, message: row.error });
        else if (typeof row.value !== 'object' || row.value === null || Array.isArray(row.value)) this.problems.add({ file, line: row.line, message: 'each line must be a JSON object' });
        else handle(row.line, row.value as Record<string, unknown>);
      }
    } else {
      await readCsv(path, ['event_id', 'citizen_id', 'kind', 'occurred_at', 'data'], (row) => {
        if (row.ragged) this.problems.add({ file, line: row.line, message: row.ragged });
        else {
          const [event_id, citizen_id, kind, occurred_at, data] = row.fields;
          handle(row.line, { event_id, citizen_id, kind, occurred_at, data });
        }
      }, { onBytes });
    }
  }
}
