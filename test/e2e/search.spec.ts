/** Search: as-you-type results, keyboard navigation, and the citizen's record opened by Enter. */
import { api, expect, openConsole, sharedConsole, shot, statePurpose, test } from './fixtures';

interface Row {
  citizenId: string;
  name: string;
  nameLatin: string | null;
  district: string;
}

const c = sharedConsole();
const search = (query: string, limit = 100) => api<{ total: number; rows: Row[] }>(c, 'search', { query, limit });

/**
 * A citizen reached by typing part of their name in pinyin that several
 * citizens share ("Wang Xi" for Wang Xiuying), so the arrows have to move to
 * reach them.
 */
async function pickTarget(): Promise<{ surname: string; fragment: string; target: Row; matches: Row[] }> {
  const { rows } = await search('', 200);
  for (const row of rows) {
    const [surname, given] = (row.nameLatin ?? '').split(' ');
    if (!surname || !given || given.length < 3) continue;
    const fragment = `${surname} ${given.slice(0, 2)}`;
    const found = await search(fragment);
    const at = found.rows.findIndex((r) => r.citizenId === row.citizenId);
    if (found.total >= 3 && found.total <= 12 && at >= 2) return { surname, fragment, target: row, matches: found.rows };
  }
  throw new Error('the demo population has no name fragment shared by 3 to 12 citizens');
}

test('typing part of a name lists the matches as you type, and arrows + Enter open the chosen record', async ({ page, pageErrors }) => {
  const { surname, fragment, target, matches } = await pickTarget();
  const surnameTotal = (await search(surname)).total;
  expect(surnameTotal).toBeGreaterThan(matches.length);

  await openConsole(page, c, '/search');
  const input = page.getByTestId('search-input');
  await expect(input).toBeFocused();
  await expect(page.getByTestId('search-total')).toContainText('400 citizens');
  await shot(page, 'search-empty');

  // The surname alone already lists its citizens, without pressing Enter.
  await input.pressSequentially(surname, { delay: 40 });
  await expect(page.getByTestId('search-total')).toContainText(`${surnameTotal} citizen`);
  await expect(page.getByTestId('search-row').first()).toContainText(surname);

  // One or two more letters narrow it down to the fragment's matches, in ID order.
  await input.pressSequentially(fragment.slice(surname.length), { delay: 40 });
  await expect(page.getByTestId('search-total')).toContainText(`${matches.length} citizen${matches.length === 1 ? '' : 's'}`);
  const rows = page.getByTestId('search-row');
  await expect(rows).toHaveCount(matches.length);
  await expect(rows.locator(':scope > span:nth-child(1)')).toHaveText(matches.map((m) => m.citizenId));
  // Each row shows the name and, beside it, its pinyin.
  await expect(rows.locator(':scope > span:nth-child(2)')).toHaveText(matches.map((m) => `${m.name} ${m.nameLatin}`));
  await expect(rows.first()).toHaveAttribute('aria-selected', 'true');
  await shot(page, 'search-results');

  // Arrows move the selection; the focus stays in the search box.
  const index = matches.findIndex((m) => m.citizenId === target.citizenId);
  for (let i = 0; i < index + 1; i++) await input.press('ArrowDown');
  await input.press('ArrowUp');
  const selected = page.locator('[data-testid="search-row"][aria-selected="true"]');
  await expect(selected).toHaveCount(1);
  await expect(selected).toContainText(target.citizenId);
  await expect(input).toBeFocused();

  await input.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/citizen/${target.citizenId}$`));
  await statePurpose(page);
  await expect(page.getByTestId('citizen-name')).toHaveText(target.name);
  await expect(page.getByTestId('citizen-name-latin')).toHaveText(target.nameLatin ?? '');
  await expect(page.getByText(target.citizenId, { exact: true })).toBeVisible();
  await shot(page, 'search-opened-citizen');
  expect(pageErrors).toEqual([]);
});

test('an ID prefix finds the citizen and a name nobody has finds no one', async ({ page }) => {
  const { rows } = await search('', 1);
  const id = rows[0].citizenId;
  await openConsole(page, c, '/search');
  const input = page.getByTestId('search-input');
  await input.fill(id);
  await expect(page.getByTestId('search-row')).toHaveCount(1);
  await expect(page.getByTestId('search-row')).toContainText(rows[0].name);

  await input.fill('Zzyzxq');
  await expect(page.getByText('No citizen matches.')).toBeVisible();
  await expect(page.getByTestId('search-total')).toContainText('0 citizens');
  await shot(page, 'search-no-match');
});
