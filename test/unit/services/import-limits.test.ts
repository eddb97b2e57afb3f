/**
 * The import as a hostile supplier of files would try it (issue 7 item 3,
 * issue 8 items 6-7): instants finer than the model, oversized fields, bidi
 * overrides, deep JSON, huge bad values, repeated ids, links to other files,
 * FIFOs, folders outside the import roots. Each is refused with file and line,
 * echoes at most a clipped piece of the bad value, and writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract.js';
import { parseInstantMs } from '../../../shared/instant.js';
import type { Db } from '../../../electron/db/connection.js';
import { openRegularFile } from '../../../electron/services/csvSource.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { checkImportFolder } from '../../../electron/services/importRoots.js';
import { echo, LIMITS, tooDeepAt } from '../../../electron/services/inputLimits.js';
import { InvalidEventError, recordEvent } from '../../../electron/services/recordEvent.js';
import { parseInstant } from '../../../electron/services/scoring.js';
import { csvQuote, dbSnapshot, eventRow, folder, openTempDb, removeTempDirs, seedBaseline, tempDir, writeFolder } from '../helpers/importFixtures.js';

const CITIZENS_HEADER = 'citizen_id,name,district,birth_date';
const EVENTS_HEADER = 'event_id,citizen_id,kind,occurred_at,data';
const lines = (...rows: string[]) => rows.join('\n') + '\n';
const jsonEvent = (id: string, at: string, data: unknown = { ml: 400 }) => JSON.stringify({ event_id: id, citizen_id: 'C4', kind: 'blood_donation', occurred_at: at, data });

let db: Db;

beforeEach(async () => {
  db = openTempDb().db;
  await seedBaseline(db);
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

/** Imports `dir`, expects a refusal whose first problem names `file` (and `line`) and matches `message`, and an unchanged database. */
async function expectRefused(dir: string, expected: { file: string; line?: number; message: RegExp }, options: Partial<Parameters<typeof importFolder>[2]> = {}): Promise<ImportReport> {
  const before = dbSnapshot(db);
  const report = await importFolder(db, dir, { actor: 'tester', provider: 'Test registry', ...options });
  expect(report.ok).toBe(false);
  expect(report.operationId).toBeNull();
  expect(report.problems[0]).toMatchObject({ file: expected.file, message: expect.stringMatching(expected.message) });
  if (expected.line !== undefined) expect(report.problems[0].line).toBe(expected.line);
  expect(dbSnapshot(db)).toEqual(before);
  return report;
}

