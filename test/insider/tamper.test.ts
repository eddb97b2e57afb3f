/**
 * The bad-faith administrator against the record, once an auditor holds a
 * checkpoint signed with their own key: every edit below is covered up as
 * well as write access to the file allows (append-only triggers dropped, the
 * ledger rehashed, the chain of every record rebuilt, scores aligned), so
 * the database is consistent with itself afterwards — and each is still
 * detected against the auditor's checkpoint, by the service and by
 * `credence ledger verify` (exit 1).
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHAINED_TABLES, contentExpr, HASH_FUNCTION } from '../../electron/db/chain.js';
import { verifyIntegrity } from '../../electron/db/chainVerify.js';
import { openDatabase, type Db } from '../../electron/db/connection.js';
import { keyIdOf, publicKeyPem } from '../../electron/services/auditorKey.js';
import { logAccess } from '../../electron/services/accessLog.js';
import { checkpointFileContent, createCheckpoint, parseCheckpoint, verifyAgainstCheckpoint, type SignedCheckpoint } from '../../electron/services/checkpoints.js';
import { testAuditor } from '../unit/helpers/auditor.js';
import { runCli } from '../unit/helpers/cliHarness.js';
import { buildDemoDatabase } from '../unit/helpers/demoDatabase.js';
import { tempDir } from '../unit/helpers/tempDirs.js';
import { alignScoresWithLedger, dropAppendOnlyTriggers, editAndRehash, rebuildChain } from './attacker.js';

const auditor = testAuditor();
let work: { dir: string; cleanup: () => void };
let template: string;

beforeAll(async () => {
  work = tempDir('insider-tamper');
  template = join(work.dir, 'template.sqlite');
  const db = await buildDemoDatabase(template, { citizens: 120, seed: 3, asOf: '2026-11-01T00:00:00Z' });
  for (let i = 0; i < 5; i++) logAccess(db, { username: 'viewer1', action: 'view_record', citizenId: `C${i}`, detail: 'opened the record', purpose: 'case review', outcome: 'allowed' });
  db.close();
});
afterAll(() => work?.cleanup());

const opened: Db[] = [];
let copies = 0;
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

/** A copy of the population with an auditor checkpoint taken, and that checkpoint as the auditor keeps it. */
function checkpointed(): { db: Db; file: string; cp: SignedCheckpoint } {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  const db = openDatabase(file);
  opened.push(db);
  const cp = parseCheckpoint(JSON.parse(checkpointFileContent(createCheckpoint(db, auditor.signer, { actor: 'auditor' }))));
  // more history after the checkpoint, which the attacker may also touch
  logAccess(db, { username: 'viewer1', action: 'search', detail: 'after the checkpoint', outcome: 'allowed' });
  return { db, file, cp };
}

function expectDetected(db: Db, cp: SignedCheckpoint, says: RegExp): void {
  const result = verifyAgainstCheckpoint(db, cp, auditor.publicKeyPem);
  expect(result.ok).toBe(false);
  expect(result.mismatches.join('\n')).toMatch(says);
}

const firstRowid = (db: Db, table: string) => db.prepare(`SELECT min(rowid) FROM ${table}`).pluck().get() as number;

/** `named`: where the verifier names the edit, when not the table itself (an imported event's content is vouched for by its seal). */
const edits: { table: string; edit: (db: Db) => void; ledgerFrom?: number; named?: string }[] = [
  { table: 'operations', edit: (db) => db.prepare("UPDATE operations SET reason = 'routine update', actor = 'someone else' WHERE id = 2").run(), ledgerFrom: 1 },
  { table: 'ledger', edit: (db) => db.prepare('UPDATE ledger SET new_score = new_score + 20000 WHERE seq = 7').run(), ledgerFrom: 7 },
  { table: 'access_log', edit: (db) => db.prepare("UPDATE access_log SET username = 'nobody', purpose = 'none' WHERE id = ?").run(firstRowid(db, 'access_log')) },
  { table: 'events', named: 'chain_seals', edit: (db) => db.prepare(`UPDATE events SET data = '{"amount":1}' WHERE idx = ?`).run(firstRowid(db, 'events')) },
  { table: 'events (retraction)', edit: (db) => db.prepare('UPDATE events SET retracted_by = 2 WHERE idx = ?').run(firstRowid(db, 'events')) },
  { table: 'rulesets', edit: (db) => db.prepare("UPDATE rulesets SET spec = json_set(spec, '$.name', 'edited') WHERE version = 1").run() },
  { table: 'installation_keys', edit: (db) => db.prepare('UPDATE installation_keys SET public_key = ?').run(publicKeyPem(generateKeyPairSync('ed25519').publicKey)) },
  { table: 'ledger_checkpoints', edit: (db) => db.prepare("UPDATE ledger_checkpoints SET actor = 'admin'").run() },
];

