/**
 * The disclosure PDF in the citizen's language (renderDisclosure): Chinese
 * throughout when asked for or when the citizen's record says so, with Noto
 * Sans SC embedded so the Chinese is real text (read back with pdf.js, as
 * pdftotext would); English otherwise. A Chinese name prints as itself in
 * either language.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract.js';
import { localizedName } from '../../../shared/localizedText.js';
import type { Db } from '../../../electron/db/connection.js';
import { disclosureLanguage, renderDisclosure } from '../../../electron/services/disclosure.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { runCli, seedCliAccount, useCliIdentity } from '../helpers/cliHarness.js';
import { buildDemoDatabase, openCopy } from '../helpers/demoDatabase.js';
import { readPdf } from '../helpers/pdfReader.js';
import { tempDir } from '../helpers/tempDirs.js';

const NOW = new Date('2026-11-02T09:15:00Z');
const OFFICIAL = '李明';

let work: { dir: string; cleanup: () => void };
let template: string;
let copies = 0;
let db: Db;
let subject: string;

beforeAll(async () => {
  work = tempDir('disclosure-language');
  template = join(work.dir, 'template.sqlite');
  (await buildDemoDatabase(template)).close();
  db = openCopy(template, join(work.dir, `copy-${++copies}.sqlite`));
  // A citizen with a negative rule total, the friend penalty and records: every section has content.
  const ids = db.prepare('SELECT citizen_id FROM citizens ORDER BY citizen_id').pluck().all() as string[];
  subject = ids.find((id) => {
    const e = explainCitizen(db, id);
    return e.friendPenalty > 0 && e.rules.some((r) => r.total < 0) && e.rules.some((r) => r.eventCount > 1);
  })!;
  expect(subject).toBeDefined();
  db.prepare("UPDATE citizens SET name = '欧阳娜娜', district = '历下区' WHERE citizen_id = ?").run(subject);
});
afterAll(() => {
  db?.close();
  work?.cleanup();
});

/** The PDF's text; a line break inside Chinese text (where no space was) is read without the space the reader puts there. */
const text = async (pdf: Buffer) => (await readPdf(pdf)).text.replace(/(?<=[\p{Script=Han}，。：；（）“”]) (?=[\p{Script=Han}，。：；（）“”])/gu, '');

describe('the disclosure in Chinese', () => {
  let pdf: Buffer;
  let zh: string;
  beforeAll(async () => {
    pdf = renderDisclosure(db, subject, { generatedBy: OFFICIAL, now: NOW, language: 'zh-CN' });
    zh = await text(pdf);
  });

  it('says every sentence in Chinese, with the citizen\'s name as Chinese text', () => {
    for (const sentence of [
      '信用信息告知书',
      '姓名欧阳娜娜',
      '辖区历下区',
      '拉低您信用分的主要原因',
      '您的信用分如何计算',
      '关联扣分',
      '计入您信用分的信用记录',
      '如何提出异议',
      '自您提出申请之日起 30 日内，您将收到书面答复。',
      '信用分绝不会作为对您作出决定的唯一依据。',
      '第 1 页，共',
    ]) {
      expect(zh).toContain(sentence);
    }
  });

  it("names each rule in Chinese, from the ruleset's translation", () => {
    const e = explainCitizen(db, subject);
    for (const r of e.rules) {
      const name = localizedName({ name: r.ruleName, i18n: r.i18n }, 'zh-CN');
      expect(name).toMatch(/\p{Script=Han}/u);
      expect(zh).toContain(name);
      expect(zh).not.toContain(r.ruleName);
    }
    if (e.rules.some((r) => r.capped)) expect(zh).toMatch(/已达上限；记录合计 [-+]\d+\.\d\d 分/);
    else expect(zh).toContain('未达上限');
    expect(zh).toMatch(/实际计分：每条记录 [-+]\d+\.\d\d 分（共 \d+ 条记录）。/);
  });

  it('leaves no English sentence: the only Latin words are ids, dimensions, tiers and the product name', () => {
    const e = explainCitizen(db, subject);
    const allowed = new Set(['UTC', 'Credence', e.citizenId, ...e.rules.flatMap((r) => [r.ruleId, r.dimension, ...r.events.map((ev) => ev.eventId)]), 'friend_penalty', 'manual_adjustment']);
    expect(zh).toContain('您的授权同意');
    expect(zh).toContain('如何撤回授权同意');
    const translated = zh;
    const words = (translated.match(/[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]/g) ?? []).filter((w) => !allowed.has(w) && !/^[A-D]{1,3}$/.test(w));
    // Rule ids may be wrapped at a hyphen inside a narrow column: their parts are allowed too.
    const parts = new Set([...allowed].flatMap((a) => a.split('-')));
    expect(words.filter((w) => !w.split('-').every((p) => parts.has(p)))).toEqual([]);
  });

  it('embeds Noto Sans SC (a subset), so the Chinese is real text', () => {
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans/);
    expect(raw).toContain('/FontFile3');
    expect(raw).toContain('/Lang (zh-CN)');
  });
});

