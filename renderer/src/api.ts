/**
 * The console's client of the API contract. In Electron the preload exposes
 * one function per channel on window.credence; in a browser the same calls go
 * to the loopback bridge with the session token from the URL.
 */
import { takeBridgeToken } from './bridgeToken';
import type { Api, ChannelName, ErrorCode, Input, Output, Reply } from '../../shared/contract';
import { plainMessage } from './plainMessage';
import type { KeyedParam } from '../../shared/keyedText';
import type { ServerMessageKey } from '../../shared/messages';

declare global {
  interface Window {
    credence?: Api;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The refusal keyed in the `server` namespace, when the main process keys it: shown in the reader's language (errorText). */
    readonly key?: string,
    readonly params?: Record<string, KeyedParam>,
  ) {
    super(message);
  }
}

function sessionToken(): string | null {
  return takeBridgeToken({ location: window.location, history: window.history, storage: sessionStorage });
}
// Out of the address bar as soon as the console loads, not at the first call.
if (typeof window !== 'undefined' && !window.credence) sessionToken();

/** The login session: sent with every call, over either transport. */
const SESSION_KEY = 'credence.session';
/**
 * The login session is one per browser profile, not per tab: kept in
 * localStorage (scoped to this console's origin, 127.0.0.1 and its port), so
 * a second tab is logged in as the first, and logging out in one tab logs
 * out all (see onSessionChange). Without the bridge token of the tab's own
 * URL the token alone opens nothing, and the main process ends the session
 * when the account is disabled or its role changes.
 */
export const loginSession = {
  get: (): string | undefined => localStorage.getItem(SESSION_KEY) ?? undefined,
  set: (token: string) => localStorage.setItem(SESSION_KEY, token),
  clear: () => localStorage.removeItem(SESSION_KEY),
};

/** Told when another tab logs in or out, so this one follows. */
export function onSessionChange(listener: () => void): () => void {
  const handler = (e: StorageEvent) => {
    if (e.key === SESSION_KEY || e.key === null) listener();
  };
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}

/** Told when a call finds the session missing, ended or locked, so the app can ask for a login. */
const authListeners = new Set<(code: 'unauthenticated' | 'locked') => void>();
export function onAuthRequired(listener: (code: 'unauthenticated' | 'locked') => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

async function overHttp(name: string, input: unknown, session: string | undefined): Promise<Reply<unknown>> {
  const res = await fetch(`./api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-credence-token': sessionToken() ?? '', 'x-credence-session': session ?? '' },
    body: JSON.stringify(input ?? {}),
  });
  return (await res.json()) as Reply<unknown>;
}

/** Over HTTP an API call's body is small (the bridge takes at most 4 MiB); bigger import files are uploaded first. */
const INLINE_MAX = 1024 * 1024;

async function uploadOverHttp(name: string, content: string, session: string | undefined): Promise<string> {
  const res = await fetch(`./upload/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-credence-token': sessionToken() ?? '', 'x-credence-session': session ?? '' },
    body: content,
  });
  const reply = (await res.json()) as Reply<{ uploadId: string }>;
  if (!reply.ok) {
    const { code, message, key, params } = reply.error;
    // The file named before the bridge's reason, both in the reader's language when the reason is keyed.
    throw new ApiError(code, `${name}: ${message}`, key ? 'upload.fileRefused' : undefined, key ? { name, reason: { key: key as ServerMessageKey, ...(params && { params }) } } : undefined);
  }
  return reply.value.uploadId;
}

/** importFiles over HTTP: files above the inline size go as streamed uploads, named by their upload id. */
async function withUploads(input: Input<'importFiles'>, session: string | undefined): Promise<Input<'importFiles'>> {
  const files = await Promise.all(
    input.files.map(async (f) => (f.content !== undefined && f.content.length > INLINE_MAX ? { name: f.name, source: f.source, uploadId: await uploadOverHttp(f.name, f.content, session) } : f)),
  );
  return { ...input, files };
}

/** Call a channel; resolves with its value or rejects with an ApiError carrying the code and message. */
export async function call<K extends ChannelName>(name: K, input: Input<K>): Promise<Output<K>> {
  const session = loginSession.get();
  if (!window.credence && name === 'importFiles') input = (await withUploads(input as Input<'importFiles'>, session)) as Input<K>;
  const reply = window.credence
    ? await (window.credence[name] as (i: Input<K>, s?: string) => Promise<Reply<Output<K>>>)(input, session)
    : ((await overHttp(name, input, session)) as Reply<Output<K>>);
  if (!reply.ok) {
    if (reply.error.code === 'unauthenticated' || reply.error.code === 'locked') authListeners.forEach((l) => l(reply.error.code as 'unauthenticated' | 'locked'));
    throw new ApiError(reply.error.code, plainMessage(reply.error.message), reply.error.key, reply.error.params);
  }
  return reply.value;
}

/**
 * The purpose stated for each record opened in this tab: asked when a record
 * is opened (from a search, a link, a friend, a dispute, an approval), kept
 * per record so that one record's purpose never travels to the next, and
 * sent with every opening of that record. `''` means opened without one.
 */
const PURPOSES_KEY = 'credence.purposes';
function purposeMap(): Record<string, string> {
  try {
    const v = JSON.parse(sessionStorage.getItem(PURPOSES_KEY) ?? '{}') as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
/** The purpose stated for a record, to send with every read of it (its events, measures, disputes, viewers). */
export const purposeFor = (citizenId: string): string | undefined => recordPurpose.get(citizenId) || undefined;

export const recordPurpose = {
  /** The purpose stated for this record in this tab; undefined when none was asked yet. */
  get: (citizenId: string): string | undefined => (Object.hasOwn(purposeMap(), citizenId) ? purposeMap()[citizenId] : undefined),
  set: (citizenId: string, purpose: string) => sessionStorage.setItem(PURPOSES_KEY, JSON.stringify({ ...purposeMap(), [citizenId]: purpose.trim() })),
  /** A purpose to offer first when this record is opened next (opened from a dispute: "dispute #12"). */
  suggest: (citizenId: string, purpose: string) => sessionStorage.setItem(`credence.purposeHint.${citizenId}`, purpose),
  suggestion: (citizenId: string): string | null => sessionStorage.getItem(`credence.purposeHint.${citizenId}`),
  forget: (citizenId: string) => {
    const map = purposeMap();
    delete map[citizenId];
    sessionStorage.setItem(PURPOSES_KEY, JSON.stringify(map));
  },
};
