/**
 * The door every call goes through, whichever transport brought it: look up
 * the channel, check the caller's role, parse the input with the channel's
 * schema, run the handler, check the output against the contract, and turn
 * failures into `{ ok: false, error: { code, message } }`.
 */
import type { KeyedParam } from '../../shared/keyedText.js';
import type { z } from 'zod';
import { channels, CHANNEL_NAMES, type Access, type ChannelName, type ErrorCode, type Reply, type Role } from '../../shared/contract.js';
import { logAccess } from '../services/accessLog.js';
import { AuthError } from '../services/auth.js';
import { JobConflictError } from '../jobs/manager.js';
import { AlreadyRetractedError } from '../services/retract.js';
import { NotFoundError } from '../services/explain.js';
import { RejectedInputError } from '../services/ruleLab.js';
import { FairnessAcknowledgementError } from '../services/fairness.js';
import { TwoPersonRuleError } from '../services/proposals.js';
import { handlers, type Caller, type HandlerContext } from './handlers.js';
import { recordRead } from './readTrace.js';
import type { Keyed } from '../../shared/messages.js';
import type { SaidError } from '../../shared/englishText.js';

const ROLE_RANK: Record<Role, number> = { viewer: 0, official: 1, auditor: 1, admin: 2 };

/** Whether `role` may call a channel that needs `needed`. Auditors read everything but write nothing. */
export function roleAllows(role: Role, needed: Access, readOnly = false): boolean {
  if (needed === 'public' || role === needed || role === 'admin') return true;
  if (role === 'auditor' && needed === 'official' && readOnly) return true;
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

export type Refusal = { ok: false; error: { code: ErrorCode; message: string; key?: string; params?: Record<string, KeyedParam> } };

function fail(code: ErrorCode, message: string, keyed?: Keyed): Refusal {
  return { ok: false, error: keyed ? { code, message, key: keyed.key, ...(keyed.params && { params: keyed.params }) } : { code, message } };
}

/** The first problem of an input, keyed by zod's issue code: the field and why, for the reader's language. */
export function inputIssueKeyed(channel: string, error: z.ZodError): Keyed {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : 'input';
  const list = (xs: readonly unknown[]) => xs.map(String).join(', ');
  switch (issue.code) {
    case 'invalid_type':
      return { key: 'input.invalid_type', params: { channel, field, expected: issue.expected } };
    case 'too_small':
      return { key: 'input.too_small', params: { channel, field, minimum: Number(issue.minimum) } };
    case 'too_big':
      return { key: 'input.too_big', params: { channel, field, maximum: Number(issue.maximum) } };
    case 'invalid_format':
      return { key: 'input.invalid_format', params: { channel, field } };
    case 'invalid_value':
      return { key: 'input.invalid_value', params: { channel, field, values: list(issue.values) } };
    case 'unrecognized_keys':
      return { key: 'input.unrecognized_keys', params: { channel, keys: list(issue.keys) } };
    case 'custom': {
      // A check of the contract's own (an instant's form): its reason keyed in the issue's params.
      const said = issue.params as { key?: unknown; params?: Record<string, KeyedParam> } | undefined;
      if (typeof said?.key === 'string') return { key: 'input.said', params: { channel, field, reason: { key: said.key as Keyed['key'], ...(said.params && { params: said.params }) } } };
      return { key: 'input.other', params: { channel, field, reason: issue.message } };
    }
    default:
      return { key: 'input.other', params: { channel, field, reason: issue.message } };
  }
}

const roleRefusal = (channel: string, needed: string, caller: Caller): Keyed => ({ key: 'role.needs', params: { channel, role: needed, user: caller.user, current: caller.role } });

export async function dispatch(name: string, rawInput: unknown, ctx: HandlerContext, caller: Caller): Promise<Reply<unknown>> {
  if (!isChannel(name)) return fail('unknown_channel', `no channel named '${name}'`, { key: 'internal.unknownChannel', params: { channel: name } });
  const spec = channels[name];
  if (!roleAllows(caller.role, spec.role, 'readOnly' in spec && spec.readOnly === true)) {
    logAccess(ctx.db, { username: caller.user, action: name, detail: { key: 'access.refusedRole', params: { role: spec.role, current: caller.role } }, outcome: 'refused' });
    return fail('forbidden', `${name} needs the ${spec.role} role; ${caller.user} is ${caller.role}`, roleRefusal(name, spec.role, caller));
  }
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) return fail('invalid_input', `${name}: ${describeIssues(parsed.error)}`, inputIssueKeyed(name, parsed.error));
  try {
    const handler = handlers[name] as (input: unknown, c: HandlerContext, who: Caller) => unknown;
    const value = await handler(parsed.data, ctx, caller);
    const checked = spec.output.safeParse(value);
    if (!checked.success) return fail('internal', `${name} produced a reply outside the contract: ${describeIssues(checked.error)}`, { key: 'internal.outsideContract', params: { channel: name, detail: describeIssues(checked.error) } });
    recordAccess(ctx, name, parsed.data as Record<string, unknown>, caller);
    recordRead(ctx.db, name, parsed.data as Record<string, unknown>, checked.data, caller.user);
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof AuthError) {
      // Failed logins and unlocks are logged by the session store; other refusals here.
      if (err.code === 'forbidden') logAccess(ctx.db, { username: caller.user, action: name, detail: { key: 'access.refusedBecause', params: { reason: err.keyed ?? err.message } }, outcome: 'refused' });
      return fail(err.code, err.message, err.keyed);
    }
    if (err instanceof NotFoundError) return fail('not_found', err.message, err.keyed);
    if (err instanceof TwoPersonRuleError) return fail('conflict', err.message, err.keyed);
    if (err instanceof JobConflictError || err instanceof AlreadyRetractedError) return fail('conflict', err.message, err.keyed);
    if (err instanceof RejectedInputError || err instanceof FairnessAcknowledgementError) return fail('rejected', err.message, err.keyed);
    // An internal failure: the reader is told which call failed, in their language; a keyed reason too, else the raw text as a technical detail.
    const said = (err as SaidError).keyed;
    return fail('internal', `${name} failed: ${(err as Error).message}`, said ? { key: 'internal.failedSaid', params: { channel: name, reason: said } } : { key: 'internal.failed', params: { channel: name, detail: (err as Error).message } });
  }
}

