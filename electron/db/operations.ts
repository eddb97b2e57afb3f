/** Operations: every action that can change scores, with its actor and written reason. */
import { createHash } from 'node:crypto';
import type { OperationKind } from '../../shared/domain.js';
import type { Db } from './connection.js';

export interface OperationInput {
  /** An id reserved earlier in the same transaction; by default the next one. */
  id?: number;
  kind: OperationKind;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
  at?: string;
}

export interface OperationRow {
  id: number;
  kind: OperationKind;
  actor: string;
  at: string;
  reason: string;
  details: string;
}

export function recordOperation(db: Db, op: OperationInput): OperationRow {
  if (!op.actor.trim()) throw new Error('an operation needs an actor');
  if (!op.reason.trim()) throw new Error('an operation needs a written reason');
  const at = op.at ?? new Date().toISOString();
  const details = JSON.stringify(op.details);
  const info = db
    .prepare('INSERT INTO operations (id, kind, actor, at, reason, details) VALUES (?, ?, ?, ?, ?, ?)')
    .run(op.id ?? null, op.kind, op.actor, at, op.reason, details);
  return { id: Number(info.lastInsertRowid), kind: op.kind, actor: op.actor, at, reason: op.reason, details };
}

export function getOperation(db: Db, id: number): OperationRow | undefined {
  return db.prepare('SELECT id, kind, actor, at, reason, details FROM operations WHERE id = ?').get(id) as OperationRow | undefined;
}

/** The digest of an operation that ledger entries chain over, so a rewritten reason or actor is detected. */
export function operationDigest(op: OperationRow): string {
  return createHash('sha256').update(JSON.stringify([op.id, op.kind, op.actor, op.at, op.reason, op.details])).digest('hex');
}
