/**
 * Subject access (GDPR Art. 15): everything Credence holds on one citizen, as
 * one JSON-serialisable object. The citizen's record, every event (retracted
 * ones too, with the operations that recorded and retracted them), what each
 * event contributes, the stored score and its explanation, every ledger entry
 * with its operation, the citizen's friendships, and the rows about the
 * citizen in any other table that has a citizen column (access_log,
 * disputes, adjustments, ...).
 *
 * Other people appear only as ids: the other party of a friendship and the
 * friends named in a ledger entry's cause (part of the hashed entry). The
 * explanation's per-friend list (names, scores, shares) is left out, and an
 * operation that concerns someone else (a friend's event moved this
 * citizen's score) is shown by id, kind and time only.
 */
import { keyed } from '../../shared/englishText.js';
import type { Explanation } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import { countsAt } from '../engine/rules.js';
import { centsToScore } from '../engine/scoring.js';
import { citizenRows, columnsOf, jsonSafe, otherCitizenTables, tableExists, type CitizenRows } from './citizenTables.js';
import { explainCitizen, NotFoundError } from './explain.js';
import { loadScoringState } from './scoring.js';
import { consentOf, type ConsentView } from './consent.js';
import { consentNotice, type ConsentNotice } from './consentNotice.js';

export const SUBJECT_ACCESS_FORMAT = 'credence-subject-access';
export const SUBJECT_ACCESS_FORMAT_VERSION = 1;

/** Tables whose rows about the citizen the export reads itself (or that hold nothing per citizen). */
const CORE_TABLES = new Set(['consents', 'citizens', 'events', 'contributions', 'scores', 'ledger', 'relationships', 'operations', 'rulesets', 'scoring_state', 'event_kinds']);
/** Tables other features add; always listed in the export, as `absent` until they exist. */
const NAMED_TABLES = ['access_log', 'disputes', 'adjustments'];
/** Operations about the whole population, never about one other person. */
const POPULATION_OPERATIONS = new Set(['events_imported', 'ruleset_published', 'records_expired']);

export type OperationView =
  | { id: number; kind: string; actor: string; at: string; reason: string; details: unknown }
  | { id: number; kind: string; at: string; withheld: 'concerns another person' };

export interface SubjectAccessExport {
  format: typeof SUBJECT_ACCESS_FORMAT;
  formatVersion: typeof SUBJECT_ACCESS_FORMAT_VERSION;
  generatedAt: string;
  citizen: { citizenId: string; name: string; nameLatin: string | null; district: string; birthDate: string | null };
  events: {
    eventId: string;
    kind: string;
    occurredAt: string;
    data: unknown;
    status: 'active' | 'retracted';
    recordedBy: OperationView;
    retractedBy: OperationView | null;
    /**
     * What the event contributes under the current ruleset (non-zero points,
     * or an evaluation error); `counts` is false when it lies outside the
     * rule's counting window (ttl) at the scoring instant.
     */
    contributions: { ruleId: string; points: number; error: string | null; counts: boolean }[];
  }[];
  score: { score: number; tier: string; own: number; friendPenalty: number; ruleTotals: Record<string, number>; rulesetVersion: number; asOf: string } | null;
  /** The explanation of the score, without the per-friend list (other people's scores). */
  explanation: Omit<Explanation, 'friends'> | null;
  ledger: {
    seq: number;
    operation: OperationView;
    oldScore: number | null;
    newScore: number | null;
    oldTier: string | null;
    newTier: string | null;
    rulesetVersion: number;
    cause: string;
    causeFriends: string[];
    prevHash: string;
    hash: string;
  }[];
  relationships: { otherCitizenId: string; since: string; until: string | null; activeAtAsOf: boolean | null }[];
  /** Rows about the citizen in tables other features add, by table. */
  otherTables: Record<string, CitizenRows>;
  /** The citizen's consent history (newest first), the consent that counts, and how to withdraw it. */
  consent: ConsentView & ConsentNotice;
}

interface OperationDbRow {
  id: number;
  kind: string;
  actor: string;
  at: string;
  reason: string;
  details: string;
}

export function subjectAccessExport(db: Db, citizenId: string, options: { now?: Date } = {}): SubjectAccessExport {
  const read = db.transaction(() => collect(db, citizenId, options.now ?? new Date()));
  // One read transaction: the export is a consistent snapshot even while the console writes.
  return read();
}

