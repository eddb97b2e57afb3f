/**
 * Every access-log action code (shared/accessActions.ts, the only codes the
 * main process can write) has a label on the access-log page in both
 * languages, and no label is kept for a code that is not written; a refused
 * call (logged under its channel's name) has the generic label.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_ACTIONS } from '../../../shared/accessActions.js';
import { LANGUAGES } from '../../../shared/language.js';

const ROOT = join(import.meta.dirname, '../../..');
const catalog = (language: string) =>
  JSON.parse(readFileSync(join(ROOT, 'renderer/src/i18n/locales', language, 'accessLog.json'), 'utf8')) as { action: Record<string, string>; refusedCall: string };

describe('access-log action labels', () => {
  for (const language of LANGUAGES) {
    it(`${language}: every action code has a label, and every label a code`, () => {
      const labels = catalog(language).action;
      const missing = ACCESS_ACTIONS.filter((code) => !labels[code]?.trim());
      expect(missing, `action codes without a ${language} label in accessLog.json`).toEqual([]);
      const stale = Object.keys(labels).filter((code) => !(ACCESS_ACTIONS as readonly string[]).includes(code));
      expect(stale, `labels in ${language} accessLog.json for codes the main process never writes`).toEqual([]);
      expect(catalog(language).refusedCall).toContain('{{channel}}');
    });
  }

  it('the Chinese labels are Chinese', () => {
    const labels = catalog('zh-CN').action;
    for (const code of ACCESS_ACTIONS) expect(labels[code], code).toMatch(/\p{Script=Han}/u);
  });
});
