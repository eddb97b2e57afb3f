/**
 * Import of an interchange folder (event_kinds.json, citizens.csv,
 * consents.csv, relationships.csv, events.csv | events.jsonl), all-or-nothing: one
 * transaction, rolled back if any row is invalid, the run is cancelled or
 * nothing is new. Then scores are updated incrementally (or fully, when most
 * of the population is touched) under the same transaction.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { CITIZEN_ID_PATTERN, ConsentStatus, EventKindsFile, type EventKindSpec, type InputProblem } from '../../shared/domain.js';
import { INSTANT_FORM_KEYED, instantFlawKeyed } from '../../shared/instant.js';
import type { JobResult } from '../../shared/contract.js';
import { isLanguage, LANGUAGES } from '../../shared/language.js';
import type { Db } from '../db/connection.js';
import { CJK_CHAR, deferNameIndex } from '../db/nameSearch.js';
import { canonicalFields, insertKind, loadKinds } from '../db/kinds.js';
import { recordOperation } from '../db/operations.js';
import { contributionWriter, type ContributionWriter } from './contributions.js';
import { EventBatchWriter } from './eventBatch.js';
import { PairList, PairSet } from './pairSet.js';
import { checkEventRow, csvRecord, EVENT_CSV_COLUMNS, jsonLineRecord, type EventLine } from './eventRows.js';
import { startEventWorker, type EventWorker } from './eventsInWorker.js';
import { NO_CLOCK, type PhaseTimer } from './phaseClock.js';
import { FileFormatError, openRegularFile, readCsv, readJsonLines, UnsafeFileError } from './csvSource.js';
import { checkImportFolder, ImportFolderError } from './importRoots.js';
import { clip, echo, jsonErrorKeyed, LIMITS, lineAt, nameProblemKeyed, tooDeepAt } from './inputLimits.js';
import { keyed, problemFields, type ProblemText, type Said } from '../../shared/englishText.js';
import { consentRequired } from './consentScope.js';
import { CancelledError, loadRecomputeNetwork, loadScoringState, takesFullPath, updateScores, type Progress, type RecomputeNetwork, type ScoreChangeStats, type ScoringPath } from './scoring.js';
import { isIsoDate, parseIsoInstant } from './validation.js';

/** In the order they are read: consents and relationships name citizens, so citizens.csv comes first. */
export const IMPORT_FILES = ['event_kinds.json', 'citizens.csv', 'consents.csv', 'relationships.csv', 'events.csv', 'events.jsonl'] as const;

/** An import's outcome, as the contract gives it (shared/contract.ts): problems, counts, operation, scoring. */
export type ImportReport = JobResult<'import'>;
export type ImportCounts = ImportReport['counts'];

export interface ImportOptions {
  actor: string;
  /** Who supplied the data (registry, agency): recorded with the import and shown with every event it brought. */
  provider?: string;
  /**
   * Folders the import may read from (after resolving links); the folder
   * must be one of them or inside one. Unset: any folder (the CLI, whose
   * user reads the files anyway, and tests).
   */
  importRoots?: readonly string[];
  /** For uploaded files: where each came from on the uploader's computer, by interchange name. */
  origins?: Readonly<Record<string, string>>;
  /** Validate and score everything, report, then roll back: nothing is kept. */
  dryRun?: boolean;
  reason?: string;
  onProgress?: Progress;
  signal?: AbortSignal;
  /** Force the full or the incremental scoring path (tests); default `auto`. */
  scoringPath?: ScoringPath;
  /** Where the time goes, by phase (`npm run bench`). */
  clock?: PhaseTimer;
  /** Read events in a worker thread: `auto` (default) for files from EVENT_WORKER_MIN_BYTES on; `always` and `never` for tests. */
  eventWorker?: EventWorkerUse;
}

export type EventWorkerUse = 'auto' | 'always' | 'never';
/** From this size on, an events file is read, checked and evaluated in a worker thread (starting one costs more than a small file). */
export const EVENT_WORKER_MIN_BYTES = 4 * 2 ** 20;

/**
 * The problems of one import: all counted, the first listed, each message
 * clipped and the listed ones capped in total size, so a file of huge bad
 * values still makes a small report (and a small finished job).
 */
class Problems {
  list: InputProblem[] = [];
  count = 0;
  private chars = 0;
  add(p: InputProblem): void {
    this.count++;
    if (this.list.length >= LIMITS.listedProblems || this.chars >= LIMITS.reportChars) return;
    const message = clip(p.message, LIMITS.messageChars);
    const listed: InputProblem = { ...p, message };
    if (p.file !== undefined) listed.file = clip(p.file, 300);
    if (p.field !== undefined) listed.field = clip(p.field);
    this.chars += message.length + (listed.file?.length ?? 0) + (listed.field?.length ?? 0) + (p.params ? JSON.stringify(p.params).length : 0);
    this.list.push(listed);
  }
}