describe('instants (SCORING_MODEL §1: seconds required, at most 3 fraction digits, a zone)', () => {
  const good = eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 });

  it.each([
    ['a fraction of 4 digits', '2025-07-01T00:00:00.0004Z', /fraction finer than a millisecond/],
    ['a fraction of 9 digits', '2024-05-01T10:00:00.123456789+02:00', /fraction finer than a millisecond/],
    ['a time without seconds', '2025-07-01T00:00Z', /the time has no seconds/],
    ['a time without seconds and an offset', '2025-07-01T00:00+02:00', /the time has no seconds/],
    ['no zone', '2024-05-01T10:00:00.250', /no zone/],
    ['a space for the T', '2024-05-01 10:00:00Z', /space instead of 'T'/],
    ['a leap second', '2016-12-31T23:59:60Z', /not a real date and time/],
    ['an offset hour 24', '2024-05-01T10:00:00+24:00', /not in that form/],
  ])('refuses %s in events.csv, naming file and line', async (_what, at, why) => {
    await expectRefused(folder({ 'events.csv': lines(EVENTS_HEADER, good, eventRow('E11', 'C4', 'blood_donation', at, { ml: 400 })) }), {
      file: 'events.csv',
      line: 3,
      message: new RegExp(`occurred_at "${at.replace(/[.+]/g, '\\$&')}" is not an RFC 3339 instant.*${why.source}`),
    });
  });

  it('refuses a sub-millisecond instant in events.jsonl, naming the line', async () => {
    await expectRefused(folder({ 'events.jsonl': lines(jsonEvent('J1', '2024-01-01T00:00:00Z'), jsonEvent('J2', '2025-07-01T00:00:00.0004Z')) }), {
      file: 'events.jsonl',
      line: 2,
      message: /fraction finer than a millisecond/,
    });
  });

  it('accepts 0 to 3 fraction digits, offsets and a lower-case t/z, at the exact millisecond', async () => {
    const report = await importFolder(
      db,
      folder({ 'events.jsonl': lines(jsonEvent('J1', '2024-01-01T00:00:00.1Z'), jsonEvent('J2', '2024-01-01T00:00:00.123+01:30'), jsonEvent('J3', '2024-01-01t00:00:00z')) }),
      { actor: 'tester' },
    );
    expect(report.problems).toEqual([]);
    const ms = db.prepare("SELECT event_id, occurred_ms FROM events WHERE event_id LIKE 'J%' ORDER BY event_id").raw(true).all();
    expect(ms).toEqual([
      ['J1', Date.UTC(2024, 0, 1, 0, 0, 0, 100)],
      ['J2', Date.UTC(2023, 11, 31, 22, 30, 0, 123)],
      ['J3', Date.UTC(2024, 0, 1)],
    ]);
  });

  it('gives years 0-99 their own year, not 1900-1999', () => {
    expect(parseInstantMs('0050-01-01T00:00:00Z')).toBe(new Date('0050-01-01T00:00:00Z').getTime());
  });

  it('one definition: recording an event, the as-of of the CLI and services, and the recompute channel refuse the same forms', () => {
    for (const bad of ['2025-07-01T00:00:00.0004Z', '2025-07-01T00:00Z']) {
      expect(() => recordEvent(db, { eventId: 'R1', citizenId: 'C4', kind: 'blood_donation', occurredAt: bad, data: {} }, { actor: 't', reason: 'by hand' })).toThrow(InvalidEventError);
      expect(() => parseInstant(bad)).toThrow(/is not a date YYYY-MM-DD or an RFC 3339 instant/);
      expect(channels.recompute.input.safeParse({ asOf: bad }).success).toBe(false);
      expect(channels.recordEvent.input.safeParse({ citizenId: 'C4', eventId: 'R1', kind: 'blood_donation', occurredAt: bad, data: {}, reason: 'walk-in donation' }).success).toBe(false);
    }
    expect(channels.recompute.input.safeParse({ asOf: '2025-07-01T00:00:00.123Z' }).success).toBe(true);
    expect(channels.recordEvent.input.safeParse({ citizenId: 'C4', eventId: 'R1', kind: 'blood_donation', occurredAt: '2025-07-01T00:00:00.123+02:00', data: {}, reason: 'walk-in donation' }).success).toBe(true);
    expect(channels.recompute.input.safeParse({ asOf: '2025-07-01' }).success).toBe(true);
    expect(parseInstant('2025-07-01')).toEqual({ iso: '2025-07-01T00:00:00.000Z', ms: Date.UTC(2025, 6, 1) });
  });
});

