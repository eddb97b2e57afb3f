/**
 * Disputes of an event (or of a confirmed restrictive measure): open ->
 * under review -> upheld | rejected, each step with a user and a reason, each
 * an operation and a row of the access log. An upheld dispute of an event
 * retracts it under an `appeal_decided` operation, so the ledger entries of
 * the score change point at the appeal. The official who opened a dispute
 * cannot decide it: a second person does (separation of duties).
 */
import { keyed } from '../../shared/englishText.js';
import { SYSTEM_REASONS } from '../../shared/systemReasons.js';
import type { LoggedAction } from '../../shared/accessActions.js';
import type { Db } from '../db/connection.js';
import { recordOperation } from '../db/operations.js';
import { logAccess } from './accessLog.js';
import { NotFoundError } from './explain.js';
import { RejectedInputError } from './ruleLab.js';
import { measuresFor } from './measures.js';
import { TwoPersonRuleError } from './proposals.js';
import { retractEvent } from './retract.js';
import { loadScoringState } from './scoring.js';
import { whyNoScoreChange } from './noChange.js';
import { eventSourceReader, type EventSource } from './provenance.js';

export type DisputeStatus = 'open' | 'under_review' | 'upheld' | 'rejected';

const NEXT: Record<DisputeStatus, DisputeStatus[]> = { open: ['under_review'], under_review: ['upheld', 'rejected'], upheld: [], rejected: [] };

export interface DisputeView {
  id: number;
  citizenId: string;
  eventId: string | null;
  measureId: string | null;
  statement: string;
  status: DisputeStatus;
  openedBy: string;
  openedAt: string;
  deadline: string;
  overdue: boolean;
  operationId: number | null;
  history: { status: string; by: string; at: string; reason: string }[];
  citizenName: string;
  district: string;
  assignedTo: string | null;
  outcomeNote: string | null;
  /** For a dispute of an event: where it came from, and so whom to contact. */
  source: EventSource | null;
}

const STEP_KIND = { under_review: 'dispute_reviewed', upheld: 'dispute_decided', rejected: 'dispute_decided' } as const;
const ACTION: Record<DisputeStatus, LoggedAction> = { open: 'open_dispute', under_review: 'review_dispute', upheld: 'decide_dispute', rejected: 'decide_dispute' };

function citizenIdOf(db: Db, idx: number): string {
  return db.prepare('SELECT citizen_id FROM citizens WHERE idx = ?').pluck().get(idx) as string;
}

export function disputeDeadlineDays(db: Db): number {
  return Number(db.prepare("SELECT value FROM settings WHERE key = 'dispute_deadline_days'").pluck().get() ?? 30);
}

