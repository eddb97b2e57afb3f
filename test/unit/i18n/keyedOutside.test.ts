/**
 * What comes from outside the console, read in Chinese (issue 12): an error
 * of the operating system (ENOENT, EACCES, ENOSPC...) or of SQLite opening a
 * file is a Chinese sentence in the frame that names the file or folder, the
 * raw code only a technical detail; SQLite's integrity-check output and a
 * CSV parser's (papaparse's) detail are marked as technical detail too; the
 * problems of a damaged record are each keyed and joined in the reader's
 * language; the daily backup's report names its folder and is written in
 * the language of the process. The English of each is unchanged.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processLanguage, saidText, setCliLanguage } from '../../../electron/cli/i18n.js';
import { openDatabase } from '../../../electron/db/connection.js';
import type { IntegrityReport } from '../../../electron/db/chainVerify.js';
import { BackupError, MANIFEST_FORMAT, manifestPath, verifyBackup } from '../../../electron/services/backup.js';
import { createCheckpoint, describeProblems, describeProblemsKeyed, verifyAgainstCheckpoint } from '../../../electron/services/checkpoints.js';
import { testAuditor } from '../helpers/auditor.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { openRegularFile, UnsafeFileError } from '../../../electron/services/csvSource.js';
import { scheduleDailyBackups, setBackupSettings } from '../../../electron/services/custody.js';
import { importFolder } from '../../../electron/services/import.js';
import { ImportFolderError } from '../../../electron/services/importRoots.js';
import { osCodeKeyed, osErrorKeyed } from '../../../electron/services/osError.js';
import { translator } from '../../../electron/services/translate.js';
import { englishText, keyed, type Said } from '../../../shared/englishText.js';
import { renderKeyed, type KeyedText } from '../../../shared/keyedText.js';
import { folder, openTempDb, removeTempDirs, seedBaseline, tempDir } from '../helpers/importFixtures.js';

const zh = (k: KeyedText): string => renderKeyed((key, params) => translator('zh-CN')(key, params), k);

/** Chinese with the raw text only inside the marked technical detail. */
function expectDetail(text: string, detail: string): void {
  expect(text).toContain(`（技术细节：${detail}）`);
  const rest = text.replace(`（技术细节：${detail}）`, '');
  expect(rest).toMatch(/\p{Script=Han}{4}/u);
  expect(rest).not.toMatch(/\b(no such|permission|denied|not a database|is malformed|problem\(s\)|failed|cannot)\b/i);
}

const osError = (code: string, message: string) => Object.assign(new Error(message), { code });

afterAll(() => removeTempDirs());

