/**
 * A sentence the main process writes for people to read later (an access-log
 * detail, an import or rule problem), stored as a `server` namespace key and
 * its parameters so that it is read in the reader's language. A parameter
 * may itself be keyed (a refusal's reason inside an access-log detail): it is
 * put in the same language first. The English text is always kept beside it
 * (englishText.ts), for the CSV export, the command line and older readers.
 */
import type { ServerMessageKey } from './messages.js';

export type KeyedParam = string | number | KeyedText;

export interface KeyedText {
  key: ServerMessageKey;
  params?: Record<string, KeyedParam>;
}

/** A translation function for `server:` keys (i18next's t, fixed to a language; no HTML escaping). */
export type ServerT = (key: string, params: Record<string, string | number>) => string;

function isNested(v: unknown): v is { key: string; params?: Record<string, unknown> } {
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string';
}

/** The keyed text in t's language, nested parameters first; `format` may rewrite a plain parameter (an instant as local time). */
export function renderKeyed(t: ServerT, k: { key: string; params?: Record<string, unknown> | null }, format?: (name: string, value: string | number) => string | number): string {
  const params: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(k.params ?? {})) {
    if (isNested(v)) params[name] = renderKeyed(t, v, format);
    else if (typeof v === 'string' || typeof v === 'number') params[name] = format ? format(name, v) : v;
    else params[name] = String(v);
  }
  return t(`server:${k.key}`, params);
}
