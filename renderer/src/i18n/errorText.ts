/**
 * A failure as the reader should read it: a refusal the main process keyed
 * (`server:<key>` with its parameters) in the console's language, else the
 * English message it came with.
 */
import i18next from 'i18next';
import { ApiError } from '../api';
import { renderKeyed } from '../../../shared/keyedText';

export function errorText(error: unknown): string {
  if (error instanceof ApiError && error.key && i18next.exists(`server:${error.key}`)) {
    // A parameter may itself be keyed (why a folder is refused): put in the same language first.
    return renderKeyed((k, p) => i18next.t(k, { ...p, interpolation: { escapeValue: false } }), { key: error.key, params: error.params });
  }
  return error instanceof Error ? error.message : String(error);
}
