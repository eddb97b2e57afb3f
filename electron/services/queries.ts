/**
 * Read-side queries behind the console: overview, search, a citizen's record
 * and events, operations and the ledger entries they wrote, ruleset history.
 */
import { keyed } from '../../shared/englishText.js';
import type { Input, LedgerEntry, LedgerEntryWithOperation, OperationRow, Output, ParsedInput } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { nameMatch } from '../db/nameSearch.js';
import type { LedgerRow } from '../db/ledger.js';
import { centsToScore } from '../engine/scoring.js';
import { explainCitizen, NotFoundError } from './explain.js';
import { maskProtected } from './protectedFields.js';
import { loadScoringState } from './scoring.js';
import { eventSourceReader, importProviders } from './provenance.js';
import { eventScoringReader } from './eventScoring.js';
import { consentOf } from './consent.js';
import { consentRequired, countGivenAt } from './consentScope.js';

/**
 * A text search considers at most this many matches (in index order) and
 * says so: an as-you-type query must answer within 10 ms at 1M citizens,
 * and nobody reads past 1,000 hits; they narrow the search instead. The
 * matches are counted and ordered on every keystroke, so the time of a broad
 * search (王, "li w") grows with this number: at 10,000 the search took
 * 15-20 ms of CPU at the 95th percentile at 1M citizens, at 1,000 2-5 ms
 * (npm run bench -- --search).
 */
export const SEARCH_MATCH_LIMIT = 1_000;

export function overview(db: Db): Output<'overview'> {
  const state = loadScoringState(db);
  const population = db.prepare('SELECT count(*) FROM citizens').pluck().get() as number;
  const scored = db.prepare('SELECT count(*) FROM scores').pluck().get() as number;
  const tierCounts = new Map((db.prepare('SELECT tier, count(*) FROM scores GROUP BY tier').raw(true).all() as [string, number][]).map(([t, n]) => [t, n]));
  const tiers = state ? state.ruleset.spec.tiers.map((t) => ({ tier: t.name, min: t.min, count: tierCounts.get(t.name) ?? 0 })) : [];
  const histogram: Output<'overview'>['histogram'] = [];
  if (state && scored > 0) {
    const width = 25;
    const rows = db.prepare(`SELECT cast(floor(cents / ${width * 100}.0) AS INTEGER) AS bin, count(*) FROM scores GROUP BY bin ORDER BY bin`).raw(true).all() as [number, number][];
    // Every bin from the lowest to the highest, empty ones included, so the axis is linear.
    const counts = new Map(rows);
    if (rows.length > 0) {
      for (let bin = rows[0][0]; bin <= rows[rows.length - 1][0]; bin++) histogram.push({ from: bin * width, to: (bin + 1) * width, count: counts.get(bin) ?? 0 });
    }
  }
  // Scope: everyone with a score is in scope; with consent required, the rest are out of it.
  const required = state !== null && consentRequired(state.ruleset);
  const givenAtAsOf = state ? countGivenAt(db, state.asOfMs) : 0;
  return {
    population,
    scored,
    consent: { required, inScope: state ? scored : population, outOfScope: required ? population - scored : 0, givenAtAsOf },
    rulesetVersion: state?.version ?? null,
    asOf: state?.asOf ?? null,
    tiers,
    histogram,
    recentOperations: listOperations(db, { offset: 0, limit: 10 }).rows,
    ledgerEntries: db.prepare('SELECT count(*) FROM ledger').pluck().get() as number,
  };
}

export function districts(db: Db): string[] {
  return db.prepare('SELECT DISTINCT district FROM citizens ORDER BY district').pluck().all() as string[];
}

const SORT_SQL = { name: 'c.name', citizenId: 'c.citizen_id', score: 's.cents', district: 'c.district' } as const;