/** What was read of one file: for the import's provenance. */
interface FileRead {
  name: string;
  origin: string;
  sha256: string;
  bytes: number;
}

/** Names present in the folder, links and special files included (they are refused when read, by name). */
/** The schema's own words for event_kinds.json (shared/domain.ts). */
const KINDS_FILE_MESSAGES: Record<string, Said> = {
  'event kind must be lower_snake_case, 1-64 characters': keyed('importFile.kinds.kindName'),
  'field names are identifiers': keyed('importFile.kinds.fieldName'),
};

/**
 * An event_kinds.json schema problem keyed: the schema's own messages, and
 * zod's English ones by their shape (the English kept exactly: a message of
 * another shape is keyed as it is).
 */
function kindsIssue(message: string): Said {
  const own = KINDS_FILE_MESSAGES[message];
  if (own) return own;
  let m: RegExpExecArray | null;
  let said: Said | null = null;
  if ((m = /^Invalid input: expected (\S+), received (\S+)$/.exec(message))) said = keyed('importFile.kinds.type', { expected: m[1], received: m[2] });
  else if ((m = /^Invalid option: expected one of (.+)$/.exec(message))) said = keyed('importFile.kinds.option', { values: m[1] });
  else if ((m = /^Unrecognized (keys?): (.+)$/.exec(message))) said = keyed(m[1] === 'key' ? 'importFile.kinds.unknownKey' : 'importFile.kinds.unknownKeys', { keys: m[2] });
  return said && said.message === message ? said : keyed('importFile.kinds.other', { message });
}

function presentIn(dir: string): (typeof IMPORT_FILES)[number][] {
  return IMPORT_FILES.filter((f) => {
    try {
      lstatSync(join(dir, f));
      return true;
    } catch {
      return false;
    }
  });
}

