/**
 * Refusals from the main process are keyed (shared/messages.ts Keyed): the
 * reply carries `key` and `params` beside the English message, and the
 * reader's console puts `server:<key>` in their language. Every key the
 * main process's source emits exists in both languages; login, session and
 * lock refusals, role refusals, input validation (field and reason) and the
 * two-person rule come keyed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/language.js';
import { renderKeyed, type KeyedParam } from '../../../shared/keyedText.js';
import { MESSAGES, type Catalog } from '../../../shared/messages.js';
import { dispatch, dispatchFromSession } from '../../../electron/ipc/dispatch.js';
import { assertIndependent } from '../../../electron/services/accounts.js';
import { translator } from '../../../electron/services/translate.js';
import { callerAs, createAccounts, openApiContext, TEST_PASSWORD, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

const ROOT = join(import.meta.dirname, '../../..');

function has(catalog: Catalog, key: string): boolean {
  let node: string | Catalog | undefined = catalog;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.ts$/.test(name) ? [path] : [];
  });
}

/** A refusal as the console shows it to a reader of `language`. */
function shown(reply: { ok: boolean; error?: { key?: string; params?: Record<string, KeyedParam> } }, language: (typeof LANGUAGES)[number]): string {
  expect(reply.ok).toBe(false);
  expect(reply.error?.key).toBeDefined();
  const t = translator(language);
  return renderKeyed((k, p) => t(k, p), { key: reply.error!.key!, params: reply.error!.params });
}

describe('message keys the main process emits', () => {
  it('every key written in the source exists in both languages', () => {
    const problems: string[] = [];
    let found = 0;
    for (const file of sourceFiles(join(ROOT, 'electron'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bkey: |\bkeyed\()'([a-zA-Z_.]+)'/g)) {
        if (!/^(auth|role|twoPerson|input|problem|access|import|cel|ledger|rejected|ruleset|instant|json)\./.test(m[1])) continue;
        found++;
        for (const language of LANGUAGES) if (!has(MESSAGES[language].server, m[1])) problems.push(`${relative(ROOT, file)}: server:${m[1]} missing in ${language}`);
      }
    }
    expect(problems).toEqual([]);
    expect(found).toBeGreaterThanOrEqual(15);
  });

  it('names in a message (roles, who must approve) are translated too, nothing left as a nesting', () => {
    const zh = translator('zh-CN', 'server');
    expect(zh('role.needs', { channel: 'publish', role: 'admin', user: 'wang', current: 'viewer' })).toBe('publish 需要系统管理员角色；wang 的角色是查阅人员');
    expect(translator('en', 'server')('role.needs', { channel: 'publish', role: 'admin', user: 'wang', current: 'viewer' })).toBe('publish needs the admin role; wang is viewer');
    expect(zh('twoPerson.proposalMadeBy', { id: 4, proposer: 'li', another: 'administrator' })).toBe('提议 4 由 li 提出：须由另一名系统管理员批准');
  });
});

describe('keyed refusals', () => {
  let api: ApiContext;
  beforeAll(async () => {
    api = await openApiContext({ demo: false });
    await createAccounts(api.ctx.db);
  });
  afterAll(() => api?.close());

  it('a role refusal: the channel, the role needed and the caller, in Chinese', async () => {
    const reply = await dispatch('proposeRuleset', { ruleset: {}, reason: 'x', simulationJobId: 'j' }, api.ctx, callerAs('viewer'));
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden', key: 'role.needs', params: { channel: 'proposeRuleset', role: 'admin', current: 'viewer' } } });
    expect(shown(reply, 'zh-CN')).toBe('proposeRuleset 需要系统管理员角色；tester 的角色是查阅人员');
    expect(shown(reply, 'en')).toBe((reply as { error: { message: string } }).error.message);
  });

  it('input refused by the schema: the field and why', async () => {
    const reply = await dispatch('disclosure', { citizenId: 'C1', language: 'fr' }, api.ctx, callerAs('official'));
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', key: 'input.invalid_value', params: { channel: 'disclosure', field: 'language', values: 'en, zh-CN' } } });
    expect(shown(reply, 'zh-CN')).toBe('disclosure：language 必须是以下之一：en, zh-CN');
    const tooLong = await dispatch('disclosure', { citizenId: 'C1', extra: 1 }, api.ctx, callerAs('official'));
    expect(shown(tooLong, 'zh-CN')).toBe('disclosure：未知字段 extra');
  });

  it('a wrong password and a missing session', async () => {
    const login = await dispatchFromSession('login', { username: USERNAMES.viewer, password: `${TEST_PASSWORD}!` }, api.ctx, undefined);
    expect(login).toMatchObject({ ok: false, error: { code: 'unauthenticated', key: 'auth.wrongPassword' } });
    expect(shown(login, 'zh-CN')).toBe('用户名或密码错误');
    const noSession = await dispatchFromSession('rulesetCurrent', {}, api.ctx, 'not-a-session');
    expect(noSession).toMatchObject({ ok: false, error: { code: 'unauthenticated', key: 'auth.loginRequired' } });
    expect(shown(noSession, 'zh-CN')).toBe('请先登录');
  });

  it('the two-person rule', () => {
    let thrown: unknown;
    try {
      assertIndependent(api.ctx.db, 'alice', 'ALICE', 'proposal 7', 'another administrator');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ message: 'proposal 7 was made by alice: another administrator must approve it', keyed: { key: 'twoPerson.proposalMadeBy', params: { id: 7, proposer: 'alice', another: 'administrator' } } });
    const keyed = (thrown as { keyed: { key: string; params: Record<string, string | number> } }).keyed;
    expect(translator('en', 'server')(keyed.key, keyed.params)).toBe((thrown as Error).message);
    expect(translator('zh-CN', 'server')(keyed.key, keyed.params)).toBe('提议 7 由 alice 提出：须由另一名系统管理员批准');
  });
});