export function openDispute(db: Db, input: { citizenId: string; eventId?: string; measureId?: string; statement: string }, by: string): number {
  return db.transaction(() => {
    const citizen = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(input.citizenId) as number | undefined;
    if (citizen === undefined) throw new NotFoundError(keyed('notFound.citizen', { id: input.citizenId }));
    if (!!input.eventId === !!input.measureId) throw new RejectedInputError(keyed('rejected.disputeOneSubject'));
    let eventIdx: number | null = null;
    let decisionId: number | null = null;
    if (input.eventId) {
      const ev = db.prepare('SELECT idx, retracted_by FROM events WHERE event_id = ? AND citizen_idx = ?').get(input.eventId, citizen) as { idx: number; retracted_by: number | null } | undefined;
      if (!ev) throw new NotFoundError(keyed('notFound.citizenEvent', { citizen: input.citizenId, event: input.eventId }));
      if (ev.retracted_by !== null) throw new RejectedInputError(keyed('rejected.eventRetracted', { event: String(input.eventId) }));
      eventIdx = ev.idx;
    } else {
      // The same view of "applied" as the record shows: a decision under the current ruleset version.
      const applied = measuresFor(db, input.citizenId).find((m) => m.id === input.measureId && m.status === 'confirmed');
      const version = loadScoringState(db)?.version;
      const d = applied
        ? (db.prepare('SELECT id FROM measure_decisions WHERE citizen_idx = ? AND measure_id = ? AND ruleset_version = ? ORDER BY id DESC LIMIT 1').get(citizen, input.measureId, version) as { id: number })
        : undefined;
      if (!d) throw new RejectedInputError(keyed('rejected.measureNotApplied', { measure: String(input.measureId), citizen: input.citizenId }));
      decisionId = d.id;
    }
    const active = db
      .prepare("SELECT id FROM disputes WHERE citizen_idx = ? AND status IN ('open','under_review') AND (event_idx IS ? AND measure_decision_id IS ?)")
      .get(citizen, eventIdx, decisionId) as { id: number } | undefined;
    if (active) throw new RejectedInputError(keyed('rejected.disputeStillOpen', { id: active.id }));
    const now = new Date();
    const deadline = new Date(now.getTime() + disputeDeadlineDays(db) * 86_400_000).toISOString();
    const id = Number(
      db
        .prepare("INSERT INTO disputes (citizen_idx, event_idx, measure_decision_id, statement, status, opened_by, opened_at, deadline) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)")
        .run(citizen, eventIdx, decisionId, input.statement, by, now.toISOString(), deadline).lastInsertRowid,
    );
    db.prepare("INSERT INTO dispute_history (dispute_id, status, changed_by, changed_at, reason) VALUES (?, 'open', ?, ?, ?)").run(id, by, now.toISOString(), SYSTEM_REASONS.disputeOpened);
    const about = input.eventId ? { event_id: input.eventId } : { measure_id: input.measureId };
    recordOperation(db, { kind: 'dispute_opened', actor: by, reason: SYSTEM_REASONS.disputeOpened, details: { dispute_id: id, citizen_id: input.citizenId, ...about, deadline } });
    logAccess(db, { username: by, action: ACTION.open, citizenId: input.citizenId, detail: input.eventId ? { key: 'access.disputeOpenedEvent', params: { id, event: input.eventId } } : { key: 'access.disputeOpenedMeasure', params: { id, measure: String(input.measureId) } }, outcome: 'allowed' });
    return id;
  })();
}

/**
 * Moves a dispute one step. Returns the operation that changed scores (the
 * appeal that retracted the event) or null, and the operation of the step.
 */
