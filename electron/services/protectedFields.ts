/**
 * Protected event fields (kind schema `protected: true`: religion, health, ...)
 * are withheld from every output; an auditor unmasks them explicitly and each
 * unmasking is logged by the caller.
 */
import type { EventKindSpec } from '../../shared/domain.js';

export const MASK = '[protected]';

/** The event's data with protected values replaced by MASK, and the names of those fields. */
export function maskProtected(kind: EventKindSpec | undefined, data: Record<string, unknown>): { data: Record<string, unknown>; masked: string[] } {
  if (!kind) return { data, masked: [] };
  const masked: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    if (kind.fields[name]?.protected) {
      masked.push(name);
      out[name] = MASK;
    } else out[name] = value;
  }
  return { data: out, masked };
}