export async function importFolder(db: Db, dir: string, options: ImportOptions): Promise<ImportReport> {
  const counts: ImportCounts = {
    kindsAdded: 0,
    citizensAdded: 0,
    citizensUpdated: 0,
    relationshipsAdded: 0,
    relationshipsChanged: 0,
    eventsAdded: 0,
    eventsUnchanged: 0,
    consentsAdded: 0,
    consentsUnchanged: 0,
  };
  const problems = new Problems();
  const fail = (): ImportReport => ({ ok: false, problems: problems.list, problemCount: problems.count, counts, operationId: null, scoring: null });
  const provider = options.provider?.trim();
  if (provider !== undefined) {
    const flaw = provider === '' ? null : nameProblemKeyed('name', provider);
    const bad = provider === '' ? keyed('importFile.providerEmpty') : flaw && keyed(flaw.key, { ...flaw.params, what: keyed('importFile.providerName') });
    if (bad) {
      problems.add({ field: 'provider', ...problemFields(bad) });
      return fail();
    }
  }
  try {
    // From here on the folder is its resolved path: a link swapped in later is not followed.
    dir = checkImportFolder(dir, options.importRoots);
  } catch (err) {
    if (!(err instanceof ImportFolderError)) throw err;
    problems.add({ file: dir, ...problemFields(err.said) });
    return fail();
  }
  const present = presentIn(dir);
  if (present.length === 0) {
    problems.add({ file: dir, ...problemFields(keyed('importFile.noFiles', { files: IMPORT_FILES.join(', ') })) });
    return fail();
  }
  if (present.includes('events.csv') && present.includes('events.jsonl')) {
    problems.add({ file: dir, ...problemFields(keyed('importFile.bothEvents')) });
    return fail();
  }
  const totalBytes = present.reduce((sum, f) => sum + lstatSync(join(dir, f)).size, 0);
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
  const events = present.find((f) => f === 'events.csv' || f === 'events.jsonl');
  const use = options.eventWorker ?? 'auto';
  let worker: EventWorker | null = null;
  if (!nested) db.pragma('foreign_keys = OFF');
  db.exec(tx.begin);
  let open = true;
  const finish = (sql: string) => {
    open = false;
    db.exec(sql);
  };
  try {
    // A large events file's worker thread starts now, so it loads its code while the other files are written.
    if (events && (use === 'always' || (use === 'auto' && lstatSync(join(dir, events)).size >= EVENT_WORKER_MIN_BYTES))) worker = startEventWorker();
    // The operation row is written last, when its kind is known (an import
    // that only changes friendships is a relationship_changed operation);
    // rows written meanwhile refer to its id, reserved under the write lock.
    const operationId = ((db.prepare('SELECT max(id) FROM operations').pluck().get() as number | null) ?? 0) + 1;
    const clock = options.clock ?? NO_CLOCK;
    const ctx = new ImportContext(db, operationId, problems, counts, clock, worker, options.scoringPath);
    const reads: FileRead[] = [];
    for (const file of present) {
      const path = join(dir, file);
      const hash = createHash('sha256');
      let bytes = 0;
      let readByWorker: { sha256: string; bytes: number } | null = null;
      const onChunk = (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      };
      try {
        // The events file's worker reads it while relationships.csv is read here (events need the citizens, and the chain head after consents, nothing later).
        if (worker && events && (file === 'relationships.csv' || file === events)) ctx.startEventsInWorker(join(dir, events), events === 'events.jsonl', onBytes);
        if (file === 'event_kinds.json') ctx.importKinds(path, onChunk);
        else if (file === 'citizens.csv') await ctx.importCitizens(path, onBytes, onChunk);
        else if (file === 'consents.csv') await ctx.importConsents(path, onBytes, onChunk);
        else if (file === 'relationships.csv') await ctx.importRelationships(path, onBytes, onChunk);
        // (a large events file is read by a worker thread, which hashes its bytes)
        else readByWorker = await ctx.importEvents(path, file === 'events.jsonl', onBytes, onChunk);
        reads.push({ name: file, origin: options.origins?.[file] ?? path, sha256: readByWorker?.sha256 ?? hash.digest('hex'), bytes: readByWorker?.bytes ?? bytes });
      } catch (err) {
        if (err instanceof FileFormatError) problems.add({ file, line: err.line, ...problemFields(err.said ?? err.message) });
        else throw err;
      }
    }
    if (problems.count > 0) {
      finish(tx.rollback);
      return fail();
    }
    const changed =
      counts.kindsAdded + counts.citizensAdded + counts.citizensUpdated + counts.relationshipsAdded + counts.relationshipsChanged + counts.eventsAdded + counts.consentsAdded;
    if (changed === 0) {
      // Re-importing known data: nothing to record, not even the operation.
      finish(tx.rollback);
      return { ok: true, problems: [], problemCount: 0, counts, operationId: null, scoring: null };
    }
    clock.switch('write');
    const others = counts.kindsAdded + counts.citizensAdded + counts.citizensUpdated + counts.eventsAdded;
    const onlyRelationships = others + counts.consentsAdded === 0;
    const onlyConsents = others + counts.relationshipsAdded + counts.relationshipsChanged === 0;
    const source = options.origins ? 'upload' : dir;
    recordOperation(db, {
      id: operationId,
      kind: onlyRelationships ? 'relationship_changed' : onlyConsents ? 'consent_changed' : 'events_imported',
      actor: options.actor,
      reason: options.reason ?? `import of ${dir}`,
      // The provider and the files' hashes are in the operation too, so the chain over operations covers them.
      details: { folder: source, files: present, provider: provider ?? null, sha256: Object.fromEntries(reads.map((r) => [r.name, r.sha256])), ...counts },
    });
    recordBatch(db, operationId, provider ?? null, source, reads);
    let scoring: ScoreChangeStats | null = null;
    const state = ctx.state;
    if (state && ctx.dirty.size > 0) {
      progress('scoring', 0, 1);
      clock.switch('scoring');
      scoring = updateScores(db, state, ctx.dirty, operationId, { path: options.scoringPath, network: ctx.network ?? undefined, friendshipChanges: () => ctx.changedPairs.byMember(), onProgress: progress });
    }
    if (options.dryRun) {
      finish(tx.rollback);
      return { ok: true, problems: [], problemCount: 0, counts, operationId: null, scoring };
    }
    progress('committing', 1, 1);
    clock.switch('commit');
    finish(tx.commit);
    return { ok: true, problems: [], problemCount: 0, counts, operationId, scoring };
  } catch (err) {
    if (open && db.inTransaction) finish(tx.rollback);
    throw err;
  } finally {
    worker?.close();
    if (!nested) db.pragma('foreign_keys = ON');
  }
}

/** Per-run state of one import: lookups, prepared statements, the citizens whose inputs changed. */
class ImportContext {
  readonly state;
  readonly dirty = new Set<number>();
  /** Friendships that began or changed dates (both ends are dirty): named as the cause on the incremental path. */
  readonly changedPairs = new PairList();
  private kinds: Map<string, EventKindSpec>;
  private citizenIdx = new Map<string, number>();
  private contributions: ContributionWriter | null = null;

