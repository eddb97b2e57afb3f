/**
 * Recording consent by hand (an official's entry, SCORING_MODEL §1) and
 * reading a citizen's consent history. A record is appended under a
 * `consent_changed` operation with its author and written reason; when the
 * published ruleset requires consent, the citizen is rescored at once, and
 * through the network term their friends (SCORING_MODEL §6).
 */
import { ConsentStatus } from '../../shared/domain.js';
import { keyed } from '../../shared/englishText.js';
import { INSTANT_FORM_KEYED, instantFlawKeyed } from '../../shared/instant.js';
import type { Db } from '../db/connection.js';
import { recordOperation } from '../db/operations.js';
import { consentReader, consentRequired } from './consentScope.js';
import { NotFoundError } from './explain.js';
import { echo, nameProblemKeyed } from './inputLimits.js';
import { RejectedInputError } from './ruleLab.js';
import { incrementalUpdate, loadScoringState, type ScoreChangeStats } from './scoring.js';
import { parseIsoInstant } from './validation.js';

/** A consent entry the import would refuse too, or one dated in the future: answered as rejected input. */
export class InvalidConsentError extends RejectedInputError {}

/** How far ahead of this machine's clock a recorded instant may be (clocks of two machines differ a little). */
const CLOCK_SLACK_MS = 5 * 60_000;

export interface NewConsent {
  citizenId: string;
  status: string;
  /** When the citizen gave, withdrew or refused it (the instant on the form): RFC 3339. */
  at: string;
  evidence: string;
}

export interface ConsentRecorded {
  operationId: number;
  /** Scope at the scoring instant before and after (both true when the ruleset does not require consent). */
  inScopeBefore: boolean;
  inScopeAfter: boolean;
  /** The record is after the scoring instant: it counts once scores are computed as of `at` or later. */
  afterScoringInstant: boolean;
  scoring: ScoreChangeStats | null;
}

export function recordConsent(db: Db, input: NewConsent, options: { actor: string; reason: string; now?: number }): ConsentRecorded {
  if (!options.reason?.trim()) throw new InvalidConsentError(keyed('consent.reasonRequired'));
  const status = ConsentStatus.safeParse(input.status);
  if (!status.success) throw new InvalidConsentError(keyed('consent.status', { value: echo(input.status), allowed: ConsentStatus.options.join(', ') }));
  const ms = parseIsoInstant(input.at);
  if (ms === null) throw new InvalidConsentError(keyed('import.consentAt', { value: echo(input.at), form: INSTANT_FORM_KEYED, why: instantFlawKeyed(input.at) }));
  if (ms > (options.now ?? Date.now()) + CLOCK_SLACK_MS) throw new InvalidConsentError(keyed('consent.future', { at: input.at }));
  if (!input.evidence.trim()) throw new InvalidConsentError(keyed('consent.noEvidence'));
  const flaw = nameProblemKeyed('evidence', input.evidence);
  if (flaw) throw new InvalidConsentError(flaw);
  return db.transaction(() => {
    const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(input.citizenId) as number | undefined;
    if (idx === undefined) throw new NotFoundError(keyed('notFound.citizen', { id: input.citizenId }));
    if (db.prepare('SELECT 1 FROM consents WHERE citizen_idx = ? AND at_ms = ?').get(idx, ms)) {
      throw new InvalidConsentError(keyed('consent.exists', { id: input.citizenId, at: input.at }));
    }
    const state = loadScoringState(db);
    const read = consentReader(db);
    const required = state !== null && consentRequired(state.ruleset);
    const inScopeBefore = !required || read(idx, state.asOfMs)?.status === 'given';
    const op = recordOperation(db, {
      kind: 'consent_changed',
      actor: options.actor,
      reason: options.reason,
      details: { citizen_id: input.citizenId, status: status.data, at: input.at, evidence: input.evidence },
    });
    db.prepare('INSERT INTO consents (citizen_idx, status, at, at_ms, evidence, operation_id) VALUES (?, ?, ?, ?, ?, ?)').run(idx, status.data, input.at, ms, input.evidence, op.id);
    const inScopeAfter = !required || read(idx, state.asOfMs)?.status === 'given';
    const scoring = required ? incrementalUpdate(db, state, new Set([idx]), op.id) : null;
    return { operationId: op.id, inScopeBefore, inScopeAfter, afterScoringInstant: state !== null && ms > state.asOfMs, scoring };
  })();
}

export interface ConsentRecordView {
  seq: number;
  status: ConsentStatus;
  at: string;
  evidence: string;
  operationId: number;
  /** Who recorded it (the operation's author), when, and why. */
  recordedBy: string;
  recordedAt: string;
  reason: string;
}

export interface ConsentView {
  /** Whether the published ruleset scores only citizens who consented (false before any ruleset). */
  required: boolean;
  /** The scoring instant, or null before any ruleset. */
  asOf: string | null;
  /** The consent at the scoring instant (null: none), and the latest record whatever its instant. */
  atScoringInstant: ConsentStatus | null;
  latest: ConsentStatus | null;
  /** Scored: consent is not required, or it is `given` at the scoring instant. */
  inScope: boolean;
  /** Newest first. */
  history: ConsentRecordView[];
}

/** A citizen's consent as the record page, the disclosure and the subject-access export show it. */
export function consentOf(db: Db, citizenIdx: number): ConsentView {
  const state = loadScoringState(db);
  const history = (
    db
      .prepare(
        `SELECT c.seq, c.status, c.at, c.evidence, c.operation_id AS operationId, o.actor AS recordedBy, o.at AS recordedAt, o.reason
         FROM consents c JOIN operations o ON o.id = c.operation_id WHERE c.citizen_idx = ? ORDER BY c.at_ms DESC, c.seq DESC`,
      )
      .all(citizenIdx) as ConsentRecordView[]
  );
  const required = state !== null && consentRequired(state.ruleset);
  const atScoringInstant = state ? (consentReader(db)(citizenIdx, state.asOfMs)?.status ?? null) : null;
  return {
    required,
    asOf: state?.asOf ?? null,
    atScoringInstant,
    latest: history[0]?.status ?? null,
    inScope: !required || atScoringInstant === 'given',
    history,
  };
}