export function search(db: Db, q: ParsedInput<'search'>): Output<'search'> {
  const where: string[] = [];
  const params: Record<string, unknown> = { cap: SEARCH_MATCH_LIMIT + 1, shown: SEARCH_MATCH_LIMIT };
  const text = q.query.trim();
  let candidates: string | null = null;
  if (text) {
    if (/^[A-Za-z0-9_-]+$/.test(text) && /\d/.test(text)) {
      // Looks like an id: a prefix range on the unique index.
      candidates = 'SELECT idx FROM citizens WHERE citizen_id >= @idLo AND citizen_id < @idHi ORDER BY citizen_id LIMIT @cap';
      params.idLo = text;
      params.idHi = `${text}\u{10FFFF}`;
    } else {
      const match = nameMatch(text);
      if (!match) return { total: 0, capped: false, rows: [] };
      const latin = 'SELECT rowid AS idx FROM citizens_fts WHERE citizens_fts MATCH @latin';
      const cjk = 'SELECT rowid AS idx FROM citizens_cjk WHERE citizens_cjk MATCH @cjk';
      candidates = `${match.latin && match.cjk ? `SELECT idx FROM (${latin} INTERSECT ${cjk})` : match.latin ? latin : cjk} LIMIT @cap`;
      if (match.latin) params.latin = match.latin;
      if (match.cjk) params.cjk = match.cjk;
    }
  }
  if (q.district) {
    where.push('c.district = @district');
    params.district = q.district;
  }
  if (q.tier) {
    // With a text query the matches drive the search; the unary + keeps the
    // planner from scanning the whole tier index instead.
    where.push(text ? '+s.tier = @tier' : 's.tier = @tier');
    params.tier = q.tier;
  }
  if (q.minScore !== undefined) {
    where.push('s.cents >= @minCents');
    params.minCents = Math.round(q.minScore * 100);
  }
  if (q.maxScore !== undefined) {
    where.push('s.cents <= @maxCents');
    params.maxCents = Math.round(q.maxScore * 100);
  }
  if (q.scope) {
    // In scope is scored; out of scope is unscored while a ruleset that requires consent is published.
    const state = loadScoringState(db);
    const required = state !== null && consentRequired(state.ruleset);
    if (q.scope === 'in') where.push(state ? 's.citizen_idx IS NOT NULL' : '1');
    else where.push(required ? 's.citizen_idx IS NULL' : '0');
  }
  // Up to SEARCH_MATCH_LIMIT matches are counted and ordered on every
  // keystroke: they are looked up once (a materialized CTE) for both the
  // count and the page, each join is made only where it is needed (scores
  // for a score filter or order), and the page's own rows are joined last.
  const needsScores = q.scope !== undefined || q.tier !== undefined || q.minScore !== undefined || q.maxScore !== undefined || q.sort === 'score';
  // One match more than the limit is looked up, to tell that there are more;
  // it is counted, never shown nor filtered.
  const source = candidates ? '(SELECT idx FROM m LIMIT @shown) m CROSS JOIN citizens c ON c.idx = m.idx' : 'citizens c';
  const from = needsScores ? `${source} LEFT JOIN scores s ON s.citizen_idx = c.idx` : source;
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const matches = candidates ? `WITH m AS MATERIALIZED (${candidates}) ` : '';
  // The name (or id) matches, then those of them the filters keep; without a text, the citizens the filters keep.
  const matched = candidates ? 'SELECT count(*) FROM m' : 'SELECT NULL';
  const kept = where.length === 0 ? `SELECT count(*) FROM ${candidates ? '(SELECT idx FROM m LIMIT @shown)' : 'citizens'}` : `SELECT count(*) FROM (SELECT 1 FROM ${from} ${whereSql} LIMIT @cap)`;
  const dir = q.descending ? 'DESC' : 'ASC';
  const order = `${SORT_SQL[q.sort]} ${dir}${q.sort === 'citizenId' ? '' : `, c.citizen_id ${dir}`}`;
  const page = `SELECT c.idx FROM ${from} ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`;
  const rows = db
    .prepare(`${matches}SELECT c.citizen_id, c.name, c.name_latin, c.district, s.cents, s.tier, (${matched}), (${kept}) FROM (${page}) p CROSS JOIN citizens c ON c.idx = p.idx LEFT JOIN scores s ON s.citizen_idx = c.idx ORDER BY ${order}`)
    .raw(true)
    .all({ ...params, limit: q.limit, offset: q.offset }) as [string, string, string | null, string, number | null, string | null, number | null, number][];
  // An empty page carries no counts: asked on their own (no match, or paged past the end).
  const [matchCount, keptCount] = rows.length ? rows[0].slice(6) as [number | null, number] : (db.prepare(`${matches}SELECT (${matched}), (${kept})`).raw(true).get(params) as [number | null, number]);
  // Capped: more names matched than were considered (then the filters kept `total` of those considered), or more citizens kept than are shown.
  const capped = (matchCount ?? 0) > SEARCH_MATCH_LIMIT || (where.length > 0 && keptCount > SEARCH_MATCH_LIMIT);
  return {
    total: Math.min(keptCount, where.length > 0 || candidates ? SEARCH_MATCH_LIMIT : keptCount),
    capped,
    rows: rows.map(([citizenId, name, nameLatin, district, cents, tier]) => ({ citizenId, name, nameLatin, district, score: cents === null ? null : centsToScore(cents), tier })),
  };
}