  constructor(
    private db: Db,
    private operationId: number,
    private problems: Problems,
    private counts: ImportCounts,
    readonly clock: PhaseTimer,
    /** The worker thread that reads the events file, started by the import (null: read in this thread). */
    private eventWorker: EventWorker | null,
    private scoringPath: ScoringPath | undefined,
  ) {
    this.kinds = loadKinds(db);
    this.state = loadScoringState(db);
    for (const [id, idx] of db.prepare('SELECT citizen_id, idx FROM citizens').raw(true).iterate() as IterableIterator<[string, number]>) {
      this.citizenIdx.set(id, idx);
    }
  }

  importKinds(path: string, onChunk: (chunk: Buffer) => void): void {
    const file = 'event_kinds.json';
    let raw: Buffer;
    try {
      const { fd, size } = openRegularFile(path, LIMITS.kindsFileBytes);
      try {
        raw = Buffer.alloc(size);
        let got = 0;
        while (got < size) {
          const n = readSync(fd, raw, got, size - got, null);
          if (n === 0) break;
          got += n;
        }
        raw = raw.subarray(0, got);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if (err instanceof UnsafeFileError) throw new FileFormatError(err.said);
      throw err;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw).replace(/^\uFEFF/, '');
    } catch {
      // Never the bytes themselves: a file that is not text is not shown.
      throw new FileFormatError(keyed('importFile.notUtf8'));
    }
    onChunk(raw);
    const deep = tooDeepAt(text);
    if (deep >= 0) throw new FileFormatError(keyed('importFile.tooDeep', { line: lineAt(text, deep), max: LIMITS.jsonDepth }), lineAt(text, deep));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      this.problems.add({ file, ...problemFields(keyed('importFile.notJson', { why: jsonErrorKeyed(err, text) })) });
      return;
    }
    const parsed = EventKindsFile.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, LIMITS.listedProblems)) this.problems.add({ file, field: issue.path.join('.'), ...problemFields(kindsIssue(issue.message)) });
      return;
    }
    const inFile = new Set<string>();
    for (const spec of parsed.data) {
      if (inFile.has(spec.kind)) {
        this.problems.add({ file, field: spec.kind, ...problemFields(keyed('importFile.kinds.listedTwice', { kind: clip(spec.kind) })) });
        continue;
      }
      inFile.add(spec.kind);
      const existing = this.kinds.get(spec.kind);
      if (existing) {
        if (canonicalFields(existing) !== canonicalFields(spec)) {
          this.problems.add({ file, field: spec.kind, ...problemFields(keyed('importFile.kinds.schemaChanged', { kind: spec.kind })) });
        }
        continue;
      }
      insertKind(this.db, spec);
      this.kinds.set(spec.kind, spec);
      this.counts.kindsAdded++;
    }
    this.contributions = null;
  }

  async importCitizens(path: string, onBytes: (n: number) => void, onChunk: (chunk: Buffer) => void): Promise<void> {
    const file = 'citizens.csv';
    const find = this.db.prepare('SELECT idx, name, name_latin, district, birth_date, language FROM citizens WHERE citizen_id = ?');
    const insert = this.db.prepare('INSERT INTO citizens (citizen_id, name, name_latin, district, birth_date, language) VALUES (?, ?, ?, ?, ?, ?)');
    const update = this.db.prepare('UPDATE citizens SET name = ?, name_latin = ?, district = ?, birth_date = ?, language = ? WHERE idx = ?');
    const seen = new Set<string>();
    // A file without the language column leaves the languages on record as they are; with it, an empty field clears one.
    let languageColumn = false;
    // New citizens are name-indexed once, after the file, not by the insert trigger row by row.
    const firstIdx = ((this.db.prepare('SELECT max(idx) FROM citizens').pluck().get() as number | null) ?? 0) + 1;
    const nameIndex = deferNameIndex(this.db, firstIdx);
    this.clock.switch('parse');
    try {
      await readCsv(path, ['citizen_id', 'name', 'district', 'birth_date'], this.timed((row) => {
        const bad = (text: ProblemText) => this.problems.add({ file, line: row.line, ...problemFields(text) });
        if (row.ragged) {
          bad(row.ragged);
          return;
        }
        const [id, name, district, birth, latin, lang] = row.fields;
        let flaw: Said | null;
        if (!CITIZEN_ID_PATTERN.test(id)) bad(keyed('import.citizenIdPattern', { id: clip(id) }));
        else if (seen.has(id)) bad(keyed('import.citizenIdTwice', { id }));
        else if (!name.trim()) bad(keyed('import.emptyName', { id }));
        else if (!district.trim()) bad(keyed('import.emptyDistrict', { id }));
        else if ((flaw = nameProblemKeyed('name', name) ?? nameProblemKeyed('name_latin', latin) ?? nameProblemKeyed('district', district))) bad(keyed('import.citizenFlaw', { id, flaw }));
        else if (CJK_CHAR.test(latin)) bad(keyed('import.latinHasCjk', { id, value: clip(latin) }));
        else if (birth !== '' && !isIsoDate(birth)) bad(keyed('import.birthDate', { value: clip(birth) }));
        else if (lang !== '' && !isLanguage(lang)) bad(keyed('import.language', { id, value: clip(lang), allowed: LANGUAGES.join(', ') }));
        else {
          seen.add(id);
          // Rows are written even after a problem (the transaction is rolled
          // back then): later files and rows are checked against them as they
          // would be in a clean import, so every problem is found in one run.
          const birthDate = birth === '' ? null : birth;
          const nameLatin = latin.trim() === '' ? null : latin;
          this.clock.switch('write');
          const existing = find.get(id) as { idx: number; name: string; name_latin: string | null; district: string; birth_date: string | null; language: string | null } | undefined;
          const language = languageColumn ? (lang === '' ? null : lang) : (existing?.language ?? null);
          if (!existing) {
            const idx = Number(insert.run(id, name, nameLatin, district, birthDate, language).lastInsertRowid);
            this.citizenIdx.set(id, idx);
            this.dirty.add(idx);
            this.counts.citizensAdded++;
          } else if (existing.name !== name || existing.name_latin !== nameLatin || existing.district !== district || existing.birth_date !== birthDate || existing.language !== language) {
            update.run(name, nameLatin, district, birthDate, language, existing.idx);
            this.counts.citizensUpdated++;
          }
        }
      }), { onBytes, onChunk, maxLine: LIMITS.lineBytes, maxBytes: LIMITS.dataFileBytes, optional: ['name_latin', 'language'], onHeader: (columns) => (languageColumn = columns.includes('language')) });
    } finally {
      this.clock.within('write', () => nameIndex.finish());
    }
  }

  /**
   * consents.csv: an append-only consent history (SCORING_MODEL §1). A record
   * is known by its citizen and instant: the same record again is skipped (a
   * re-import changes nothing), the same citizen and instant with another
   * status or evidence is an error, as is the same citizen and instant twice
   * in one file (which came last would be a guess).
   */
  async importConsents(path: string, onBytes: (n: number) => void, onChunk: (chunk: Buffer) => void): Promise<void> {
    const file = 'consents.csv';
    const find = this.db.prepare('SELECT status, evidence, operation_id FROM consents WHERE citizen_idx = ? AND at_ms = ? ORDER BY seq DESC LIMIT 1');
    const insert = this.db.prepare('INSERT INTO consents (citizen_idx, status, at, at_ms, evidence, operation_id) VALUES (?, ?, ?, ?, ?, ?)');
    const scopeMatters = this.state !== null && consentRequired(this.state.ruleset);
    await readCsv(path, ['citizen_id', 'status', 'at', 'evidence'], (row) => {
      const bad = (text: ProblemText) => this.problems.add({ file, line: row.line, ...problemFields(text) });
      if (row.ragged) {
        bad(row.ragged);
        return;
      }
      const [citizen, status, at, evidence] = row.fields;
      const idx = this.citizenIdx.get(citizen);
      const ms = parseIsoInstant(at);
      let flaw: Said | null;
      if (idx === undefined) bad(keyed('import.unknownCitizen', { id: clip(citizen) }));
      else if (!ConsentStatus.safeParse(status).success) bad(keyed('import.consentStatus', { value: echo(status), allowed: ConsentStatus.options.join(', ') }));
      else if (ms === null) bad(keyed('import.consentAt', { value: echo(at), form: INSTANT_FORM_KEYED, why: instantFlawKeyed(at) }));
      else if (!evidence.trim()) bad(keyed('import.consentNoEvidence', { id: citizen, at }));
      else if ((flaw = nameProblemKeyed('evidence', evidence))) bad(keyed('import.consentFlaw', { id: citizen, at, flaw }));
      else {
        const prior = find.get(idx, ms) as { status: string; evidence: string; operation_id: number } | undefined;
        if (prior?.operation_id === this.operationId) bad(keyed('import.consentTwice', { id: citizen, at }));
        else if (prior && (prior.status !== status || prior.evidence !== evidence)) {
          bad(keyed('import.consentConflict', { id: citizen, at, status: prior.status }));
        } else if (prior) this.counts.consentsUnchanged++;
        else {
          // Written even after a problem (then rolled back), so a repeated record is still found.
          insert.run(idx, status, at, ms, evidence, this.operationId);
          this.counts.consentsAdded++;
          if (scopeMatters) this.dirty.add(idx);
        }
      }
    }, { onBytes, onChunk, maxLine: LIMITS.lineBytes, maxBytes: LIMITS.dataFileBytes });
  }

  async importRelationships(path: string, onBytes: (n: number) => void, onChunk: (chunk: Buffer) => void): Promise<void> {
    const file = 'relationships.csv';
    const find = this.db.prepare('SELECT since, until FROM relationships WHERE a = ? AND b = ?');
    const update = this.db.prepare('UPDATE relationships SET since = ?, until = ? WHERE a = ? AND b = ?');
    const pairs = new PairBatch(this.db, this.clock);
    const seen = new PairSet();
    /** A pair the file names: added, or compared with the stored one (then changed or left alone). */
    const settle = (lo: number, hi: number, since: string, until: string | null, added: boolean) => {
      if (added) this.counts.relationshipsAdded++;
      else {
        const existing = find.get(lo, hi) as { since: string; until: string | null };
        if (existing.since === since && existing.until === until) return;
        update.run(since, until, lo, hi);
        this.counts.relationshipsChanged++;
      }
      this.dirty.add(lo);
      this.dirty.add(hi);
      this.changedPairs.push(lo, hi);
    };
    this.clock.switch('parse');
    await readCsv(path, ['a', 'b', 'since', 'until'], this.timed((row) => {
      const bad = (text: ProblemText) => this.problems.add({ file, line: row.line, ...problemFields(text) });
      if (row.ragged) {
        bad(row.ragged);
        return;
      }
      const [a, b, since, until] = row.fields;
      const ia = this.citizenIdx.get(a);
      const ib = this.citizenIdx.get(b);
      if (ia === undefined) bad(keyed('import.unknownCitizen', { id: clip(a) }));
      else if (ib === undefined) bad(keyed('import.unknownCitizen', { id: clip(b) }));
      else if (a === b) bad(keyed('import.selfLoop', { id: a }));
      else if (!isIsoDate(since)) bad(keyed('import.sinceDate', { value: clip(since) }));
      else if (until !== '' && !isIsoDate(until)) bad(keyed('import.untilDate', { value: clip(until) }));
      else if (until !== '' && until <= since) bad(keyed('import.untilBeforeSince', { until, since }));
      else {
        const [lo, hi] = ia < ib ? [ia, ib] : [ib, ia];
        if (!seen.add(lo, hi)) {
          bad(keyed('import.pairTwice', { a, b }));
          return;
        }
        pairs.add(lo, hi, since, until === '' ? null : until, settle);
      }
    }), { onBytes, onChunk, maxLine: LIMITS.lineBytes, maxBytes: LIMITS.dataFileBytes });
    pairs.flush(settle);
  }

  /** The events file's writer: problems go to `problem`; contributions are written while the import has no problem. */
  private eventWriter(file: string, problem: (line: number, text: ProblemText) => void, clean: () => boolean): { writer: EventBatchWriter; contributions: ContributionWriter | null } {
    if (this.state && !this.contributions) this.contributions = contributionWriter(this.db, this.state.ruleset, this.kinds, this.clock);
    const contributions = this.contributions;
    const writer = new EventBatchWriter(this.db, this.operationId, {
      problem,
      unchanged: () => this.counts.eventsUnchanged++,
      added: (e, idx) => {
        this.counts.eventsAdded++;
        if (contributions && clean()) {
          if (e.contributions) contributions.addEvaluated(idx, e.citizenIdx, e.ms, e.contributions);
          else contributions.add(idx, e.citizenIdx, e.kind, e.ms, e.value);
          this.dirty.add(e.citizenIdx);
        }
      },
      addedEvaluated: (citizenIdx, evaluated, from, to) => {
        this.counts.eventsAdded++;
        if (contributions && clean()) {
          contributions.addValues(evaluated, from, to);
          this.dirty.add(citizenIdx);
        }
      },
    }, this.clock);
    return { writer, contributions };
  }

  /** The events file's read by the worker thread, once started (startEventsInWorker). */
  private eventsRead: Promise<{ sha256: string; bytes: number }> | null = null;
  /** Problems of the events file held until the files before it are read (the first LIMITS.listedProblems, and how many more). */
  private heldProblems: { list: InputProblem[]; more: number } | null = null;

  /**
   * Starts the events file's read in the worker thread (once): parsing,
   * validation, evaluation and content hashing run there; this thread writes
   * each batch as it comes, also while relationships.csv is still being read
   * (the rows of both go into the same transaction; friendships are not
   * chained, so the events' chain is the same). Its problems are held and
   * listed after the earlier files' (finishEventsInWorker), in file order,
   * as if the files were read one after the other.
   */
  startEventsInWorker(path: string, jsonl: boolean, onBytes: (n: number) => void): void {
    if (this.eventsRead || !this.eventWorker) return;
    const file = jsonl ? 'events.jsonl' : 'events.csv';
    const held = { list: [] as InputProblem[], more: 0 };
    this.heldProblems = held;
    const problem = (line: number, text: ProblemText) => {
      if (this.heldProblems !== held) this.problems.add({ file, line, ...problemFields(text) });
      else if (held.list.length < LIMITS.listedProblems) held.list.push({ file, line, ...problemFields(text) });
      else held.more++;
    };
    const { writer, contributions } = this.eventWriter(file, problem, () => this.problems.count === 0 && held.list.length === 0);
    const read = this.eventWorker.read(
      {
        path,
        jsonl,
        maxLine: LIMITS.lineBytes,
        maxBytes: LIMITS.dataFileBytes,
        kinds: [...this.kinds.values()],
        citizenIds: [...this.citizenIdx.keys()],
        citizenIdx: Int32Array.from(this.citizenIdx.values()),
        ruleset: this.state?.ruleset.spec ?? null,
        columns: writer.chainColumns,
        operationId: this.operationId,
        firstIdx: writer.firstFreeIdx,
      },
      {
        onBytes,
        // Written as it comes, timed as writing and chaining within whatever this thread was doing.
        batch: (problems, chunks) => writer.chunks(problems, chunks),
      },
    ).then(
      (read) => {
        writer.finish();
        contributions?.flush();
        return read;
      },
      (err: unknown) => {
        if (err instanceof FileFormatError) writer.finish();
        throw err;
      },
    );
    // Awaited by finishEventsInWorker; a failure meanwhile (a cancel, the worker stopped) is not unhandled.
    read.catch(() => {});
    this.eventsRead = read;
  }

  /** The full recompute's network, read while the worker still reads events (readNetworkAhead), or null. */
  network: RecomputeNetwork | null = null;

  /**
   * Once every file before the events is written: when the scores will be
   * recomputed in full (whatever the events add, the citizens already
   * changed are enough), the network that recompute reads is read now,
   * while the worker thread still parses events, instead of after them.
   * Events change none of it (citizens, consents, stored scores, friendships).
   */
  private readNetworkAhead(): void {
    if (this.state && this.problems.count === 0 && takesFullPath(this.db, this.dirty, this.scoringPath)) {
      const state = this.state;
      this.network = this.clock.within('scoring', () => loadRecomputeNetwork(this.db, state));
    }
  }

  /** Waits for the events file's read in the worker; its problems are listed now, after the earlier files'. */
  private async finishEventsInWorker(): Promise<{ sha256: string; bytes: number }> {
    const held = this.heldProblems;
    if (held) {
      this.heldProblems = null;
      for (const p of held.list) this.problems.add(p);
      this.problems.count += held.more;
    }
    this.readNetworkAhead();
    this.clock.switch('waiting for the worker');
    return this.eventsRead!;
  }

  async importEvents(path: string, jsonl: boolean, onBytes: (n: number) => void, onChunk: (chunk: Buffer) => void): Promise<{ sha256: string; bytes: number } | null> {
    if (this.eventWorker) {
      this.startEventsInWorker(path, jsonl, onBytes);
      return this.finishEventsInWorker();
    }
    const file = jsonl ? 'events.jsonl' : 'events.csv';
    const clock = this.clock;
    const { writer, contributions } = this.eventWriter(file, (line, text) => this.problems.add({ file, line, ...problemFields(text) }), () => this.problems.count === 0);
    const lookups = { citizenIdx: (id: string) => this.citizenIdx.get(id), kind: (name: string) => this.kinds.get(name) };
    const onLine = (l: EventLine) => {
      clock.switch('validate');
      if ('problem' in l) writer.problem(l.line, l.problem);
      else {
        // Written even after a problem (then rolled back), so a repeated id is still found.
        const checked = checkEventRow(l.line, l.record, lookups);
        if ('problem' in checked) writer.problem(l.line, checked.problem);
        else writer.event(checked);
      }
      clock.switch('parse');
    };
    const reading = { onBytes, onChunk, maxLine: LIMITS.lineBytes, maxBytes: LIMITS.dataFileBytes };
    clock.switch('parse');
    try {
      if (jsonl) {
        for await (const row of readJsonLines(path, reading)) onLine(jsonLineRecord(row.line, row.value, row.error));
      } else {
        await readCsv(path, EVENT_CSV_COLUMNS, (row) => onLine(row.ragged ? { line: row.line, problem: row.ragged } : { line: row.line, record: csvRecord(row.fields) }), reading);
      }
    } catch (err) {
      // Rows before a malformed spot are written and their problems listed, as a row-by-row import would.
      if (err instanceof FileFormatError) writer.finish();
      throw err;
    }
    writer.finish();
    contributions?.flush();
    return null;
  }

  /** A row callback timed as validation (the parser's own time counts as parsing). */
  private timed<R>(onRow: (row: R) => void): (row: R) => void {
    const clock = this.clock;
    return (row) => {
      clock.switch('validate');
      onRow(row);
      clock.switch('parse');
    };
  }
}

