/**
 * serve (the loopback bridge's launcher) speaks the command line's language:
 * with --lang zh-CN its help is Chinese, commander's own words and
 * placeholders included, and no English sentence of the English help is
 * left; a usage error of its own is Chinese too. Without a choice, English.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const serve = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'electron', 'serve.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CREDENCE_LANG: '', LC_ALL: 'C', LANG: 'C', CREDENCE_DB_PASSPHRASE: '' },
  });

describe('serve in the chosen language', () => {
  it('--lang zh-CN: the help in Chinese, [选项] in the usage line, no English sentence of it', () => {
    const zh = serve('--lang', 'zh-CN', '--help');
    expect(zh.status).toBe(0);
    expect(zh.stdout).toMatch(/^用法： credence-serve \[选项\]/);
    expect(zh.stdout).toContain('在本机以浏览器提供 Credence 平台（仅限 127.0.0.1）');
    expect(zh.stdout).toContain('平台可从中导入数据的文件夹');
    const en = serve('--help');
    expect(en.stdout).toMatch(/^Usage: credence-serve \[options\]/);
    for (const sentence of ['serve the Credence console', 'folders the console may import from', 'port (default: any free port)', 'display help for command', '[options]']) {
      expect(en.stdout).toContain(sentence);
      expect(zh.stdout).not.toContain(sentence);
    }
    expect(zh.stdout).not.toMatch(/^help \[/m);
  });

  it('without a passphrase (none set, no terminal to ask at) it stops with the reason in Chinese', () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-serve-lang-'));
    try {
      const r = serve('--lang', 'zh-CN', '--static', dir, '--db', join(dir, 'x.sqlite'));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^错误：数据库 .*x\.sqlite 的口令：/m);
      expect(r.stderr).not.toMatch(/^error:|passphrase/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
