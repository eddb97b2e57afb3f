/**
 * The API contract between the console and the main process: one table of
 * channels, each with a zod schema for its input and its output and the role
 * it needs. Both transports (Electron IPC and the loopback HTTP bridge) are
 * generated from this table, and the renderer's client is typed from it.
 */
import { z } from 'zod';
import { CitizenId, ConsentStatus, EventKindSpec, Explanation, InputProblem, OperationKind, RulesetSpec, RuleSpec, TextTranslations } from './domain.js';
import { CHANNEL_NAMES, type ChannelName } from './channels.js';
import { LANGUAGES } from './language.js';
import { AS_OF_FORM, INSTANT_FORM, INSTANT_FORM_KEYED, parseAsOf, parseInstantMs } from './instant.js';
import { EventPreview, FriendPenaltyShare, NetworkView, Outlook, Reach } from './recourse.js';
import { FairnessReport } from './fairness.js';
import type { KeyedParam } from './keyedText.js';

/**
 * An instant (or an as-of: a date or an instant) given to a channel: refused
 * with its English and, in the issue's params, the keyed reason (why it is
 * not one) that the dispatcher hands the reader (ipc/dispatch.ts).
 */
function instantInput(field: string, asOf = false) {
  return z
    .string()
    .max(40)
    .superRefine((v, ctx) => {
      if ((asOf ? parseAsOf(v) : parseInstantMs(v)) !== null) return;
      const form = asOf ? { key: 'instant.asOfForm', params: { form: INSTANT_FORM_KEYED } } : INSTANT_FORM_KEYED;
      ctx.addIssue({ code: 'custom', message: `${field} must be ${asOf ? AS_OF_FORM : INSTANT_FORM}`, params: { key: 'instant.mustBe', params: { field, form } } });
    });
}

export const Role = z.enum(['viewer', 'official', 'auditor', 'admin']);
export type Role = z.infer<typeof Role>;
/** Who may call a channel: a role, or `public` for the login channels themselves. */
export type Access = Role | 'public';

const Username = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a username has 1 to 64 characters of A-Z a-z 0-9 . _ -');
const Password = z.string().min(8, 'a password has at least 8 characters').max(128, 'a password has at most 128 characters');
/** `mustChangePassword`: the password was set by someone else (new account, reset); only changing it is allowed. */
export const Language = z.enum(LANGUAGES);
const SessionUser = z.object({ username: z.string(), displayName: z.string(), role: Role, mustChangePassword: z.boolean().optional(), language: Language.optional() });
export type SessionUser = z.infer<typeof SessionUser>;
const AccessRow = z.object({
  id: z.number(),
  at: z.string(),
  username: z.string(),
  action: z.string(),
  citizenId: z.string().nullable(),
  /** English text; the console shows `server:<detailKey>` with detailParams when there is a key (shared/keyedText.ts). */
  detail: z.string(),
  detailKey: z.string().nullable().optional(),
  detailParams: z.record(z.string(), z.unknown()).nullable().optional(),
  purpose: z.string().nullable(),
  outcome: z.enum(['allowed', 'refused', 'failed']),
});
export type AccessRow = z.infer<typeof AccessRow>;

