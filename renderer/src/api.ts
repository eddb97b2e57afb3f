/**
 * The console's client of the API contract. In Electron the preload exposes
 * one function per channel on window.credence; in a browser the same calls go
 * to the loopback bridge with the session token from the URL.
 */
import type { Api, ChannelName, ErrorCode, Input, Output, Reply } from '../../shared/contract';

declare global {
  interface Window {
    credence?: Api;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function sessionToken(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) sessionStorage.setItem('credence.token', fromUrl);
  return fromUrl ?? sessionStorage.getItem('credence.token');
}

async function overHttp(name: string, input: unknown): Promise<Reply<unknown>> {
  const res = await fetch(`./api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-credence-token': sessionToken() ?? '' },
    body: JSON.stringify(input ?? {}),
  });
  return (await res.json()) as Reply<unknown>;
}

/** Call a channel; resolves with its value or rejects with an ApiError carrying the code and message. */
export async function call<K extends ChannelName>(name: K, input: Input<K>): Promise<Output<K>> {
  const reply = window.credence ? await (window.credence[name] as (i: Input<K>) => Promise<Reply<Output<K>>>)(input) : ((await overHttp(name, input)) as Reply<Output<K>>);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
  return reply.value;
}
