/**
 * Publishing a ruleset and moving the scoring instant: each one operation with
 * an actor and a reason, in one transaction with the recompute it causes.
 */
import { keyed } from '../../shared/englishText.js';
import type { JobResult } from '../../shared/contract.js';
import type { InputProblem } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { recordOperation } from '../db/operations.js';
import { insertRuleset } from '../db/rulesets.js';
import { validateRuleset, type CompiledRuleset } from '../engine/rules.js';
import { RejectedInputError } from './ruleLab.js';
import type { FairnessReport } from '../../shared/fairness.js';
import { evaluationErrors, rebuildContributions } from './contributions.js';
import { fairnessReport, requireAcknowledgement, scoresSide, storeFairnessReport } from './fairness.js';
import { fullRecompute, loadScoringState, moveScoringInstant, paramsOf, parseInstant, type Progress, type ScoreChangeStats, type ScoringPath } from './scoring.js';

export function checkRuleset(db: Db, input: unknown): { ok: true; ruleset: CompiledRuleset } | { ok: false; problems: InputProblem[] } {
  return validateRuleset(input, loadKinds(db));
}

export interface PublishResult {
  ok: boolean;
  problems: InputProblem[];
  version?: number;
  operationId?: number;
  scoring?: ScoreChangeStats;
  evaluationErrors?: { ruleId: string; count: number; example: string }[];
  /** The new version's scores by district and age band against the version it replaced (stored with it). */
  fairness?: FairnessReport;
}

export function publishRuleset(
  db: Db,
  input: unknown,
  options: {
    actor: string;
    reason: string;
    asOf?: string;
    onProgress?: Progress;
    details?: Record<string, unknown>;
    /**
     * The approver's acknowledgement of the fairness report's flags. With
     * `fairness: 'require-acknowledgement'`, a report with flags and no
     * acknowledgement aborts the publish (nothing is written).
     */
    fairness?: { mode: 'require-acknowledgement' | 'record'; acknowledgement?: { reason: string; by: string } | null };
  },
): PublishResult {
  if (!options.reason?.trim()) return { ok: false, problems: [keyed('ruleset.reasonRequired')] };
  const checked = checkRuleset(db, input);
  if (!checked.ok) return { ok: false, problems: checked.problems };
  return db.transaction(() => {
    const previous = loadScoringState(db);
    const asOf = options.asOf ? parseInstant(options.asOf) : previous ? { iso: previous.asOf, ms: previous.asOfMs } : parseInstant(new Date().toISOString());
    const before = previous
      ? scoresSide(
          db,
          previous.version,
          previous.ruleset.spec.tiers.map((t) => t.name),
          asOf.ms,
        )
      : null;
    const op = recordOperation(db, {
      kind: 'ruleset_published',
      actor: options.actor,
      reason: options.reason,
      details: { previous_version: previous?.version ?? null, rules: checked.ruleset.spec.rules.length, as_of: asOf.iso, ...options.details },
    });
    const version = insertRuleset(db, checked.ruleset.spec, op.id);
    rebuildContributions(db, checked.ruleset, loadKinds(db), (done, total) => options.onProgress?.('evaluating rules', done, total));
    const state = { version, ruleset: checked.ruleset, asOf: asOf.iso, asOfMs: asOf.ms, params: paramsOf(checked.ruleset) };
    const scoring = fullRecompute(db, state, op.id, options.onProgress, { unscoredWereOutOfScope: previous !== null });
    const fairness = fairnessReport(
      asOf.iso,
      before,
      scoresSide(
        db,
        version,
        checked.ruleset.spec.tiers.map((t) => t.name),
        asOf.ms,
      ),
    );
    const acknowledgement = options.fairness?.acknowledgement ?? null;
    if (options.fairness?.mode === 'require-acknowledgement') requireAcknowledgement(fairness, acknowledgement?.reason, keyed('fairness.publishRefused', { version }));
    storeFairnessReport(db, version, op.id, fairness, fairness.flags.length && acknowledgement ? acknowledgement : null);
    return { ok: true, problems: [], version, operationId: op.id, scoring, evaluationErrors: evaluationErrors(db, checked.ruleset), fairness };
  })();
}

/** A recompute's outcome, as the contract gives it (shared/contract.ts). */
export type RecomputeResult = JobResult<'recompute'>;

/**
 * Recompute every score as of an instant. Moving the instant lets events age
 * out of their rules' ttl windows, so the operation is `records_expired`. At
 * the unchanged instant it repairs any stored figure that differs from the
 * model (own, penalty, totals, not only the score) under that operation; one
 * that changes nothing records nothing.
 */
export function recomputeScores(
  db: Db,
  options: {
    asOf?: string;
    actor: string;
    reason?: string;
    onProgress?: Progress;
    /** `full` (default: everyone, repairing any stale figure), `incremental` (only what the new instant changes; tests), or `auto`. */
    path?: ScoringPath;
    /** Where a full recompute sums the rule totals and hashes its ledger entries (scoring.ts FullRecomputeOptions): `auto` by default; tests force `always` or `never`. */
    totalsBeside?: 'auto' | 'always' | 'never';
    ledgerAhead?: 'auto' | 'always' | 'never';
  },
): RecomputeResult {
  const state = loadScoringState(db);
  if (!state) throw new RejectedInputError(keyed('ruleset.nonePublished'));
  const asOf = parseInstant(options.asOf ?? new Date().toISOString());
  // The transaction below writes no contribution, so a second connection sees the ones it reads; not so inside a caller's
  // transaction (a savepoint), which may have written some.
  const totalsBeside = db.inTransaction ? 'never' : (options.totalsBeside ?? 'auto');
  const tx = db.transaction(() => {
    const op = recordOperation(db, {
      kind: 'records_expired',
      actor: options.actor,
      reason: options.reason ?? `recompute as of ${asOf.iso}`,
      details: { from_as_of: state.asOf, to_as_of: asOf.iso, ruleset_version: state.version },
    });
    const scoring = moveScoringInstant(db, state, { ...state, asOf: asOf.iso, asOfMs: asOf.ms }, op.id, {
      path: options.path ?? 'full',
      onProgress: options.onProgress,
      totalsBeside,
      ledgerAhead: options.ledgerAhead,
    });
    if (scoring.ledgerEntries === 0 && scoring.rowsRewritten === 0 && asOf.iso === state.asOf) throw new NothingChanged(scoring);
    options.onProgress?.('committing', 1, 1);
    return { asOf: asOf.iso, operationId: op.id, scoring };
  });
  try {
    return tx();
  } catch (err) {
    if (err instanceof NothingChanged) return { asOf: asOf.iso, operationId: null, scoring: err.scoring };
    throw err;
  }
}

class NothingChanged extends Error {
  constructor(readonly scoring: ScoreChangeStats) {
    super('nothing changed');
  }
}
