/**
 * The edges of the console in Chinese: a file an import cannot read (wrong
 * encoding, a NUL byte, an unclosed quote, a bad event_kinds.json, a link
 * or a pipe, a folder outside the import folders), the refusals of uploads,
 * simulations the data has moved past, backups, checkpoints and account
 * administration. Each comes keyed: its English is what it always was, and
 * the reader of Chinese reads it in Chinese with its parameters, in the
 * import report and in a refusal as the console renders it (errorText over
 * the reply dispatch gives both transports).
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../renderer/src/i18n/index';
import { ApiError } from '../../../renderer/src/api';
import { errorText } from '../../../renderer/src/i18n/errorText';
import { keyedMessage } from '../../../renderer/src/i18n/serverText';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { importFolder } from '../../../electron/services/import.js';
import { approveAdjustment, proposeAdjustment, proposeRuleset } from '../../../electron/services/proposals.js';
import { RejectedInputError, simulateRuleset } from '../../../electron/services/ruleLab.js';
import { loadScoringState } from '../../../electron/services/scoring.js';
import { UploadStore } from '../../../electron/bridge/uploads.js';
import { BackupError } from '../../../electron/services/backup.js';
import { setBackupSettings } from '../../../electron/services/custody.js';
import type { InputProblem } from '../../../shared/domain.js';
import { englishText, keyed } from '../../../shared/englishText.js';
import { JobConflictError, type JobManager } from '../../../electron/jobs/manager.js';
import type { KeyedText } from '../../../shared/keyedText.js';
import { callerAs, createAccounts, openApiContext, USERNAMES, type ApiContext } from '../helpers/apiContext.js';
import { folder, openTempDb, removeTempDirs, seedBaseline, tempDir } from '../helpers/importFixtures.js';
import { refusalShown } from '../helpers/refusalShown.js';

/** A problem of the import report as the Import page shows it to a reader of Chinese; its English is its key rendered in English. */
async function chineseProblem(p: InputProblem): Promise<string> {
  expect(p.key, p.message).toBeTruthy();
  expect(englishText(p as KeyedText)).toBe(p.message);
  await i18next.changeLanguage('zh-CN');
  return keyedMessage(p);
}

/** Chinese with no English sentence left in it (names, codes and paths aside). */
function expectChinese(text: string): void {
  expect(text).toMatch(/\p{Script=Han}/u);
  expect(text).not.toMatch(/\b(is|are|the|not|cannot|must|only|file|folder|already|has|run|again)\b/);
}