describe('limits per field, with file and line', () => {
  it.each([
    ['a name of 201 characters', `C6,${'N'.repeat(201)},Yatou,`, /name is 201 characters long; at most 200/],
    ['a district of 101 characters', `C6,Fay Lin,${'D'.repeat(101)},`, /district is 101 characters long; at most 100/],
    ['a bell in a name', 'C6,Fay\u0007Lin,Yatou,', /control character U\+0007/],
    ['a right-to-left override in a name', 'C6,Fay \u202Enil,Yatou,', /bidirectional formatting or separator character U\+202E/],
    ['a first-strong isolate in a district', 'C6,Fay Lin,Ya\u2068tou,', /U\+2068/],
    ['a C1 control in a name', 'C6,Fay\u0085Lin,Yatou,', /control character U\+0085/],
  ])('refuses %s', async (_what, row, message) => {
    await expectRefused(folder({ 'citizens.csv': lines(CITIZENS_HEADER, 'C7,Gus Ma,Yatou,', row) }), { file: 'citizens.csv', line: 3, message });
  });

  it('accepts a name of exactly 200 characters and a district of 100', async () => {
    const report = await importFolder(db, folder({ 'citizens.csv': lines(CITIZENS_HEADER, `C6,${'N'.repeat(200)},${'D'.repeat(100)},`) }), { actor: 'tester' });
    expect(report.problems).toEqual([]);
  });

  it('refuses a string field over 4 KB (counted in UTF-8 bytes) and accepts one of exactly 4 KB', async () => {
    const over = 'é'.repeat(2049); // 4098 bytes, 2049 characters
    await expectRefused(folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'volunteer_service', '2024-05-01T10:00:00Z', { organisation: over, hours: 1 })) }), {
      file: 'events.csv',
      line: 2,
      message: /field 'organisation' is 4,098 bytes long; at most 4096/,
    });
    const exact = await importFolder(db, folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'volunteer_service', '2024-05-01T10:00:00Z', { organisation: 'x'.repeat(4096), hours: 1 })) }), { actor: 'tester' });
    expect(exact.problems).toEqual([]);
  });

  it('refuses a lone surrogate in string data (an escape in JSON Lines)', async () => {
    await expectRefused(folder({ 'events.jsonl': '{"event_id":"J1","citizen_id":"C4","kind":"volunteer_service","occurred_at":"2024-01-01T00:00:00Z","data":{"organisation":"a\\ud800b"}}\n' }), {
      file: 'events.jsonl',
      line: 1,
      message: /lone UTF-16 surrogate/,
    });
  });

  it('refuses a line over 1 MiB in events.jsonl, naming it, without reading further', async () => {
    const long = jsonEvent('J2', '2024-01-01T00:00:00Z', { ml: 1, pad: 'x'.repeat(LIMITS.lineBytes) });
    const report = await expectRefused(folder({ 'events.jsonl': lines(jsonEvent('J1', '2024-01-01T00:00:00Z'), long, jsonEvent('J3', 'not an instant')) }), {
      file: 'events.jsonl',
      line: 2,
      message: /line 2 is longer than 1 MiB/,
    });
    expect(report.problemCount).toBe(1);
  });

  it('refuses a CSV record over 1 MiB, even one spread over many short lines inside quotes', async () => {
    const manyLines = csvQuote(`{"ml":400${' \n'.repeat(LIMITS.lineBytes / 2 + 10)}}`);
    await expectRefused(folder({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', {}), `E11,C4,blood_donation,2024-05-01T10:00:00Z,${manyLines}`) }), {
      file: 'events.csv',
      line: 3,
      message: /record starting at line 3 is longer than 1 MiB/,
    });
  });

  it('refuses an event_kinds.json over 1 MiB without parsing it', async () => {
    const big = JSON.stringify([{ kind: 'padding', fields: {} }]) + ' '.repeat(LIMITS.kindsFileBytes);
    await expectRefused(folder({ 'event_kinds.json': big }), { file: 'event_kinds.json', message: /is 1,048,\d{3} bytes; at most 1,048,576 are allowed/ });
  });

  it('refuses a data file over its size limit before reading it', () => {
    const dir = folder({ 'events.csv': 'x'.repeat(100) });
    expect(() => openRegularFile(join(dir, 'events.csv'), 99)).toThrow(/is 100 bytes; at most 99 are allowed/);
  });
});

