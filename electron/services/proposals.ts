/**
 * The two-person rule: publishing a ruleset and adjusting a score by hand are
 * proposed by one user and approved by another. Proposer and approver are
 * both recorded on the proposal and in the operation it produces.
 */
import { keyed, type Said } from '../../shared/englishText.js';
import type { KeyedParam } from '../../shared/keyedText.js';
import { joined, reasonOf, type ProblemLike } from '../../shared/problemText.js';
import type { Db } from '../db/connection.js';
import { recordOperation } from '../db/operations.js';
import { assertIndependent, TwoPersonRuleError } from './accounts.js';
import { NotFoundError } from './explain.js';
import type { SimulationResult } from '../../shared/contract.js';
import { RejectedInputError, simulationBasis, withholdSmallDistricts } from './ruleLab.js';
import { checkRuleset, publishRuleset, type PublishResult } from './rulesets.js';
import { keptReport, requireAcknowledgement } from './fairness.js';
import { incrementalUpdate, loadScoringState, type Progress } from './scoring.js';

export { TwoPersonRuleError } from './accounts.js';

export interface ProposalRow {
  id: number;
  kind: 'ruleset' | 'adjustment';
  payload: string;
  reason: string;
  proposed_by: string;
  proposed_at: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  operation_id: number | null;
  /** JSON StoredSimulation, ruleset proposals only. */
  simulation: string | null;
}

/** The simulation stored with a ruleset proposal: its result (with the basis it ran on), who ran it and when. */
export interface StoredSimulation {
  result: SimulationResult;
  ranBy: string;
  ranAt: string;
}

export interface AdjustmentPayload {
  citizenId: string;
  points: number;
}

/** A proposal of the other kind: a conflict, said keyed (server:proposalKind.*) with the English beside. */
function kindRefusal(said: Said): TwoPersonRuleError {
  return new TwoPersonRuleError(said.message, said.params ? { key: said.key, params: said.params } : { key: said.key });
}

function insertProposal(db: Db, kind: ProposalRow['kind'], payload: unknown, reason: string, by: string, simulation: StoredSimulation | null = null): number {
  return Number(
    db
      .prepare("INSERT INTO proposals (kind, payload, reason, proposed_by, proposed_at, status, simulation) VALUES (?, ?, ?, ?, ?, 'pending', ?)")
      .run(kind, JSON.stringify(payload), reason, by, new Date().toISOString(), simulation && JSON.stringify(simulation)).lastInsertRowid,
  );
}

/** Null while the data a simulation ran on is still the data; otherwise what changed since, keyed (its parameters plain), the English beside. */
export function simulationStaleness(db: Db, basis: SimulationResult['basis'], spec: unknown): Said | null {
  if (!basis) return keyed('simulation.staleness.noBasis');
  const now = simulationBasis(db, spec);
  if (basis.specHash !== now.specHash) return keyed('simulation.staleness.otherRuleset');
  if (basis.rulesetVersion !== now.rulesetVersion) {
    // A published ruleset is never withdrawn: only the simulation's side can be without one.
    return basis.rulesetVersion === null ? keyed('simulation.staleness.rulesetChangedFromNone', { now: String(now.rulesetVersion) }) : keyed('simulation.staleness.rulesetChanged', { then: basis.rulesetVersion, now: String(now.rulesetVersion) });
  }
  if (basis.lastOperationId !== now.lastOperationId) {
    const operations = db.prepare('SELECT count(*) FROM operations WHERE id > ?').pluck().get(basis.lastOperationId ?? 0) as number;
    const last = String(now.lastOperationId);
    return basis.lastOperationId === null ? keyed('simulation.staleness.dataChangedFromNone', { operations, last }) : keyed('simulation.staleness.dataChanged', { operations, after: basis.lastOperationId, last });
  }
  return null;
}

/**
 * A ruleset's problems as one parameter of a refusal: each keyed (read in
 * the reader's language, its rule named), several joined in that language.
 */
function problemsParam(problems: readonly ProblemLike[], withRule: boolean): KeyedParam {
  return joined(problems.map((p) => (withRule && p.rule ? { key: 'simulation.ruleProblem', params: { rule: p.rule, problem: reasonOf(p) } } : reasonOf(p))));
}

/** A simulation fit to go with `spec` now: finished, of this very ruleset, on today's data. */
function acceptSimulation(db: Db, spec: unknown, result: SimulationResult | null | undefined, by: string, what: Said): StoredSimulation {
  if (!result) throw new RejectedInputError(keyed('simulation.missing', { what }));
  if (!result.ok) {
    if (result.problems.length === 0) throw new RejectedInputError(keyed('simulation.failedNoResult', { what }));
    // Each problem in the reader's language, joined in it.
    throw new RejectedInputError(keyed('simulation.failed', { what, problems: joined(result.problems.map(reasonOf)) }));
  }
  const stale = simulationStaleness(db, result.basis, spec);
  if (stale) throw new RejectedInputError(keyed('simulation.stale', { what, reason: stale }));
  return { result, ranBy: by, ranAt: new Date().toISOString() };
}

