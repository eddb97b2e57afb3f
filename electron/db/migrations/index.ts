/** Every schema migration, in order. Numbered in steps of 10. */
import type Database from 'better-sqlite3-multiple-ciphers';
import m0010 from './0010-operations-ledger.js';
import m0020 from './0020-citizens.js';
import m0030 from './0030-relationships.js';
import m0040 from './0040-events.js';
import m0050 from './0050-rulesets.js';
import m0060 from './0060-scores.js';
import m0070 from './0070-accounts.js';
import m0080 from './0080-proposals-disputes.js';
import m0090 from './0090-checkpoints-retention.js';
import m0100 from './0100-micro-point-contributions.js';
import m0110 from './0110-accounts-custody.js';
import m0140 from './0140-chain.js';
import m0150 from './0150-backup-restored.js';
import m0170 from './0170-import-provenance.js';
import m0190 from './0190-casework.js';
import m0240 from './0240-proposal-simulation.js';
import m0320 from './0320-citizen-name-search.js';
import m0350 from './0350-consent.js';
import m0390 from './0390-fairness-reports.js';
import m0410 from './0410-account-language.js';
import m0420 from './0420-citizen-language.js';
import m0430 from './0430-access-log-keyed-detail.js';
import m0440 from './0440-chain-seals.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: Migration[] = [m0010, m0020, m0030, m0040, m0050, m0060, m0070, m0080, m0090, m0100, m0110, m0140, m0150, m0170, m0190, m0240, m0320, m0350, m0390, m0410, m0420, m0430, m0440];