describe('deeply nested JSON', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

  it('says "nesting too deep at line N" for 100,000 levels in events.jsonl, not a stack overflow', async () => {
    const line = `{"event_id":"J2","citizen_id":"C4","kind":"blood_donation","occurred_at":"2024-01-01T00:00:00Z","data":{"ml":${deep(100_000)}}}`;
    await expectRefused(folder({ 'events.jsonl': lines(jsonEvent('J1', '2024-01-01T00:00:00Z'), '', line) }), { file: 'events.jsonl', line: 3, message: /^nesting too deep at line 3/ });
  });

  it('says so for 100,000 levels in the data of events.csv', async () => {
    await expectRefused(folder({ 'events.csv': lines(EVENTS_HEADER, `E10,C4,blood_donation,2024-05-01T10:00:00Z,${csvQuote(`{"ml":${deep(100_000)}}`)}`) }), {
      file: 'events.csv',
      line: 2,
      message: /^nesting too deep at line 2/,
    });
  });

  it('says so for event_kinds.json, with the line of the bracket that goes too deep', async () => {
    await expectRefused(folder({ 'event_kinds.json': `[\n{"kind":"x","fields":\n${deep(100_000)}}]` }), { file: 'event_kinds.json', line: 3, message: /^nesting too deep at line 3/ });
  });

  it('counts brackets inside strings as text, not nesting', () => {
    expect(tooDeepAt(`{"a":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`)).toBe(-1);
    expect(tooDeepAt(deep(LIMITS.jsonDepth))).toBe(-1);
    expect(tooDeepAt(deep(LIMITS.jsonDepth + 1))).toBe(LIMITS.jsonDepth);
  });
});

describe('huge bad values make a small report', () => {
  it('100 unknown citizen ids of 900 KB each: 100 problems, each echoing at most 80 characters, the report under the limit (64 KB, keyed parameters included)', async () => {
    const rows = ['a,b,since,until'];
    for (let i = 0; i < 100; i++) rows.push(`${String(i).padStart(3, '0')}${'Q'.repeat(900_000)},C1,2020-01-01,`);
    const report = await expectRefused(folder({ 'relationships.csv': lines(...rows) }), { file: 'relationships.csv', line: 2, message: /^unknown citizen '000Q{77}\.\.\. \(900,003 characters\)'$/ });
    expect(report.problemCount).toBe(100);
    expect(report.problems).toHaveLength(100);
    expect(JSON.stringify(report).length).toBeLessThan(LIMITS.reportChars);
  });

  it('100 bad values of 5 MB each: one problem (the first over-long line), a report of a few hundred bytes', async () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    const value = 'v'.repeat(5 * 2 ** 20);
    const rows = [CITIZENS_HEADER];
    for (let i = 0; i < 100; i++) rows.push(`C${100 + i},${value},Yatou,`);
    writeFileSync(join(dir, 'citizens.csv'), lines(...rows));
    const report = await expectRefused(dir, { file: 'citizens.csv', line: 2, message: /record starting at line 2 is longer than 1 MiB/ });
    expect(JSON.stringify(report).length).toBeLessThan(1000);
  });

  it('caps the listed problems by count and total size, and counts them all', async () => {
    const rows = [CITIZENS_HEADER];
    for (let i = 0; i < 5000; i++) rows.push(`C${100 + i},${'N'.repeat(300)},Yatou,`);
    const report = await expectRefused(folder({ 'citizens.csv': lines(...rows) }), { file: 'citizens.csv', line: 2, message: /name is 300 characters/ });
    expect(report.problemCount).toBe(5000);
    expect(report.problems.length).toBeLessThanOrEqual(LIMITS.listedProblems);
    expect(JSON.stringify(report.problems).length).toBeLessThan(LIMITS.reportChars + LIMITS.messageChars + 200);
  });

  it('echo never serialises a value whole and escapes bidi overrides', () => {
    expect(echo('x'.repeat(1_000_000))).toMatch(/^"x{80}\.\.\. \(1,000,000 characters\)"$/);
    expect(echo('a\u202Eb')).toBe('"a\\u202eb"');
    expect(echo({ a: 1 })).toBe('an object');
  });
});

describe('repeated event ids within one file', () => {
  it('reports the second occurrence in events.jsonl with its line, even after another problem', async () => {
    const report = await expectRefused(
      folder({ 'events.jsonl': lines(jsonEvent('J1', '2024-01-01T00:00:00Z'), jsonEvent('J2', 'soon'), jsonEvent('J1', '2024-01-01T00:00:00Z')) }),
      { file: 'events.jsonl', line: 2, message: /occurred_at "soon"/ },
    );
    expect(report.problems[1]).toEqual({ file: 'events.jsonl', line: 3, message: 'event_id J1 appears more than once in the file', key: 'import.eventIdTwice', params: { id: 'J1' } });
  });
});