describe('errors of the operating system and of SQLite', () => {
  it('each code a sentence of its own, the raw code or message the detail; the English is the raw text as before', () => {
    const cases: [string, string, string][] = [
      ['ENOENT', "ENOENT: no such file or directory, open '/data/in/events.csv'", '文件或文件夹不存在'],
      ['EACCES', "EACCES: permission denied, open '/data/in/events.csv'", '没有访问权限'],
      ['ENOSPC', 'ENOSPC: no space left on device, write', '磁盘空间不足'],
      ['EROFS', "EROFS: read-only file system, open '/mnt/cd/x'", '只读'],
      ['SQLITE_NOTADB', 'file is not a database', '不是数据库文件'],
      ['SQLITE_IOERR_WRITE', 'disk I/O error', '读写磁盘时出错'],
    ];
    for (const [code, message, sentence] of cases) {
      const k = osErrorKeyed(osError(code, message));
      expect(englishText(k), code).toBe(message);
      const shown = zh(k);
      expect(shown, code).toContain(sentence);
      expectDetail(shown, message);
      // The code alone (what "cannot be read (EACCES)" said).
      expect(englishText(osCodeKeyed(osError(code, message)))).toBe(code);
    }
    expect(zh(osErrorKeyed(new Error('something new')))).toBe('平台未能识别具体原因（技术细节：something new）');
    expect(zh(osErrorKeyed(new SyntaxError('Unexpected end of JSON input')))).toBe('内容不是有效的 JSON（技术细节：Unexpected end of JSON input）');
  });

  it('a file the import cannot open, and a folder it cannot read: the file or folder named by the frame', () => {
    const dir = tempDir('os-');
    const missing = join(dir, 'events.csv');
    let refused: unknown;
    try {
      openRegularFile(missing, 1024);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(UnsafeFileError);
    const said = (refused as UnsafeFileError).said;
    expect(said.message).toBe('cannot be read (ENOENT)');
    expect(zh({ key: 'problem.file', params: { file: 'events.csv', message: said } })).toBe('events.csv：无法读取：文件或文件夹不存在（技术细节：ENOENT）');

    const unreadable = new ImportFolderError('unreadable', { code: osCodeKeyed(osError('EACCES', 'EACCES: permission denied, scandir')) });
    expect(unreadable.message).toBe('not a folder that can be read (EACCES)');
    expect(englishText(unreadable.refusal('/data/in'))).toBe('folder /data/in: not a folder that can be read (EACCES)');
    expect(zh(unreadable.refusal('/data/in'))).toBe('文件夹 /data/in：无法读取该文件夹：没有访问权限，请检查文件或文件夹的权限设置（技术细节：EACCES）');
  });

  it('a backup that is not a database: the file named, SQLite\'s reason a sentence, its words the detail', () => {
    const dir = tempDir('backup-');
    const file = join(dir, 'credence-2026-11-30.backup');
    const bytes = Buffer.from('this is not an SQLite database, only text that looks like one to nobody'.repeat(100));
    writeFileSync(file, bytes);
    writeFileSync(manifestPath(file), JSON.stringify({ format: MANIFEST_FORMAT, sha256: createHash('sha256').update(bytes).digest('hex'), chain: { head: 'x' } }));
    let refused: unknown;
    try {
      verifyBackup(file, undefined);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(BackupError);
    const said = (refused as BackupError).said!;
    expect(said.message).toBe(`cannot open ${file}: ${file} is not a Credence database (not an SQLite file, or damaged); if it is encrypted, give its passphrase (CREDENCE_DB_PASSPHRASE)`);
    expect(zh(said)).toBe(`无法打开 ${file}：${file} 不是 Credence 数据库（不是 SQLite 文件，或已损坏）；如果它已加密，请提供其口令（CREDENCE_DB_PASSPHRASE）`);
  });

  it("SQLite's integrity-check output is a technical detail, not the sentence", () => {
    const check = '*** in database main ***\nPage 5: btree page never used';
    const k = keyed('backup.integrity', { file: 'b.backup', check });
    expect(k.message).toBe(`b.backup fails SQLite's integrity check: ${check}`);
    expect(zh(k)).toBe(`b.backup 未通过 SQLite 完整性检查，备份文件可能已损坏（技术细节：${check}）`);
    expectDetail(zh(keyed('backup.snapshotCheck', { check })), check);
  });

  it("a damaged record's problems: each keyed with where it is, joined in the reader's language; the English describeProblems'", () => {
    const report = {
      ok: false,
      problemCount: 7,
      problems: [
        { where: 'ledger', at: '12', message: englishText({ key: 'ledger.chain.prevHash' }), key: 'ledger.chain.prevHash' },
        { where: 'events', at: null, message: englishText({ key: 'ledger.chain.unregistered', params: { table: 'events' } }), key: 'ledger.chain.unregistered', params: { table: 'events' } },
        ...Array.from({ length: 4 }, (_, i) => ({ where: 'chain', at: String(i + 1), message: englishText({ key: 'ledger.chain.edited', params: { row: i + 1 } }), key: 'ledger.chain.edited', params: { row: i + 1 } })),
      ],
      chain: { count: 0, head: '' },
    } as unknown as IntegrityReport;
    const k = describeProblemsKeyed(report);
    expect(englishText(k)).toBe(describeProblems(report));
    const shown = zh(k);
    expect(shown).toMatch(/^发现 7 处问题：ledger 12：prev_hash 不是上一条目的哈希值.*；events：表 events 未登记到哈希链中；chain 1：第 1 行/);
    expect(shown.endsWith('；……')).toBe(true);
    expect(shown).not.toContain('; ');
  });
});

describe('a checkpoint verified, as the Ledger page and the command line show it', () => {
  it('the signature and each mismatch keyed; the English as before', async () => {
    const dir = tempDir('checkpoint-');
    const a = join(dir, 'a.sqlite');
    (await buildDemoDatabase(a, { citizens: 30, seed: 5, asOf: '2026-11-01T00:00:00Z' })).close();
    const b = join(dir, 'b.sqlite');
    copyFileSync(a, b);
    const auditor = testAuditor();
    const dbA = openDatabase(a);
    const dbB = openDatabase(b);
    try {
      const cp = createCheckpoint(dbA, auditor.signer, { actor: 'auditor', at: '2026-11-26T12:00:00.000Z' });
      const valid = verifyAgainstCheckpoint(dbA, cp, auditor.publicKeyPem);
      expect(valid.ok).toBe(true);
      expect(valid.signature.message).toBe(`signed by the trusted auditor key ${cp.keyId}`);
      expect(zh(valid.signature.said)).toBe(`由受信任的审计密钥 ${cp.keyId} 签名`);
      // The same checkpoint against a copy taken before it: not recorded there.
      const other = verifyAgainstCheckpoint(dbB, cp, auditor.publicKeyPem);
      expect(other.ok).toBe(false);
      expect(other.mismatchesKeyed.map((m) => m.message)).toEqual(other.mismatches);
      expect(other.mismatches).toContain('the checkpoint of 2026-11-26T12:00:00.000Z is not recorded in the database: checkpoint rows were deleted or the history was rolled back');
      const chinese = other.mismatchesKeyed.map(zh);
      expect(chinese).toContain('2026-11-26T12:00:00.000Z 的检查点未记录在数据库中：检查点记录已被删除，或历史记录被回滚');
      for (const line of chinese) expect(line).not.toMatch(/\b(the|checkpoint|entries|removed|recorded)\b/);
    } finally {
      dbA.close();
      dbB.close();
    }
  });
});

describe("a CSV parser's detail in an import", () => {
  it('a stray character after a closing quote: the Chinese says what is wrong, papaparse\'s words only the detail', async () => {
    const { db } = openTempDb();
    try {
      await seedBaseline(db);
      const r = await importFolder(db, folder({ 'relationships.csv': 'a,b,since,until\n"C1"x,C2,2020-01-01,\n' }), { actor: 'tester', provider: 'Test registry' });
      expect(r.ok).toBe(false);
      const p = r.problems[0];
      expect(p.key).toBe('importFile.invalidQuote');
      const detail = String(p.params?.detail);
      expect(p.message).toBe(`malformed quoted field: ${detail}`);
      const shown = zh(p as KeyedText);
      expect(shown).toBe(`带引号的字段格式错误：结束引号后还有其他字符（技术细节：${detail}）`);
    } finally {
      db.close();
    }
  });
});

describe("the daily backup's report", () => {
  it('names its folder and says an OS error as a sentence, in the language of the process', async () => {
    const dir = tempDir('daily-');
    const dbFile = join(dir, 'credence.sqlite');
    const db = openDatabase(dbFile);
    try {
      // The folder lies under a regular file: the OS refuses to make it (ENOTDIR), whatever the user running the test.
      writeFileSync(join(dir, 'plain-file'), 'x');
      const blocked = join(dir, 'plain-file', 'backups');
      setBackupSettings(db, { folder: blocked, keep: 3 });
      const reports: Said[] = [];
      scheduleDailyBackups(db, dbFile, (m) => reports.push(m))();
      expect(reports).toHaveLength(1);
      const [report] = reports;
      expect(report.key).toBe('backup.dailyFailedIn');
      expect(report.message).toMatch(new RegExp(`^the daily backup to ${blocked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed: ENOTDIR`));
      setCliLanguage(processLanguage('zh-CN', {}));
      const chinese = saidText(report);
      expect(chinese).toMatch(new RegExp(`^向 .*plain-file/backups 写入每日备份失败：路径中的某一部分不是文件夹（技术细节：ENOTDIR`));
      setCliLanguage(processLanguage('en-US', {}));
      expect(saidText(report)).toBe(report.message);
    } finally {
      db.close();
    }
  });

  it("the process's language: CREDENCE_LANG first, then the system's locale, then LANG", () => {
    expect(processLanguage('en-US', { CREDENCE_LANG: 'zh-CN' }).language).toBe('zh-CN');
    expect(processLanguage('zh-Hans-CN', {}).language).toBe('zh-CN');
    expect(processLanguage('en-GB', { LANG: 'zh_CN.UTF-8' }).language).toBe('en');
    expect(processLanguage(null, { LANG: 'zh_CN.UTF-8' }).language).toBe('zh-CN');
    expect(processLanguage(undefined, { CREDENCE_LANG: 'fr', LANG: 'C' }).language).toBe('en');
  });
});
