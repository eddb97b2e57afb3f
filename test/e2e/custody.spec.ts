/**
 * Custody in the console: the bridge token leaves the address bar once the
 * console loads; an administrator takes a backup and checks it; the auditor's
 * ledger screen refuses to verify without a pinned key and shows the record
 * consistent, not "verified".
 */
import { ACCOUNTS } from './server';
import { expect, openConsole, sharedConsole, shot, test } from './fixtures';

const c = sharedConsole();

test('the bridge token is taken out of the address bar, and the console keeps working', async ({ page, pageErrors }) => {
  await openConsole(page, c, '/operations');
  await expect(page).not.toHaveURL(/token=/);
  await expect(page).toHaveURL(/#\/operations$/);
  await page.reload();
  await expect(page.getByTestId('current-user')).toContainText('· admin');
  expect(pageErrors).toEqual([]);
});

test('an administrator takes a backup now and checks it', async ({ page, pageErrors }) => {
  await openConsole(page, c, '/backups');
  const rows = page.getByTestId('backups-table').locator('tbody tr');
  const before = await rows.count();
  await page.getByTestId('backup-now').click();
  await expect(rows).toHaveCount(before + 1);
  const newest = rows.first();
  await expect(newest).toContainText('yes');
  await newest.getByRole('button', { name: 'Check' }).click();
  await expect(newest).toContainText('intact');
  await shot(page, 'backups');
  expect(pageErrors).toEqual([]);
});

test('the ledger screen says consistent, not verified, and verifies nothing without the auditor key', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openConsole(page, c, '/ledger', ACCOUNTS.auditor);
  await expect(page.getByTestId('chain-status')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('chain-status')).toContainText('Consistent is not verified');
  await expect(page.getByTestId('verify-checkpoint')).toBeDisabled();
  await expect(page.getByTestId('take-checkpoint')).toBeDisabled();
  await shot(page, 'ledger-unpinned');
  await context.close();
});