describe('files that are not regular files of the folder', () => {
  it('refuses an events.jsonl that links to /etc/passwd, without echoing a byte of it', async () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    symlinkSync('/etc/passwd', join(dir, 'events.jsonl'));
    const report = await expectRefused(dir, { file: 'events.jsonl', message: /is a symbolic link: only regular files are imported/ });
    expect(JSON.stringify(report)).not.toMatch(/root|nologin|\/bin\//);
  });

  it('refuses a citizens.csv that links to a readable CSV elsewhere', async () => {
    const outside = folder({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,') });
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    symlinkSync(join(outside, 'citizens.csv'), join(dir, 'citizens.csv'));
    await expectRefused(dir, { file: 'citizens.csv', message: /symbolic link/ });
  });

  it('refuses a FIFO without blocking on it', async () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'events.csv')]);
    await expectRefused(dir, { file: 'events.csv', message: /is a named pipe \(FIFO\): only regular files are imported/ });
  });

  it('refuses a device and a folder in place of a file', async () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(join(dir, 'citizens.csv'), { recursive: true });
    symlinkSync('/dev/zero', join(dir, 'events.csv'));
    const report = await expectRefused(dir, { file: 'citizens.csv', message: /is a folder/ });
    expect(report.problems[1]).toMatchObject({ file: 'events.csv', message: expect.stringMatching(/symbolic link/) });
  });

  it('never echoes the bytes of an event_kinds.json that is not UTF-8 or not JSON', async () => {
    const latin1 = Buffer.concat([Buffer.from('[{"kind":"x","fields":{}}] SECRET-'), Buffer.from([0xe9, 0xe9])]);
    const notUtf8 = await expectRefused(folder({ 'event_kinds.json': latin1 }), { file: 'event_kinds.json', message: /not valid UTF-8/ });
    expect(JSON.stringify(notUtf8)).not.toContain('SECRET');
    const notJson = await expectRefused(folder({ 'event_kinds.json': 'root:x:0:0:SECRET:/root:/bin/bash\n' }), { file: 'event_kinds.json', message: /not valid JSON/ });
    expect(JSON.stringify(notJson)).not.toMatch(/SECRET|bin\/bash/);
  });

  it('never echoes a CSV header of another format beyond 80 characters', async () => {
    const report = await expectRefused(folder({ 'citizens.csv': `root:x:0:0:${'S'.repeat(500)}\n` }), { file: 'citizens.csv', line: 1, message: /header lacks columns/ });
    expect(JSON.stringify(report)).not.toContain('S'.repeat(81));
  });
});

describe('import roots', () => {
  it('refuses a folder outside the roots, and one inside that links out', async () => {
    const root = tempDir('credence-root-');
    const outside = folder({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,') });
    await expectRefused(outside, { file: outside, message: /outside the import folders of this installation/ }, { importRoots: [root] });
    symlinkSync(outside, join(root, 'innocent'));
    await expectRefused(join(root, 'innocent'), { file: join(root, 'innocent'), message: /outside the import folders/ }, { importRoots: [root] });
    // A sibling whose name starts like the root is not inside it.
    const sibling = `${root}-evil`;
    writeFolder(sibling, { 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,') });
    expect(() => checkImportFolder(sibling, [root])).toThrow(/outside/);
  });

  it('imports a folder inside a root, and the root itself', async () => {
    const root = tempDir('credence-root-');
    const inside = writeFolder(join(root, 'exports', '2026-11'), { 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,') });
    const report = await importFolder(db, inside, { actor: 'tester', provider: 'Yatou registry', importRoots: [root] });
    expect(report.problems).toEqual([]);
    expect(checkImportFolder(root, [root])).toBe(checkImportFolder(root));
  });

  it('refuses every folder when no root exists', () => {
    expect(() => checkImportFolder(tempDir(), ['/nonexistent/credence-root'])).toThrow(/outside/);
  });
});
