/**
 * What every spec shares: the shared console's address, a small API client
 * (the same HTTP contract the page uses, logged in as one of the test
 * accounts), opening a page of the console logged in, and full-page
 * screenshots kept under test-results/screenshots.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOT_DIR, STATE_FILE, type Account, type Connection } from './server';

export { expect };

/** The console started by the global setup (read-only specs use it). */
export function sharedConsole(): Connection {
  if (process.env.CREDENCE_E2E_CONSOLE) return JSON.parse(process.env.CREDENCE_E2E_CONSOLE) as Connection;
  if (existsSync(STATE_FILE)) return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as Connection;
  throw new Error('no shared console: the global setup did not run');
}

/** One login session per console and account, for the API calls of the tests and for the pages they open. */
const sessions = new Map<string, Promise<string>>();
export function loginSession(c: Connection, as: Account = c.account): Promise<string> {
  const key = `${c.base} ${as.username}`;
  if (!sessions.has(key)) {
    const login = callAs<{ token: string }>(c, 'login', { username: as.username, password: as.password }, null).then((reply) => {
      if (!reply.ok) throw new Error(`login as ${as.username}: ${reply.error?.code}: ${reply.error?.message}`);
      return reply.value.token;
    });
    // A failed login is not kept: the next call tries again.
    login.catch(() => sessions.delete(key));
    sessions.set(key, login);
  }
  return sessions.get(key)!;
}

export interface Reply<T> {
  ok: boolean;
  value: T;
  error?: { code: string; message: string };
}

/** Calls one channel of the contract as the console does (bridge token and login session) and returns the whole reply. */
async function callAs<T>(c: Connection, channel: string, input: unknown, session: string | null): Promise<Reply<T>> {
  const res = await fetch(`${c.base}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-credence-token': c.token, ...(session ? { 'x-credence-session': session } : {}) },
    body: JSON.stringify(input),
  });
  return (await res.json()) as Reply<T>;
}

/**
 * What a channel answers, as the tests read it: untyped JSON whose shape the
 * tests' own assertions check (the contract's types are for the console).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON replies are checked by assertions, not by types
export type ApiJson = any;

/** The reply of one channel called as an account (the console's default account unless said), refusals included. */
export async function reply<T = ApiJson>(c: Connection, channel: string, input: unknown = {}, as: Account = c.account): Promise<Reply<T>> {
  return callAs<T>(c, channel, input, await loginSession(c, as));
}

/** Calls one channel as an account and returns the value (throws on an error reply). */
export async function api<T = ApiJson>(c: Connection, channel: string, input: unknown = {}, as: Account = c.account): Promise<T> {
  const r = await reply<T>(c, channel, input, as);
  if (!r.ok) throw new Error(`${channel} as ${as.username}: ${r.error?.code}: ${r.error?.message}`);
  return r.value;
}

/** Who each page is logged in as: a page (a browser tab) holds one login session. */
const pageAccounts = new WeakMap<Page, string>();

/**
 * Opens a page of the console (a hash route such as `/search`) with the
 * bridge token, as the printed URL does, logged in as an account. The login
 * form itself is tested in accounts.spec.ts; here the page is handed a
 * session made through the API, in the localStorage where the
 * console keeps it, before its scripts run. Another account needs another
 * browser context (another person at another workstation).
 */
export async function openConsole(page: Page, c: Connection, route = '/', as: Account = c.account): Promise<void> {
  const holder = pageAccounts.get(page);
  if (holder === undefined) {
    const session = await loginSession(c, as);
    await page.addInitScript((token) => localStorage.setItem('credence.session', token), session);
    pageAccounts.set(page, as.username);
  } else if (holder !== as.username) {
    throw new Error(`this page is logged in as ${holder}: open ${as.username}'s pages in another browser context`);
  }
  await page.goto(`${c.base}/?token=${c.token}#${route}`);
  // The display name, not the role: the role is written in the account's language.
  await expect(page.getByTestId('current-user')).toContainText(`${as.displayName} · `);
  await expect(page.getByRole('heading', { name: 'Credence', level: 1 })).toBeVisible();
  if (route.startsWith('/citizen/')) await statePurpose(page);
}

/** A record asks why it is opened before it shows anything: state a purpose (the tests' own by default). */
export async function statePurpose(page: Page, purpose = 'E2E: checking the record'): Promise<void> {
  await page.getByTestId('purpose-input').fill(purpose);
  await page.getByTestId('purpose-submit').click();
}

/**
 * A full-page screenshot kept as an artifact: test-results/screenshots/<name>.png.
 * A dialog, or a scroll position, is taken in the window instead (a full page would smear the fixed overlay over the scrolled page).
 */
export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const fullPage = options.fullPage ?? true;
  await page.evaluate(async (top) => {
    await document.fonts.ready;
    // A full page is taken from the top: scrolled, the fixed header and navigation would be drawn halfway down.
    if (top) window.scrollTo(0, 0);
  }, fullPage);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage, animations: 'disabled' });
}

/** Reads a number as the console prints it: "1,035.75", "−12.50", "+3.25", "±0.00". */
export function readNumber(text: string | null): number {
  const cleaned = (text ?? '').trim().replace(/−/g, '-').replace(/±/g, '').replace(/,/g, '').replace(/^\+/, '');
  const n = Number(cleaned);
  if (cleaned === '' || !Number.isFinite(n)) throw new Error(`not a number as printed: ${JSON.stringify(text)}`);
  return n;
}

/** Amounts in cents, to compare sums without floating-point noise. */
export const cents = (x: number): number => Math.round(x * 100);

/** Uncaught exceptions and console errors of a page, to assert that it ran cleanly. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: async ({ page }, use) => {
    await use(watchPageErrors(page));
  },
});

/**
 * For a spec walked in Chinese on the shared console: `who` speaks Chinese
 * while the file's tests run and English again after them, whatever
 * happens (the other specs expect English). Returns how to open a route
 * logged in as `who`, once the console is in Chinese.
 */
export function walkedInChinese(c: Connection, who: Account): (page: Page, route: string) => Promise<void> {
  test.beforeAll(async () => {
    await api(c, 'setLanguage', { language: 'zh-CN' }, who);
  });
  test.afterAll(async () => {
    await api(c, 'setLanguage', { language: 'en' }, who);
  });
  return async (page, route) => {
    const session = await loginSession(c, who);
    await page.addInitScript((token) => localStorage.setItem('credence.session', token), session);
    await page.goto(`${c.base}/?token=${c.token}#${route}`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  };
}
