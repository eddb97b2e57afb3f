/**
 * The door every call goes through, whichever transport brought it: look up
 * the channel, check the caller's role, parse the input with the channel's
 * schema, run the handler, check the output against the contract, and turn
 * failures into `{ ok: false, error: { code, message } }`.
 */
import { z } from 'zod';
import { channels, CHANNEL_NAMES, type ChannelName, type ErrorCode, type Reply, type Role } from '../../shared/contract.js';
import { JobConflictError } from '../jobs/manager.js';
import { AlreadyRetractedError } from '../services/retract.js';
import { NotFoundError } from '../services/explain.js';
import { RejectedInputError } from '../services/ruleLab.js';
import { handlers, type Caller, type HandlerContext } from './handlers.js';

const ROLE_RANK: Record<Role, number> = { viewer: 0, official: 1, auditor: 1, admin: 2 };

/** Whether `role` may call a channel that needs `needed`. Auditors read everything but write nothing. */
export function roleAllows(role: Role, needed: Role): boolean {
  if (role === needed || role === 'admin') return true;
  if (needed === 'viewer') return true;
  if (needed === 'auditor') return role === 'auditor';
  return ROLE_RANK[role] >= ROLE_RANK[needed] && role !== 'auditor';
}

export function isChannel(name: string): name is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(name);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

function fail(code: ErrorCode, message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

export async function dispatch(name: string, rawInput: unknown, ctx: HandlerContext, caller: Caller): Promise<Reply<unknown>> {
  if (!isChannel(name)) return fail('unknown_channel', `no channel named '${name}'`);
  const spec = channels[name];
  if (!roleAllows(caller.role, spec.role)) return fail('forbidden', `${name} needs the ${spec.role} role; ${caller.user} is ${caller.role}`);
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) return fail('invalid_input', `${name}: ${describeIssues(parsed.error)}`);
  try {
    const handler = handlers[name] as (input: unknown, c: HandlerContext, who: Caller) => unknown;
    const value = await handler(parsed.data, ctx, caller);
    const checked = spec.output.safeParse(value);
    if (!checked.success) return fail('internal', `${name} produced a reply outside the contract: ${describeIssues(checked.error)}`);
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof NotFoundError) return fail('not_found', err.message);
    if (err instanceof JobConflictError || err instanceof AlreadyRetractedError) return fail('conflict', err.message);
    if (err instanceof RejectedInputError) return fail('rejected', err.message);
    return fail('internal', `${name} failed: ${(err as Error).message}`);
  }
}
