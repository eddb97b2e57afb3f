/**
 * Disputes of an event (or of a confirmed restrictive measure): open ->
 * under review -> upheld | rejected, each step with a user and a reason. An
 * upheld dispute of an event retracts it under an `appeal_decided` operation,
 * so the ledger entries of the score change point at the appeal.
 */
import type { Db } from '../db/connection.js';
import { NotFoundError } from './explain.js';
import { RejectedInputError } from './ruleLab.js';
import { measuresFor } from './measures.js';
import { retractEvent } from './retract.js';
import { loadScoringState } from './scoring.js';

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
}

export function disputeDeadlineDays(db: Db): number {
  return Number(db.prepare("SELECT value FROM settings WHERE key = 'dispute_deadline_days'").pluck().get() ?? 30);
}

export function openDispute(db: Db, input: { citizenId: string; eventId?: string; measureId?: string; statement: string }, by: string): number {
  return db.transaction(() => {
    const citizen = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(input.citizenId) as number | undefined;
    if (citizen === undefined) throw new NotFoundError(`no citizen with id '${input.citizenId}'`);
    if (!!input.eventId === !!input.measureId) throw new RejectedInputError('a dispute is about one event or one measure');
    let eventIdx: number | null = null;
    let decisionId: number | null = null;
    if (input.eventId) {
      const ev = db.prepare('SELECT idx, retracted_by FROM events WHERE event_id = ? AND citizen_idx = ?').get(input.eventId, citizen) as { idx: number; retracted_by: number | null } | undefined;
      if (!ev) throw new NotFoundError(`citizen ${input.citizenId} has no event '${input.eventId}'`);
      if (ev.retracted_by !== null) throw new RejectedInputError(`event ${input.eventId} is already retracted`);
      eventIdx = ev.idx;
    } else {
      // The same view of "applied" as the record shows: a decision under the current ruleset version.
      const applied = measuresFor(db, input.citizenId).find((m) => m.id === input.measureId && m.status === 'confirmed');
      const version = loadScoringState(db)?.version;
      const d = applied
        ? (db.prepare('SELECT id FROM measure_decisions WHERE citizen_idx = ? AND measure_id = ? AND ruleset_version = ? ORDER BY id DESC LIMIT 1').get(citizen, input.measureId, version) as { id: number })
        : undefined;
      if (!d) throw new RejectedInputError(`measure ${input.measureId} is not applied to ${input.citizenId}: only a confirmed restriction can be disputed`);
      decisionId = d.id;
    }
    const active = db
      .prepare("SELECT id FROM disputes WHERE citizen_idx = ? AND status IN ('open','under_review') AND (event_idx IS ? AND measure_decision_id IS ?)")
      .get(citizen, eventIdx, decisionId) as { id: number } | undefined;
    if (active) throw new RejectedInputError(`dispute ${active.id} about this is still open`);
    const now = new Date();
    const deadline = new Date(now.getTime() + disputeDeadlineDays(db) * 86_400_000).toISOString();
    const id = Number(
      db
        .prepare("INSERT INTO disputes (citizen_idx, event_idx, measure_decision_id, statement, status, opened_by, opened_at, deadline) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)")
        .run(citizen, eventIdx, decisionId, input.statement, by, now.toISOString(), deadline).lastInsertRowid,
    );
    db.prepare("INSERT INTO dispute_history (dispute_id, status, changed_by, changed_at, reason) VALUES (?, 'open', ?, ?, ?)").run(id, by, now.toISOString(), "citizen's statement recorded");
    return id;
  })();
}

export function moveDispute(db: Db, id: number, status: DisputeStatus, by: string, reason: string): { operationId: number | null } {
  return db.transaction(() => {
    const d = db
      .prepare('SELECT d.*, e.event_id, m.measure_id FROM disputes d LEFT JOIN events e ON e.idx = d.event_idx LEFT JOIN measure_decisions m ON m.id = d.measure_decision_id WHERE d.id = ?')
      .get(id) as { id: number; status: DisputeStatus; citizen_idx: number; event_id: string | null; measure_id: string | null; measure_decision_id: number | null } | undefined;
    if (!d) throw new NotFoundError(`no dispute ${id}`);
    if (!NEXT[d.status].includes(status)) throw new RejectedInputError(`a dispute that is ${d.status.replace('_', ' ')} cannot become ${status.replace('_', ' ')}`);
    let operationId: number | null = null;
    if (status === 'upheld' && d.event_id) {
      operationId = retractEvent(db, d.event_id, { actor: by, reason, kind: 'appeal_decided', details: { dispute_id: id } }).operationId;
    } else if (status === 'upheld' && d.measure_id) {
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
    db.prepare('UPDATE disputes SET status = ?, operation_id = coalesce(?, operation_id) WHERE id = ?').run(status, operationId, id);
    db.prepare('INSERT INTO dispute_history (dispute_id, status, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?)').run(id, status, by, now, reason);
    return { operationId };
  })();
}

export function listDisputes(db: Db, q: { citizenId?: string; status?: DisputeStatus; openOnly?: boolean }): DisputeView[] {
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
  if (q.openOnly) where.push("d.status IN ('open','under_review')");
  const rows = db
    .prepare(
      `SELECT d.*, c.citizen_id, e.event_id, m.measure_id FROM disputes d JOIN citizens c ON c.idx = d.citizen_idx
       LEFT JOIN events e ON e.idx = d.event_idx LEFT JOIN measure_decisions m ON m.id = d.measure_decision_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.deadline, d.id LIMIT 500`,
    )
    .all(params) as { id: number; citizen_id: string; event_id: string | null; measure_id: string | null; statement: string; status: DisputeStatus; opened_by: string; opened_at: string; deadline: string; operation_id: number | null }[];
  const history = db.prepare('SELECT status, changed_by AS by, changed_at AS at, reason FROM dispute_history WHERE dispute_id = ? ORDER BY id');
  const now = new Date().toISOString();
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
  }));
}