function operationFromRow(r: { id: number; kind: string; actor: string; at: string; reason: string; details: string; entries?: number }): OperationRow {
  return { id: r.id, kind: r.kind as OperationRow['kind'], actor: r.actor, at: r.at, reason: r.reason, details: JSON.parse(r.details), ledgerEntries: r.entries ?? 0 };
}

type LedgerDbRow = Omit<LedgerRow, 'prev_hash'>;

function ledgerFromRow(r: LedgerDbRow): LedgerEntry {
  return {
    seq: r.seq,
    citizenId: r.citizen_id,
    operationId: r.operation_id,
    oldScore: r.old_score === null ? null : centsToScore(r.old_score),
    newScore: r.new_score === null ? null : centsToScore(r.new_score),
    oldTier: r.old_tier,
    newTier: r.new_tier,
    rulesetVersion: r.ruleset_version,
    cause: r.cause,
    causeFriends: JSON.parse(r.cause_friends),
    hash: r.hash,
  };
}

/** The record lists this many of each rule's events (the newest); the events list has them all. */
const EVENTS_PER_RULE_SHOWN = 100;

export function citizenRecord(db: Db, citizenId: string): Output<'citizen'> {
  const c = db
    .prepare('SELECT c.idx, c.citizen_id, c.name, c.name_latin, c.district, c.birth_date, s.cents, s.tier FROM citizens c LEFT JOIN scores s ON s.citizen_idx = c.idx WHERE c.citizen_id = ?')
    .get(citizenId) as { idx: number; citizen_id: string; name: string; name_latin: string | null; district: string; birth_date: string | null; cents: number | null; tier: string | null } | undefined;
  if (!c) throw new NotFoundError(keyed('notFound.citizen', { id: citizenId }));
  const history = (
    db
      .prepare(
        `SELECT l.seq, l.citizen_id, l.operation_id, l.old_score, l.new_score, l.old_tier, l.new_tier, l.ruleset_version, l.cause, l.cause_friends, l.hash,
                o.id, o.kind, o.actor, o.at, o.reason, o.details
         FROM ledger l JOIN operations o ON o.id = l.operation_id WHERE l.citizen_id = ? ORDER BY l.seq DESC`,
      )
      .all(citizenId) as (LedgerDbRow & { id: number; kind: string; actor: string; at: string; reason: string; details: string })[]
  ).map((r): LedgerEntryWithOperation => {
    const { ledgerEntries: _omit, ...operation } = operationFromRow(r);
    return { ...ledgerFromRow(r), operation };
  });
  return {
    summary: { citizenId: c.citizen_id, name: c.name, nameLatin: c.name_latin, district: c.district, birthDate: c.birth_date, score: c.cents === null ? null : centsToScore(c.cents), tier: c.tier },
    explanation: c.cents === null ? null : explainCitizen(db, citizenId, { maxEventsPerRule: EVENTS_PER_RULE_SHOWN }),
    history,
    eventCount: db.prepare('SELECT count(*) FROM events WHERE citizen_idx = ?').pluck().get(c.idx) as number,
    consent: consentOf(db, c.idx),
  };
}

