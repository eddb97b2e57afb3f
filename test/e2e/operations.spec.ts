/** Operations & ledger: the publish in the list, its ledger entries linking to citizens, and the hash chain verified. */
import { api, expect, openConsole, readNumber, sharedConsole, shot, statePurpose, test } from './fixtures';

const c = sharedConsole();

interface Operation {
  id: number;
  kind: string;
  reason: string;
  actor: string;
  ledgerEntries: number;
}

async function demoPublish(): Promise<Operation> {
  const { rows } = await api<{ rows: Operation[] }>(c, 'operations', { kind: 'ruleset_published' });
  expect(rows.length).toBeGreaterThanOrEqual(1);
  return rows[rows.length - 1];
}

test('the operations list shows the ruleset publish with its reason, actor and ledger entries, and filters by kind', async ({ page, pageErrors }) => {
  const publish = await demoPublish();
  const all = await api<{ total: number }>(c, 'operations', {});
  await openConsole(page, c, '/operations');
  await expect(page.getByTestId('operations-total')).toHaveText(`${all.total} operations in all`);
  const row = page.getByTestId('operation-row').filter({ hasText: 'Ruleset published' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(publish.reason);
  await expect(row).toContainText(publish.actor);
  await expect(row.locator('td').last()).toHaveText(publish.ledgerEntries.toLocaleString('en'));
  await shot(page, 'operations-list');

  await page.getByTestId('operations-filter-kind').click();
  await page.getByRole('option', { name: 'Ruleset published' }).click();
  await expect(page.getByTestId('operations-total')).toHaveText('1 operation matches the filters');
  await expect(page.getByTestId('operation-row')).toHaveCount(1);

  // The row opens with the keyboard as well as with a click.
  await page.getByTestId('operation-row').first().focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/operations/${publish.id}$`));
  await expect(page.getByTestId('operation-details')).toBeVisible();
  await shot(page, 'operations-opened-by-keyboard');
  expect(pageErrors).toEqual([]);
});

test('an operation lists the ledger entries it wrote, each linking to its citizen', async ({ page }) => {
  const publish = await demoPublish();
  const ledger = await api<{ total: number; rows: { seq: number; citizenId: string; newScore: number }[] }>(c, 'operationLedger', { operationId: publish.id, limit: 5 });
  await openConsole(page, c, '/operations');
  await page.getByTestId('operation-row').filter({ hasText: 'Ruleset published' }).click();
  await expect(page).toHaveURL(new RegExp(`#/operations/${publish.id}$`));

  const details = page.getByTestId('operation-details');
  await expect(details.getByRole('heading', { name: `Operation #${publish.id}` })).toBeVisible();
  await expect(page.getByTestId('operation-reason')).toHaveText(publish.reason);
  await expect(page.getByRole('heading', { name: `Score changes (${ledger.total} ledger entries)` })).toBeVisible();

  const rows = page.getByTestId('ledger-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(5);
  // The first entries, in ledger order, with the scores the ledger holds.
  for (let i = 0; i < 3; i++) {
    const entry = ledger.rows[i];
    await expect(rows.nth(i).locator('td').first()).toHaveText(String(entry.seq));
    await expect(rows.nth(i).getByRole('link', { name: entry.citizenId })).toHaveAttribute('href', `#/citizen/${entry.citizenId}`);
    await expect(rows.nth(i)).toContainText(entry.newScore.toFixed(2));
    await expect(rows.nth(i)).toContainText('first score');
  }
  await shot(page, 'operations-publish-details');

  // Scrolling the entries fetches the later ones.
  await page.getByTestId('ledger-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(rows.filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${ledger.rows[0].seq + ledger.total - 1}$`) }) })).toHaveCount(1);

  // A citizen link opens the record, whose audit trail leads back to this operation.
  await page.getByTestId('ledger-scroller').evaluate((el) => el.scrollTo(0, 0));
  const first = ledger.rows[0];
  await rows.first().getByRole('link', { name: first.citizenId }).click();
  await expect(page).toHaveURL(new RegExp(`#/citizen/${first.citizenId}$`));
  await statePurpose(page);
  await expect(page.getByTestId('citizen-score')).toHaveText(first.newScore.toFixed(2));
  await shot(page, 'operations-ledger-citizen');
  const back = page.getByTestId('audit-entry').getByRole('link', { name: `#${publish.id} ruleset published` });
  await expect(back).toBeVisible();
  await back.click();
  await expect(page).toHaveURL(new RegExp(`#/operations/${publish.id}$`));
});

test('"Verify ledger" recomputes the hash chain and says the ledger is intact', async ({ page }) => {
  const expected = await api<{ ok: boolean; count: number; head: string }>(c, 'verifyLedger');
  expect(expected.ok).toBe(true);
  await openConsole(page, c, '/operations');
  await expect(page.getByTestId('verify-result')).toHaveCount(0);
  await page.getByTestId('verify-ledger').click();
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText(`Ledger intact: all ${expected.count.toLocaleString('en')} entries verified`);
  await expect(page.getByTestId('verify-head')).toHaveText(expected.head);
  expect(readNumber(String(expected.count))).toBe((await api(c, 'overview')).ledgerEntries);
  await shot(page, 'operations-verify-ledger');

  // The result stays while opening an operation and coming back.
  await page.getByTestId('operation-row').first().click();
  await expect(page.getByTestId('operation-details')).toBeVisible();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
  await shot(page, 'operations-verify-kept-on-details');
  await page.getByTestId('operations-back').click();
  await expect(page.getByTestId('operations-table')).toBeVisible();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
});