/** Friendships per INSERT statement (4 parameters each). */
const PAIRS_PER_STATEMENT = 256;

/**
 * An import's friendships written in multi-row statements: a new pair is
 * inserted, a stored one left alone by the insert (ON CONFLICT DO NOTHING)
 * and then compared; RETURNING names the pairs the statement inserted, so
 * each outcome is the one a row-by-row insert would have had. The file
 * names a pair at most once, so no batch holds a pair twice.
 */
class PairBatch {
  private readonly insertMany;
  private readonly insertNew;
  private readonly insertOne;
  /** No friendship was stored when the import began: no insert can meet a stored pair (the file names each at most once). */
  private readonly fresh: boolean;
  private params: (string | number | null)[] = [];
  private rows = 0;

  constructor(
    db: Db,
    private readonly clock: PhaseTimer,
  ) {
    const sql = 'INSERT INTO relationships (a, b, since, until) VALUES ';
    const values = Array(PAIRS_PER_STATEMENT).fill('(?, ?, ?, ?)').join(', ');
    this.insertMany = db.prepare(`${sql}${values} ON CONFLICT(a, b) DO NOTHING RETURNING a, b`).raw(true);
    // Into a table without friendships, RETURNING's rows (a result row per pair) tell nothing: every pair is inserted, or the statement fails.
    this.insertNew = db.prepare(`${sql}${values}`);
    this.fresh = db.prepare('SELECT 1 FROM relationships LIMIT 1').get() === undefined;
    this.insertOne = db.prepare(`${sql}(?, ?, ?, ?) ON CONFLICT(a, b) DO NOTHING`);
  }