describe('which language', () => {
  it("is the one asked for, else the citizen's own, else English", async () => {
    const copy = openCopy(template, join(work.dir, `copy-${++copies}.sqlite`));
    try {
      const id = subject;
      copy.prepare("UPDATE citizens SET name = '欧阳娜娜' WHERE citizen_id = ?").run(id);
      expect(disclosureLanguage(copy, id)).toBe('en');
      expect(await text(renderDisclosure(copy, id, { generatedBy: OFFICIAL, now: NOW }))).toContain('Score disclosure');
      copy.prepare("UPDATE citizens SET language = 'zh-CN' WHERE citizen_id = ?").run(id);
      expect(disclosureLanguage(copy, id)).toBe('zh-CN');
      expect(await text(renderDisclosure(copy, id, { generatedBy: OFFICIAL, now: NOW }))).toContain('信用信息告知书');
      const english = await text(renderDisclosure(copy, id, { generatedBy: OFFICIAL, now: NOW, language: 'en' }));
      expect(english).toContain('Score disclosure');
      expect(english).not.toContain('信用信息告知书');
      // A Chinese name in an English document prints as itself, not as question marks.
      expect(english).toContain('Name 欧阳娜娜');
      expect(english).toContain(`Generated 2026-11-02 09:15:00 UTC by ${OFFICIAL}`);
    } finally {
      copy.close();
    }
  });

  it('an English disclosure of a citizen with a Latin name embeds no font', () => {
    const copy = openCopy(template, join(work.dir, `copy-${++copies}.sqlite`));
    try {
      copy.prepare("UPDATE citizens SET name = 'Anna Berg', district = 'Nord' WHERE citizen_id = ?").run(subject);
      const raw = renderDisclosure(copy, subject, { generatedBy: 'Officer Berg', now: NOW, language: 'en' }).toString('latin1');
      expect(raw).not.toContain('/FontFile');
      expect(raw).toContain('/BaseFont /Helvetica');
    } finally {
      copy.close();
    }
  });

  it('the disclosure channel takes en or zh-CN and refuses anything else', () => {
    const input = channels.disclosure.input;
    expect(input.safeParse({ citizenId: 'C1', language: 'zh-CN' }).success).toBe(true);
    expect(input.safeParse({ citizenId: 'C1' }).success).toBe(true);
    for (const bad of ['fr', 'zh', 'ZH-CN', '', 7]) {
      const r = input.safeParse({ citizenId: 'C1', language: bad });
      expect(r.success, String(bad)).toBe(false);
      expect(r.error?.issues[0].path).toEqual(['language']);
    }
  });
});

describe('credence disclose --language', () => {
  useCliIdentity();

  it('writes the disclosure in the language asked for, and refuses another', async () => {
    const dbFile = join(work.dir, `cli-${++copies}.sqlite`);
    openCopy(template, dbFile).close();
    await seedCliAccount(dbFile);
    const out = join(work.dir, 'cli-zh.pdf');
    const ok = await runCli('disclose', subject, '--db', dbFile, '--out', out, '--language', 'zh-CN');
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    expect(await text(readFileSync(out))).toContain('信用信息告知书');
    const bad = await runCli('disclose', subject, '--db', dbFile, '--out', join(work.dir, 'none.pdf'), '--language', 'fr');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--language.*'fr' is invalid.*en, zh-CN/);
  });
});