const empty = z.strictObject({});
/** Why the caller reads personal data (a case number, a request); recorded in the access log with the read. */
const purpose = z.string().max(500).optional();
const Reason = z.string().trim().min(5, 'give a reason of at least 5 characters').max(2000);
const AccountChange = z.object({
  id: z.number(),
  kind: z.enum(['create', 'role', 'enable']),
  username: z.string(),
  displayName: z.string().nullable(),
  role: Role,
  reason: z.string(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
export type AccountChange = z.infer<typeof AccountChange>;
const AccountEvent = z.object({
  id: z.number(),
  at: z.string(),
  username: z.string(),
  action: z.string(),
  actor: z.string(),
  approvedBy: z.string().nullable(),
  changeId: z.number().nullable(),
  reason: z.string(),
  detail: z.string(),
});
export type AccountEvent = z.infer<typeof AccountEvent>;
const SessionInfo = z.object({ id: z.string(), username: z.string(), role: Role, startedAt: z.string(), lastActive: z.string(), locked: z.boolean(), current: z.boolean() });
export type SessionInfo = z.infer<typeof SessionInfo>;
const AccessAlert = z.object({ id: z.number(), at: z.string(), username: z.string(), citizens: z.number(), threshold: z.number(), windowStart: z.string() });
export type AccessAlert = z.infer<typeof AccessAlert>;
const offset = z.number().int().min(0).default(0);
const limit = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt);

/** A problem found in an input (the domain's InputProblem). */
const Problem = InputProblem;

const OperationRow = z.object({
  id: z.number(),
  kind: OperationKind,
  actor: z.string(),
  at: z.string(),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
  ledgerEntries: z.number(),
});
export type OperationRow = z.infer<typeof OperationRow>;

const LedgerEntry = z.object({
  seq: z.number(),
  citizenId: z.string(),
  operationId: z.number(),
  oldScore: z.number().nullable(),
  /** Null: the citizen left scope (cause `scope`). */
  newScore: z.number().nullable(),
  oldTier: z.string().nullable(),
  newTier: z.string().nullable(),
  rulesetVersion: z.number(),
  /** `scope`: the citizen entered or left scope (consent, SCORING_MODEL §6). */
  cause: z.enum(['own', 'friends', 'scope']),
  causeFriends: z.array(z.string()),
  hash: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

const LedgerEntryWithOperation = LedgerEntry.extend({ operation: OperationRow.omit({ ledgerEntries: true }) });
export type LedgerEntryWithOperation = z.infer<typeof LedgerEntryWithOperation>;

const CitizenSummary = z.object({
  citizenId: z.string(),
  name: z.string(),
  /** The name in Latin letters (e.g. pinyin) when the data gives one. */
  nameLatin: z.string().nullable(),
  district: z.string(),
  score: z.number().nullable(),
  tier: z.string().nullable(),
});
export type CitizenSummary = z.infer<typeof CitizenSummary>;

/** Where an event came from: the operation that brought it and, for an import, its provider and events file (SHA-256). */
const EventSource = z.object({
  operationId: z.number(),
  operationKind: z.string(),
  operator: z.string(),
  at: z.string(),
  provider: z.string().nullable(),
  file: z.string().nullable(),
  sha256: z.string().nullable(),
});
export type EventSource = z.infer<typeof EventSource>;

const EventRow = z.object({
  eventId: z.string(),
  kind: z.string(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  retracted: z.boolean(),
  retractedBy: z.number().nullable(),
  recordedBy: z.number(),
  /** Protected fields whose values are withheld (shown as "[protected]"); an auditor unmasks them explicitly. */
  masked: z.array(z.string()).optional(),
  /** Provenance: the import (provider, file, SHA-256, operator, time) or the entry by hand that brought the event. */
  source: EventSource.nullable().optional(),
  /** Under the current ruleset: the points each rule gives the event and whether they count at the scoring date. */
  scoring: z
    .object({
      standing: z.enum(['counts', 'expired', 'future', 'no_points', 'retracted', 'unscored']),
      rules: z.array(z.object({ ruleId: z.string(), ruleName: z.string(), points: z.number(), counts: z.boolean(), error: z.string().nullable() })),
    })
    .optional(),
});
export type EventRow = z.infer<typeof EventRow>;

/** What recording or retracting one event did: the operation and the citizen's figures before and after. */
const RecordedChange = z.object({
  operationId: z.number(),
  eventId: z.string(),
  citizenId: z.string(),
  before: z.object({ score: z.number(), tier: z.string() }).nullable(),
  after: z.object({ score: z.number(), tier: z.string() }).nullable(),
  /** Scores that moved, the citizen's and their friends'. */
  scoresChanged: z.number(),
});

const ScoreStats = z.object({
  citizens: z.number(),
  scoresChanged: z.number(),
  ledgerEntries: z.number(),
  /** Score rows whose stored figures (score, tier, own, penalty, rule totals) were rewritten. */
  rowsRewritten: z.number().optional(),
  iterations: z.number().optional(),
  msPerIteration: z.number().optional(),
});

const ImportResult = z.object({
  ok: z.boolean(),
  problems: z.array(Problem),
  problemCount: z.number(),
  counts: z.object({
    kindsAdded: z.number(),
    citizensAdded: z.number(),
    citizensUpdated: z.number(),
    relationshipsAdded: z.number(),
    relationshipsChanged: z.number(),
    eventsAdded: z.number(),
    eventsUnchanged: z.number(),
    consentsAdded: z.number(),
    consentsUnchanged: z.number(),
  }),
  operationId: z.number().nullable(),
  scoring: ScoreStats.nullable(),
});
export type ImportResult = z.infer<typeof ImportResult>;

const RuleErrors = z.array(z.object({ ruleId: z.string(), count: z.number(), example: z.string() }));

const PublishResult = z.object({ ok: z.boolean(), problems: z.array(Problem), version: z.number().optional(), operationId: z.number().optional(), scoring: ScoreStats.optional(), evaluationErrors: RuleErrors.optional(), fairness: FairnessReport.optional() });
export type PublishResult = z.infer<typeof PublishResult>;

const Mover = z.object({ citizenId: z.string(), name: z.string(), district: z.string(), before: z.number().nullable(), after: z.number(), beforeTier: z.string().nullable(), afterTier: z.string() });

const SimulationResult = z.object({
  ok: z.boolean(),
  problems: z.array(Problem),
  citizens: z.number(),
  changed: z.number(),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), before: z.number(), after: z.number() })),
  tiers: z.array(z.string()),
  /** transitions[i][j]: citizens moving from tiers[i] (before) to tiers[j] (after); a last row counts citizens without a score before. */
  transitions: z.array(z.array(z.number())),
  /**
   * By district. A district of fewer than DISCLOSURE_MIN citizens (shared/fairness.ts), or one withheld with
   * those so that the totals do not give them away, shows its size only: `withheld`, the rest null.
   */
  districts: z.array(
    z.object({ district: z.string(), citizens: z.number(), changed: z.number().nullable(), meanBefore: z.number().nullable(), meanAfter: z.number().nullable(), withheld: z.boolean() }),
  ),
  topUp: z.array(Mover),
  topDown: z.array(Mover),
  evaluationErrors: RuleErrors,
  /**
   * Scope (SCORING_MODEL §3): citizens who would leave or enter scope (lose or
   * gain a score), and the friend penalties of those scored both before and
   * after that would rise or fall, with the mean penalty before and after.
   */
  scope: z
    .object({
      leaving: z.number(),
      entering: z.number(),
      penaltiesUp: z.number(),
      penaltiesDown: z.number(),
      meanPenaltyBefore: z.number(),
      meanPenaltyAfter: z.number(),
    })
    .optional(),
  /** How far the draft's changes travel through friendships: citizens whose score moves though their own score does not, by distance from the nearest citizen whose own score (or scope) changes. */
  reach: Reach.optional(),
  /** What the simulation ran on: the spec (sha256 of its canonical JSON) and the data (last operation, published version). */
  basis: z.object({ specHash: z.string(), lastOperationId: z.number().nullable(), rulesetVersion: z.number().nullable() }).optional(),
  /** The draft's scores by district and age band against the published ruleset's (shared/fairness.ts). */
  fairness: FairnessReport.optional(),
});
export type SimulationResult = z.infer<typeof SimulationResult>;

/** The simulation stored with a ruleset proposal, and whether the data has changed since it ran. */
const ProposalSimulation = z.object({
  result: SimulationResult,
  ranBy: z.string(),
  ranAt: z.string(),
  /** Null while the data is as it was; otherwise what changed (the approval needs a fresh simulation). */
  stale: z.string().nullable(),
  /** `stale` keyed (server:simulation.staleness.*), for the reader's language. */
  staleKey: z.string().optional(),
  staleParams: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type ProposalSimulation = z.infer<typeof ProposalSimulation>;

/** A fairness report: of the current scores (`current`), or kept with a published version, with the approver's acknowledgement of its flags. */
const FairnessReportReply = z.object({
  current: z.boolean(),
  rulesetVersion: z.number().nullable(),
  /** Null: nothing published yet, or a version published before reports were kept. */
  report: FairnessReport.nullable(),
  operationId: z.number().nullable(),
  acknowledgement: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type FairnessReportReply = z.infer<typeof FairnessReportReply>;

const Proposal = z.object({
  id: z.number(),
  kind: z.enum(['ruleset', 'adjustment']),
  payload: z.unknown(),
  reason: z.string(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  operationId: z.number().nullable(),
  /** Ruleset proposals: the simulation the approver reviews (null: none yet, approval refused). */
  simulation: ProposalSimulation.nullable(),
});
export type Proposal = z.infer<typeof Proposal>;

export const DisputeStatus = z.enum(['open', 'under_review', 'upheld', 'rejected']);
const Dispute = z.object({
  id: z.number(),
  citizenId: z.string(),
  eventId: z.string().nullable(),
  measureId: z.string().nullable(),
  statement: z.string(),
  status: DisputeStatus,
  openedBy: z.string(),
  openedAt: z.string(),
  deadline: z.string(),
  overdue: z.boolean(),
  operationId: z.number().nullable(),
  history: z.array(z.object({ status: z.string(), by: z.string(), at: z.string(), reason: z.string() })),
  citizenName: z.string(),
  district: z.string(),
  assignedTo: z.string().nullable(),
  /** For an upheld dispute that moved no score: why (the rule was capped, the event outside the ttl, ...). */
  outcomeNote: z.string().nullable(),
  /** For a dispute of an event: where it came from; `provider` is whom to contact about a correction. */
  source: EventSource.nullable().optional(),
});
export type Dispute = z.infer<typeof Dispute>;

const Measure = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** The measure's name and description in other languages (shared/localizedText.ts picks the reader's). */
  i18n: TextTranslations.optional(),
  kind: z.enum(['benefit', 'restriction']),
  status: z.enum(['applies', 'proposed', 'confirmed', 'withdrawn']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
});
export type Measure = z.infer<typeof Measure>;

const RecomputeResult = z.object({ asOf: z.string(), operationId: z.number().nullable(), scoring: ScoreStats });

const DemoResult = z.object({ citizens: z.number(), relationships: z.number(), events: z.number(), rulesetVersion: z.number(), asOf: z.string() });

export const JobKind = z.enum(['import', 'publish', 'simulate', 'recompute', 'demo']);
export type JobKind = z.infer<typeof JobKind>;

/** What each kind of job returns: the job manager checks a worker's result against it, and the jobStatus channel again. */
export const JobResult = { import: ImportResult, publish: PublishResult, simulate: SimulationResult, recompute: RecomputeResult, demo: DemoResult } as const satisfies Record<
  JobKind,
  z.ZodType
>;
export type JobResult<K extends JobKind = JobKind> = z.infer<(typeof JobResult)[K]>;

function jobStatusOf<K extends JobKind>(kind: K) {
  return z.object({
    jobId: z.string(),
    kind: z.literal(kind),
    state: z.enum(['running', 'done', 'failed', 'cancelled']),
    phase: z.string(),
    done: z.number(),
    total: z.number(),
    startedAt: z.string(),
    /** English; `errorKey` and `errorParams` put it in the reader's language (shared/keyedText.ts). */
    error: z.string().nullable(),
    errorKey: z.string().optional(),
    errorParams: z.record(z.string(), z.unknown()).optional(),
    result: z.nullable(JobResult[kind]),
  });
}
/** A job's progress and, once done, its result, of the shape its kind returns (narrowed by `kind`). */
const JobStatus = z.discriminatedUnion('kind', [jobStatusOf('import'), jobStatusOf('publish'), jobStatusOf('simulate'), jobStatusOf('recompute'), jobStatusOf('demo')]);
export type JobStatus = z.infer<typeof JobStatus>;

const ImportFileName = z.enum(['event_kinds.json', 'citizens.csv', 'consents.csv', 'relationships.csv', 'events.csv', 'events.jsonl']);
/** An import file: its content inline (desktop IPC, small files), or the id the bridge gave its streamed upload (POST /upload/<name>). */
const ImportFile = z
  .strictObject({
    name: ImportFileName,
    content: z.string().max(512 * 2 ** 20).optional(),
    uploadId: z.string().max(64).optional(),
    /** Where the file came from on the uploader's computer (shown in the events' provenance). */
    source: z.string().max(1000).optional(),
  })
  .refine((f) => (f.content === undefined) !== (f.uploadId === undefined), { message: 'give the content or an uploadId, one of the two', path: ['content'], params: { key: 'input.contentOrUpload' } });

/** Who supplied an import's data: recorded with it, shown with every event it brought, the contact for a dispute. */
export const ProviderName = z
  .string()
  .trim()
  .min(1, 'name the provider of the data (the registry or agency that supplied it)')
  .max(200)
  .regex(/^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]*$/, 'the provider name may not contain control or bidirectional formatting characters');

const ExpressionCheck = z.object({
  ok: z.boolean(),
  type: z.string().optional(),
  /** English `message`; `key` and `params` put it in the reader's language (shared/keyedText.ts; a parameter may be keyed itself). */
  error: z.object({ message: z.string(), column: z.number(), key: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }).optional(),
  compiled: z.boolean().optional(),
});

const RuleTestResult = z.object({
  rows: z.array(
    z.object({
      eventId: z.string().nullable(),
      occurredAt: z.string().nullable(),
      data: z.record(z.string(), z.unknown()),
      matched: z.boolean(),
      points: z.number(),
      /** English; `errorKey` and `errorParams` put it in the reader's language (shared/keyedText.ts). */
      error: z.string().nullable(),
      errorKey: z.string().optional(),
      errorParams: z.record(z.string(), z.unknown()).optional(),
      counted: z.boolean(),
    }),
  ),
  raw: z.number(),
  total: z.number(),
  capped: z.boolean(),
});
export type RuleTestResult = z.infer<typeof RuleTestResult>;

/** One consent record as the record page shows it: what, when, the evidence, who recorded it and why (SCORING_MODEL §1). */
const ConsentRecordRow = z.object({
  seq: z.number(),
  status: ConsentStatus,
  at: z.string(),
  evidence: z.string(),
  operationId: z.number(),
  recordedBy: z.string(),
  recordedAt: z.string(),
  reason: z.string(),
});
/** A citizen's consent and scope (SCORING_MODEL §3 "Scope"). */
const ConsentView = z.object({
  /** The published ruleset scores only citizens who consented. */
  required: z.boolean(),
  asOf: z.string().nullable(),
  /** The consent at the scoring instant (null: none) and the latest record whatever its instant. */
  atScoringInstant: ConsentStatus.nullable(),
  latest: ConsentStatus.nullable(),
  inScope: z.boolean(),
  /** Newest first. */
  history: z.array(ConsentRecordRow),
});
export type ConsentView = z.infer<typeof ConsentView>;

const Overview = z.object({
  population: z.number(),
  scored: z.number(),
  /** Scope (SCORING_MODEL §3): in and out of scope at the scoring instant, and how many have consent given then (what turning consent_required on would keep). */
  consent: z.object({ required: z.boolean(), inScope: z.number(), outOfScope: z.number(), givenAtAsOf: z.number() }),
  rulesetVersion: z.number().nullable(),
  asOf: z.string().nullable(),
  tiers: z.array(z.object({ tier: z.string(), min: z.number(), count: z.number() })),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number() })),
  recentOperations: z.array(OperationRow),
  ledgerEntries: z.number(),
});
export type Overview = z.infer<typeof Overview>;

