/**
 * A sentence the main process stored or sent keyed (shared/keyedText.ts: a
 * `server:` key, its parameters, the English beside them) in the console's
 * language; the English when there is no key (rows written before keys
 * existed, the command line's rows) or the key is unknown to this console.
 */
import i18next from 'i18next';
import { renderKeyed } from '../../../shared/keyedText';
import { when } from '../format';

/** Parameters that hold an instant: shown as the console shows times. */
const INSTANTS = new Set(['from', 'to', 'until', 'at', 'createdAt']);

const formatParam = (name: string, value: string | number): string | number => (typeof value === 'string' && INSTANTS.has(name) && /^\d{4}-\d{2}-\d{2}T/.test(value) ? when(value) : value);

export function serverText(key: string | null | undefined, params: Record<string, unknown> | null | undefined, english: string): string {
  if (!key || !i18next.exists(`server:${key}`)) return english;
  return renderKeyed((k, p) => i18next.t(k, p), { key, params: params ?? undefined }, formatParam);
}

/** A problem or refusal that may carry `key` and `params` beside its English `message`. */
export function keyedMessage(p: { key?: string | null; params?: Record<string, unknown> | null; message: string }): string {
  return serverText(p.key, p.params, p.message);
}

/** Why a job failed or stopped (JobStatus.error with its key), in the console's language; null when it says nothing. */
export function jobErrorText(s: { error: string | null; errorKey?: string; errorParams?: Record<string, unknown> }): string | null {
  return s.error === null ? null : serverText(s.errorKey, s.errorParams, s.error);
}