function collect(db: Db, citizenId: string, now: Date): SubjectAccessExport {
  const c = db.prepare('SELECT idx, citizen_id, name, name_latin, district, birth_date FROM citizens WHERE citizen_id = ?').get(citizenId) as
    | { idx: number; citizen_id: string; name: string; name_latin: string | null; district: string; birth_date: string | null }
    | undefined;
  if (!c) throw new NotFoundError(keyed('notFound.citizen', { id: citizenId }));
  const state = loadScoringState(db);

  const eventRows = db
    .prepare('SELECT idx, event_id, kind, occurred_at, data, operation_id, retracted_by FROM events WHERE citizen_idx = ? ORDER BY occurred_ms, idx')
    .all(c.idx) as { idx: number; event_id: string; kind: string; occurred_at: string; data: string; operation_id: number; retracted_by: number | null }[];
  const ownEventOperations = new Set(eventRows.flatMap((e) => (e.retracted_by === null ? [e.operation_id] : [e.operation_id, e.retracted_by])));

  const opStmt = db.prepare('SELECT id, kind, actor, at, reason, details FROM operations WHERE id = ?');
  const operations = new Map<number, OperationView>();
  const operation = (id: number): OperationView => {
    let view = operations.get(id);
    if (!view) {
      const op = opStmt.get(id) as OperationDbRow;
      const details = JSON.parse(op.details) as Record<string, unknown>;
      const aboutThisCitizen = ownEventOperations.has(id) || POPULATION_OPERATIONS.has(op.kind) || details.citizen_id === c.citizen_id;
      view = aboutThisCitizen
        ? { id: op.id, kind: op.kind, actor: op.actor, at: op.at, reason: op.reason, details }
        : { id: op.id, kind: op.kind, at: op.at, withheld: 'concerns another person' };
      operations.set(id, view);
    }
    return view;
  };

  const rules = state?.ruleset.rules ?? [];
  const contributionRows = db
    .prepare('SELECT event_idx, rule_index, occurred_ms, points, error FROM contributions WHERE citizen_idx = ? ORDER BY event_idx, rule_index')
    .all(c.idx) as { event_idx: number; rule_index: number; occurred_ms: number; points: number; error: string | null }[];
  const byEvent = new Map<number, SubjectAccessExport['events'][number]['contributions']>();
  for (const r of contributionRows) {
    const list = byEvent.get(r.event_idx) ?? [];
    const rule = rules[r.rule_index];
    const counts = !!state && !!rule && r.error === null && countsAt(rule, r.occurred_ms, state.asOfMs);
    list.push({ ruleId: rule?.spec.id ?? `rule #${r.rule_index}`, points: r.points, error: r.error, counts });
    byEvent.set(r.event_idx, list);
  }

  const scoreRow = db.prepare('SELECT cents, tier, own, penalty, totals FROM scores WHERE citizen_idx = ?').get(c.idx) as
    | { cents: number; tier: string; own: number; penalty: number; totals: string }
    | undefined;
  let explanation: SubjectAccessExport['explanation'] = null;
  if (state && scoreRow) {
    const { friends: _otherPeople, ...own } = explainCitizen(db, c.citizen_id);
    explanation = own;
  }

  const ledger = (
    db
      .prepare('SELECT seq, operation_id, old_score, new_score, old_tier, new_tier, ruleset_version, cause, cause_friends, prev_hash, hash FROM ledger WHERE citizen_id = ? ORDER BY seq')
      .all(c.citizen_id) as {
      seq: number;
      operation_id: number;
      old_score: number | null;
      new_score: number | null;
      old_tier: string | null;
      new_tier: string | null;
      ruleset_version: number;
      cause: string;
      cause_friends: string;
      prev_hash: string;
      hash: string;
    }[]
  ).map((l) => ({
    seq: l.seq,
    operation: operation(l.operation_id),
    oldScore: l.old_score === null ? null : centsToScore(l.old_score),
    newScore: l.new_score === null ? null : centsToScore(l.new_score),
    oldTier: l.old_tier,
    newTier: l.new_tier,
    rulesetVersion: l.ruleset_version,
    cause: l.cause,
    causeFriends: JSON.parse(l.cause_friends) as string[],
    prevHash: l.prev_hash,
    hash: l.hash,
  }));

  const consentView = consentOf(db, c.idx);
  const asOfDate = state ? state.asOf.slice(0, 10) : null;
  const relationships = (
    db
      .prepare(
        `SELECT o.citizen_id AS other, r.since, r.until FROM relationships r JOIN citizens o ON o.idx = CASE WHEN r.a = @i THEN r.b ELSE r.a END
         WHERE r.a = @i OR r.b = @i ORDER BY o.citizen_id, r.since`,
      )
      .all({ i: c.idx }) as { other: string; since: string; until: string | null }[]
  ).map((r) => ({
    otherCitizenId: r.other,
    since: r.since,
    until: r.until,
    activeAtAsOf: asOfDate === null ? null : r.since <= asOfDate && (r.until === null || asOfDate < r.until),
  }));

  const key = { id: c.citizen_id, idx: c.idx };
  const otherTables: Record<string, CitizenRows> = {};
  for (const table of [...NAMED_TABLES, ...otherCitizenTables(db, new Set([...CORE_TABLES, ...NAMED_TABLES]))]) otherTables[table] = citizenRows(db, table, key);
  const history = disputeHistory(db, otherTables.disputes);
  if (history) otherTables.dispute_history = history;
  const proposals = adjustmentProposals(db, c.citizen_id);
  if (proposals) otherTables.proposals = proposals;

  return {
    format: SUBJECT_ACCESS_FORMAT,
    formatVersion: SUBJECT_ACCESS_FORMAT_VERSION,
    generatedAt: now.toISOString(),
    citizen: { citizenId: c.citizen_id, name: c.name, nameLatin: c.name_latin, district: c.district, birthDate: c.birth_date },
    events: eventRows.map((e) => ({
      eventId: e.event_id,
      kind: e.kind,
      occurredAt: e.occurred_at,
      data: JSON.parse(e.data),
      status: e.retracted_by === null ? 'active' : 'retracted',
      recordedBy: operation(e.operation_id),
      retractedBy: e.retracted_by === null ? null : operation(e.retracted_by),
      contributions: byEvent.get(e.idx) ?? [],
    })),
    score:
      state && scoreRow
        ? {
            score: centsToScore(scoreRow.cents),
            tier: scoreRow.tier,
            own: scoreRow.own,
            friendPenalty: scoreRow.penalty,
            ruleTotals: JSON.parse(scoreRow.totals) as Record<string, number>,
            rulesetVersion: state.version,
            asOf: state.asOf,
          }
        : null,
    explanation,
    ledger,
    relationships,
    otherTables,
    consent: { ...consentView, ...consentNotice(consentView) },
  };
}