const RulesetVersion = z.object({
  version: z.number(),
  operationId: z.number(),
  actor: z.string(),
  at: z.string(),
  reason: z.string(),
  rules: z.number(),
  /** Two-person publishing: who proposed the version and who approved it (null for a version published without a proposal). */
  proposedBy: z.string().nullable().optional(),
  approvedBy: z.string().nullable().optional(),
});
export type RulesetVersion = z.infer<typeof RulesetVersion>;

const IntegrityProblem = z.object({ where: z.string(), at: z.string().nullable(), message: z.string(), key: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() });
/** The chain of every record, the ledger and the stored scores, verified (electron/db/chainVerify.ts). */
const Integrity = z.object({
  ok: z.boolean(),
  chainCount: z.number(),
  chainHead: z.string(),
  ledgerCount: z.number(),
  problems: z.array(IntegrityProblem),
  problemCount: z.number(),
});
const BackupSummary = z.object({
  file: z.string(),
  createdAt: z.string(),
  bytes: z.number(),
  encrypted: z.boolean(),
  ledgerCount: z.number(),
  chainCount: z.number(),
  citizens: z.number(),
});
const VerifyResult = z.object({
  ok: z.boolean(),
  count: z.number(),
  head: z.string().optional(),
  firstBroken: z.number().nullable().optional(),
  /** English; `key` and `params` put it in the reader's language (shared/keyedText.ts). */
  message: z.string().optional(),
  key: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

interface ChannelSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  role: Access;
  /** An official channel that writes nothing (checking and testing rules): auditors may call it too. */
  readOnly?: boolean;
  /** Shown in generated docs and errors. */
  summary: string;
}

function channel<I extends z.ZodType, O extends z.ZodType>(spec: ChannelSpec<I, O>): ChannelSpec<I, O> {
  return spec;
}

export const SearchSort = z.enum(['name', 'citizenId', 'score', 'district']);

export const channels = {
  authStatus: channel({
    input: empty,
    output: z.object({ needsSetup: z.boolean(), user: SessionUser.nullable(), locked: z.boolean() }),
    role: 'public',
    summary: 'is anybody logged in on this session; does the first administrator still need creating',
  }),
  setupAdmin: channel({
    input: z.strictObject({ username: Username, displayName: z.string().max(100).default(''), password: Password, language: Language.optional() }),
    output: z.object({ token: z.string(), user: SessionUser }),
    role: 'public',
    summary: 'create the first administrator (only while no account exists) and log in',
  }),
  login: channel({ input: z.strictObject({ username: z.string().max(64), password: z.string().max(128) }), output: z.object({ token: z.string(), user: SessionUser }), role: 'public', summary: 'log in' }),
  unlock: channel({ input: z.strictObject({ password: z.string().max(128) }), output: SessionUser, role: 'public', summary: 'unlock a session locked after idling' }),
  lock: channel({ input: empty, output: z.object({}), role: 'public', summary: 'lock this session now' }),
  logout: channel({ input: empty, output: z.object({}), role: 'public', summary: 'end this session' }),
  users: channel({
    input: empty,
    output: z.array(z.object({ username: z.string(), displayName: z.string(), role: Role, createdAt: z.string(), createdBy: z.string(), disabled: z.boolean(), mustChangePassword: z.boolean() })),
    role: 'admin',
    summary: 'every account',
  }),
  createUser: channel({
    input: z.strictObject({ username: Username, displayName: z.string().max(100).default(''), role: Role, password: Password, reason: Reason.default('a new account') }),
    output: z.object({ changeId: z.number(), username: z.string(), role: Role, status: z.literal('pending') }),
    role: 'admin',
    summary: 'propose an account; another administrator approves it (the user changes the initial password at first login)',
  }),
  accountChanges: channel({
    input: z.strictObject({ status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).optional() }),
    output: z.array(AccountChange),
    role: 'auditor',
    summary: 'proposed account changes (new accounts, role changes, re-enabled accounts) and their decisions',
  }),
  decideAccountChange: channel({
    input: z.strictObject({ changeId: z.number().int().min(1), approve: z.boolean(), reason: Reason }),
    output: z.object({ status: z.enum(['approved', 'rejected', 'withdrawn']) }),
    role: 'admin',
    summary: 'approve or reject an account change (never your own, nor one concerning you or an account you set up)',
  }),
  changeRole: channel({ input: z.strictObject({ username: Username, role: Role, reason: Reason }), output: z.object({ changeId: z.number() }), role: 'admin', summary: "propose a new role for an account; another administrator approves it" }),
  enableUser: channel({ input: z.strictObject({ username: Username, reason: Reason }), output: z.object({ changeId: z.number() }), role: 'admin', summary: 'propose re-enabling a disabled account; another administrator approves it' }),
  disableUser: channel({ input: z.strictObject({ username: Username, reason: Reason }), output: z.object({ sessionsEnded: z.number() }), role: 'admin', summary: 'disable an account now and end its sessions (never the last administrator)' }),
  resetPassword: channel({
    input: z.strictObject({ username: Username, reason: Reason }),
    output: z.object({ temporaryPassword: z.string(), sessionsEnded: z.number() }),
    role: 'admin',
    summary: "set a temporary password (shown once) that the user must change at the next login; ends the user's sessions",
  }),
  setLanguage: channel({ input: z.strictObject({ language: Language }), output: z.object({}), role: 'viewer', summary: 'choose the language the console speaks to you (English or Simplified Chinese)' }),
  changePassword: channel({ input: z.strictObject({ current: z.string().max(128), next: Password }), output: z.object({}), role: 'viewer', summary: 'change your own password' }),
  accountHistory: channel({ input: z.strictObject({ username: z.string().max(64).optional() }), output: z.array(AccountEvent), role: 'auditor', summary: 'who created, re-enabled, re-roled, disabled or reset which account, approved by whom, why' }),
  sessions: channel({ input: empty, output: z.array(SessionInfo), role: 'admin', summary: 'the live login sessions' }),
  revokeSession: channel({ input: z.strictObject({ sessionId: z.string().max(64), reason: Reason }), output: z.object({ revoked: z.boolean() }), role: 'admin', summary: 'end a login session now' }),
  issueCliToken: channel({ input: empty, output: z.object({ token: z.string(), expiresAt: z.string() }), role: 'viewer', summary: 'a one-time token for one command-line command as you (valid 10 minutes)' }),
  accessAlerts: channel({
    input: z.strictObject({ limit: limit(200, 50) }),
    output: z.object({ threshold: z.number(), alerts: z.array(AccessAlert) }),
    role: 'auditor',
    summary: 'users who read more distinct citizens in an hour than the bulk-read threshold',
  }),
  setBulkReadThreshold: channel({
    input: z.strictObject({ perHour: z.number().int().min(1).max(1_000_000), reason: Reason }),
    output: z.object({ threshold: z.number() }),
    role: 'admin',
    summary: 'how many distinct citizens a user may read in an hour before an alert is raised',
  }),
  accessLog: channel({
    input: z.strictObject({ citizenId: CitizenId.optional(), username: z.string().max(64).optional(), action: z.string().max(40).optional(), offset, limit: limit(500, 100) }),
    output: z.object({ total: z.number(), rows: z.array(AccessRow) }),
    role: 'auditor',
    summary: 'the access log: record views, searches, exports, refusals, logins',
  }),
  exportAccessLog: channel({
    input: z.strictObject({ citizenId: CitizenId.optional(), username: z.string().max(64).optional(), action: z.string().max(40).optional() }),
    output: z.object({ filename: z.string(), csv: z.string(), rows: z.number() }),
    role: 'auditor',
    summary: 'the (filtered) access log as CSV: every cell quoted, formula-like cells neutralised',
  }),
  recordViewers: channel({
    input: z.strictObject({ citizenId: CitizenId, purpose }),
    output: z.object({ total: z.number(), rows: z.array(AccessRow) }),
    role: 'viewer',
    summary: "who opened this citizen's record, when and for what purpose",
  }),
  ping: channel({ input: empty, output: z.object({ at: z.string() }), role: 'viewer', summary: 'liveness check' }),
  overview: channel({ input: empty, output: Overview, role: 'viewer', summary: 'population, tier distribution, recent operations' }),
  districts: channel({ input: empty, output: z.array(z.string()), role: 'viewer', summary: 'all districts' }),
  search: channel({
    input: z.strictObject({
      query: z.string().max(200).default(''),
      district: z.string().max(100).optional(),
      tier: z.string().max(16).optional(),
      minScore: z.number().finite().optional(),
      maxScore: z.number().finite().optional(),
      /** `in`: scored; `out`: not scored because the ruleset requires consent they have not given (SCORING_MODEL §3). */
      scope: z.enum(['in', 'out']).optional(),
      sort: SearchSort.default('citizenId'),
      descending: z.boolean().default(false),
      offset,
      limit: limit(500, 100),
      purpose,
    }),
    output: z.object({
      total: z.number(),
      /** More than `total` citizens match; only the first matches (in index order) were searched. */
      capped: z.boolean(),
      rows: z.array(CitizenSummary),
    }),
    role: 'viewer',
    summary: 'search citizens by name or id, with filters',
  }),
  citizen: channel({
    input: z.strictObject({ citizenId: CitizenId, purpose: z.string().max(500).optional() }),
    output: z.object({
      summary: CitizenSummary.extend({ birthDate: z.string().nullable() }),
      explanation: Explanation.nullable(),
      history: z.array(LedgerEntryWithOperation),
      eventCount: z.number(),
      consent: ConsentView,
    }),
    role: 'viewer',
    summary: "a citizen's record: score explained, audit trail, consent",
  }),
  citizenEvents: channel({
    /** `unmask`: show protected fields (auditors only; each unmasking is logged). */
    input: z.strictObject({ citizenId: CitizenId, offset, limit: limit(1000, 200), purpose, unmask: z.boolean().default(false) }),
    output: z.object({ total: z.number(), rows: z.array(EventRow) }),
    role: 'viewer',
    summary: "a page of a citizen's events, newest first",
  }),
  rulesetCurrent: channel({
    input: empty,
    output: z.object({ version: z.number().nullable(), spec: RulesetSpec.nullable(), kinds: z.array(EventKindSpec) }),
    role: 'viewer',
    summary: 'the published ruleset and the event kinds',
  }),
  rulesetVersions: channel({ input: empty, output: z.array(RulesetVersion), role: 'viewer', summary: 'every published version' }),
  rulesetGet: channel({ input: z.strictObject({ version: z.number().int().min(1) }), output: RulesetSpec, role: 'viewer', summary: 'one published version' }),
  checkExpression: channel({
    input: z.strictObject({ eventKind: z.string().max(64), expression: z.string().max(4000), expect: z.enum(['bool', 'number']) }),
    output: ExpressionCheck,
    role: 'official',
    readOnly: true,
    summary: 'parse and type-check one CEL expression',
  }),
  validateRuleset: channel({ input: z.strictObject({ ruleset: z.unknown() }), output: z.object({ ok: z.boolean(), problems: z.array(Problem) }), role: 'official',
    readOnly: true, summary: 'validate a draft ruleset' }),
  testRule: channel({
    input: z.strictObject({ rule: RuleSpec, samples: z.array(z.record(z.string(), z.unknown())).max(200).optional(), citizenId: CitizenId.optional() }),
    output: RuleTestResult,
    role: 'official',
    readOnly: true,
    summary: 'run one rule on sample events or on one citizen',
  }),
  simulate: channel({ input: z.strictObject({ ruleset: z.unknown() }), output: z.object({ jobId: z.string() }), role: 'official', summary: 'simulate a draft ruleset over the population (job)' }),
  proposals: channel({
    input: z.strictObject({ status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).optional() }),
    output: z.array(Proposal),
    role: 'viewer',
    summary: 'proposals awaiting (or past) a second person: rulesets and manual adjustments',
  }),
  proposeRuleset: channel({
    input: z.strictObject({
      ruleset: z.unknown(),
      reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(2000),
      /** The finished simulate job of this very ruleset: stored with the proposal for the approver. */
      simulationJobId: z.string().min(1, 'simulate the ruleset before proposing it').max(64),
    }),
    output: z.object({ proposalId: z.number() }),
    role: 'admin',
    summary: 'propose publishing a simulated ruleset; another administrator approves it',
  }),
  attachProposalSimulation: channel({
    input: z.strictObject({ proposalId: z.number().int().min(1), simulationJobId: z.string().min(1).max(64) }),
    output: z.object({}),
    role: 'admin',
    summary: "replace a pending ruleset proposal's simulation with a fresh run on today's data",
  }),
  proposeAdjustment: channel({
    input: z.strictObject({ citizenId: CitizenId, points: z.number().finite().min(-1000).max(1000), justification: z.string().trim().min(10, 'give a justification of at least 10 characters').max(2000) }),
    output: z.object({ proposalId: z.number() }),
    role: 'official',
    summary: 'propose a manual score adjustment; another user approves it',
  }),
  decideProposal: channel({
    input: z.strictObject({
      proposalId: z.number().int().min(1),
      approve: z.boolean(),
      reason: z.string().trim().min(5, 'give a reason of at least 5 characters').max(2000),
      /** Approving a ruleset whose fairness report has flags: why they are accepted (refused without one). */
      fairnessAcknowledgement: z.string().trim().max(2000).optional(),
    }),
    output: z.object({ status: z.enum(['approved', 'rejected', 'withdrawn', 'publishing']), jobId: z.string().nullable(), operationId: z.number().nullable() }),
    role: 'official',
    summary: 'approve or reject a proposal (never your own); a ruleset approval publishes it (job)',
  }),
  disputes: channel({
    input: z.strictObject({
      citizenId: CitizenId.optional(),
      status: DisputeStatus.optional(),
      openOnly: z.boolean().default(false),
      district: z.string().max(100).optional(),
      openedBy: z.string().max(64).optional(),
      assignedTo: z.string().max(64).optional(),
      overdueOnly: z.boolean().default(false),
      purpose,
    }),
    output: z.array(Dispute),
    role: 'viewer',
    summary: 'disputes, soonest deadline first, overdue ones flagged',
  }),
  openDispute: channel({
    input: z.strictObject({ citizenId: CitizenId, eventId: z.string().max(128).optional(), measureId: z.string().max(64).optional(), statement: z.string().trim().min(5, "record the citizen's statement").max(5000) }),
    output: z.object({ disputeId: z.number() }),
    role: 'official',
    summary: 'open a dispute of an event or of a confirmed restriction, with the citizen statement',
  }),
  moveDispute: channel({
    input: z.strictObject({ disputeId: z.number().int().min(1), status: DisputeStatus, reason: z.string().trim().min(5, 'give a reason').max(2000) }),
    output: z.object({ operationId: z.number().nullable() }),
    role: 'official',
    summary: 'move a dispute: open -> under review -> upheld | rejected',
  }),
  measures: channel({ input: z.strictObject({ citizenId: CitizenId, purpose }), output: z.array(Measure), role: 'viewer', summary: "the tier measures that concern a citizen, and their status" }),
  decideMeasure: channel({
    input: z.strictObject({ citizenId: CitizenId, measureId: z.string().max(64), decision: z.enum(['confirmed', 'withdrawn']), reason: z.string().trim().min(5, 'give a reason').max(2000) }),
    output: z.object({}),
    role: 'official',
    summary: 'confirm (apply) or withdraw a restrictive measure for one citizen',
  }),
  importFiles: channel({
    input: z.strictObject({ files: z.array(ImportFile).min(1).max(5), provider: ProviderName, reason: z.string().max(2000).optional(), dryRun: z.boolean().default(false) }),
    output: z.object({ jobId: z.string() }),
    role: 'official',
    summary: 'import uploaded files, or only validate them with dryRun (job)',
  }),
  importFolder: channel({
    input: z.strictObject({ folder: z.string().min(1).max(4096), provider: ProviderName, reason: z.string().max(2000).optional(), dryRun: z.boolean().default(false) }),
    output: z.object({ jobId: z.string() }),
    role: 'official',
    summary: 'import a folder on this machine, or only validate it (job)',
  }),
  recompute: channel({ input: z.strictObject({ asOf: instantInput('asOf', true).optional() }), output: z.object({ jobId: z.string() }), role: 'admin', summary: 'recompute every score as of an instant (job)' }),
  createDemo: channel({ input: z.strictObject({ citizens: z.number().int().min(10).max(1_000_000).default(5000), seed: z.number().int().min(0).default(1) }), output: z.object({ jobId: z.string() }), role: 'admin', summary: 'create the demo population (job)' }),
  jobStatus: channel({ input: z.strictObject({ jobId: z.string().max(64) }), output: JobStatus, role: 'viewer', summary: 'progress and result of a job' }),
  jobCancel: channel({ input: z.strictObject({ jobId: z.string().max(64) }), output: z.object({ cancelled: z.boolean() }), role: 'official', summary: 'cancel a running job' }),
  operations: channel({
    input: z.strictObject({
      kind: OperationKind.optional(),
      actor: z.string().max(200).optional(),
      /** Only the imports that named this provider. */
      provider: z.string().max(200).optional(),
      query: z.string().max(200).optional(),
      offset,
      limit: limit(500, 100),
    }),
    output: z.object({ total: z.number(), rows: z.array(OperationRow), /** Every provider named in an import, for the filter. */ providers: z.array(z.string()).optional() }),
    role: 'viewer',
    summary: 'operations, newest first',
  }),
  operationLedger: channel({
    input: z.strictObject({ operationId: z.number().int().min(1), offset, limit: limit(1000, 200), purpose }),
    output: z.object({ operation: OperationRow, total: z.number(), rows: z.array(LedgerEntry) }),
    role: 'viewer',
    summary: 'ledger entries written by one operation',
  }),
  checkpoints: channel({
    input: z.strictObject({ trustedPublicKey: z.string().max(20000).optional() }),
    output: z.object({
      integrity: Integrity,
      checkpoints: z.array(
        z.object({
          id: z.number(),
          count: z.number(),
          head: z.string(),
          chainCount: z.number().nullable(),
          chainHead: z.string().nullable(),
          at: z.string(),
          keyId: z.string(),
          actor: z.string(),
          signatureStatus: z.string(),
          matchesChain: z.boolean().nullable(),
        }),
      ),
    }),
    role: 'auditor',
    summary: 'the whole record verified, and the recorded checkpoints, each checked against the current chain (and the pinned auditor key, when given)',
  }),
  createCheckpoint: channel({
    input: z.strictObject({ keyFile: z.string().min(1).max(20000), passphrase: z.string().min(1).max(1000) }),
    output: z.object({ filename: z.string(), content: z.string(), count: z.number(), head: z.string(), chainCount: z.number(), chainHead: z.string() }),
    role: 'auditor',
    summary: "verify everything and sign the ledger and chain heads with the auditor's key (their key file and passphrase); the file goes to the auditor",
  }),
  verifyCheckpoint: channel({
    input: z.strictObject({ checkpoint: z.unknown(), trustedPublicKey: z.string().min(1).max(20000) }),
    output: z.object({
      ok: z.boolean(),
      /** `message` in English; `key` and `params` for the reader's language. */
      signature: z.object({ status: z.string(), message: z.string(), key: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }),
      mismatches: z.array(z.string()),
      /** The mismatches keyed, in the same order. */
      mismatchesKeyed: z.array(z.object({ message: z.string(), key: z.string(), params: z.record(z.string(), z.unknown()).optional() })).optional(),
      integrity: Integrity.nullable(),
    }),
    role: 'auditor',
    summary: "verify the whole record against a checkpoint file signed by the pinned auditor key: rewritten, deleted or truncated history, edited records, scores",
  }),
  disclosure: channel({
    input: z.strictObject({
      citizenId: CitizenId,
      purpose,
      /** The language to write it in; without it, the citizen's own, else English. */
      language: Language.optional(),
    }),
    output: z.object({ filename: z.string(), base64: z.string() }),
    role: 'official',
    readOnly: true,
    summary: "the citizen's score disclosure as a PDF, in the citizen's language or the one asked for",
  }),
  subjectExport: channel({
    input: z.strictObject({ citizenId: CitizenId, purpose }),
    output: z.object({ filename: z.string(), json: z.string() }),
    role: 'official',
    readOnly: true,
    summary: 'everything held on one citizen, as JSON (subject access)',
  }),
  verifyLedger: channel({ input: empty, output: VerifyResult, role: 'auditor', summary: 'recompute the ledger hash chain' }),
  backups: channel({
    input: empty,
    output: z.object({ folder: z.string(), keep: z.number(), backups: z.array(BackupSummary) }),
    role: 'admin',
    summary: 'the backup folder, how many daily backups are kept, and the backups in it, newest first',
  }),
  createBackup: channel({ input: empty, output: BackupSummary, role: 'admin', summary: 'take a consistent, encrypted backup now into the backup folder, with its manifest' }),
  setBackupSettings: channel({
    input: z.strictObject({ folder: z.string().min(1).max(4096).nullable().optional(), keep: z.number().int().min(1).max(365) }),
    output: z.object({ folder: z.string(), keep: z.number() }),
    role: 'admin',
    summary: 'where daily backups go (null: beside the database) and how many are kept',
  }),
  verifyBackup: channel({
    input: z.strictObject({ file: z.string().min(1).max(255) }),
    output: z.object({ ok: z.boolean(), message: z.string(), key: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }),
    role: 'admin',
    summary: "check a backup in the folder: its hash, SQLite's integrity, the chain, and its manifest",
  }),
  recentPurposes: channel({ input: empty, output: z.array(z.string()), role: 'viewer', summary: 'the purposes of access this user stated lately, newest first' }),
  accessSettings: channel({ input: empty, output: z.object({ purposeRequired: z.boolean() }), role: 'viewer', summary: 'whether a purpose of access must be stated to open a record' }),
  setAccessSettings: channel({
    input: z.strictObject({ purposeRequired: z.boolean(), reason: z.string().trim().min(5, 'give a reason').max(2000) }),
    output: z.object({ purposeRequired: z.boolean() }),
    role: 'admin',
    summary: 'make stating a purpose of access mandatory (or optional); logged',
  }),
  recordEvent: channel({
    input: z.strictObject({
      citizenId: CitizenId,
      /** Chosen by the form when it opens, so a second click cannot record the event twice. */
      eventId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'an event id has 1 to 128 characters of A-Z a-z 0-9 _ . : -'),
      kind: z.string().max(64),
      occurredAt: instantInput('occurredAt'),
      data: z.record(z.string(), z.unknown()),
      reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(2000),
    }),
    output: RecordedChange,
    role: 'official',
    summary: "record one event on a citizen's record (checked like an imported row); the scores it moves are recomputed",
  }),
  retractEvent: channel({
    input: z.strictObject({ eventId: z.string().max(128), reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(2000) }),
    output: RecordedChange,
    role: 'official',
    summary: 'retract an event (it stays on record, marked); the scores it moved are recomputed',
  }),
  assignDispute: channel({
    input: z.strictObject({ disputeId: z.number().int().min(1), assignee: Username.nullable(), reason: z.string().trim().min(5, 'give a reason').max(2000) }),
    output: z.object({ operationId: z.number() }),
    role: 'official',
    summary: 'assign a dispute to a reviewer (an official or administrator), or unassign it',
  }),
  disputeCounts: channel({
    input: empty,
    output: z.object({ active: z.number(), overdue: z.number() }),
    role: 'viewer',
    summary: 'how many disputes await a decision and how many of them are overdue (no personal data: the navigation badge)',
  }),
  disputeReviewers: channel({ input: empty, output: z.array(z.object({ username: z.string(), displayName: z.string(), role: Role })), role: 'official', summary: 'the accounts that may review disputes' }),
  recordConsent: channel({
    input: z.strictObject({
      citizenId: CitizenId,
      status: ConsentStatus,
      /** When the citizen gave, withdrew or refused consent (the instant on the form). */
      at: instantInput('at'),
      evidence: z.string().trim().min(1, 'give the evidence: the form number or the channel').max(500),
      reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(2000),
    }),
    output: z.object({
      operationId: z.number(),
      citizenId: z.string(),
      before: z.object({ score: z.number(), tier: z.string() }).nullable(),
      after: z.object({ score: z.number(), tier: z.string() }).nullable(),
      inScopeBefore: z.boolean(),
      inScopeAfter: z.boolean(),
      /** The record is dated after the scoring instant: it counts once scores are computed as of that date. */
      afterScoringInstant: z.boolean(),
      /** Scores that moved: the citizen's and their friends'. */
      scoresChanged: z.number(),
      /** Friends whose stored score or tier changed (their ledger entries are under the operation). */
      friendsMoved: z.number(),
    }),
    role: 'official',
    summary: "record a citizen's consent, withdrawal or refusal with its evidence; with consent required, the citizen and their friends are rescored",
  }),
  scoreOutlook: channel({
    input: z.strictObject({ citizenId: CitizenId, purpose }),
    output: Outlook,
    role: 'viewer',
    summary: "a citizen's score outlook under the current ruleset: dated changes already known, pending disputes, the next tier (a projection)",
  }),
  previewEvent: channel({
    input: z.strictObject({
      citizenId: CitizenId,
      kind: z.string().max(64),
      occurredAt: instantInput('occurredAt'),
      data: z.record(z.string(), z.unknown()),
      purpose,
    }),
    output: EventPreview,
    role: 'official',
    summary: "what recording an event would do now, before it is recorded: the citizen's score and how many citizens' scores move through friendships, how far (nothing written)",
  }),
  networkView: channel({
    input: z.strictObject({ citizenId: CitizenId, purpose }),
    output: NetworkView,
    role: 'viewer',
    summary: "the friends a citizen's shortfall penalises, with the points each loses because of them",
  }),
  friendPenaltyShare: channel({
    input: empty,
    output: FriendPenaltyShare,
    role: 'viewer',
    summary: "the friend penalty's share of all points deducted, by district (aggregates, no personal data)",
  }),
  fairnessReport: channel({
    input: z.strictObject({ version: z.number().int().min(1).optional() }),
    output: FairnessReportReply,
    role: 'viewer',
    summary: 'the fairness report of the current scores, or the one kept with a published version (aggregates by district and age band)',
  }),
  exportFairnessReport: channel({
    input: z.strictObject({ version: z.number().int().min(1).optional(), proposalId: z.number().int().min(1).optional() }),
    output: z.object({ filename: z.string(), csv: z.string(), rows: z.number() }),
    role: 'viewer',
    summary: "a fairness report as CSV: the current scores', a published version's or a ruleset proposal's simulation (logged as an export)",
  }),
} satisfies Record<ChannelName, ChannelSpec<z.ZodType, z.ZodType>>;

export type Channels = typeof channels;
export type Input<K extends ChannelName> = z.input<Channels[K]['input']>;
export type ParsedInput<K extends ChannelName> = z.output<Channels[K]['input']>;
export type Output<K extends ChannelName> = z.output<Channels[K]['output']>;

/** A refusal says why in English (`message`) and, where the main process has it keyed, as a `server:` message key with its parameters for the reader's language (shared/messages.ts). */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string; key?: string; params?: Record<string, KeyedParam> } };
export type ErrorCode = 'invalid_input' | 'not_found' | 'forbidden' | 'conflict' | 'rejected' | 'unknown_channel' | 'unauthenticated' | 'locked' | 'internal';

/** The client both transports give the renderer. */
export type Api = { [K in ChannelName]: (input: Input<K>, session?: string) => Promise<Reply<Output<K>>> };

export { CHANNEL_NAMES, type ChannelName };