describe('an edited row of each chained table, with the chain rebuilt around it', () => {
  it.each(edits)('$table: consistent inside the database, detected against the checkpoint', ({ edit, ledgerFrom }) => {
    const { db, cp } = checkpointed();
    editAndRehash(db, () => edit(db), ledgerFrom);
    expect(verifyIntegrity(db)).toMatchObject({ ok: true, problemCount: 0 }); // the cover-up is complete
    expectDetected(db, cp, /chain differs from the checkpoint|not recorded in the database/);
  });

  it.each(edits)('$table: edited without rebuilding the chain, the record itself names the row', ({ table, edit, named }) => {
    const { db, cp } = checkpointed();
    dropAppendOnlyTriggers(db);
    edit(db);
    const report = verifyIntegrity(db);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.where)).toContain(named ?? table.split(' ')[0]);
    expect(verifyAgainstCheckpoint(db, cp, auditor.publicKeyPem).ok).toBe(false);
  });
});

describe('edits made with every trigger dropped', () => {
  const dropChainTriggers = (db: Db) => {
    for (const n of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'chain\\_%' ESCAPE '\\'").pluck().all() as string[]) db.exec(`DROP TRIGGER ${n}`);
  };

  it('a row edited with the chain triggers dropped differs from its chain entry, and is named', () => {
    const { db } = checkpointed();
    dropAppendOnlyTriggers(db);
    dropChainTriggers(db);
    const id = firstRowid(db, 'access_log');
    db.prepare("UPDATE access_log SET purpose = 'nothing to see' WHERE id = ?").run(id);
    expect(verifyIntegrity(db).problems.map((p) => p.message)).toContain(`row ${id} differs from what the chain recorded (edited)`);
  });

  it("a chain entry whose content hash was rewritten to match the edit, without rehashing, fails its own hash", () => {
    const { db } = checkpointed();
    dropAppendOnlyTriggers(db);
    dropChainTriggers(db);
    const id = firstRowid(db, 'access_log');
    db.prepare("UPDATE access_log SET purpose = 'nothing to see' WHERE id = ?").run(id);
    const spec = CHAINED_TABLES.find((t) => t.table === 'access_log')!;
    const content = db.prepare(`SELECT ${HASH_FUNCTION}(${contentExpr(db, spec, 'x')}) FROM access_log x WHERE id = ?`).pluck().get(id) as string;
    db.prepare("UPDATE chain SET content_hash = ? WHERE tbl = 'access_log' AND row_id = ?").run(content, id);
    expect(verifyIntegrity(db).problems.map((p) => p.message).join('\n')).toMatch(/hash does not match the entry \(access_log row \d+ insert was altered\)/);
  });
});

describe('changes an event may undergo, made with raw SQL', () => {
  it('a retraction without its operation is named, even when the chain trigger recorded it', () => {
    const { db } = checkpointed();
    const idx = firstRowid(db, 'events');
    db.prepare('UPDATE events SET retracted_by = 2 WHERE idx = ?').run(idx);
    expect(verifyIntegrity(db).problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`event ${idx} marked retracted by operation 2, which retracts another event`));
  });

  it('an event deleted without a purge operation is named', () => {
    const { db } = checkpointed();
    const idx = firstRowid(db, 'events');
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM events WHERE idx = ?').run(idx);
    expect(verifyIntegrity(db).problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`event ${idx} deleted without a records_expired operation before it`));
  });

  it('more events deleted than the purge operation states are named', () => {
    const { db } = checkpointed();
    db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('records_expired', 'admin', '2026-11-02T00:00:00Z', 'purge', '{\"events_deleted\":1}')").run();
    db.pragma('foreign_keys = OFF');
    db.exec('DELETE FROM events WHERE idx IN (SELECT idx FROM events ORDER BY idx LIMIT 3)');
    expect(verifyIntegrity(db).problems.map((p) => p.message).join('\n')).toMatch(/states 1 deleted events, the chain records 3 deletions after it/);
  });
});

