/**
 * Reasons the console writes itself (shared/systemReasons.ts) are stored in
 * English and read in the reader's language; a reason a person typed is
 * shown as typed, in whatever language they typed it.
 */
import i18next from 'i18next';
import { afterAll, describe, expect, it } from 'vitest';
import '../../../renderer/src/i18n/index';
import { readReason } from '../../../renderer/src/i18n/systemReason';
import { SYSTEM_REASONS, systemReasonOf } from '../../../shared/systemReasons.js';
import { openDispute } from '../../../electron/services/disputes.js';
import { createAccounts, openApiContext, USERNAMES } from '../helpers/apiContext.js';

afterAll(() => i18next.changeLanguage('en'));

describe('system reasons', () => {
  it('the reason a dispute opens with reads 已记录公民陈述 in Chinese and as stored in English', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(readReason(SYSTEM_REASONS.disputeOpened)).toBe('已记录公民陈述');
    await i18next.changeLanguage('en');
    expect(readReason(SYSTEM_REASONS.disputeOpened)).toBe("citizen's statement recorded");
  });

  it('every system reason has a reading in both languages', async () => {
    for (const lang of ['en', 'zh-CN']) {
      await i18next.changeLanguage(lang);
      for (const name of Object.keys(SYSTEM_REASONS)) expect(i18next.exists(`operations:systemReason.${name}`), `${lang}: ${name}`).toBe(true);
    }
  });

  it('a reason a person typed is shown as typed, even one that only starts like a system reason', async () => {
    await i18next.changeLanguage('zh-CN');
    for (const typed of ['补录 2024 年的缴费记录', "citizen's statement recorded by phone", '']) {
      expect(systemReasonOf(typed)).toBeNull();
      expect(readReason(typed)).toBe(typed);
    }
  });

  it('the dispute service stores the shared wording, so the console recognises it', async () => {
    const api = await openApiContext({ demo: true });
    try {
      await createAccounts(api.db, ['official']);
      const row = api.db.prepare('SELECT citizen_id AS citizenId FROM citizens c JOIN events e ON e.citizen_idx = c.idx LIMIT 1').get() as { citizenId: string };
      const eventId = api.db.prepare('SELECT event_id FROM events e JOIN citizens c ON c.idx = e.citizen_idx WHERE c.citizen_id = ? LIMIT 1').pluck().get(row.citizenId) as string;
      const id = openDispute(api.db, { citizenId: row.citizenId, eventId, statement: 'the bill was paid on time' }, USERNAMES.official);
      expect(api.db.prepare("SELECT reason FROM dispute_history WHERE dispute_id = ? AND status = 'open'").pluck().get(id)).toBe(SYSTEM_REASONS.disputeOpened);
      expect(api.db.prepare("SELECT reason FROM operations WHERE kind = 'dispute_opened' ORDER BY id DESC LIMIT 1").pluck().get()).toBe(SYSTEM_REASONS.disputeOpened);
    } finally {
      api.close();
    }
  });
});