/**
 * Propose a ruleset with the simulation its proposer ran on it (the result of
 * a finished simulate job): refused without one, with one of another ruleset,
 * or with one the data has moved past. `simulation` may be a function, called
 * once the ruleset has validated.
 */
export function proposeRuleset(db: Db, ruleset: unknown, reason: string, by: string, simulation: SimulationResult | null | (() => SimulationResult | null)): number {
  return db.transaction(() => {
    const checked = checkRuleset(db, ruleset);
    if (!checked.ok) throw new RejectedInputError(keyed('simulation.notValid', { problems: problemsParam(checked.problems, true) }));
    const published = loadScoringState(db)?.ruleset.spec;
    if (published && JSON.stringify(published) === JSON.stringify(checked.ruleset.spec)) throw new RejectedInputError(keyed('rejected.identicalRuleset'));
    // The ruleset's own problems first: they say more than a missing simulation does.
    const stored = acceptSimulation(db, checked.ruleset.spec, typeof simulation === 'function' ? simulation() : simulation, by, keyed('simulation.what.proposal'));
    return insertProposal(db, 'ruleset', checked.ruleset.spec, reason, by, stored);
  })();
}

/** Replace a pending ruleset proposal's simulation with a fresh run (the approver's, when the data has changed). */
export function attachSimulation(db: Db, id: number, simulation: SimulationResult | null, by: string): void {
  db.transaction(() => {
    const p = getProposal(db, id);
    if (p.kind !== 'ruleset') throw kindRefusal(keyed('proposalKind.notRuleset', { id }));
    requirePending(p);
    const stored = acceptSimulation(db, JSON.parse(p.payload), simulation, by, keyed('simulation.what.approval', { id }));
    db.prepare("UPDATE proposals SET simulation = ? WHERE id = ? AND status = 'pending'").run(JSON.stringify(stored), id);
  })();
}

/** The stored simulation of a proposal, and whether the data has moved past it. */
export function proposalSimulation(db: Db, p: ProposalRow): (StoredSimulation & { stale: string | null; staleKey?: string; staleParams?: Record<string, string | number> }) | null {
  if (p.kind !== 'ruleset' || !p.simulation) return null;
  const kept = JSON.parse(p.simulation) as StoredSimulation;
  // A simulation kept before small groups' figures were withheld is shown as one run today would be.
  const stored = {
    ...kept,
    result: { ...kept.result, districts: withholdSmallDistricts(kept.result.districts), ...(kept.result.fairness && { fairness: keptReport(kept.result.fairness) }) },
  };
  const stale = p.status === 'pending' ? simulationStaleness(db, stored.result.basis, JSON.parse(p.payload)) : null;
  if (!stale) return { ...stored, stale: null };
  return { ...stored, stale: stale.message, staleKey: stale.key, ...(stale.params && { staleParams: stale.params as Record<string, string | number> }) };
}

/** Approving a ruleset needs a simulation on today's data. */
export function requireFreshSimulation(db: Db, p: ProposalRow): void {
  const sim = proposalSimulation(db, p);
  if (!sim) throw new TwoPersonRuleError(`proposal ${p.id} has no simulation; run one on it before approving`, { key: 'twoPerson.noSimulation', params: { id: p.id } });
  if (sim.stale) throw new TwoPersonRuleError(`proposal ${p.id}: ${sim.stale}; run the simulation again before approving`, { key: 'twoPerson.staleSimulation', params: { id: p.id, why: sim.staleKey ? { key: sim.staleKey as Said['key'], ...(sim.staleParams && { params: sim.staleParams }) } : sim.stale } });
}

export function proposeAdjustment(db: Db, input: { citizenId: string; points: number; justification: string }, by: string): number {
  if (!db.prepare('SELECT 1 FROM citizens WHERE citizen_id = ?').get(input.citizenId)) throw new NotFoundError(keyed('notFound.citizen', { id: input.citizenId }));
  if (!Number.isFinite(input.points) || input.points === 0) throw new RejectedInputError(keyed('rejected.zeroAdjustment'));
  return insertProposal(db, 'adjustment', { citizenId: input.citizenId, points: input.points }, input.justification, by);
}

export function getProposal(db: Db, id: number): ProposalRow {
  const row = db.prepare('SELECT * FROM proposals WHERE id = ?').get(id) as ProposalRow | undefined;
  if (!row) throw new NotFoundError(keyed('notFound.proposal', { id }));
  return row;
}

