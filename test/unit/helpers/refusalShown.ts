/**
 * A refusal as the console shows it, in a language: api.ts makes an
 * ApiError of the reply (or of a thrown keyed error), errorText reads it.
 * Shared by the tests that check refusals in Chinese and English.
 */
import i18next from 'i18next';
import { expect } from 'vitest';
import '../../../renderer/src/i18n/index';
import { ApiError } from '../../../renderer/src/api';
import { errorText } from '../../../renderer/src/i18n/errorText';
import type { Reply } from '../../../shared/contract.js';

export type ShownLanguage = 'en' | 'zh-CN';

/** A refused reply as the console shows it in `language`; the reply must be keyed. */
export async function refusalShown(reply: Reply<unknown>, language: ShownLanguage): Promise<string> {
  expect(reply.ok).toBe(false);
  if (reply.ok) return '';
  expect(reply.error.key, reply.error.message).toBeTruthy();
  await i18next.changeLanguage(language);
  return errorText(new ApiError(reply.error.code, reply.error.message, reply.error.key, reply.error.params));
}

/** A thrown keyed refusal as the console shows it in `language`; its English (`message`) must be what the key renders in English. */
export async function thrownShown(err: unknown, language: ShownLanguage): Promise<string> {
  const e = err as Error & { keyed?: { key: string; params?: Record<string, never> } };
  expect(e.keyed?.key, e.message).toBeTruthy();
  await i18next.changeLanguage('en');
  expect(errorText(new ApiError('rejected', e.message, e.keyed!.key, e.keyed!.params))).toBe(e.message);
  await i18next.changeLanguage(language);
  return errorText(new ApiError('rejected', e.message, e.keyed!.key, e.keyed!.params));
}

/** What `f` throws; fails when it does not throw. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}
