/**
 * Scope (SCORING_MODEL §3): with `consent_required` true, only citizens whose
 * consent at the scoring instant is `given` are scored; a citizen's consent at
 * instant t is the status of their latest record with `at <= t` (§1; of
 * records at the same instant, the one recorded last). This module is the one
 * definition of that rule: every path (full recompute, incremental update,
 * moving the instant, the record page, the counts) asks it.
 */
import type { ConsentStatus } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import type { CompiledRuleset } from '../engine/rules.js';

/** Whether the ruleset scores only citizens who consented (absent: false). */
export function consentRequired(ruleset: CompiledRuleset): boolean {
  return ruleset.spec.consent_required === true;
}

/** SQL: each citizen's latest consent record with at_ms <= @asOf, as (citizen_idx, status). */
const LATEST_AT = `SELECT citizen_idx, status FROM (
    SELECT citizen_idx, status, row_number() OVER (PARTITION BY citizen_idx ORDER BY at_ms DESC, seq DESC) AS rn
    FROM consents WHERE at_ms <= @asOf)
  WHERE rn = 1`;

/** The in-scope citizens by idx (1 in scope) for indices below `n`, or null when consent is not required (everyone is in scope). */
export function scopeMask(db: Db, state: { ruleset: CompiledRuleset; asOfMs: number }, n: number): Uint8Array | null {
  if (!consentRequired(state.ruleset)) return null;
  const mask = new Uint8Array(n);
  for (const [idx, status] of db.prepare(LATEST_AT).raw(true).iterate({ asOf: state.asOfMs }) as IterableIterator<[number, string]>) {
    if (status === 'given' && idx < n) mask[idx] = 1;
  }
  return mask;
}

export interface ConsentNow {
  status: ConsentStatus;
  at: string;
  atMs: number;
}

/** A citizen's consent at an instant: their latest record with at <= asOf, or null (no consent). */
export function consentReader(db: Db): (citizenIdx: number, asOfMs: number) => ConsentNow | null {
  const stmt = db.prepare('SELECT status, at, at_ms AS atMs FROM consents WHERE citizen_idx = ? AND at_ms <= ? ORDER BY at_ms DESC, seq DESC LIMIT 1');
  return (citizenIdx, asOfMs) => (stmt.get(citizenIdx, asOfMs) as ConsentNow | undefined) ?? null;
}

/** Whether one citizen is in scope at the state's instant; answers are cached for the reader's life (one operation). */
export function scopeReader(db: Db, state: { ruleset: CompiledRuleset; asOfMs: number }): (citizenIdx: number) => boolean {
  if (!consentRequired(state.ruleset)) return () => true;
  const read = consentReader(db);
  const cache = new Map<number, boolean>();
  return (idx) => {
    let v = cache.get(idx);
    if (v === undefined) {
      v = read(idx, state.asOfMs)?.status === 'given';
      cache.set(idx, v);
    }
    return v;
  };
}

/** Citizens with a consent record between two instants (either order, the later one included): their scope may differ between them. */
export function consentChangedBetween(db: Db, fromMs: number, toMs: number): number[] {
  const [lo, hi] = fromMs <= toMs ? [fromMs, toMs] : [toMs, fromMs];
  return db.prepare('SELECT DISTINCT citizen_idx FROM consents WHERE at_ms > ? AND at_ms <= ?').pluck().all(lo, hi) as number[];
}

/** How many citizens have consent `given` at an instant: those a ruleset requiring consent would score. */
export function countGivenAt(db: Db, asOfMs: number): number {
  return db.prepare(`SELECT count(*) FROM (${LATEST_AT}) WHERE status = 'given'`).pluck().get({ asOf: asOfMs }) as number;
}
