/**
 * Accessibility: every page of the console, in English and in Chinese,
 * passes axe-core's WCAG 2.1 A/AA rules with no serious or critical
 * violation. A violation is reported with its rule, its impact and the
 * elements it was found on, so the failure says what to fix.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { api, expect, openConsole, sharedConsole, test } from './fixtures';

const c = sharedConsole();

const PAGES = ['/', '/search', '/rules', '/approvals', '/disputes', '/import', '/operations', '/access', '/ledger', '/users', '/backups'];

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s), e.g. ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary?.split('\n')[1] ?? ''}`).join(' | ')}`);
}

for (const language of ['en', 'zh-CN'] as const) {
  test.describe(`in ${language}`, () => {
    test.beforeAll(async () => {
      await api(c, 'setLanguage', { language });
    });
    test.afterAll(async () => {
      await api(c, 'setLanguage', { language: 'en' });
    });

    test('the login screen has no serious or critical violation', async ({ page }) => {
      await page.addInitScript((lang) => localStorage.setItem('credence.language', lang), language);
      await page.goto(`${c.base}/?token=${c.token}#/`);
      await expect(page.getByTestId('login-username')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    });

    for (const route of PAGES) {
      test(`${route} has no serious or critical violation`, async ({ page }) => {
        await openConsole(page, c, route);
        await expect(page.locator('html')).toHaveAttribute('lang', language);
        await page.waitForLoadState('networkidle');
        expect(await seriousViolations(page)).toEqual([]);
      });
    }

    test('a citizen record has no serious or critical violation', async ({ page }) => {
      const { rows } = await api<{ rows: { citizenId: string }[] }>(c, 'search', { query: '', limit: 5 });
      await openConsole(page, c, `/citizen/${encodeURIComponent(rows[3].citizenId)}`);
      await expect(page.getByTestId('citizen-score')).toBeVisible();
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