export function moveDispute(db: Db, id: number, status: DisputeStatus, by: string, reason: string): { operationId: number | null; stepOperationId: number } {
  // Checked (and the refusal logged) outside the transaction, which a refusal rolls back.
  const opener = db.prepare('SELECT d.opened_by, c.citizen_id FROM disputes d JOIN citizens c ON c.idx = d.citizen_idx WHERE d.id = ?').get(id) as { opened_by: string; citizen_id: string } | undefined;
  if (opener && (status === 'upheld' || status === 'rejected') && opener.opened_by.toLowerCase() === by.toLowerCase()) {
    logAccess(db, { username: by, action: ACTION[status], citizenId: opener.citizen_id, detail: { key: 'access.refusedOwnDispute', params: { user: by, id } }, outcome: 'refused' });
    throw new TwoPersonRuleError(`dispute ${id} was opened by ${opener.opened_by}: another official must decide it`, { key: 'twoPerson.ownDispute', params: { id, opener: opener.opened_by } });
  }
  return db.transaction(() => {
    const d = db
      .prepare('SELECT d.*, e.event_id, m.measure_id FROM disputes d LEFT JOIN events e ON e.idx = d.event_idx LEFT JOIN measure_decisions m ON m.id = d.measure_decision_id WHERE d.id = ?')
      .get(id) as
      | { id: number; status: DisputeStatus; citizen_idx: number; event_id: string | null; measure_id: string | null; measure_decision_id: number | null; opened_by: string }
      | undefined;
    if (!d) throw new NotFoundError(keyed('notFound.dispute', { id }));
    if (!NEXT[d.status].includes(status)) throw new RejectedInputError(keyed('rejected.disputeTransition', { from: d.status, to: status }));
    const citizenId = citizenIdOf(db, d.citizen_idx);
    if ((status === 'upheld' || status === 'rejected') && d.opened_by.toLowerCase() === by.toLowerCase()) throw new TwoPersonRuleError(`dispute ${id} was opened by ${d.opened_by}: another official must decide it`, { key: 'twoPerson.ownDispute', params: { id, opener: d.opened_by } });
    let operationId: number | null = null;
    let stepOperationId: number;
    let outcomeNote: string | null = null;
    if (status === 'upheld' && d.event_id) {
      const before = db.prepare('SELECT cents, tier FROM scores WHERE citizen_idx = ?').get(d.citizen_idx) as { cents: number; tier: string } | undefined;
      const why = whyNoScoreChange(db, d.event_id);
      operationId = retractEvent(db, d.event_id, { actor: by, reason, kind: 'appeal_decided', details: { dispute_id: id } }).operationId;
      stepOperationId = operationId;
      const after = db.prepare('SELECT cents, tier FROM scores WHERE citizen_idx = ?').get(d.citizen_idx) as { cents: number; tier: string } | undefined;
      if (before && after && before.cents === after.cents) outcomeNote = `The event was retracted, but the score did not change: ${why}`;
    } else {
      stepOperationId = recordOperation(db, { kind: STEP_KIND[status as keyof typeof STEP_KIND], actor: by, reason, details: { dispute_id: id, citizen_id: citizenId, status } }).id;
    }
    if (status === 'upheld' && d.measure_id) {
      const m = db.prepare('SELECT measure_id, ruleset_version FROM measure_decisions WHERE id = ?').get(d.measure_decision_id) as { measure_id: string; ruleset_version: number };
      db.prepare("INSERT INTO measure_decisions (citizen_idx, measure_id, ruleset_version, decision, decided_by, decided_at, reason) VALUES (?, ?, ?, 'withdrawn', ?, ?, ?)").run(
        d.citizen_idx,
        m.measure_id,
        m.ruleset_version,
        by,
        new Date().toISOString(),
        `dispute ${id} upheld: ${reason}`,
      );
    }
    const now = new Date().toISOString();
    db.prepare('UPDATE disputes SET status = ?, operation_id = coalesce(?, operation_id), outcome_note = coalesce(?, outcome_note) WHERE id = ?').run(status, operationId, outcomeNote, id);
    db.prepare('INSERT INTO dispute_history (dispute_id, status, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?)').run(id, status, by, now, reason);
    logAccess(db, { username: by, action: ACTION[status], citizenId, detail: { key: 'access.disputeStatus', params: { id, status } }, outcome: 'allowed' });
    return { operationId, stepOperationId };
  })();
}

/** How many disputes await a decision, and how many of those are past their deadline. */
export function disputeCounts(db: Db): { active: number; overdue: number } {
  const row = db
    .prepare("SELECT count(*) AS active, coalesce(sum(deadline < ?), 0) AS overdue FROM disputes WHERE status IN ('open','under_review')")
    .get(new Date().toISOString()) as { active: number; overdue: number };
  return { active: row.active, overdue: row.overdue };
}

/** The accounts that may review and decide disputes: enabled officials and administrators. */
export function disputeReviewers(db: Db): { username: string; displayName: string; role: 'official' | 'admin' }[] {
  return db
    .prepare("SELECT username, display_name AS displayName, role FROM users WHERE role IN ('official', 'admin') AND disabled_at IS NULL ORDER BY username")
    .all() as { username: string; displayName: string; role: 'official' | 'admin' }[];
}

