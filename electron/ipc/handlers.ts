/**
 * The implementation of every channel of the API contract, over the services.
 * Both transports call these through `dispatch`; neither has its own.
 */
import { keyed } from '../../shared/englishText.js';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ChannelName, Output, ParsedInput, Role, SimulationResult } from '../../shared/contract.js';
import { listAccess, logAccess } from '../services/accessLog.js';
import { AuthError, issueCliToken, userCount, type Session, type SessionStore } from '../services/auth.js';
import {
  accountHistory,
  changeOwnPassword,
  createFirstAdmin,
  decideAccountChange,
  disableAccount,
  listAccountChanges,
  proposeAccount,
  proposeEnable,
  proposeRoleChange,
  resetPassword,
  setLanguage,
} from '../services/accounts.js';
import { accessAlerts, setBulkReadThreshold } from '../services/readLog.js';
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { verifyLedger } from '../db/ledger.js';
import { getRuleset } from '../db/rulesets.js';
import type { JobManager } from '../jobs/manager.js';
import { UploadClaimError, type UploadStore } from '../bridge/uploads.js';
import { NotFoundError } from '../services/explain.js';
import { citizenEvents, citizenRecord, districts, listOperations, operationLedger, overview, rulesetVersions, search } from '../services/queries.js';
import { checkExpression, RejectedInputError, testRule } from '../services/ruleLab.js';
import { AuditorKeyError, parseTrustedKey, unlockAuditorKey } from '../services/auditorKey.js';
import { CheckpointError, checkpointFileContent, createCheckpoint, integritySummary, listCheckpoints, parseCheckpoint, verifyAgainstCheckpoint } from '../services/checkpoints.js';
import { renderDisclosure } from '../services/disclosure.js';
import { subjectAccessExport } from '../services/subjectAccess.js';
import { csvRow } from '../services/exportScores.js';
import { assignDispute, disputeCounts, disputeReviewers, listDisputes, moveDispute, openDispute } from '../services/disputes.js';
import { recordEvent, storedScoreOf } from '../services/recordEvent.js';
import { retractEvent } from '../services/retract.js';
import { recordConsent } from '../services/consent.js';
import { decideMeasure, measuresFor } from '../services/measures.js';
import { friendPenaltyByDistrict, networkView } from '../services/network.js';
import { scoreOutlook } from '../services/outlook.js';
import { previewEvent } from '../services/eventPreview.js';
import { exportFairness, fairnessOf } from '../services/fairness.js';
import {
  approveAdjustment,
  attachSimulation,
  getProposal,
  listProposals,
  proposalSimulation,
  proposeAdjustment,
  proposeRuleset,
  rejectProposal,
  requireFairnessAcknowledgement,
  requireFreshSimulation,
  requireSecondPerson,
  TwoPersonRuleError,
} from '../services/proposals.js';
import { checkRuleset } from '../services/rulesets.js';
import { checkImportFolder, defaultImportRoots, ImportFolderError } from '../services/importRoots.js';
import { clip } from '../services/inputLimits.js';
import { purposeRequired, recentPurposes, requirePurpose, setPurposeRequired } from '../services/purpose.js';
import { databaseKey } from '../db/connection.js';
import { BackupError, createBackup, listBackups, verifyBackup, type BackupManifest } from '../services/backup.js';
import { backupSettings, prepareDataFolder, setBackupSettings } from '../services/custody.js';
import { loadScoringState } from '../services/scoring.js';

/** Who is calling, as established by the transport from the session. */
export interface Caller {
  user: string;
  role: Role;
  /** The session token the call came with (the login channels act on it). */
  sessionToken?: string;
}

export interface HandlerContext {
  db: Db;
  /** The database file: the installation's signing key lives beside it. */
  dbFile: string;
  jobs: JobManager;
  sessions: SessionStore;
  /** Folders the console may import from (default: CREDENCE_IMPORT_ROOTS, else ~/Documents; see services/importRoots.ts). */
  importRoots?: readonly string[];
  /** Import files uploaded to the HTTP bridge, claimed by importFiles (absent over IPC). */
  uploads?: UploadStore;
}

/** The result of a finished simulate job (the server's own, never one the client sends): what a ruleset proposal carries. */
function simulationOfJob(jobs: JobManager, jobId: string): SimulationResult {
  const job = jobs.status(jobId);
  if (!job || job.kind !== 'simulate') throw new RejectedInputError(keyed('rejected.noSimulationJob', { job: String(jobId) }));
  if (job.state !== 'done' || !job.result) throw new RejectedInputError(keyed(job.state === 'done' ? 'simulation.job.noResult' : `simulation.job.${job.state}`, { job: String(jobId) }));
  return job.result;
}

