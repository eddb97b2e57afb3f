/**
 * The role each API channel needs, written out by hand: the tests that decide
 * whether a role may call a channel read this table, never the contract under
 * test, so a channel given a wrong role in shared/contract.ts fails them.
 * A new channel must be added here (roleTable.test.ts fails until it is), with
 * the role someone decided, not the one the contract happens to carry.
 */
import type { Access, ChannelName, Role } from '../../../shared/contract.js';

export const CHANNEL_ROLES = {
  // The login channels themselves.
  authStatus: 'public',
  setupAdmin: 'public',
  login: 'public',
  unlock: 'public',
  lock: 'public',
  logout: 'public',
  // Accounts.
  users: 'admin',
  createUser: 'admin',
  accountChanges: 'auditor',
  decideAccountChange: 'admin',
  changeRole: 'admin',
  enableUser: 'admin',
  disableUser: 'admin',
  resetPassword: 'admin',
  // Everyone changes their own password and language and may take a command-line token for themselves.
  changePassword: 'viewer',
  setLanguage: 'viewer',
  issueCliToken: 'viewer',
  accountHistory: 'auditor',
  sessions: 'admin',
  revokeSession: 'admin',
  // Bulk reads: alerts for auditors, the threshold set by administrators.
  accessAlerts: 'auditor',
  setBulkReadThreshold: 'admin',
  // Who looked at what.
  accessLog: 'auditor',
  exportAccessLog: 'auditor',
  recordViewers: 'viewer',
  // Reading the population and the rules.
  ping: 'viewer',
  overview: 'viewer',
  districts: 'viewer',
  search: 'viewer',
  citizen: 'viewer',
  citizenEvents: 'viewer',
  rulesetCurrent: 'viewer',
  rulesetVersions: 'viewer',
  rulesetGet: 'viewer',
  // The rule lab.
  checkExpression: 'official',
  validateRuleset: 'official',
  testRule: 'official',
  simulate: 'official',
  // Proposals (two-person rule) and disputes.
  proposals: 'viewer',
  proposeRuleset: 'admin',
  attachProposalSimulation: 'admin',
  proposeAdjustment: 'official',
  decideProposal: 'official',
  disputes: 'viewer',
  openDispute: 'official',
  moveDispute: 'official',
  measures: 'viewer',
  decideMeasure: 'official',
  // Data in, and jobs.
  importFiles: 'official',
  importFolder: 'official',
  recompute: 'admin',
  createDemo: 'admin',
  jobStatus: 'viewer',
  jobCancel: 'official',
  // The ledger and its checkpoints.
  operations: 'viewer',
  operationLedger: 'viewer',
  checkpoints: 'auditor',
  createCheckpoint: 'auditor',
  verifyCheckpoint: 'auditor',
  verifyLedger: 'auditor',
  // Backups: administrators (a backup holds everyone's data, encrypted).
  backups: 'admin',
  createBackup: 'admin',
  setBackupSettings: 'admin',
  verifyBackup: 'admin',
  // What a citizen is told.
  disclosure: 'official',
  subjectExport: 'official',
  // Casework: purpose of access, events recorded by hand, the disputes worklist.
  recentPurposes: 'viewer',
  accessSettings: 'viewer',
  setAccessSettings: 'admin',
  recordEvent: 'official',
  retractEvent: 'official',
  assignDispute: 'official',
  disputeReviewers: 'official',
  disputeCounts: 'viewer',
  // Consent: recorded by officials (it changes who is scored); read on the record.
  recordConsent: 'official',
  // Recourse and network (issue 13): part of reading a record; the district aggregate names no one.
  scoreOutlook: 'viewer',
  previewEvent: 'official',
  networkView: 'viewer',
  friendPenaltyShare: 'viewer',
  fairnessReport: 'viewer',
  exportFairnessReport: 'viewer',
} as const satisfies Record<string, Access>;

/**
 * Official channels that write nothing (checking and testing rules, reading a
 * citizen's disclosure): auditors may call them too. Written by hand as well.
 */
export const AUDITOR_ALSO: ReadonlySet<string> = new Set(['checkExpression', 'validateRuleset', 'testRule', 'disclosure', 'subjectExport']);

/** Who may call a channel that needs `access`: admin everything; auditor reads and writes nothing; official and viewer their own and below. */
export const MAY_CALL: Record<Access, readonly Role[]> = {
  public: ['viewer', 'official', 'auditor', 'admin'],
  viewer: ['viewer', 'official', 'auditor', 'admin'],
  official: ['official', 'admin'],
  auditor: ['auditor', 'admin'],
  admin: ['admin'],
};

/** The role a channel needs, from the hand-written table; throws for a channel the table lacks. */
export function neededRole(name: ChannelName | string): Access {
  const role = (CHANNEL_ROLES as Record<string, Access>)[name];
  if (role === undefined) throw new Error(`channel '${name}' is not in the hand-written role table test/unit/ipc/roleTable.ts: add it with the role it needs`);
  return role;
}

/** Whether `role` may call channel `name`, decided from the hand-written tables alone. */
export function mayCall(name: ChannelName | string, role: Role): boolean {
  return MAY_CALL[neededRole(name)].includes(role) || (role === 'auditor' && AUDITOR_ALSO.has(name));
}