/*
 * Rows about the citizen that name them only through another row. They follow
 * the schema of the disputes and proposals features (migration 0080) and are
 * skipped where those tables are absent.
 */

/** The history of the citizen's disputes (dispute_history.dispute_id -> disputes.id). */
function disputeHistory(db: Db, disputes: CitizenRows): CitizenRows | null {
  const table = 'dispute_history';
  if (!tableExists(db, table)) return null;
  const columns = columnsOf(db, table);
  if (!columns.includes('dispute_id') || disputes.status !== 'read') return { table, status: 'no_citizen_column', columns };
  const ids = JSON.stringify(disputes.rows.map((r) => r.id));
  const rows = db.prepare(`SELECT * FROM ${table} WHERE dispute_id IN (SELECT value FROM json_each(?)) ORDER BY dispute_id`).all(ids) as Record<string, unknown>[];
  return { table, status: 'read', citizenColumn: 'dispute_id (of the citizen\'s disputes)', rows: rows.map(jsonSafe) };
}

/** Proposed manual adjustments of the citizen's score, approved or not (proposals.payload.citizenId). */
function adjustmentProposals(db: Db, citizenId: string): CitizenRows | null {
  const table = 'proposals';
  if (!tableExists(db, table)) return null;
  const columns = columnsOf(db, table);
  if (!columns.includes('kind') || !columns.includes('payload')) return { table, status: 'no_citizen_column', columns };
  const rows = db
    .prepare(`SELECT * FROM ${table} WHERE kind = 'adjustment' AND json_valid(payload) AND json_extract(payload, '$.citizenId') = ?`)
    .all(citizenId) as Record<string, unknown>[];
  return { table, status: 'read', citizenColumn: 'payload.citizenId', rows: rows.map(jsonSafe) };
}