describe('deletions and truncation', () => {
  it('deleting the checkpoint rows (and rebuilding the chain) is detected', () => {
    const { db, cp } = checkpointed();
    editAndRehash(db, () => db.exec('DELETE FROM ledger_checkpoints'));
    expect(verifyIntegrity(db).ok).toBe(true);
    expectDetected(db, cp, /not recorded in the database/);
  });

  it('deleting the checkpoint rows and cutting the chain back to exactly the checkpoint is detected', () => {
    const { db, cp } = checkpointed();
    dropAppendOnlyTriggers(db);
    db.exec('DELETE FROM ledger_checkpoints');
    db.prepare("DELETE FROM access_log WHERE detail = 'after the checkpoint'").run();
    db.prepare('DELETE FROM chain WHERE seq > ?').run(cp.chainCount);
    expect(verifyIntegrity(db).ok).toBe(true);
    expectDetected(db, cp, /not recorded in the database/);
  });

  it('truncating the ledger and the chain behind the checkpoint is detected, naming the cut', () => {
    const { db, cp } = checkpointed();
    editAndRehash(db, () => {
      db.prepare('DELETE FROM ledger WHERE seq > ?').run(cp.count - 10);
      db.exec('DELETE FROM scores WHERE citizen_idx NOT IN (SELECT c.idx FROM citizens c JOIN ledger l ON l.citizen_id = c.citizen_id)');
    });
    expect(verifyIntegrity(db).ok).toBe(true);
    expectDetected(db, cp, new RegExp(`the ledger has ${cp.count - 10} entries but the checkpoint .* fixed ${cp.count}`));
  });

  it('deleting an access-log row and rebuilding is detected; deleting it without rebuilding names the row', () => {
    const { db, cp } = checkpointed();
    const id = firstRowid(db, 'access_log');
    dropAppendOnlyTriggers(db);
    db.prepare('DELETE FROM access_log WHERE id = ?').run(id);
    expect(verifyIntegrity(db).problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`row ${id} was deleted from an append-only table`));
    rebuildChain(db);
    expect(verifyIntegrity(db).ok).toBe(true);
    expectDetected(db, cp, /chain differs from the checkpoint/);
  });

  it('a stored score changed without a ledger entry is flagged even with the chain intact', () => {
    const { db, cp } = checkpointed();
    db.prepare('UPDATE scores SET cents = cents + 5000 WHERE citizen_idx = 1').run();
    const report = verifyIntegrity(db);
    expect(report.problems).toMatchObject([{ where: 'scores', message: expect.stringMatching(/stored score .* but the ledger's last entry says/) }]);
    expectDetected(db, cp, /scores/);
    alignScoresWithLedger(db);
    expect(verifyIntegrity(db).ok).toBe(true);
  });
});

describe('re-signing', () => {
  it('a fresh checkpoint signed with a key generated on the machine is refused against the auditor key', async () => {
    const { db, file, cp } = checkpointed();
    editAndRehash(db, () => db.prepare('UPDATE ledger SET new_score = 1 WHERE seq = 3').run(), 3);
    const machine = generateKeyPairSync('ed25519');
    const forged = createCheckpoint(db, { privateKey: machine.privateKey, publicKey: machine.publicKey, keyId: keyIdOf(machine.publicKey) });
    expect(verifyAgainstCheckpoint(db, forged, auditor.publicKeyPem)).toMatchObject({ ok: false, signature: { status: 'untrusted' } });
    expectDetected(db, cp, /chain differs from the checkpoint/);
    db.close();

    const forgedFile = join(work.dir, `forged-${copies}.json`);
    const keptFile = join(work.dir, `kept-${copies}.json`);
    const pub = join(work.dir, `auditor-${copies}.pub.pem`);
    writeFileSync(forgedFile, checkpointFileContent(forged));
    writeFileSync(keptFile, checkpointFileContent(cp));
    writeFileSync(pub, auditor.publicKeyPem);
    const withForged = await runCli('ledger', 'verify', '--db', file, '--checkpoint', forgedFile, '--public-key', pub);
    expect(withForged.code).toBe(1);
    expect(withForged.stderr).toMatch(/not by the trusted auditor key/);
    const withKept = await runCli('ledger', 'verify', '--db', file, '--checkpoint', keptFile, '--public-key', pub);
    expect(withKept.code).toBe(1);
    expect(withKept.stderr).toMatch(/chain differs from the checkpoint/);
  });
});
