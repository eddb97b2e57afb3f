/**
 * A failure as the reader should read it: a refusal the main process keyed
 * (`server:<key>` with its parameters) in the console's language, else the
 * English message it came with.
 */
import i18next from 'i18next';
import { ApiError } from '../api';

export function errorText(error: unknown): string {
  if (error instanceof ApiError && error.key && i18next.exists(`server:${error.key}`)) {
    return i18next.t(`server:${error.key}`, { ...error.params, interpolation: { escapeValue: false } });
  }
  return error instanceof Error ? error.message : String(error);
}