describe('file-level import errors, in the import report', () => {
  const opened: { close(): void }[] = [];
  afterAll(() => {
    for (const db of opened) db.close();
    removeTempDirs();
  });
  async function report(files: Record<string, string | Buffer>, options: { eventWorker?: 'never' | 'always'; importRoots?: string[]; dir?: string; provider?: string } = {}) {
    const { db } = openTempDb();
    opened.push(db);
    await seedBaseline(db);
    const dir = options.dir ?? folder(files);
    return importFolder(db, dir, { actor: 'tester', provider: options.provider ?? 'Test registry', eventWorker: options.eventWorker, importRoots: options.importRoots });
  }
  const only = async (r: Awaited<ReturnType<typeof report>>) => {
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    return chineseProblem(r.problems[0]);
  };

  it('encoding: UTF-16, not UTF-8 (GBK bytes), a NUL byte, an unclosed quote; the line is kept', async () => {
    const utf16 = await report({ 'citizens.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('citizen_id,name\n', 'utf16le')]) });
    expect(utf16.problems[0]).toMatchObject({ file: 'citizens.csv', line: 1, message: 'file is UTF-16 encoded; save it as UTF-8' });
    expect(await only(utf16)).toBe('文件为 UTF-16 编码：请另存为 UTF-8');

    const gbk = await report({ 'citizens.csv': Buffer.concat([Buffer.from('citizen_id,name,district,birth_date\nK1,'), Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]), Buffer.from(',Lixia,\n')]) });
    expect(gbk.problems[0]).toMatchObject({ line: 2, message: 'text is not valid UTF-8 (Windows-1252 or Latin-1?); save the file as UTF-8' });
    expect(await only(gbk)).toBe('文本不是有效的 UTF-8（可能是 GBK、Windows-1252 或 Latin-1 编码）：请将文件另存为 UTF-8');

    for (const eventWorker of ['never', 'always'] as const) {
      const nul = await report({ 'events.csv': 'event_id,citizen_id,kind,occurred_at,data\nE1,C1,x,2024-01-01T00:00:00Z,{}\nE2,C1,x\u0000,2024-01-01T00:00:00Z,{}\n' }, { eventWorker });
      expect(nul.problems[0], eventWorker).toMatchObject({ file: 'events.csv', line: 3, message: 'file contains a NUL byte (binary data or UTF-16 without a byte order mark)' });
      expect(await only(nul), eventWorker).toBe('文件含有 NUL 字节（二进制数据，或不带字节顺序标记的 UTF-16）');
    }

    const quote = await report({ 'relationships.csv': 'a,b,since,until\nC1,C2,2020-01-01,\n"C3,C4,2020-01-01,\n' });
    expect(quote.problems[0]).toMatchObject({ line: 3, message: 'unclosed quote: a quoted field runs to the end of the file' });
    expect(await only(quote)).toBe('引号未闭合：一个带引号的字段一直延续到文件末尾');
  });

  it('event_kinds.json: not JSON, a kind listed twice, a bad kind name, a wrong type; every one in Chinese with its kind', async () => {
    const notJson = await report({ 'event_kinds.json': '[{"kind": "x",}]' });
    expect(notJson.problems[0].message).toMatch(/^not valid JSON: /);
    expect(await only(notJson)).toMatch(/^不是有效的 JSON：/);

    const twice = await report({ 'event_kinds.json': JSON.stringify([{ kind: 'parking_fine', fields: {} }, { kind: 'parking_fine', fields: {} }]) });
    expect(twice.problems[0].message).toBe("event kind 'parking_fine' is listed twice");
    expect(await only(twice)).toBe('记录类型“parking_fine”重复列出');

    const shapes = await report({ 'event_kinds.json': JSON.stringify([{ kind: 'Bad Kind', fields: {} }, { kind: 3, fields: {} }, { kind: 'ok_kind', fields: { x: { type: 'nope' } } }]) });
    const texts = await Promise.all(shapes.problems.map(chineseProblem));
    expect(shapes.problems.map((p) => p.message)).toEqual([
      'event kind must be lower_snake_case, 1-64 characters',
      'Invalid input: expected string, received number',
      'Invalid option: expected one of "number"|"string"|"bool"|"date"',
    ]);
    expect(texts).toEqual(['记录类型名称须为小写字母、数字和下划线（lower_snake_case），1 至 64 个字符', '输入无效：应为 string，实际为 number', '选项无效：应为以下之一 "number"|"string"|"bool"|"date"']);
  });

  it('a link or a named pipe instead of a file, no importable file, both event files, an empty provider', async () => {
    const dir = tempDir();
    symlinkSync('/etc/hostname', join(dir, 'citizens.csv'));
    execFileSync('mkfifo', [join(dir, 'events.csv')]);
    const r = await report({}, { dir });
    const byFile = Object.fromEntries(await Promise.all(r.problems.map(async (p) => [p.file, `${p.message} | ${await chineseProblem(p)}`])));
    expect(byFile).toEqual({
      'citizens.csv': 'is a symbolic link: only regular files are imported | 是符号链接：只导入普通文件',
      'events.csv': 'is a named pipe (FIFO): only regular files are imported | 是命名管道（FIFO）：只导入普通文件',
    });
    expect(await only(await report({ 'notes.txt': 'x' }))).toBe('未找到可导入的文件（应为以下任一文件：event_kinds.json, citizens.csv, consents.csv, relationships.csv, events.csv, events.jsonl）');
    expect(await only(await report({ 'events.csv': 'x', 'events.jsonl': '' }))).toBe('events.csv 与 events.jsonl 同时存在：请只保留一个');
    const provider = await report({ 'citizens.csv': 'citizen_id,name,district,birth_date\n' }, { provider: 'Registry\u0007' });
    expect(provider.problems[0].message).toBe('the provider name contains the control character U+0007');
    expect(await only(provider)).toMatch(/^数据提供单位名称.*U\+0007/);
  });

  it('a folder outside the import folders, and one that does not exist', async () => {
    const root = tempDir();
    const outside = folder({ 'citizens.csv': 'citizen_id,name,district,birth_date\n' });
    const r = await report({}, { dir: outside, importRoots: [root] });
    expect(r.problems[0].message).toMatch(/^the folder is outside the import folders of this installation \(/);
    const zh = await only(r);
    expect(zh).toContain(`该文件夹不在本系统的导入文件夹之内（${root}）`);
    expectChinese(zh.replace(root, ''));
    expect(await only(await report({}, { dir: join(root, 'nope') }))).toBe('不是文件夹：该文件夹不存在');
  });
});

describe('refusals over the API, as the console shows them', () => {
  let api: ApiContext;
  beforeAll(async () => {
    api = await openApiContext({ demo: true });
    await createAccounts(api.db, ['viewer', 'admin']);
  });
  afterAll(() => {
    api?.close();
    removeTempDirs();
  });

  it('a folder import outside the import folders, in Chinese with the folder and the roots', async () => {
    const root = tempDir();
    const reply = await dispatch('importFolder', { folder: '/etc', provider: 'Test registry' }, { ...api.ctx, importRoots: [root] }, callerAs('official'));
    expect(await refusalShown(reply, 'en')).toBe(`folder /etc: the folder is outside the import folders of this installation (${root}); move the files into one of them, or have the administrator add a folder (CREDENCE_IMPORT_ROOTS, see the README)`);
    const zh = await refusalShown(reply, 'zh-CN');
    expect(zh).toBe(`文件夹 /etc：该文件夹不在本系统的导入文件夹之内（${root}）：请将文件移入其中之一，或请系统管理员添加文件夹（CREDENCE_IMPORT_ROOTS，见 README）`);
  });

  it('uploads: none without the bridge, another user’s or an unknown one, and one too large', async () => {
    const file = { name: 'citizens.csv' as const, uploadId: 'u-1' };
    const noBridge = await dispatch('importFiles', { files: [file], provider: 'Test registry' }, api.ctx, callerAs('official'));
    expect(await refusalShown(noBridge, 'zh-CN')).toBe('citizens.csv：上传须经浏览器桥接服务；在此处请直接发送文件内容');
    const unknown = await dispatch('importFiles', { files: [file], provider: 'Test registry' }, { ...api.ctx, uploads: new UploadStore() }, callerAs('official'));
    expect(await refusalShown(unknown, 'en')).toBe('citizens.csv: no upload u-1 of tester: upload the file again');
    expect(await refusalShown(unknown, 'zh-CN')).toBe('citizens.csv：没有 tester 的上传 u-1：请重新上传该文件');
    // The bridge's 413 for a large upload, as api.ts wraps it with the file's name.
    await i18next.changeLanguage('zh-CN');
    expect(errorText(new ApiError('invalid_input', 'citizens.csv: an uploaded file has at most 512 MiB', 'upload.fileRefused', { name: 'citizens.csv', reason: { key: 'upload.tooLarge', params: { max: 512 } } }))).toBe(
      'citizens.csv：上传的文件最大为 512 MiB',
    );
  });

  it('a simulation the data has moved past: the approval refused with what changed, in Chinese', async () => {
    const spec = structuredClone(loadScoringState(api.db)!.ruleset.spec) as { base_score: number };
    spec.base_score += 1;
    const id = proposeRuleset(api.db, spec, 'a fairer starting score', 'alice', simulateRuleset(api.db, spec));
    const citizen = api.db.prepare('SELECT citizen_id FROM citizens ORDER BY idx LIMIT 1').pluck().get() as string;
    approveAdjustment(api.db, proposeAdjustment(api.db, { citizenId: citizen, points: 5, justification: 'court order 2024/118' }, 'alice'), 'bob', 'checked the order');
    const reply = await dispatch('decideProposal', { proposalId: id, approve: true, reason: 'looks right' }, api.ctx, callerAs('admin'));
    expect(await refusalShown(reply, 'en')).toMatch(new RegExp(`^proposal ${id}: the data changed since the simulation: 1 operation\\(s\\) after operation \\d+, the last is \\d+; run the simulation again before approving$`));
    const zh = await refusalShown(reply, 'zh-CN');
    expect(zh).toMatch(new RegExp(`^提议 ${id}：模拟测算之后数据已变更：操作 \\d+ 之后又有 1 项操作，最近一项为操作 \\d+；批准前请重新进行模拟测算$`));
    // The proposal's stored simulation says the same on the approval page.
    const proposals = await dispatch('proposals', {}, api.ctx, callerAs('admin'));
    const stored = proposals.ok ? (proposals.value as { id: number; simulation: { stale: string; staleKey?: string; staleParams?: Record<string, string | number> } | null }[]).find((p) => p.id === id)?.simulation : null;
    expect(stored?.staleKey).toBe('simulation.staleness.dataChanged');
    await i18next.changeLanguage('zh-CN');
    expect(keyedMessage({ key: stored!.staleKey, params: stored!.staleParams, message: stored!.stale })).toMatch(/^模拟测算之后数据已变更：/);
  });

  it('a proposed ruleset with one bad rule: refused with the rule and its problem in Chinese', async () => {
    const spec = structuredClone(loadScoringState(api.db)!.ruleset.spec) as { rules: { id: string; points: string }[] };
    const rule = spec.rules[0];
    rule.points = '-15.0 * event.no_such_field';
    let refused: unknown = null;
    try {
      proposeRuleset(api.db, spec, 'a rule on a field the kind lacks', 'alice', null);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(RejectedInputError);
    const err = refused as RejectedInputError;
    expect(err.message.startsWith(`the ruleset does not validate: rule ${rule.id}: `)).toBe(true);
    await i18next.changeLanguage('zh-CN');
    const zh = errorText(new ApiError('rejected', err.message, err.keyed!.key, err.keyed!.params));
    expect(zh.startsWith(`规则集未通过校验：规则 ${rule.id}：`)).toBe(true);
    expectChinese(zh.replace(/[\w.]*no_such_field[\w.]*/g, ''));
  });

  it('an event retracted twice, and a job while another runs: refused in Chinese', async () => {
    const event = api.db.prepare('SELECT event_id FROM events WHERE retracted_by IS NULL ORDER BY idx LIMIT 1').pluck().get() as string;
    const first = await dispatch('retractEvent', { eventId: event, reason: 'entered for the wrong citizen' }, api.ctx, callerAs('official'));
    expect(first.ok).toBe(true);
    const again = await dispatch('retractEvent', { eventId: event, reason: 'entered for the wrong citizen' }, api.ctx, callerAs('official'));
    expect(await refusalShown(again, 'en')).toMatch(new RegExp(`^event ${event} was already retracted by operation \\d+$`));
    expect(await refusalShown(again, 'zh-CN')).toMatch(new RegExp(`^信用记录 ${event} 已由操作 \\d+ 撤销$`));
    // A job already holding the database (its status as the manager keeps it).
    const busy = { ...api.ctx, jobs: { start: () => { throw new JobConflictError(keyed('job.conflict', { kind: keyed('job.kinds.recompute'), at: '2026-11-30T08:00:00.000Z' })); } } as unknown as JobManager };
    const conflict = await dispatch('recompute', {}, busy, callerAs('admin'));
    expect(await refusalShown(conflict, 'en')).toBe('another job is running (recompute, started 2026-11-30T08:00:00.000Z); wait for it or cancel it');
    expect(await refusalShown(conflict, 'zh-CN')).toBe('另一项任务正在运行（重新计算信用分，开始于 2026-11-30T08:00:00.000Z）：请等待其完成或取消');
  });

  it('backup and checkpoint: a path for a backup name, a file that is not a checkpoint', async () => {
    const backup = await dispatch('verifyBackup', { file: '../credence.sqlite' }, api.ctx, callerAs('admin'));
    expect(await refusalShown(backup, 'en')).toBe('a backup is named by its file name in the backup folder');
    expect(await refusalShown(backup, 'zh-CN')).toBe('备份以其在备份文件夹中的文件名指定');
    const checkpoint = await dispatch('verifyCheckpoint', { checkpoint: { hello: 1 }, trustedPublicKey: 'x' }, api.ctx, callerAs('auditor'));
    expect(await refusalShown(checkpoint, 'zh-CN')).toBe('不是检查点（应为含 count、head、chainCount、chainHead、at 及签名的 JSON 对象）');
    // The service's own check (the channel's schema bounds it first): keyed as well.
    let refused: unknown = null;
    try {
      setBackupSettings(api.db, { keep: 400 });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(BackupError);
    await i18next.changeLanguage('zh-CN');
    expect(keyedMessage({ ...(refused as BackupError).keyed, message: (refused as BackupError).message })).toBe('保留的每日备份份数须在 1 至 365 之间');
  });

  it('account administration: an existing name, the last administrator, a common password, an own-role raise', async () => {
    const admin = { user: USERNAMES.admin, role: 'admin' as const };
    const exists = await dispatch('createUser', { username: USERNAMES.viewer, role: 'viewer', password: 'a long enough passphrase', reason: 'a new colleague' }, api.ctx, admin);
    expect(await refusalShown(exists, 'en')).toBe(`an account named ${USERNAMES.viewer} already exists`);
    expect(await refusalShown(exists, 'zh-CN')).toBe(`名为 ${USERNAMES.viewer} 的账号已存在`);
    const last = await dispatch('disableUser', { username: USERNAMES.admin, reason: 'leaving the office' }, api.ctx, callerAs('admin'));
    expect(await refusalShown(last, 'zh-CN')).toBe(`${USERNAMES.admin} 是最后一位系统管理员，不能停用`);
    const common = await dispatch('createUser', { username: 'wang-fang', role: 'official', password: 'password', reason: 'a new colleague' }, api.ctx, admin);
    expect(await refusalShown(common, 'en')).toMatch(/^this password is on a list of common or breached passwords/);
    expect(await refusalShown(common, 'zh-CN')).toBe('该密码在常见或已泄露密码名单上，攻击者会首先尝试：请另选一个（几个互不相关的词语组成的密码就很好）');
    const same = await dispatch('changeRole', { username: USERNAMES.viewer, role: 'viewer', reason: 'no change at all' }, api.ctx, admin);
    expect(await refusalShown(same, 'zh-CN')).toBe(`${USERNAMES.viewer} 的角色已是查阅人员`);
    expect(await refusalShown(same, 'en')).toBe(`${USERNAMES.viewer} already has the role viewer`);
  });
});