function sessionUser(s: Session) {
  // Only said when true: the usual session user stays { username, displayName, role }.
  return { username: s.username, displayName: s.displayName, role: s.role, ...(s.mustChangePassword ? { mustChangePassword: true } : {}), ...(s.language ? { language: s.language } : {}) };
}

export type Handlers = { [K in ChannelName]: (input: ParsedInput<K>, ctx: HandlerContext, caller: Caller) => Output<K> | Promise<Output<K>> };

export const handlers: Handlers = {
  authStatus: (_i, { db, sessions }, caller) => {
    const s = sessions.peek(caller.sessionToken);
    let locked = false;
    if (s) {
      try {
        sessions.resolve(caller.sessionToken, { touch: false });
      } catch (err) {
        locked = err instanceof AuthError && err.code === 'locked';
        if (!locked) return { needsSetup: userCount(db) === 0, user: null, locked: false };
      }
    }
    return { needsSetup: userCount(db) === 0, user: s ? sessionUser(s) : null, locked };
  },
  setupAdmin: async (q, { db, sessions }) => {
    if (userCount(db) > 0) throw new AuthError('forbidden', keyed('account.firstAdminExistsLogIn'));
    await createFirstAdmin(db, { username: q.username, displayName: q.displayName, password: q.password }, 'first start');
    const s = await sessions.login(q.username, q.password);
    if (q.language) setLanguage(db, s.username, q.language, s);
    return { token: s.token, user: sessionUser(s) };
  },
  login: async (q, { sessions }) => {
    const s = await sessions.login(q.username, q.password);
    return { token: s.token, user: sessionUser(s) };
  },
  unlock: async (q, { sessions }, caller) => sessionUser(await sessions.unlock(caller.sessionToken, q.password)),
  lock: (_i, { sessions }, caller) => {
    sessions.lock(caller.sessionToken);
    return {};
  },
  logout: (_i, { sessions }, caller) => {
    sessions.logout(caller.sessionToken);
    return {};
  },
  users: (_i, { db }) =>
    (db.prepare('SELECT username, display_name, role, created_at, created_by, disabled_at, must_change_password FROM users ORDER BY username').all() as {
      username: string;
      display_name: string;
      role: Role;
      created_at: string;
      created_by: string;
      disabled_at: string | null;
      must_change_password: number;
    }[]).map((u) => ({
      username: u.username,
      displayName: u.display_name,
      role: u.role,
      createdAt: u.created_at,
      createdBy: u.created_by,
      disabled: u.disabled_at !== null,
      mustChangePassword: u.must_change_password === 1,
    })),
  createUser: async (q, { db }, caller) => {
    const changeId = await proposeAccount(db, q, caller.user);
    return { changeId, username: q.username, role: q.role, status: 'pending' as const };
  },
  accountChanges: (q, { db }) => listAccountChanges(db, q.status),
  decideAccountChange: (q, { db, sessions }, caller) => {
    const r = decideAccountChange(db, q.changeId, q.approve, caller.user, q.reason);
    for (const u of r.endSessionsOf) sessions.endSessionsOf(u, { key: 'access.whyRoleChanged' });
    return { status: r.status };
  },
  changeRole: (q, { db }, caller) => ({ changeId: proposeRoleChange(db, q, caller.user) }),
  enableUser: (q, { db }, caller) => ({ changeId: proposeEnable(db, q, caller.user) }),
  disableUser: (q, { db, sessions }, caller) => {
    disableAccount(db, q.username, q.reason, caller.user);
    return { sessionsEnded: sessions.endSessionsOf(q.username, { key: 'access.whyDisabledBy', params: { user: caller.user } }) };
  },
  resetPassword: async (q, { db, sessions }, caller) => {
    const temporaryPassword = await resetPassword(db, q.username, q.reason, caller.user);
    return { temporaryPassword, sessionsEnded: sessions.endSessionsOf(q.username, { key: 'access.whyPasswordResetBy', params: { user: caller.user } }) };
  },
  changePassword: async (q, { db }, caller) => {
    await changeOwnPassword(db, caller.user, q.current, q.next);
    return {};
  },
  setLanguage: (q, { db, sessions }, caller) => {
    setLanguage(db, caller.user, q.language, sessions.peek(caller.sessionToken));
    return {};
  },
  accountHistory: (q, { db }) => accountHistory(db, q.username),
  sessions: (_i, { sessions }, caller) => {
    const current = caller.sessionToken ? sessions.peek(caller.sessionToken)?.id : undefined;
    return sessions.list().map((s) => ({ ...s, current: s.id === current }));
  },
  revokeSession: (q, { sessions }, caller) => ({ revoked: sessions.revoke(q.sessionId, caller.user, q.reason) }),
  issueCliToken: (_i, { db }, caller) => issueCliToken(db, caller.user),
  accessAlerts: (q, { db }) => accessAlerts(db, q.limit),
  setBulkReadThreshold: (q, { db }, caller) => ({ threshold: setBulkReadThreshold(db, q.perHour, caller.user, q.reason) }),
  accessLog: (q, { db }) => listAccess(db, q),
  exportAccessLog: (q, { db }) => {
    const lines = [csvRow(['id', 'at', 'username', 'action', 'citizen_id', 'detail', 'purpose', 'outcome'])];
    const MAX = 1_000_000;
    const { rows } = listAccess(db, { ...q, offset: 0, limit: MAX });
    for (const r of rows) lines.push(csvRow([String(r.id), r.at, r.username, r.action, r.citizenId ?? '', r.detail, r.purpose ?? '', r.outcome]));
    return { filename: `access-log-${new Date().toISOString().slice(0, 10)}.csv`, csv: `${lines.join('\r\n')}\r\n`, rows: rows.length };
  },
  recordViewers: (q, { db }) => listAccess(db, { citizenId: q.citizenId, action: 'view_record', offset: 0, limit: 200 }),
  ping: () => ({ at: new Date().toISOString() }),
  overview: (_i, { db }) => overview(db),
  districts: (_i, { db }) => districts(db),
  search: (q, { db }) => search(db, q),
  citizen: (q, { db }, caller) => {
    requirePurpose(db, { username: caller.user, action: 'view_record', citizenId: q.citizenId, purpose: q.purpose });
    return citizenRecord(db, q.citizenId);
  },
  citizenEvents: (q, { db }, caller) => {
    if (q.unmask && caller.role !== 'auditor') throw new AuthError('forbidden', keyed('account.unmaskNeedsAuditor'));
    return citizenEvents(db, q);
  },
  rulesetCurrent: (_i, { db }) => {
    const state = loadScoringState(db);
    return { version: state?.version ?? null, spec: state?.ruleset.spec ?? null, kinds: [...loadKinds(db).values()] };
  },
  rulesetVersions: (_i, { db }) => rulesetVersions(db),
  rulesetGet: (q, { db }) => {
    const r = getRuleset(db, q.version);
    if (!r) throw new NotFoundError(keyed('notFound.rulesetVersion', { version: q.version }));
    return r.spec;
  },
  checkExpression: (q, { db }) => checkExpression(db, q),
  validateRuleset: (q, { db }) => {
    const r = checkRuleset(db, q.ruleset);
    return r.ok ? { ok: true, problems: [] } : { ok: false, problems: r.problems };
  },
  testRule: (q, { db }) => testRule(db, q),
  simulate: (q, { jobs }, caller) => ({ jobId: jobs.start('simulate', caller.user, { ruleset: q.ruleset }) }),
  proposals: (q, { db }) =>
    listProposals(db, q.status).map((p) => ({
      id: p.id,
      kind: p.kind,
      payload: JSON.parse(p.payload),
      reason: p.reason,
      proposedBy: p.proposed_by,
      proposedAt: p.proposed_at,
      status: p.status,
      decidedBy: p.decided_by,
      decidedAt: p.decided_at,
      decisionReason: p.decision_reason,
      operationId: p.operation_id,
      simulation: proposalSimulation(db, p),
    })),
  proposeRuleset: (q, { db, jobs }, caller) => ({ proposalId: proposeRuleset(db, q.ruleset, q.reason, caller.user, () => simulationOfJob(jobs, q.simulationJobId)) }),
  attachProposalSimulation: (q, { db, jobs }, caller) => {
    attachSimulation(db, q.proposalId, simulationOfJob(jobs, q.simulationJobId), caller.user);
    return {};
  },
  proposeAdjustment: (q, { db }, caller) => ({ proposalId: proposeAdjustment(db, q, caller.user) }),
  decideProposal: (q, { db, jobs }, caller) => {
    const p = getProposal(db, q.proposalId);
    if (p.kind === 'ruleset' && caller.role !== 'admin') throw new AuthError('forbidden', keyed('account.rulesetDecisionNeedsAdmin'));
    if (!q.approve) {
      rejectProposal(db, q.proposalId, caller.user, q.reason);
      return { status: getProposal(db, q.proposalId).status as 'rejected' | 'withdrawn', jobId: null, operationId: null };
    }
    if (p.kind === 'adjustment') return { status: 'approved', jobId: null, ...approveAdjustment(db, q.proposalId, caller.user, q.reason) };
    if (p.status !== 'pending') throw new TwoPersonRuleError(`proposal ${p.id} is already ${p.status}`, { key: 'twoPerson.proposalDecided', params: { id: p.id, status: p.status } });
    requireSecondPerson(db, p, caller.user, 'another administrator');
    requireFreshSimulation(db, p);
    requireFairnessAcknowledgement(db, p, q.fairnessAcknowledgement);
    return {
      status: 'publishing',
      jobId: jobs.start('publish', caller.user, { proposalId: q.proposalId, reason: q.reason, ...(q.fairnessAcknowledgement ? { fairnessAcknowledgement: q.fairnessAcknowledgement } : {}) }),
      operationId: null,
    };
  },
  disputes: (q, { db }) => listDisputes(db, q),
  openDispute: (q, { db }, caller) => ({ disputeId: openDispute(db, q, caller.user) }),
  moveDispute: (q, { db }, caller) => moveDispute(db, q.disputeId, q.status, caller.user, q.reason),
  measures: (q, { db }) => measuresFor(db, q.citizenId),
  decideMeasure: (q, { db }, caller) => {
    decideMeasure(db, q.citizenId, q.measureId, q.decision, caller.user, q.reason);
    return {};
  },
  importFiles: (q, { jobs, uploads }, caller) => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-upload-'));
    try {
      for (const f of q.files) {
        if (f.content !== undefined || f.uploadId === undefined) {
          writeFileSync(join(dir, f.name), f.content ?? '');
          continue;
        }
        if (!uploads) throw new RejectedInputError(keyed('upload.viaBridge', { name: f.name }));
        let claimed;
        try {
          claimed = uploads.claim(f.uploadId, caller.user, f.name);
        } catch (err) {
          if (err instanceof UploadClaimError) throw new RejectedInputError(err.said);
          throw err;
        }
        try {
          renameSync(claimed.file, join(dir, f.name));
        } finally {
          claimed.release();
        }
      }
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const origins = Object.fromEntries(q.files.map((f) => [f.name, `upload: ${clip(f.source?.trim() || f.name, 300)}`]));
    return { jobId: jobs.start('import', caller.user, { folder: dir, provider: q.provider, origins, reason: q.reason, dryRun: q.dryRun, removeAfter: true }) };
  },
  importFolder: (q, { jobs, importRoots }, caller) => {
    // Checked here for an immediate answer, and again by the import itself.
    const roots = importRoots ?? defaultImportRoots();
    try {
      checkImportFolder(q.folder, roots);
    } catch (err) {
      if (err instanceof ImportFolderError) throw new RejectedInputError(err.refusal(q.folder));
      throw err;
    }
    return { jobId: jobs.start('import', caller.user, { folder: q.folder, provider: q.provider, importRoots: roots, reason: q.reason, dryRun: q.dryRun }) };
  },
  recompute: (q, { jobs }, caller) => ({ jobId: jobs.start('recompute', caller.user, { asOf: q.asOf }) }),
  createDemo: (q, { jobs }, caller) => ({ jobId: jobs.start('demo', caller.user, { citizens: q.citizens, seed: q.seed }) }),
  jobStatus: (q, { jobs }) => {
    const s = jobs.status(q.jobId);
    if (!s) throw new NotFoundError(keyed('notFound.job', { id: q.jobId }));
    return s;
  },
  jobCancel: (q, { jobs }) => ({ cancelled: jobs.cancel(q.jobId) }),
  operations: (q, { db }) => listOperations(db, q),
  operationLedger: (q, { db }) => operationLedger(db, q),
  checkpoints: (q, { db }) => {
    const trusted = q.trustedPublicKey?.trim() ? rejectBadKey(() => parseTrustedKey(q.trustedPublicKey!)) : undefined;
    const { integrity, checkpoints } = listCheckpoints(db, trusted);
    return { integrity: integritySummary(integrity), checkpoints };
  },
  createCheckpoint: (q, { db }, caller) => {
    const signer = rejectBadKey(() => {
      let file: unknown;
      try {
        file = JSON.parse(q.keyFile);
      } catch {
        throw new AuditorKeyError(keyed('auditorKey.notJson'));
      }
      return unlockAuditorKey(file, q.passphrase);
    });
    const cp = rejectBadKey(() => createCheckpoint(db, signer, { actor: caller.user }));
    return { filename: `credence-checkpoint-${cp.count}-${cp.at.slice(0, 10)}.json`, content: checkpointFileContent(cp), count: cp.count, head: cp.head, chainCount: cp.chainCount, chainHead: cp.chainHead };
  },
  verifyCheckpoint: (q, { db }) => {
    const cp = rejectBadKey(() => parseCheckpoint(q.checkpoint));
    const trusted = rejectBadKey(() => parseTrustedKey(q.trustedPublicKey));
    const r = verifyAgainstCheckpoint(db, cp, trusted);
    return {
      ok: r.ok,
      signature: { status: r.signature.status, message: r.signature.message, key: r.signature.said.key, ...(r.signature.said.params && { params: r.signature.said.params }) },
      mismatches: r.mismatches,
      mismatchesKeyed: r.mismatchesKeyed,
      integrity: r.integrity ? integritySummary(r.integrity) : null,
    };
  },
  disclosure: (q, { db }, caller) => ({ filename: `disclosure-${q.citizenId}.pdf`, base64: renderDisclosure(db, q.citizenId, { generatedBy: caller.user, language: q.language }).toString('base64') }),
  subjectExport: (q, { db }) => ({ filename: `subject-access-${q.citizenId}.json`, json: JSON.stringify(subjectAccessExport(db, q.citizenId), null, 2) }),
  verifyLedger: (_i, { db }) => verifyLedger(db),
  backups: (_i, { db, dbFile }) => {
    const { folder, keep } = backupSettings(db, dbFile);
    return { folder, keep, backups: listBackups(folder).map((b) => backupSummary(b.manifest)) };
  },
  createBackup: (_i, { db, dbFile }, caller) => {
    const { folder } = backupSettings(db, dbFile);
    prepareDataFolder(folder);
    const manifest = rejectBadBackup(() => createBackup(db, join(folder, `credence-${new Date().toISOString().replace(/[:.]/g, '-')}.backup`)));
    logAccess(db, { username: caller.user, action: 'backup', detail: { key: 'access.backup', params: { file: manifest.file, bytes: manifest.bytes, sha256: manifest.sha256, folder } }, outcome: 'allowed' });
    return backupSummary(manifest);
  },
  setBackupSettings: (q, { db, dbFile }, caller) => {
    rejectBadBackup(() => setBackupSettings(db, q));
    const s = backupSettings(db, dbFile);
    logAccess(db, { username: caller.user, action: 'settings', detail: { key: 'access.backupSettings', params: { folder: String(s.folder), keep: Number(s.keep) } }, outcome: 'allowed' });
    return s;
  },
  verifyBackup: (q, { db, dbFile }) => {
    if (q.file !== basename(q.file)) throw new RejectedInputError(keyed('backup.nameOnly'));
    const { folder } = backupSettings(db, dbFile);
    try {
      const c = verifyBackup(join(folder, q.file), databaseKey(db));
      return { ok: true, ...keyed('backup.intact', { file: q.file, chain: c.manifest.chain.count }) };
    } catch (err) {
      // Keyed, as the refusals are: read in the reader's language, the English beside it.
      if (err instanceof BackupError) return { ok: false, message: err.message, ...(err.said && { key: err.said.key, params: err.said.params }) };
      throw err;
    }
  },
  recentPurposes: (_i, { db }, caller) => recentPurposes(db, caller.user),
  accessSettings: (_i, { db }) => ({ purposeRequired: purposeRequired(db) }),
  setAccessSettings: (q, { db }, caller) => {
    setPurposeRequired(db, q.purposeRequired, caller.user, q.reason);
    return { purposeRequired: purposeRequired(db) };
  },
  recordEvent: (q, { db }, caller) => {
    const before = storedScoreOf(db, q.citizenId);
    const { operationId, scoring } = recordEvent(db, { eventId: q.eventId, citizenId: q.citizenId, kind: q.kind, occurredAt: q.occurredAt, data: q.data }, { actor: caller.user, reason: q.reason });
    logAccess(db, { username: caller.user, action: 'record_event', citizenId: q.citizenId, detail: { key: 'access.eventRecorded', params: { kind: q.kind, event: q.eventId, operation: operationId } }, outcome: 'allowed' });
    return { operationId, eventId: q.eventId, citizenId: q.citizenId, before, after: storedScoreOf(db, q.citizenId), scoresChanged: scoring?.scoresChanged ?? 0 };
  },
  retractEvent: (q, { db }, caller) => {
    const citizenId = db.prepare('SELECT c.citizen_id FROM events e JOIN citizens c ON c.idx = e.citizen_idx WHERE e.event_id = ?').pluck().get(q.eventId) as string | undefined;
    if (!citizenId) throw new NotFoundError(keyed('notFound.event', { id: q.eventId }));
    const before = storedScoreOf(db, citizenId);
    const { operationId, scoring } = retractEvent(db, q.eventId, { actor: caller.user, reason: q.reason });
    logAccess(db, { username: caller.user, action: 'retract_event', citizenId, detail: { key: 'access.eventRetracted', params: { event: q.eventId, operation: operationId } }, outcome: 'allowed' });
    return { operationId, eventId: q.eventId, citizenId, before, after: storedScoreOf(db, citizenId), scoresChanged: scoring?.scoresChanged ?? 0 };
  },
  assignDispute: (q, { db }, caller) => assignDispute(db, q.disputeId, q.assignee, caller.user, q.reason),
  disputeReviewers: (_i, { db }) => disputeReviewers(db),
  disputeCounts: (_i, { db }) => disputeCounts(db),
  recordConsent: (q, { db }, caller) => {
    const before = storedScoreOf(db, q.citizenId);
    const r = recordConsent(db, { citizenId: q.citizenId, status: q.status, at: q.at, evidence: q.evidence }, { actor: caller.user, reason: q.reason });
    logAccess(db, { username: caller.user, action: 'record_consent', citizenId: q.citizenId, detail: { key: 'access.consentRecorded', params: { status: q.status, at: q.at, operation: r.operationId } }, outcome: 'allowed' });
    const friendsMoved = db.prepare('SELECT count(DISTINCT citizen_id) FROM ledger WHERE operation_id = ? AND citizen_id <> ?').pluck().get(r.operationId, q.citizenId) as number;
    return {
      operationId: r.operationId,
      citizenId: q.citizenId,
      before,
      after: storedScoreOf(db, q.citizenId),
      inScopeBefore: r.inScopeBefore,
      inScopeAfter: r.inScopeAfter,
      afterScoringInstant: r.afterScoringInstant,
      scoresChanged: r.scoring?.scoresChanged ?? 0,
      friendsMoved,
    };
  },
  // Part of the record: the same purpose rule as opening it; each read is logged by readTrace.
  scoreOutlook: (q, { db }, caller) => {
    requirePurpose(db, { username: caller.user, action: 'view_outlook', citizenId: q.citizenId, purpose: q.purpose });
    return scoreOutlook(db, q.citizenId);
  },
  previewEvent: (q, { db }, caller) => {
    requirePurpose(db, { username: caller.user, action: 'preview_event', citizenId: q.citizenId, purpose: q.purpose });
    return previewEvent(db, { citizenId: q.citizenId, kind: q.kind, occurredAt: q.occurredAt, data: q.data });
  },
  networkView: (q, { db }, caller) => {
    requirePurpose(db, { username: caller.user, action: 'view_network', citizenId: q.citizenId, purpose: q.purpose });
    return networkView(db, q.citizenId);
  },
  friendPenaltyShare: (_i, { db }) => friendPenaltyByDistrict(db),
  fairnessReport: (q, { db }) => fairnessOf(db, q.version),
  exportFairnessReport: (q, { db }, caller) => {
    const exported = exportFairness(db, q);
    logAccess(db, { username: caller.user, action: 'export', detail: { key: 'access.exportFairness', params: { source: exported.source, rows: exported.rows } }, outcome: 'allowed' });
    return { filename: exported.filename, csv: exported.csv, rows: exported.rows };
  },
};

/** A bad key, passphrase or checkpoint is the caller's input, answered as such. */
function rejectBadKey<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AuditorKeyError || err instanceof CheckpointError) throw new RejectedInputError(err.said ?? err.message);
    throw err;
  }
}

function backupSummary(m: BackupManifest) {
  return { file: m.file, createdAt: m.createdAt, bytes: m.bytes, encrypted: m.encrypted, ledgerCount: m.ledger.count, chainCount: m.chain.count, citizens: m.counts.citizens ?? 0 };
}

function rejectBadBackup<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BackupError) throw new RejectedInputError(err.said ?? err.message);
    throw err;
  }
}
