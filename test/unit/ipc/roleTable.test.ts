/**
 * The contract's roles against the hand-written table: every channel of the
 * contract is in the table (a new channel must be given its role there), the
 * table names no channel the contract lacks, and each channel's role and
 * read-only flag are the ones written by hand. The role matrices
 * (roles.test.ts, dispatch.test.ts) decide allowed/refused from the table.
 */
import { describe, expect, it } from 'vitest';
import { channels, CHANNEL_NAMES, type Role } from '../../../shared/contract.js';
import { AUDITOR_ALSO, CHANNEL_ROLES, mayCall, neededRole } from './roleTable.js';

const readOnly = (name: (typeof CHANNEL_NAMES)[number]): boolean => 'readOnly' in channels[name] && channels[name].readOnly === true;

describe('the hand-written role table', () => {
  it('has every channel of the contract, and no channel the contract lacks', () => {
    const missing = CHANNEL_NAMES.filter((n) => !(n in CHANNEL_ROLES));
    expect(missing, 'channels missing from test/unit/ipc/roleTable.ts').toEqual([]);
    const extra = Object.keys(CHANNEL_ROLES).filter((n) => !(CHANNEL_NAMES as readonly string[]).includes(n));
    expect(extra, 'channels in the table but not in the contract').toEqual([]);
    expect(Object.keys(channels).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it.each(CHANNEL_NAMES.map((name) => ({ name })))('$name needs the role the table gives it', ({ name }) => {
    expect(channels[name].role).toBe(neededRole(name));
    expect(readOnly(name), `${name}: read-only (auditors may call it) in the contract vs the table`).toBe(AUDITOR_ALSO.has(name));
  });

  it('only official channels are opened to auditors as read-only', () => {
    for (const name of AUDITOR_ALSO) expect(neededRole(name), name).toBe('official');
  });

  it('a channel missing from the table is named in the error, never treated as allowed or refused', () => {
    expect(() => neededRole('someNewChannel')).toThrow(/someNewChannel.*roleTable/);
    expect(() => mayCall('someNewChannel', 'admin')).toThrow(/someNewChannel/);
  });

  it('mayCall: admin everything, auditors no write channel, viewers only viewer and public channels', () => {
    const writes = ['createUser', 'simulate', 'proposeRuleset', 'proposeAdjustment', 'decideProposal', 'openDispute', 'moveDispute', 'decideMeasure', 'importFiles', 'importFolder', 'recompute', 'createDemo', 'jobCancel', 'decideAccountChange', 'changeRole', 'enableUser', 'disableUser', 'resetPassword', 'revokeSession', 'setBulkReadThreshold'];
    for (const name of CHANNEL_NAMES) expect(mayCall(name, 'admin'), name).toBe(true);
    for (const name of writes) expect(mayCall(name, 'auditor'), name).toBe(false);
    const viewerMay = CHANNEL_NAMES.filter((n) => mayCall(n, 'viewer' as Role));
    for (const name of viewerMay) expect(['viewer', 'public']).toContain(neededRole(name));
    expect(mayCall('createUser', 'official')).toBe(false);
    expect(mayCall('disclosure', 'auditor')).toBe(true);
    expect(mayCall('verifyLedger', 'official')).toBe(false);
  });
});
