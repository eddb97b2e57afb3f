/** Published rulesets: immutable numbered versions. */
import { RulesetSpec } from '../../shared/domain.js';
import type { Db } from './connection.js';

export interface PublishedRuleset {
  version: number;
  spec: RulesetSpec;
  operationId: number;
}

export function latestRuleset(db: Db): PublishedRuleset | undefined {
  const row = db.prepare('SELECT version, spec, operation_id FROM rulesets ORDER BY version DESC LIMIT 1').get() as
    | { version: number; spec: string; operation_id: number }
    | undefined;
  return row && { version: row.version, spec: RulesetSpec.parse(JSON.parse(row.spec)), operationId: row.operation_id };
}

export function getRuleset(db: Db, version: number): PublishedRuleset | undefined {
  const row = db.prepare('SELECT version, spec, operation_id FROM rulesets WHERE version = ?').get(version) as
    | { version: number; spec: string; operation_id: number }
    | undefined;
  return row && { version: row.version, spec: RulesetSpec.parse(JSON.parse(row.spec)), operationId: row.operation_id };
}

export function insertRuleset(db: Db, spec: RulesetSpec, operationId: number): number {
  const next = ((db.prepare('SELECT max(version) FROM rulesets').pluck().get() as number | null) ?? 0) + 1;
  db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (?, ?, ?)').run(next, JSON.stringify(spec), operationId);
  return next;
}