/** Assign an open dispute to a reviewer (or take the assignment away): an operation with a reason, and logged. */
export function assignDispute(db: Db, id: number, assignee: string | null, by: string, reason: string): { operationId: number } {
  return db.transaction(() => {
    const d = db.prepare('SELECT status, citizen_idx, assigned_to FROM disputes WHERE id = ?').get(id) as { status: DisputeStatus; citizen_idx: number; assigned_to: string | null } | undefined;
    if (!d) throw new NotFoundError(keyed('notFound.dispute', { id }));
    if (d.status !== 'open' && d.status !== 'under_review') throw new RejectedInputError(keyed('rejected.disputeNotAssignable', { id, status: d.status }));
    let name: string | null = null;
    if (assignee !== null) {
      const found = disputeReviewers(db).find((r) => r.username.toLowerCase() === assignee.toLowerCase());
      if (!found) throw new RejectedInputError(keyed('rejected.notAssignee', { user: String(assignee) }));
      name = found.username;
    }
    if (name === d.assigned_to) throw new RejectedInputError(name ? keyed('rejected.alreadyAssigned', { id, user: name }) : keyed('rejected.notAssigned', { id }));
    const citizenId = citizenIdOf(db, d.citizen_idx);
    const op = recordOperation(db, { kind: 'dispute_assigned', actor: by, reason, details: { dispute_id: id, citizen_id: citizenId, assigned_to: name, previously: d.assigned_to } });
    db.prepare('UPDATE disputes SET assigned_to = ? WHERE id = ?').run(name, id);
    logAccess(db, { username: by, action: 'assign_dispute', citizenId, detail: name ? { key: 'access.disputeAssigned', params: { id, user: name } } : { key: 'access.disputeUnassigned', params: { id } }, outcome: 'allowed' });
    return { operationId: op.id };
  })();
}

export interface DisputeFilter {
  citizenId?: string;
  status?: DisputeStatus;
  openOnly?: boolean;
  district?: string;
  openedBy?: string;
  assignedTo?: string;
  overdueOnly?: boolean;
}

export function listDisputes(db: Db, q: DisputeFilter): DisputeView[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.citizenId) {
    where.push('c.citizen_id = @citizenId');
    params.citizenId = q.citizenId;
  }
  if (q.status) {
    where.push('d.status = @status');
    params.status = q.status;
  }
  if (q.openOnly || q.overdueOnly) where.push("d.status IN ('open','under_review')");
  if (q.overdueOnly) {
    where.push('d.deadline < @now');
    params.now = new Date().toISOString();
  }
  if (q.district) {
    where.push('c.district = @district');
    params.district = q.district;
  }
  if (q.openedBy) {
    where.push('d.opened_by = @openedBy COLLATE NOCASE');
    params.openedBy = q.openedBy;
  }
  if (q.assignedTo) {
    where.push('d.assigned_to = @assignedTo COLLATE NOCASE');
    params.assignedTo = q.assignedTo;
  }
  const rows = db
    .prepare(
      `SELECT d.*, c.citizen_id, c.name AS citizen_name, c.district, e.event_id, e.operation_id AS event_operation_id, m.measure_id FROM disputes d JOIN citizens c ON c.idx = d.citizen_idx
       LEFT JOIN events e ON e.idx = d.event_idx LEFT JOIN measure_decisions m ON m.id = d.measure_decision_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.deadline, d.id LIMIT 500`,
    )
    .all(params) as { id: number; citizen_id: string; citizen_name: string; district: string; assigned_to: string | null; outcome_note: string | null; event_id: string | null; event_operation_id: number | null; measure_id: string | null; statement: string; status: DisputeStatus; opened_by: string; opened_at: string; deadline: string; operation_id: number | null }[];
  const history = db.prepare('SELECT status, changed_by AS by, changed_at AS at, reason FROM dispute_history WHERE dispute_id = ? ORDER BY id');
  const now = new Date().toISOString();
  const sourceOf = eventSourceReader(db);
  return rows.map((r) => ({
    id: r.id,
    citizenId: r.citizen_id,
    eventId: r.event_id,
    measureId: r.measure_id,
    statement: r.statement,
    status: r.status,
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    deadline: r.deadline,
    overdue: (r.status === 'open' || r.status === 'under_review') && r.deadline < now,
    operationId: r.operation_id,
    history: history.all(r.id) as DisputeView['history'],
    citizenName: r.citizen_name,
    district: r.district,
    assignedTo: r.assigned_to,
    outcomeNote: r.outcome_note,
    source: r.event_operation_id === null ? null : sourceOf(r.event_operation_id),
  }));
}