/** Reads of personal data that the access log records: opening a record, searching. */
function recordAccess(ctx: HandlerContext, name: ChannelName, input: Record<string, unknown>, caller: Caller): void {
  if (name === 'citizen') {
    logAccess(ctx.db, { username: caller.user, action: 'view_record', citizenId: String(input.citizenId), detail: { key: 'access.openedRecord' }, purpose: (input.purpose as string | undefined) ?? null, outcome: 'allowed' });
  } else if (name === 'exportAccessLog') {
    logAccess(ctx.db, { username: caller.user, action: 'export', detail: { key: 'access.exportAccessLog', params: { filters: JSON.stringify(input) } }, outcome: 'allowed' });
  } else if (name === 'disclosure' || name === 'subjectExport') {
    logAccess(ctx.db, {
      username: caller.user,
      action: 'export',
      citizenId: String(input.citizenId),
      detail: { key: name === 'disclosure' ? 'access.exportDisclosure' : 'access.exportSubject' },
      purpose: (input.purpose as string | undefined) ?? null,
      outcome: 'allowed',
    });
  } else if (name === 'testRule' && input.citizenId) {
    logAccess(ctx.db, { username: caller.user, action: 'view_record', citizenId: String(input.citizenId), detail: { key: 'access.testedRule' }, outcome: 'allowed' });
  }
}

/**
 * The checks made before a call's input is read: the channel exists, the
 * session is valid (login channels need none) and its role may call the
 * channel. Refusals are logged here (unless told not to: a caller already
 * over its limit of refusals is answered 429 by the bridge without a row). The bridge runs this before it reads a
 * request body, so a caller without a session cannot make it buffer one.
 */
export function admit(name: string, ctx: HandlerContext, sessionToken: string | undefined, options: { log: boolean } = { log: true }): { ok: true; caller: Caller } | Refusal {
  if (!isChannel(name)) return fail('unknown_channel', `no channel named '${name}'`, { key: 'internal.unknownChannel', params: { channel: name } });
  const spec = channels[name];
  if (spec.role === 'public') {
    const s = ctx.sessions.peek(sessionToken);
    return { ok: true, caller: { user: s?.username ?? 'anonymous', role: s?.role ?? 'viewer', sessionToken } };
  }
  let caller: Caller;
  try {
    const s = ctx.sessions.resolve(sessionToken);
    caller = { user: s.username, role: s.role, sessionToken };
    // A password someone else set (new account, reset) is changed before anything else is done.
    if (s.mustChangePassword && name !== 'changePassword') {
      logAccess(ctx.db, { username: s.username, action: name, detail: { key: 'access.refusedMustChangePassword' }, outcome: 'refused' });
      return fail('forbidden', 'change your password first: it was set by an administrator', { key: 'auth.changePasswordFirst' });
    }
  } catch (err) {
    if (err instanceof AuthError) {
      const who = ctx.sessions.peek(sessionToken)?.username ?? 'anonymous';
      if (options.log) logAccess(ctx.db, { username: who, action: name, detail: { key: err.code === 'locked' ? 'access.refusedSessionLocked' : sessionToken ? 'access.refusedNoValidSession' : 'access.refusedNoSession' }, outcome: 'refused' });
      return fail(err.code, err.message, err.keyed);
    }
    throw err;
  }
  if (!roleAllows(caller.role, spec.role, 'readOnly' in spec && spec.readOnly === true)) {
    if (options.log) logAccess(ctx.db, { username: caller.user, action: name, detail: { key: 'access.refusedRole', params: { role: spec.role, current: caller.role } }, outcome: 'refused' });
    return fail('forbidden', `${name} needs the ${spec.role} role; ${caller.user} is ${caller.role}`, roleRefusal(name, spec.role, caller));
  }
  return { ok: true, caller };
}

/**
 * The entry point of both transports: establish the caller from the session
 * token (login channels need none), then dispatch.
 */
export async function dispatchFromSession(name: string, rawInput: unknown, ctx: HandlerContext, sessionToken: string | undefined): Promise<Reply<unknown>> {
  const admitted = admit(name, ctx, sessionToken);
  if (!admitted.ok) return admitted;
  return dispatch(name, rawInput, ctx, admitted.caller);
}
