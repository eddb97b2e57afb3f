/**
 * Import: a folder with a bad row is refused whole, naming the file and line,
 * and changes nothing; a valid small folder is validated, imported, and shows
 * up as an operation. Importing changes data, so this file has its own console.
 */
import type { Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, expect, openConsole, readNumber, shot, statePurpose, test } from './fixtures';
import { startCredence, type RunningServer } from './server';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startCredence();
});
test.afterAll(async () => {
  await server?.stop();
});

function writeFolder(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** What the overview page says the population is; reached through the navigation once the console is open, as an official would. */
async function populationOnOverview(page: Page, screenshot: string): Promise<number> {
  if (page.url().startsWith(server.base)) await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
  else await openConsole(page, server, '/');
  await expect(page.getByRole('heading', { name: 'Overview', level: 2 })).toBeVisible();
  const card = page.locator('.mantine-Card-root').filter({ has: page.getByText('Citizens', { exact: true }) });
  const population = readNumber(await card.locator('p').nth(1).textContent());
  await shot(page, screenshot);
  return population;
}

async function chooseFolder(page: Page, dir: string): Promise<void> {
  await openConsole(page, server, '/import');
  await page.getByTestId('import-folder-input').setInputFiles(dir);
  await page.getByTestId('import-provider').fill('Yatou district registry');
}

test('a folder whose citizens.csv has an impossible date on line 3 is refused with that line, and nothing changes', async ({ page }, testInfo) => {
  const dir = writeFolder(testInfo.outputPath('bad-folder'), {
    'citizens.csv': 'citizen_id,name,district,birth_date\nC9000001,Test Person One,Yatou,1980-05-01\nC9000002,Test Person Two,Yatou,2024-02-30\n',
    'notes.txt': 'not part of the import format\n',
  });
  const operationsBefore = (await api(server, 'operations', {})).total;
  const populationBefore = await populationOnOverview(page, 'import-bad-overview-before');
  expect(populationBefore).toBe((await api(server, 'overview')).population);

  await chooseFolder(page, dir);
  await expect(page.getByTestId('import-file-citizens.csv')).toContainText('3');
  await expect(page.getByTestId('import-ignored')).toContainText('notes.txt');
  await page.getByTestId('import-reason').fill('E2E: registry transfer with a bad birth date');
  await page.getByTestId('import-run').click();

  await expect(page.getByTestId('import-report-failed')).toContainText('1 problem found: nothing was written', { timeout: 30_000 });
  const problem = page.getByTestId('import-problem-row');
  await expect(problem).toHaveCount(1);
  await expect(problem.locator('td').nth(0)).toHaveText('citizens.csv');
  await expect(problem.locator('td').nth(1)).toHaveText('3');
  await expect(problem.locator('td').nth(2)).toContainText('2024-02-30');
  await shot(page, 'import-bad-row');

  expect((await api(server, 'operations', {})).total).toBe(operationsBefore);
  expect(await populationOnOverview(page, 'import-bad-overview-after')).toBe(populationBefore);
  await expect(page.getByText('C9000001')).toHaveCount(0);
  const search = await api(server, 'search', { query: 'C9000001' });
  expect(search.total).toBe(0);
});

test('a valid folder with one new citizen and one event validates, imports, and appears as an operation', async ({ page }, testInfo) => {
  const reason = `E2E: one new citizen from the district registry (${Date.now()})`;
  const dir = writeFolder(testInfo.outputPath('good-folder'), {
    'citizens.csv': 'citizen_id,name,district,birth_date\nC9000010,Ada Testwoman,Yatou,1985-03-14\n',
    'events.csv': 'event_id,citizen_id,kind,occurred_at,data\nE-E2E-0001,C9000010,blood_donation,2026-10-01T10:00:00Z,"{""ml"":450}"\n',
  });
  const operationsBefore = (await api(server, 'operations', {})).total;
  const populationBefore = await populationOnOverview(page, 'import-good-overview-before');

  await chooseFolder(page, dir);
  await expect(page.getByTestId('import-file-list').getByRole('row')).toHaveCount(3);

  // Validate first: a dry run says what would happen and keeps nothing.
  await page.getByTestId('import-validate').click();
  const valid = page.getByTestId('import-report-valid');
  await expect(valid).toBeVisible({ timeout: 30_000 });
  await expect(valid.getByRole('row', { name: /Citizens added/ })).toContainText('1');
  await expect(valid.getByRole('row', { name: /Events added/ })).toContainText('1');
  await shot(page, 'import-valid-dry-run');
  expect((await api(server, 'overview')).population).toBe(populationBefore);

  await expect(page.getByTestId('import-run')).toBeDisabled();
  await page.getByTestId('import-reason').fill(reason);
  await page.getByTestId('import-run').click();
  const done = page.getByTestId('import-report-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done.getByRole('row', { name: /Citizens added/ })).toContainText('1');
  await expect(done.getByRole('row', { name: /Events added/ })).toContainText('1');
  await shot(page, 'import-done');

  const operations = await api(server, 'operations', {});
  expect(operations.total).toBe(operationsBefore + 1);
  expect(operations.rows[0]).toMatchObject({ kind: 'events_imported', reason });
  const link = page.getByTestId('import-operation-link');
  await expect(link).toHaveText(`operation #${operations.rows[0].id}`);

  // The operation's page: kind, reason, and a ledger entry for the new citizen.
  await link.click();
  await expect(page).toHaveURL(new RegExp(`#/operations/${operations.rows[0].id}$`));
  await expect(page.getByTestId('operation-reason')).toHaveText(reason);
  await expect(page.getByTestId('operation-details')).toContainText('Events imported');
  const entry = page.getByTestId('ledger-row').filter({ hasText: 'C9000010' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('first score');
  await shot(page, 'import-operation');

  // The new citizen: one event, scored under the published rules (base 1000 + 5 for the donation).
  await entry.getByRole('link', { name: 'C9000010' }).click();
  await statePurpose(page, 'E2E: checking the imported record');
  await expect(page.getByTestId('citizen-name')).toHaveText('Ada Testwoman');
  await expect(page.getByTestId('citizen-score')).toHaveText('1005.00');
  await expect(page.getByTestId('event-row')).toHaveCount(1);
  // Provenance: the event names the provider of the import that brought it.
  await expect(page.getByTestId('event-row').getByTestId('event-source')).toHaveText('Yatou district registry');
  await expect(page.getByTestId('audit-reason')).toHaveText([reason]);
  await shot(page, 'import-new-citizen');

  expect(await populationOnOverview(page, 'import-good-overview-after')).toBe(populationBefore + 1);
});
