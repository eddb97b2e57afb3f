/**
 * The channel names alone, without schemas: the preload (sandboxed, no
 * bundled zod) exposes one named function per entry.
 */
export const CHANNEL_NAMES = [
  'authStatus',
  'setupAdmin',
  'login',
  'unlock',
  'lock',
  'logout',
  'users',
  'createUser',
  'accessLog',
  'exportAccessLog',
  'recordViewers',
  'ping',
  'overview',
  'districts',
  'search',
  'citizen',
  'citizenEvents',
  'rulesetCurrent',
  'rulesetVersions',
  'rulesetGet',
  'checkExpression',
  'validateRuleset',
  'testRule',
  'simulate',
  'proposals',
  'proposeRuleset',
  'proposeAdjustment',
  'decideProposal',
  'disputes',
  'openDispute',
  'moveDispute',
  'measures',
  'decideMeasure',
  'importFiles',
  'importFolder',
  'recompute',
  'createDemo',
  'jobStatus',
  'jobCancel',
  'operations',
  'operationLedger',
  'checkpoints',
  'createCheckpoint',
  'verifyCheckpoint',
  'disclosure',
  'subjectExport',
  'verifyLedger',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The IPC channel of a contract entry. */
export const ipcChannel = (name: ChannelName): string => `credence:${name}`;