export function listProposals(db: Db, status?: ProposalRow['status']): ProposalRow[] {
  return (status ? db.prepare('SELECT * FROM proposals WHERE status = ? ORDER BY id DESC LIMIT 200').all(status) : db.prepare('SELECT * FROM proposals ORDER BY id DESC LIMIT 200').all()) as ProposalRow[];
}

function requirePending(p: ProposalRow): void {
  if (p.status !== 'pending') throw new TwoPersonRuleError(`proposal ${p.id} is already ${p.status}`, { key: 'twoPerson.proposalDecided', params: { id: p.id, status: p.status } });
}

/** Another person, and not one the proposer set up (or who set up the proposer): see accounts.ts. */
export function requireSecondPerson(db: Db, p: ProposalRow, approver: string, another = 'another user'): void {
  assertIndependent(db, p.proposed_by, approver, `proposal ${p.id}`, another);
}

function markDecided(db: Db, id: number, status: 'approved' | 'rejected' | 'withdrawn', by: string, reason: string, operationId: number | null): void {
  db.prepare("UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, operation_id = ? WHERE id = ? AND status = 'pending'").run(
    status,
    by,
    new Date().toISOString(),
    reason,
    operationId,
    id,
  );
}

export function rejectProposal(db: Db, id: number, by: string, reason: string): void {
  const p = getProposal(db, id);
  requirePending(p);
  markDecided(db, id, p.proposed_by.toLowerCase() === by.toLowerCase() ? 'withdrawn' : 'rejected', by, reason, null);
}

/** Approve an adjustment: a manual_adjustment operation, the adjustment row, scores updated. */
export function approveAdjustment(db: Db, id: number, approver: string, reason: string): { operationId: number } {
  return db.transaction(() => {
    const p = getProposal(db, id);
    if (p.kind !== 'adjustment') throw kindRefusal(keyed('proposalKind.notAdjustment', { id }));
    requirePending(p);
    requireSecondPerson(db, p, approver);
    const payload = JSON.parse(p.payload) as AdjustmentPayload;
    const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(payload.citizenId) as number | undefined;
    if (idx === undefined) throw new NotFoundError(keyed('notFound.citizen', { id: payload.citizenId }));
    const op = recordOperation(db, {
      kind: 'manual_adjustment',
      actor: approver,
      reason: p.reason,
      details: { proposal_id: id, citizen_id: payload.citizenId, points: payload.points, proposed_by: p.proposed_by, approved_by: approver, approval_note: reason },
    });
    db.prepare('INSERT INTO adjustments (citizen_idx, points, justification, proposal_id, operation_id) VALUES (?, ?, ?, ?, ?)').run(idx, payload.points, p.reason, id, op.id);
    markDecided(db, id, 'approved', approver, reason, op.id);
    const state = loadScoringState(db);
    if (state) incrementalUpdate(db, state, new Set([idx]), op.id);
    return { operationId: op.id };
  })();
}

/**
 * A ruleset approval with flags in the simulation's fairness report needs the
 * approver's acknowledgement, with a reason: checked before the publish job
 * starts, and again by the publish on the scores it actually computed.
 */
export function requireFairnessAcknowledgement(db: Db, p: ProposalRow, acknowledgement: string | null | undefined): void {
  requireAcknowledgement(proposalSimulation(db, p)?.result.fairness, acknowledgement, keyed('fairness.approvalRefused', { id: p.id }));
}

/** Approve a ruleset: the real publish (long: run it in a job), with proposer and approver recorded. */
export function approveRuleset(db: Db, id: number, approver: string, reason: string, onProgress?: Progress, acknowledgement?: string | null): PublishResult {
  return db.transaction(() => {
    const p = getProposal(db, id);
    if (p.kind !== 'ruleset') throw kindRefusal(keyed('proposalKind.notRuleset', { id }));
    requirePending(p);
    requireSecondPerson(db, p, approver);
    requireFreshSimulation(db, p);
    requireFairnessAcknowledgement(db, p, acknowledgement);
    const flags = proposalSimulation(db, p)?.result.fairness?.flags.length ?? 0;
    const ack = acknowledgement?.trim() ? acknowledgement.trim() : null;
    const result = publishRuleset(db, JSON.parse(p.payload), {
      actor: approver,
      reason: p.reason,
      onProgress,
      details: {
        proposal_id: id,
        proposed_by: p.proposed_by,
        approved_by: approver,
        approval_note: reason,
        ...(flags ? { fairness_flags: flags, fairness_acknowledgement: ack } : {}),
      },
      fairness: { mode: 'require-acknowledgement', acknowledgement: ack ? { reason: ack, by: approver } : null },
    });
    if (!result.ok) throw new RejectedInputError(keyed('simulation.noLongerValid', { problems: problemsParam(result.problems, false) }));
    markDecided(db, id, 'approved', approver, reason, result.operationId ?? null);
    return result;
  })();
}