  add(lo: number, hi: number, since: string, until: string | null, settle: PairOutcome): void {
    this.params.push(lo, hi, since, until);
    if (++this.rows === PAIRS_PER_STATEMENT) this.flush(settle);
  }

  /** Writes the pairs held and settles each, in file order. */
  flush(settle: PairOutcome): void {
    const { params, rows } = this;
    this.params = [];
    this.rows = 0;
    if (rows === 0) return;
    this.clock.within('write', () => {
      let added: PairSet | null = null;
      if (rows === PAIRS_PER_STATEMENT && this.fresh) this.insertNew.run(params);
      else if (rows === PAIRS_PER_STATEMENT) {
        const inserted = this.insertMany.all(params) as [number, number][];
        if (inserted.length < rows) {
          added = new PairSet(1 << 10);
          for (const [a, b] of inserted) added.add(a, b);
        }
      }
      for (let k = 0; k < rows * 4; k += 4) {
        const lo = params[k] as number;
        const hi = params[k + 1] as number;
        const since = params[k + 2] as string;
        const until = params[k + 3] as string | null;
        const wasAdded = rows < PAIRS_PER_STATEMENT ? this.insertOne.run(lo, hi, since, until).changes === 1 : added === null || added.has(lo, hi);
        settle(lo, hi, since, until, wasAdded);
      }
    });
  }
}

type PairOutcome = (lo: number, hi: number, since: string, until: string | null, added: boolean) => void;

/** The provenance of an import: who supplied it, from where, each file's SHA-256. */
function recordBatch(db: Db, operationId: number, provider: string | null, source: string, reads: FileRead[]): void {
  db.prepare('INSERT INTO import_batches (operation_id, provider, source) VALUES (?, ?, ?)').run(operationId, provider, source);
  const file = db.prepare('INSERT INTO import_files (operation_id, name, origin, sha256, bytes) VALUES (?, ?, ?, ?, ?)');
  for (const r of reads) file.run(operationId, r.name, r.origin, r.sha256, r.bytes);
}