export function citizenEvents(db: Db, q: ParsedInput<'citizenEvents'>): Output<'citizenEvents'> {
  const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(q.citizenId) as number | undefined;
  if (idx === undefined) throw new NotFoundError(keyed('notFound.citizen', { id: q.citizenId }));
  const total = db.prepare('SELECT count(*) FROM events WHERE citizen_idx = ?').pluck().get(idx) as number;
  const rows = db
    .prepare('SELECT event_id, kind, occurred_at, data, retracted_by, operation_id, idx, occurred_ms FROM events WHERE citizen_idx = ? ORDER BY occurred_ms DESC, idx DESC LIMIT ? OFFSET ?')
    .raw(true)
    .all(idx, q.limit, q.offset) as [string, string, string, string, number | null, number, number, number][];
  // Protected fields are withheld unless the caller (an auditor, checked and logged by the handler) unmasks them.
  const kinds = loadKinds(db);
  const sourceOf = eventSourceReader(db);
  const scoringOf = eventScoringReader(db, idx, rows.map((r) => r[6]));
  return {
    total,
    rows: rows.map(([eventId, kind, occurredAt, data, retractedBy, recordedBy, eventIdx, occurredMs]) => {
      const parsed = JSON.parse(data) as Record<string, unknown>;
      const shown = q.unmask ? { data: parsed, masked: [] } : maskProtected(kinds.get(kind), parsed);
      return { eventId, kind, occurredAt, data: shown.data, retracted: retractedBy !== null, retractedBy, recordedBy, masked: shown.masked, source: sourceOf(recordedBy), scoring: scoringOf(eventIdx, occurredMs, retractedBy !== null) };
    }),
  };
}

export function listOperations(db: Db, q: Input<'operations'> & { offset: number; limit: number }): Output<'operations'> {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.kind) {
    where.push('o.kind = @kind');
    params.kind = q.kind;
  }
  if (q.actor) {
    where.push('o.actor = @actor');
    params.actor = q.actor;
  }
  if (q.provider) {
    where.push('o.id IN (SELECT operation_id FROM import_batches WHERE provider = @provider)');
    params.provider = q.provider;
  }
  if (q.query) {
    where.push("(o.reason LIKE @like ESCAPE '\\' OR o.details LIKE @like ESCAPE '\\')");
    params.like = `%${q.query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = db.prepare(`SELECT count(*) FROM operations o ${whereSql}`).pluck().get(params) as number;
  const rows = db
    .prepare(
      `SELECT o.*, (SELECT count(*) FROM ledger l WHERE l.operation_id = o.id) AS entries FROM operations o ${whereSql} ORDER BY o.id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset }) as Parameters<typeof operationFromRow>[0][];
  return { total, rows: rows.map(operationFromRow), providers: importProviders(db) };
}

export function operationLedger(db: Db, q: ParsedInput<'operationLedger'>): Output<'operationLedger'> {
  const op = db.prepare('SELECT o.*, (SELECT count(*) FROM ledger l WHERE l.operation_id = o.id) AS entries FROM operations o WHERE o.id = ?').get(q.operationId) as
    | Parameters<typeof operationFromRow>[0]
    | undefined;
  if (!op) throw new NotFoundError(keyed('notFound.operation', { id: q.operationId }));
  const rows = db.prepare('SELECT * FROM ledger WHERE operation_id = ? ORDER BY seq LIMIT ? OFFSET ?').all(q.operationId, q.limit, q.offset) as LedgerDbRow[];
  return { operation: operationFromRow(op), total: op.entries ?? 0, rows: rows.map(ledgerFromRow) };
}

export function rulesetVersions(db: Db): Output<'rulesetVersions'> {
  const rows = db
    .prepare('SELECT r.version, r.operation_id, r.spec, o.actor, o.at, o.reason, o.details FROM rulesets r JOIN operations o ON o.id = r.operation_id ORDER BY r.version DESC')
    .all() as { version: number; operation_id: number; spec: string; actor: string; at: string; reason: string; details: string | null }[];
  return rows.map((r) => {
    const details = (r.details ? JSON.parse(r.details) : {}) as { proposed_by?: unknown; approved_by?: unknown };
    return {
      version: r.version,
      operationId: r.operation_id,
      actor: r.actor,
      at: r.at,
      reason: r.reason,
      rules: (JSON.parse(r.spec).rules as unknown[]).length,
      proposedBy: typeof details.proposed_by === 'string' ? details.proposed_by : null,
      approvedBy: typeof details.approved_by === 'string' ? details.approved_by : null,
    };
  });
}
