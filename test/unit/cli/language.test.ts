/**
 * The command line speaks Simplified Chinese or English: --lang, else
 * CREDENCE_LANG, else the account's stored language, else the system locale,
 * else English. Its help, reports, usage errors and refusals change language;
 * what a program reads (--json, CSV, exit codes) does not. An unknown
 * language is refused, naming the accepted ones.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseLanguage, langArgument, localeLanguage } from '../../../electron/cli/i18n.js';
import { displayWidth, wrapColumns } from '../../../electron/cli/terminalText.js';
import { openDatabase } from '../../../electron/db/connection.js';
import { translator } from '../../../electron/services/translate.js';
import { renderKeyed } from '../../../shared/keyedText.js';
import { CLI_USER, runCli, seedCliAccount, useCliIdentity } from '../helpers/cliHarness.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { DEFAULT_KINDS_FILE, DEFAULT_RULESET_FILE } from '../helpers/defaultResources.js';
import { tempDir } from '../helpers/tempDirs.js';

const AS_OF = '2026-11-01T00:00:00Z';

let work: { dir: string; cleanup: () => void };
let template: string;
let citizenId: string;
let copies = 0;

useCliIdentity();

/** The language-related environment as given, restored afterwards: a neutral locale unless the test says otherwise. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const all = { CREDENCE_LANG: undefined, LC_ALL: 'C', LC_MESSAGES: undefined, LANG: 'C', ...vars };
  const saved = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  const set = (entries: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(all);
  try {
    return await fn();
  } finally {
    set(saved);
  }
}
const neutral = <T>(fn: () => Promise<T>) => withEnv({}, fn);

beforeAll(async () => {
  work = tempDir('cli-language');
  template = join(work.dir, 'template.sqlite');
  const db = await buildDemoDatabase(template, { citizens: 120, seed: 11, asOf: AS_OF });
  citizenId = db.prepare('SELECT c.citizen_id FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id LIMIT 1').pluck().get() as string;
  db.close();
  await seedCliAccount(template);
  await seedCliAccount(template, 'viewer-li', 'viewer');
});
afterAll(() => work?.cleanup());

function copyOfDemo(): string {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  return file;
}

function setAccountLanguage(file: string, user: string, language: string | null): void {
  const db = openDatabase(file);
  try {
    db.prepare('UPDATE users SET language = ? WHERE username = ?').run(language, user);
  } finally {
    db.close();
  }
}

describe('choosing the language', () => {
  it('reads --lang anywhere before a lone --, in both spellings; the last one wins', () => {
    expect(langArgument(['rules', 'publish', '--lang', 'zh-CN', 'x.json'])).toBe('zh-CN');
    expect(langArgument(['--lang=en', 'init'])).toBe('en');
    expect(langArgument(['--lang', 'en', '--lang', 'zh-CN'])).toBe('zh-CN');
    expect(langArgument(['init', '--', '--lang', 'zh-CN'])).toBeNull();
    expect(langArgument(['init', '--lang'])).toBe('');
    expect(langArgument(['init'])).toBeNull();
  });

  it('takes --lang over CREDENCE_LANG over the locale, and the locale from LC_ALL, LC_MESSAGES, then LANG', () => {
    expect(chooseLanguage(['--lang', 'en'], { CREDENCE_LANG: 'zh-CN', LANG: 'zh_CN.UTF-8' })).toEqual({ language: 'en', source: 'option' });
    expect(chooseLanguage([], { CREDENCE_LANG: 'zh-CN', LANG: 'en_US.UTF-8' })).toEqual({ language: 'zh-CN', source: 'environment' });
    expect(chooseLanguage([], { LANG: 'zh_CN.UTF-8' })).toEqual({ language: 'zh-CN', source: 'locale' });
    expect(chooseLanguage([], { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' })).toEqual({ language: 'en', source: 'locale' });
    expect(chooseLanguage([], {})).toEqual({ language: 'en', source: 'locale' });
    for (const zh of ['zh_CN.UTF-8', 'zh_TW', 'zh', 'zh-Hans', 'ZH_cn.gb18030']) expect(localeLanguage({ LANG: zh }), zh).toBe('zh-CN');
    for (const other of ['C', 'C.UTF-8', 'POSIX', 'en_US.UTF-8', 'zhx', 'de_DE.UTF-8', '']) expect(localeLanguage({ LANG: other }), other).toBe('en');
  });
});

describe('help and usage errors', () => {
  it('--lang zh-CN gives the help in Chinese, and no English sentence of it', async () => {
    const r = await neutral(() => runCli('--lang', 'zh-CN', '--help'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('用法：');
    expect(r.stdout).toContain('选项：');
    expect(r.stdout).toContain('校验并发布规则集');
    expect(r.stdout).toContain('显示该命令的帮助');
    for (const english of ['validate and publish rulesets', 'Usage:', 'Options:', 'display help for command']) expect(r.stdout).not.toContain(english);
  });

  it('--lang after the subcommand works as well, for the subcommand help', async () => {
    const r = await neutral(() => runCli('rules', 'publish', '--help', '--lang', 'zh-CN'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('发布的书面理由');
    expect(r.stdout).toContain('默认值："credence.sqlite"');
    expect(r.stdout).not.toContain('the written reason for publishing');
  });

  it('CREDENCE_LANG=zh-CN gives the same Chinese help; the system locale zh_CN too; English otherwise', async () => {
    const env = await withEnv({ CREDENCE_LANG: 'zh-CN' }, () => runCli('--help'));
    const locale = await withEnv({ LC_ALL: undefined, LANG: 'zh_CN.UTF-8' }, () => runCli('--help'));
    const chinese = await neutral(() => runCli('--lang', 'zh-CN', '--help'));
    expect(env.stdout).toBe(chinese.stdout);
    expect(locale.stdout).toBe(chinese.stdout);
    const english = await neutral(() => runCli('--help'));
    expect(english.stdout).toContain('validate and publish rulesets');
    expect(english.stdout).not.toContain('校验并发布规则集');
    // --lang beats CREDENCE_LANG
    const flag = await withEnv({ CREDENCE_LANG: 'zh-CN' }, () => runCli('--lang', 'en', '--help'));
    expect(flag.stdout).toBe(english.stdout);
  });

  it('wraps the Chinese help at 80 terminal columns (a character takes two), never starting a line with a comma', async () => {
    expect(displayWidth('信用分 968.40')).toBe(13);
    const text = '导入一个文件夹：event_kinds.json、citizens.csv、consents.csv、relationships.csv、events.csv 或 events.jsonl（全部成功或全部不写入），共计若干条记录。';
    for (const width of [10, 20, 33, 47]) {
      const lines = wrapColumns(text, width).split('\n');
      expect(lines.join('').replace(/\s/g, ''), `width ${width}`).toBe(text.replace(/\s/g, ''));
      for (const line of lines) {
        expect(line, `width ${width}`).not.toMatch(/^[，。；：、）]/);
        // only a Latin word too long for any line overruns (with the punctuation that cannot start the next one)
        if (!/^[^\s，。；：、）]+[，。；：、）]*$/.test(line) || /[\u4e00-\u9fff]/.test(line)) expect(displayWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    }
    const help = await neutral(() => runCli('--lang', 'zh-CN', '--help'));
    const wide = help.stdout.split('\n').filter((l) => displayWidth(l) > 80);
    expect(wide).toEqual([]);
  });

  it("commander's usage errors are in the chosen language, exit 2", async () => {
    const unknown = await neutral(() => runCli('--lang', 'zh-CN', 'frobnicate'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('错误：未知命令“frobnicate”');
    expect(unknown.stderr).not.toContain("unknown command 'frobnicate'");
    const missing = await neutral(() => runCli('--lang', 'zh-CN', 'import', work.dir, '--db', join(work.dir, 'unused.sqlite')));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('错误：未指定必填选项“--provider <name>”');
    const suggested = await neutral(() => runCli('--lang', 'zh-CN', 'rulse'));
    expect(suggested.code).toBe(2);
    expect(suggested.stderr).toContain('错误：未知命令“rulse”\n（是否要输入 rules？）');
    const choice = await neutral(() => runCli('--lang', 'zh-CN', 'disclose', 'C1', '--out', 'x.pdf', '--language', 'fr'));
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('错误：选项“--language <language>”的取值“fr”无效，可选值为：en, zh-CN。');
    expect(`${suggested.stderr}${choice.stderr}`).not.toMatch(/Did you mean|is invalid|Allowed choices/);
    const integer = await neutral(() => runCli('--lang', 'zh-CN', 'demo', '--db', template, '--citizens', 'many'));
    expect(integer.code).toBe(2);
    expect(integer.stderr).toContain('错误：--citizens 须为不小于 1 的整数，实际为“many”');
  });

  it('refuses an unknown --lang or CREDENCE_LANG with exit 2, naming the accepted values, and runs nothing', async () => {
    const db = join(work.dir, 'never-created.sqlite');
    const neutralWithKey = <T>(fn: () => Promise<T>) => withEnv({ CREDENCE_DB_PASSPHRASE: 'language test passphrase' }, fn);
    const flag = await neutralWithKey(() => runCli('--lang', 'fr', 'init', '--db', db));
    expect(flag).toEqual({ code: 2, stdout: '', stderr: "error: unknown language 'fr' for --lang: use one of en, zh-CN\n" });
    const empty = await neutralWithKey(() => runCli('init', '--db', db, '--lang'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("unknown language '' for --lang: use one of en, zh-CN");
    const zh = await neutralWithKey(() => runCli('--lang', 'zh', 'init', '--db', db));
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain("unknown language 'zh'");
    const env = await withEnv({ CREDENCE_LANG: 'chinese', CREDENCE_DB_PASSPHRASE: 'language test passphrase' }, () => runCli('init', '--db', db));
    expect(env).toEqual({ code: 2, stdout: '', stderr: "error: CREDENCE_LANG='chinese' is not a language of the console: use one of en, zh-CN\n" });
    // Said in the language the run would otherwise have used.
    const inChinese = await withEnv({ CREDENCE_LANG: 'zh-CN', CREDENCE_DB_PASSPHRASE: 'language test passphrase' }, () => runCli('--lang', 'fr', 'init', '--db', db));
    expect(inChinese.stderr).toBe('错误：--lang 的取值“fr”不是可用的语言，可选值为：en, zh-CN\n');
    // Refused before anything ran: no database was created.
    expect(existsSync(db)).toBe(false);
    const ok = await neutralWithKey(() => runCli('init', '--db', db));
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(db)).toBe(true);
  });
});

describe('reports and refusals', () => {
  function badImportFolder(name: string): string {
    const dir = join(work.dir, name);
    mkdirSync(dir);
    copyFileSync(DEFAULT_KINDS_FILE, join(dir, 'event_kinds.json'));
    writeFileSync(join(dir, 'citizens.csv'), 'citizen_id,name,district,birth_date\nC1,王芳,历下区,1980-01-01\nC2,李娜,历下区,1991-07-15\nC3,张伟,历下区,1990-02-30\n');
    return dir;
  }

  it('an import with a bad row is refused in Chinese, naming the file and line; English likewise', async () => {
    const dir = badImportFolder('bad-import');
    const db = join(work.dir, 'bad-import.sqlite');
    // A new database is encrypted, as the command line makes it.
    const keyed = <T>(fn: () => Promise<T>) => withEnv({ CREDENCE_DB_PASSPHRASE: 'language test passphrase' }, fn);
    await keyed(() => seedCliAccount(db));
    const zh = await keyed(() => runCli('--lang', 'zh-CN', 'import', dir, '--db', db, '--provider', '历下区民政局'));
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('数据导入被拒绝：发现 1 个问题，未写入任何数据');
    expect(zh.stderr).toContain('citizens.csv 第 4 行：出生日期 birth_date“1990-02-30”不是 YYYY-MM-DD 格式的日期');
    expect(zh.stderr).not.toContain('import rejected');
    expect(zh.stderr).not.toContain('line 4');
    const en = await keyed(() => runCli('import', dir, '--db', db, '--provider', 'Lixia registry'));
    expect(en.code).toBe(1);
    expect(en.stderr).toContain('import rejected: 1 problem; nothing was written');
    expect(en.stderr).toContain("citizens.csv, line 4: birth_date '1990-02-30'");
  });

  it('file-level import errors in Chinese: a NUL byte, an unclosed quote, a kind listed twice, each with its file and line', async () => {
    const dir = join(work.dir, 'bad-files');
    mkdirSync(dir);
    writeFileSync(join(dir, 'event_kinds.json'), JSON.stringify([{ kind: 'parking_fine', fields: {} }, { kind: 'parking_fine', fields: {} }]));
    writeFileSync(join(dir, 'relationships.csv'), 'a,b,since,until\n"C1,C2,2020-01-01,\n');
    writeFileSync(join(dir, 'events.csv'), 'event_id,citizen_id,kind,occurred_at,data\nE1,C1,x\u0000,2024-01-01T00:00:00Z,{}\n');
    const db = copyOfDemo();
    const zh = await neutral(() => runCli('--lang', 'zh-CN', 'import', dir, '--db', db, '--provider', '历下区民政局'));
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('event_kinds.json，parking_fine：记录类型“parking_fine”重复列出');
    expect(zh.stderr).toContain('relationships.csv 第 2 行：引号未闭合：一个带引号的字段一直延续到文件末尾');
    expect(zh.stderr).toContain('events.csv 第 2 行：文件含有 NUL 字节（二进制数据，或不带字节顺序标记的 UTF-16）');
    expect(zh.stderr).not.toMatch(/NUL byte|unclosed quote|listed twice/);
    const en = await neutral(() => runCli('import', dir, '--db', db, '--provider', 'Lixia registry'));
    expect(en.stderr).toContain('events.csv, line 2: file contains a NUL byte (binary data or UTF-16 without a byte order mark)');
    expect(en.stderr).toContain('relationships.csv, line 2: unclosed quote: a quoted field runs to the end of the file');
    expect(en.stderr).toContain("event_kinds.json, parking_fine: event kind 'parking_fine' is listed twice");
  });

  it('account administration, a checkpoint file and a backup refused in Chinese', async () => {
    const db = copyOfDemo();
    const common = await withEnv({ CREDENCE_NEW_PASSWORD: 'password' }, () => runCli('--lang', 'zh-CN', 'users', 'add', 'wang-fang', '--role', 'official', '--db', db, '--reason', '新入职的经办人员'));
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('该密码在常见或已泄露密码名单上');
    expect(common.stderr).not.toContain('common or breached');
    const exists = await withEnv({ CREDENCE_NEW_PASSWORD: 'a long enough passphrase' }, () => runCli('--lang', 'zh-CN', 'users', 'add', 'viewer-li', '--role', 'official', '--db', db));
    expect(exists.stderr).toContain('名为 viewer-li 的账号已存在');
    const checkpoint = join(work.dir, `not-a-checkpoint-${copies}.json`);
    writeFileSync(checkpoint, '{"hello": 1}');
    const verify = await neutral(() => runCli('--lang', 'zh-CN', 'ledger', 'verify', '--db', db, '--checkpoint', checkpoint, '--public-key', checkpoint));
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`${checkpoint}：不是检查点（应为含 count、head、chainCount、chainHead、at 及签名的 JSON 对象）`);
    const restore = await neutral(() => runCli('--lang', 'zh-CN', 'restore', '--check', '--db', db, '--from', join(work.dir, 'no-such.backup')));
    expect(restore.code, restore.stderr).not.toBe(0);
    expect(restore.stderr).toMatch(/没有可读取的清单|处没有备份/);
    expect(restore.stderr).not.toMatch(/no backup at|no readable manifest/);
  });

  it('the help names [options] and [command] in Chinese, in usage lines and command lists', async () => {
    const r = await neutral(() => runCli('--lang', 'zh-CN', 'users', '--help'));
    expect(r.stdout).toMatch(/^用法： credence users \[选项\] \[命令\]/);
    expect(r.stdout).toContain('add [选项] <username>');
    expect(r.stdout).not.toMatch(/\[options\]|\[command\]/);
    const add = await neutral(() => runCli('--lang', 'zh-CN', 'users', 'add', '--help'));
    expect(add.stdout).toContain('默认值："新建一个账号"');
    expect((await neutral(() => runCli('users', '--help'))).stdout).toMatch(/^Usage: credence users \[options\] \[command\]/);
  });

  it('ledger verify without a checkpoint fails in Chinese under CREDENCE_LANG, exit 1', async () => {
    const db = copyOfDemo();
    const r = await withEnv({ CREDENCE_LANG: 'zh-CN' }, () => runCli('ledger', 'verify', '--db', db));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('台账校验失败：未与审计人员的检查点核对（请指定 --checkpoint FILE --public-key FILE）');
    expect(r.stderr).toMatch(/当前记录自身一致（哈希链 [\d,]+ 条，链头 [0-9a-f]{64}；台账 [\d,]+ 条）/);
    expect(r.stderr).not.toContain('verification FAILED');
  });

  it('a command the role may not run is refused in Chinese, the role named as the console names it', async () => {
    const db = copyOfDemo();
    const r = await neutral(() => runCli('--lang', 'zh-CN', 'recompute', '--db', db, '--user', 'viewer-li'));
    expect(r.code).toBe(1);
    // The template is not encrypted: the line before is the warning about that, in Chinese too.
    expect(r.stderr).toMatch(/^警告：.* 未加密：任何能读取该文件的人都能看到其中的全部姓名。/);
    expect(r.stderr).toMatch(/\nrecompute：需要系统管理员角色；viewer-li 的角色为查阅人员\n$/);
    expect(r.stderr).not.toMatch(/needs the|not encrypted/);
    const en = await neutral(() => runCli('recompute', '--db', db, '--user', 'viewer-li'));
    expect(en.stderr).toMatch(/\nrecompute: needs the admin role; viewer-li is viewer\n$/);
  });

  it("the access-log rows the command line writes are keyed: the English kept, the console's Chinese reader reads them in Chinese", async () => {
    const db = copyOfDemo();
    expect((await neutral(() => runCli('recompute', '--db', db, '--user', 'viewer-li'))).code).toBe(1);
    expect((await neutral(() => runCli('explain', citizenId, '--db', db))).code).toBe(0);
    const opened = openDatabase(db);
    try {
      const rows = opened.prepare("SELECT action, outcome, detail, detail_key AS key, detail_params AS params FROM access_log WHERE detail LIKE 'command line%' OR detail LIKE '%on the command line' ORDER BY id").all() as {
        action: string;
        outcome: string;
        detail: string;
        key: string | null;
        params: string | null;
      }[];
      const zh = translator('zh-CN');
      const inChinese = (r: (typeof rows)[number]) => renderKeyed((k, p) => zh(k, p), { key: r.key!, params: r.params ? (JSON.parse(r.params) as Record<string, unknown>) : null });
      expect(rows.map((r) => [r.action, r.outcome, r.detail, r.key])).toEqual([
        ['login', 'refused', 'command line (recompute): needs the admin role; viewer-li is viewer', 'access.cli.refused'],
        ['login', 'allowed', `command line (explain), role admin`, 'access.cli.login'],
        ['view_record', 'allowed', 'explained on the command line', 'access.cli.explained'],
      ]);
      expect(rows.map(inChinese)).toEqual(['命令行（recompute）：需要系统管理员角色；viewer-li 的角色为查阅人员', '命令行（explain），角色：系统管理员', '在命令行查看信用分解释']);
    } finally {
      opened.close();
    }
  });

  it('a two-person refusal the service keys (server:twoPerson.*) prints in Chinese', async () => {
    const db = copyOfDemo();
    // The default ruleset with the first rule's points halved: a real change to propose.
    const ruleset = JSON.parse(readFileSync(DEFAULT_RULESET_FILE, 'utf8')) as { rules: { points: string }[] };
    ruleset.rules[0].points = `0.5 * (${ruleset.rules[0].points})`;
    const file = join(work.dir, `ruleset-${copies}.json`);
    writeFileSync(file, JSON.stringify(ruleset));
    const proposed = await neutral(() => runCli('--lang', 'zh-CN', 'rules', 'publish', file, '--db', db, '--reason', '年度复核'));
    expect(proposed.code, proposed.stderr).toBe(0);
    const id = /^提议 (\d+)：发布 /.exec(proposed.stdout)?.[1];
    expect(id, proposed.stdout).toBeDefined();
    expect(proposed.stdout).toMatch(/按该提议模拟测算：[\d,]+ 个信用分中有 [\d,]+ 个将发生变化/);
    const own = await neutral(() => runCli('--lang', 'zh-CN', 'rules', 'approve', id!, '--db', db, '--reason', '同意'));
    expect(own.code).toBe(1);
    expect(own.stderr).toContain(`提议 ${id} 由 ${CLI_USER} 提出：须由另一名用户批准`);
    expect(own.stderr).not.toContain('must approve it');
  });

  it("follows the account's stored language when neither --lang nor CREDENCE_LANG chose one", async () => {
    const db = copyOfDemo();
    setAccountLanguage(db, CLI_USER, 'zh-CN');
    const asAccount = await neutral(() => runCli('recompute', '--db', db, '--as-of', AS_OF));
    expect(asAccount.code, asAccount.stderr).toBe(0);
    expect(asAccount.stdout).toMatch(/^已按评分基准时间 UTC 2026\/11\/01 00:00:00 重新计算 120 名公民，用时 [\d.]+ 秒：/);
    const envWins = await withEnv({ CREDENCE_LANG: 'en' }, () => runCli('recompute', '--db', db, '--as-of', AS_OF));
    expect(envWins.stdout).toMatch(/^recomputed 120 citizens as of 2026-11-01 00:00:00 UTC in /);
    const flagWins = await neutral(() => runCli('--lang', 'en', 'recompute', '--db', db, '--as-of', AS_OF));
    expect(flagWins.stdout).toMatch(/^recomputed 120 citizens/);
    setAccountLanguage(db, CLI_USER, null);
    const unset = await withEnv({ LC_ALL: undefined, LANG: 'zh_CN.UTF-8' }, () => runCli('recompute', '--db', db, '--as-of', AS_OF));
    expect(unset.stdout).toMatch(/^已按评分基准时间/);
  });

  it('shows the retention periods in Chinese, the headings padded by terminal columns, the rows as stored', async () => {
    const zh = await neutral(() => runCli('--lang', 'zh-CN', 'retention', 'show', '--as-of', AS_OF, '--db', template));
    const en = await neutral(() => runCli('retention', 'show', '--as-of', AS_OF, '--db', template));
    expect(zh.code, zh.stderr).toBe(0);
    const [title, heading, ...rows] = zh.stdout.trimEnd().split('\n');
    expect(title).toBe('保存期限（截至 UTC 2026/11/01 00:00:00）');
    expect(heading).toMatch(/^记录类型 {16} {3}天数  截止时间 {16} {3}记录数 {3}已到期 {3}暂留$/);
    expect(displayWidth(heading)).toBe(en.stdout.split('\n')[1].length);
    expect(rows.at(-1)).toBe('* 默认期限；已到期：下次清除时删除；暂留：已到期但仍被其他记录引用（如有异议），予以保留');
    // The rows (kinds, days, ISO cut-offs, counts) are the same in both languages.
    expect(rows.slice(0, -1)).toEqual(en.stdout.trimEnd().split('\n').slice(2, -1));
  });

  it('explains a citizen in Chinese: labels, the tier, the instant in UTC', async () => {
    // --lang after the subcommand and its arguments, as an operator adds it at the end of a line
    const r = await neutral(() => runCli('explain', citizenId, '--db', template, '--lang', 'zh-CN'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/信用分 \d+\.\d\d，信用等级 [A-D]+ 级，规则集第\d+版，评分基准时间 UTC 2026\/11\/01 00:00:00/);
    expect(r.stdout).toContain('基础分 ');
    expect(r.stdout).toContain('- 关联扣分 ');
    expect(r.stdout).not.toMatch(/\bscore\b|\bbase\b|friend penalty/);
  });
});

describe('machine-readable output does not change with the language', () => {
  it('explain --json, retention show --json and export scores are byte-identical in English and Chinese', async () => {
    for (const args of [
      ['explain', citizenId, '--json', '--db', template],
      ['retention', 'show', '--json', '--as-of', AS_OF, '--db', template],
      ['export', 'scores', '--db', template],
    ]) {
      const en = await neutral(() => runCli('--lang', 'en', ...args));
      const zh = await neutral(() => runCli('--lang', 'zh-CN', ...args));
      const env = await withEnv({ CREDENCE_LANG: 'zh-CN' }, () => runCli(...args));
      expect(en.code, en.stderr).toBe(0);
      expect(zh.code).toBe(0);
      expect(en.stdout.length).toBeGreaterThan(100);
      expect(zh.stdout, args.join(' ')).toBe(en.stdout);
      expect(env.stdout, args.join(' ')).toBe(en.stdout);
    }
  });

  it('users list keeps its tab-separated columns (name, role, display name, ISO instant); only the label follows the language', async () => {
    const en = await neutral(() => runCli('users', 'list', '--db', template));
    const zh = await neutral(() => runCli('--lang', 'zh-CN', 'users', 'list', '--db', template));
    expect(en.code, en.stderr).toBe(0);
    const columns = (out: string) => out.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(columns(zh.stdout).map((c) => c.slice(0, 3))).toEqual(columns(en.stdout).map((c) => c.slice(0, 3)));
    expect(columns(zh.stdout).map((c) => c[3].replace('创建于 ', ''))).toEqual(columns(en.stdout).map((c) => c[3].replace('created ', '')));
    for (const c of columns(zh.stdout)) expect(c[3]).toMatch(/^创建于 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
