/**
 * The bad-input catalogue of the folder import (SCORING_MODEL §1, §7.3, §7.5):
 * every bad file is rejected whole, naming file, line and reason, and leaves
 * the database exactly as it was; every good one is imported exactly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { CancelledError } from '../../../electron/services/scoring.js';
import {
  BASELINE_AS_OF,
  BASELINE_FILES,
  centsOf,
  csvQuote,
  dbSnapshot,
  eventRow,
  folder,
  openTempDb,
  removeTempDirs,
  seedBaseline,
} from '../helpers/importFixtures.js';

const CITIZENS_HEADER = 'citizen_id,name,district,birth_date';
const REL_HEADER = 'a,b,since,until';
const EVENTS_HEADER = 'event_id,citizen_id,kind,occurred_at,data';

const lines = (...rows: string[]) => rows.join('\n') + '\n';
const ascii = (text: string) => Buffer.from(text, 'utf8');

let db: Db;

beforeEach(async () => {
  db = openTempDb().db;
  await seedBaseline(db);
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

function run(files: Record<string, string | Buffer>, options: Partial<Parameters<typeof importFolder>[2]> = {}): Promise<ImportReport> {
  return importFolder(db, folder(files), { actor: 'tester', ...options });
}

/**
 * Imports `files`, expects a rejection whose first problem names `file`, `line`
 * and a reason matching `message`, and that the database is exactly as before.
 */
async function expectRejected(
  files: Record<string, string | Buffer>,
  expected: { file: string; line?: number; message: RegExp },
  problemCount = 1,
): Promise<ImportReport> {
  const before = dbSnapshot(db);
  const report = await run(files);
  expect(report.ok).toBe(false);
  expect(report.operationId).toBeNull();
  expect(report.scoring).toBeNull();
  expect(report.problems[0]).toMatchObject({ file: expected.file, message: expect.stringMatching(expected.message) });
  if (expected.line !== undefined) expect(report.problems[0].line).toBe(expected.line);
  expect(report.problemCount).toBe(problemCount);
  expect(dbSnapshot(db)).toEqual(before);
  return report;
}

async function expectImported(files: Record<string, string | Buffer>): Promise<ImportReport> {
  const report = await run(files);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.operationId).not.toBeNull();
  return report;
}

const citizen = (id: string) => db.prepare('SELECT citizen_id, name, district, birth_date FROM citizens WHERE citizen_id = ?').get(id);
const eventData = (id: string) => db.prepare('SELECT data FROM events WHERE event_id = ?').pluck().get(id);

describe('import: text encoding', () => {
  const text = lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,Gus Ma,Yatou,');

  it('rejects a UTF-16LE file with a byte order mark as UTF-16 on line 1', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: 1, message: /UTF-16/ });
  });

  it('rejects a UTF-16BE file with a byte order mark as UTF-16 on line 1', async () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: 1, message: /UTF-16/ });
  });

  it('rejects UTF-16LE without a byte order mark by its NUL bytes on line 1', async () => {
    await expectRejected({ 'citizens.csv': Buffer.from(text, 'utf16le') }, { file: 'citizens.csv', line: 1, message: /NUL byte/ });
  });

  it('rejects a Windows-1252 é (0xE9) as not UTF-8, naming its line', async () => {
    const bytes = Buffer.concat([ascii(lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,')), ascii('C7,Ren'), Buffer.from([0xe9]), ascii(' Roux,Yatou,\nC8,Hal Xu,Yatou,\n')]);
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: 3, message: /not valid UTF-8/ });
  });

  it('rejects a Windows-1252 byte in events.jsonl naming its line', async () => {
    const bytes = Buffer.concat([
      ascii('{"event_id":"J1","citizen_id":"C1","kind":"bill_payment","occurred_at":"2024-01-01T00:00:00Z","data":{}}\n'),
      ascii('{"event_id":"J2","citizen_id":"C1","kind":"bill_payment","occurred_at":"2024-01-01T00:00:00Z","data":{"provider":"caf'),
      Buffer.from([0xe9]),
      ascii('"}}\n'),
    ]);
    await expectRejected({ 'events.jsonl': bytes }, { file: 'events.jsonl', line: 2, message: /not valid UTF-8/ });
  });

  it('rejects a UTF-16 surrogate encoded in UTF-8 bytes (CESU-8) naming its line', async () => {
    // U+1F600 written as two 3-byte surrogates, as Java's modified UTF-8 does: not valid UTF-8.
    const bytes = Buffer.concat([ascii(lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,')), ascii('C7,Gus'), Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]), ascii(',Yatou,\nC8,Hal Xu,Yatou,\nC9,Ivy Wu,Yatou,\n')]);
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: 3, message: /not valid UTF-8/ });
  });

  it('rejects a NUL byte naming its line', async () => {
    const bytes = Buffer.concat([ascii(lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,Gus Ma,Yatou,')), ascii('C8,Hal'), Buffer.from([0]), ascii(' Xu,Yatou,\n')]);
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: 4, message: /NUL byte/ });
  });

  it('accepts UTF-8 with a byte order mark and stores the first column and accented names exactly', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ascii(lines(CITIZENS_HEADER, 'C6,Zoë Núñez,Yatou,1999-09-09'))]);
    const report = await expectImported({ 'citizens.csv': bytes });
    expect(report.counts.citizensAdded).toBe(1);
    expect(citizen('C6')).toEqual({ citizen_id: 'C6', name: 'Zoë Núñez', district: 'Yatou', birth_date: '1999-09-09' });
  });

  it('accepts events.jsonl with a UTF-8 byte order mark', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      ascii('{"event_id":"J1","citizen_id":"C4","kind":"blood_donation","occurred_at":"2024-01-01T00:00:00Z","data":{"ml":400}}\n'),
    ]);
    const report = await expectImported({ 'events.jsonl': bytes });
    expect(report.counts.eventsAdded).toBe(1);
    expect(eventData('J1')).toBe('{"ml":400}');
  });
});

describe('import: CSV structure', () => {
  it('rejects an unclosed quote naming the line where the quote opens', async () => {
    await expectRejected(
      { 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,"Gus Ma,Yatou,', 'C8,Hal Xu,Yatou,', 'C9,Ivy Wu,Yatou,') },
      { file: 'citizens.csv', line: 3, message: /quote/i },
    );
  });

  it('a quote inside an unquoted field is imported verbatim or rejected with its line, never thrown', async () => {
    // A spreadsheet export that forgot to quote the JSON column: RFC 4180 forbids it, a lenient reader may take it literally.
    const files = { 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C1', 'blood_donation', '2024-01-01T00:00:00Z', { ml: 400 }), 'E11,C1,blood_donation,2024-01-02T00:00:00Z,{"ml":150}') };
    const before = dbSnapshot(db);
    const report = await run(files);
    if (report.ok) {
      expect(eventData('E11')).toBe('{"ml":150}');
    } else {
      expect(report.problems).toEqual([{ file: 'events.csv', line: 3, message: expect.stringMatching(/quote/i) }]);
      expect(dbSnapshot(db)).toEqual(before);
    }
  });

  it('rejects text after a closing quote naming its line', async () => {
    await expectRejected({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,"Gus" Ma,Yatou,') }, { file: 'citizens.csv', line: 3, message: /line 3|quote|delimiter/i });
  });

  it('rejects a ragged row with too few fields naming its line', async () => {
    await expectRejected(
      { 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,Gus Ma,Yatou', 'C8,Hal Xu,Yatou,') },
      { file: 'citizens.csv', line: 3, message: /3 fields.*header has 4/ },
    );
  });

  it('rejects a ragged row with too many fields naming its line', async () => {
    await expectRejected(
      { 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', 'C1,C5,2020-01-01,,extra') },
      { file: 'relationships.csv', line: 3, message: /5 fields.*header has 4/ },
    );
  });

  it('rejects a duplicate header column on line 1', async () => {
    await expectRejected({ 'citizens.csv': lines('citizen_id,name,name,district,birth_date', 'C6,Fay,Lin,Yatou,') }, { file: 'citizens.csv', line: 1, message: /duplicate column 'name'/ });
  });

  it('rejects a header that lacks a column on line 1, naming the column', async () => {
    await expectRejected({ 'citizens.csv': lines('citizen_id,name,district', 'C6,Fay Lin,Yatou') }, { file: 'citizens.csv', line: 1, message: /lacks column birth_date/ });
  });

  it('rejects an unknown header column on line 1, naming it', async () => {
    await expectRejected({ 'citizens.csv': lines(`${CITIZENS_HEADER},religion`, 'C6,Fay Lin,Yatou,,none') }, { file: 'citizens.csv', line: 1, message: /unknown column religion/ });
  });

  it('rejects an empty file as lacking its header', async () => {
    await expectRejected({ 'relationships.csv': '' }, { file: 'relationships.csv', line: 1, message: /empty.*a,b,since,until/ });
  });

  it('accepts the header columns in another order', async () => {
    await expectImported({ 'citizens.csv': lines('district,birth_date,name,citizen_id', 'Yatou,1999-01-02,Fay Lin,C6') });
    expect(citizen('C6')).toEqual({ citizen_id: 'C6', name: 'Fay Lin', district: 'Yatou', birth_date: '1999-01-02' });
  });

  it('imports quoted commas, doubled quotes and newlines inside fields exactly', async () => {
    const name = 'Lee, "Annie" of the North';
    const report = await expectImported({
      'citizens.csv': lines(CITIZENS_HEADER, `C6,${csvQuote(name)},${csvQuote('Yatou, Old Town')},`),
      'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C6', 'volunteer_service', '2024-05-01T10:00:00Z', { organisation: 'Red Cross, "North"\nbranch', hours: 3 })),
    });
    expect(report.counts).toMatchObject({ citizensAdded: 1, eventsAdded: 1 });
    expect(citizen('C6')).toEqual({ citizen_id: 'C6', name, district: 'Yatou, Old Town', birth_date: null });
    expect(JSON.parse(eventData('E10') as string)).toEqual({ hours: 3, organisation: 'Red Cross, "North"\nbranch' });
  });

  // Names are one line (a newline is a control character); event data may span lines.
  const multiLineData = csvQuote('{\n"ml":\n400}');

  it('counts physical lines after a field that spans several lines', async () => {
    await expectRejected(
      { 'events.csv': lines(EVENTS_HEADER, `E10,C4,blood_donation,2024-05-01T10:00:00Z,${multiLineData}`, eventRow('E11', 'C4', 'blood_donation', '2024-05-01T10:00', {})) },
      { file: 'events.csv', line: 5, message: /occurred_at "2024-05-01T10:00"/ },
    );
  });

  it('names a bad record that spans several lines by the line it starts on', async () => {
    await expectRejected(
      { 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', {}), `E11,C4,blood_donation,2024-05-01T10:00,${multiLineData}`, eventRow('E12', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', {})) },
      { file: 'events.csv', line: 3, message: /occurred_at "2024-05-01T10:00"/ },
    );
  });

  it('refuses a name that spans several lines, naming the line it starts on', async () => {
    await expectRejected({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', `C7,${csvQuote('two\nline\nname')},Yatou,`) }, { file: 'citizens.csv', line: 3, message: /name contains the control character U\+000A/ });
  });

  it('imports a CRLF file without carriage returns in the values', async () => {
    const crlf = [CITIZENS_HEADER, 'C6,Fay Lin,Yatou,1999-09-09', 'C7,Gus Ma,Yatou,', ''].join('\r\n');
    const report = await expectImported({ 'citizens.csv': crlf, 'relationships.csv': [REL_HEADER, 'C6,C7,2020-01-01,2024-01-01', ''].join('\r\n') });
    expect(report.counts).toMatchObject({ citizensAdded: 2, relationshipsAdded: 1 });
    expect(citizen('C6')).toEqual({ citizen_id: 'C6', name: 'Fay Lin', district: 'Yatou', birth_date: '1999-09-09' });
    expect(citizen('C7')).toEqual({ citizen_id: 'C7', name: 'Gus Ma', district: 'Yatou', birth_date: null });
    expect(db.prepare("SELECT since, until FROM relationships r JOIN citizens c ON c.idx = r.a WHERE c.citizen_id = 'C6'").get()).toEqual({ since: '2020-01-01', until: '2024-01-01' });
  });

  it('names the right line of a bad row in a CRLF file', async () => {
    const crlf = [CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,Gus Ma,Yatou,', 'C8,Hal Xu', ''].join('\r\n');
    await expectRejected({ 'citizens.csv': crlf }, { file: 'citizens.csv', line: 4, message: /2 fields/ });
  });

  it('counts blank lines in line numbers', async () => {
    await expectRejected({ 'citizens.csv': lines(CITIZENS_HEADER, '', 'C6,Fay Lin,Yatou,', '', 'bad id,Gus Ma,Yatou,') }, { file: 'citizens.csv', line: 5, message: /citizen_id 'bad id'/ });
  });
});

describe('import: citizens', () => {
  it.each([
    ['a space', 'C 6'],
    ['punctuation', 'C6!'],
    ['65 characters', 'C'.repeat(65)],
    ['an empty id', ''],
    ['a non-ASCII letter', 'Cé6'],
  ])('rejects a citizen id with %s naming its line', async (_what, id) => {
    await expectRejected({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', `${id},Gus Ma,Yatou,`) }, { file: 'citizens.csv', line: 3, message: /citizen_id .* must be 1-64 characters/ });
  });

  it('accepts a citizen id of exactly 64 characters', async () => {
    await expectImported({ 'citizens.csv': lines(CITIZENS_HEADER, `${'a-_Z9'.repeat(12)}abcd,Fay Lin,Yatou,`) });
    expect(citizen(`${'a-_Z9'.repeat(12)}abcd`)).toBeDefined();
  });

  it('rejects a citizen listed twice in one file at the second line', async () => {
    await expectRejected(
      { 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', 'C7,Gus Ma,Yatou,', 'C6,Fay Lin,Yatou,') },
      { file: 'citizens.csv', line: 4, message: /'C6' appears twice/ },
    );
  });

  it.each([
    ['an impossible date', '2023-02-29'],
    ['a month 13', '2023-13-01'],
    ['a slash-separated date', '1990/01/01'],
    ['a date with a time', '1990-01-01T00:00:00Z'],
  ])('rejects a birth_date that is %s', async (_what, date) => {
    await expectRejected({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,', `C7,Gus Ma,Yatou,${date}`) }, { file: 'citizens.csv', line: 3, message: /birth_date .* is not a date/ });
  });

  it('rejects an empty name naming its line', async () => {
    await expectRejected({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,  ,Yatou,') }, { file: 'citizens.csv', line: 2, message: /empty name/ });
  });

  it('updates a known citizen whose name changed, without any ledger entry', async () => {
    const ledgerBefore = db.prepare('SELECT count(*) FROM ledger').pluck().get();
    const report = await expectImported({ 'citizens.csv': lines(CITIZENS_HEADER, 'C1,Ann Lee-Wong,Chengxi,1980-01-01') });
    expect(report.counts).toMatchObject({ citizensAdded: 0, citizensUpdated: 1 });
    expect(citizen('C1')).toMatchObject({ name: 'Ann Lee-Wong' });
    expect(db.prepare('SELECT count(*) FROM ledger').pluck().get()).toBe(ledgerBefore);
  });
});

describe('import: relationships', () => {
  it('rejects an unknown citizen naming the line', async () => {
    await expectRejected({ 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', 'C4,C99,2020-01-01,') }, { file: 'relationships.csv', line: 3, message: /unknown citizen 'C99'/ });
  });

  it('rejects a self-loop', async () => {
    await expectRejected({ 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', 'C5,C5,2020-01-01,') }, { file: 'relationships.csv', line: 3, message: /self-loop/ });
  });

  it('rejects the same pair twice in one file at the second line', async () => {
    await expectRejected(
      { 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', 'C4,C5,2020-01-01,', 'C1,C4,2021-01-01,') },
      { file: 'relationships.csv', line: 4, message: /pair C1,C4 appears twice/ },
    );
  });

  it('rejects the same pair twice in one file when the second is reversed', async () => {
    await expectRejected({ 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', 'C4,C1,2020-01-01,') }, { file: 'relationships.csv', line: 3, message: /pair C4,C1 appears twice/ });
  });

  it.each([
    ['equal to since', '2020-01-01'],
    ['before since', '2019-12-31'],
  ])('rejects an until %s', async (_what, until) => {
    await expectRejected({ 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', `C4,C5,2020-01-01,${until}`) }, { file: 'relationships.csv', line: 3, message: /until .* is not after since/ });
  });

  it.each([
    ['since', 'C4,C5,2024-02-30,', /since '2024-02-30' is not a date/],
    ['since', 'C4,C5,,', /since '' is not a date/],
    ['until', 'C4,C5,2020-01-01,2024-02-30', /until '2024-02-30' is not a date/],
    ['until', 'C4,C5,2020-01-01,31/12/2024', /until '31\/12\/2024' is not a date/],
  ])('rejects a bad %s date (%s)', async (_field, row, message) => {
    await expectRejected({ 'relationships.csv': lines(REL_HEADER, 'C1,C4,2020-01-01,', row) }, { file: 'relationships.csv', line: 3, message });
  });

  it('stores a new pair once with the smaller citizen first, whatever the order in the file', async () => {
    const report = await expectImported({ 'relationships.csv': lines(REL_HEADER, 'C5,C4,2020-01-01,2023-01-01') });
    expect(report.counts.relationshipsAdded).toBe(1);
    const rows = db.prepare("SELECT ca.citizen_id AS a, cb.citizen_id AS b, since, until FROM relationships r JOIN citizens ca ON ca.idx = r.a JOIN citizens cb ON cb.idx = r.b WHERE 'C5' IN (ca.citizen_id, cb.citizen_id)").all();
    expect(rows).toEqual([{ a: 'C4', b: 'C5', since: '2020-01-01', until: '2023-01-01' }]);
  });

  it('accepts a pair of citizens added by the same import', async () => {
    const report = await expectImported({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,'), 'relationships.csv': lines(REL_HEADER, 'C6,C1,2020-01-01,') });
    expect(report.counts).toMatchObject({ citizensAdded: 1, relationshipsAdded: 1 });
  });
});

describe('import: events', () => {
  const good = eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400 });

  it('rejects an event of an unknown citizen', async () => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, eventRow('E11', 'C99', 'blood_donation', '2024-05-01T10:00:00Z', {})) }, { file: 'events.csv', line: 3, message: /unknown citizen 'C99'/ });
  });

  it('rejects an event of an unregistered kind', async () => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, eventRow('E11', 'C4', 'jaywalking', '2024-05-01T10:00:00Z', {})) }, { file: 'events.csv', line: 3, message: /unknown event kind "jaywalking"/ });
  });

  it.each([
    ['a string for a number', 'bill_payment', { amount: 'fifty' }, /field 'amount' must be a number/],
    ['a number for a bool', 'bill_payment', { on_time: 1 }, /field 'on_time' must be true or false/],
    ['a string for a bool', 'bill_payment', { on_time: 'yes' }, /field 'on_time' must be true or false/],
    ['a number for a string', 'bill_payment', { provider: 7 }, /field 'provider' must be a string/],
    ['an impossible date', 'court_judgment', { judgment_date: '2024-02-30' }, /field 'judgment_date' must be a date/],
    ['null', 'bill_payment', { amount: null }, /field 'amount' must be a number/],
  ])('rejects a field of the wrong type: %s', async (_what, kind, data, message) => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, eventRow('E11', 'C4', kind, '2024-05-01T10:00:00Z', data)) }, { file: 'events.csv', line: 3, message });
  });

  it('rejects a field the kind does not declare', async () => {
    await expectRejected(
      { 'events.csv': lines(EVENTS_HEADER, good, eventRow('E11', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 400, blood_type: 'O' })) },
      { file: 'events.csv', line: 3, message: /field 'blood_type' is not declared by event kind 'blood_donation'/ },
    );
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('rejects an undeclared field named %s like a member of Object.prototype', async (field) => {
    const data = `{"ml":400,"${field}":1}`;
    await expectRejected(
      { 'events.csv': lines(EVENTS_HEADER, good, `E11,C4,blood_donation,2024-05-01T10:00:00Z,${csvQuote(data)}`) },
      { file: 'events.csv', line: 3, message: new RegExp(`field '${field}' is not declared`) },
    );
  });

  it.each([
    ['without a zone', '2024-05-01T10:00:00'],
    ['on an impossible date', '2024-02-30T10:00:00Z'],
    ['as a date only', '2024-05-01'],
    ['with hour 24', '2024-05-01T24:00:00Z'],
    ['empty', ''],
  ])('rejects an occurred_at %s', async (_what, at) => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, eventRow('E11', 'C4', 'blood_donation', at, {})) }, { file: 'events.csv', line: 3, message: /occurred_at .* is not an RFC 3339 instant/ });
  });

  it.each([
    ['not JSON', '{ml: 400}', /data is not valid JSON/],
    ['an array', '[400]', /data must be a JSON object/],
    ['a number', '400', /data must be a JSON object/],
  ])('rejects data that is %s', async (_what, data, message) => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, `E11,C4,blood_donation,2024-05-01T10:00:00Z,${csvQuote(data)}`) }, { file: 'events.csv', line: 3, message });
  });

  it('rejects an event id with characters outside the allowed set', async () => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, eventRow('E 11', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', {})) }, { file: 'events.csv', line: 3, message: /event_id "E 11" must be/ });
  });

  it('stores empty data as an empty object and the data keys sorted', async () => {
    await expectImported({
      'events.csv': lines(EVENTS_HEADER, 'E10,C4,blood_donation,2024-05-01T10:00:00Z,', eventRow('E11', 'C4', 'bill_payment', '2024-05-01T10:00:00Z', { provider: 'gas', amount: 12.5, on_time: false })),
    });
    expect(eventData('E10')).toBe('{}');
    expect(eventData('E11')).toBe('{"amount":12.5,"on_time":false,"provider":"gas"}');
  });

  it('rejects a stored event id with other content, naming the line', async () => {
    await expectRejected(
      { 'events.csv': lines(EVENTS_HEADER, good, eventRow('E1', 'C1', 'bill_payment', '2024-06-01T10:00:00Z', { amount: 51, on_time: true, provider: 'water' })) },
      { file: 'events.csv', line: 3, message: /event E1 is already recorded with other content/ },
    );
  });

  it.each([
    ['another citizen', eventRow('E1', 'C2', 'bill_payment', '2024-06-01T10:00:00Z', { amount: 50, on_time: true, provider: 'water' })],
    ['another instant', eventRow('E1', 'C1', 'bill_payment', '2024-06-01T10:00:01Z', { amount: 50, on_time: true, provider: 'water' })],
    ['a field less', eventRow('E1', 'C1', 'bill_payment', '2024-06-01T10:00:00Z', { amount: 50, on_time: true })],
  ])('rejects a stored event id with %s', async (_what, row) => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, row) }, { file: 'events.csv', line: 2, message: /already recorded with other content/ });
  });

  it('treats a stored event with identical content as a no-op (same instant in another zone, keys in another order)', async () => {
    const before = dbSnapshot(db);
    const report = await run({ 'events.csv': lines(EVENTS_HEADER, eventRow('E1', 'C1', 'bill_payment', '2024-06-01T12:00:00+02:00', { provider: 'water', on_time: true, amount: 50 })) });
    expect(report).toMatchObject({ ok: true, operationId: null, problemCount: 0 });
    expect(report.counts).toMatchObject({ eventsAdded: 0, eventsUnchanged: 1 });
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('rejects the same new event id twice in one file with other content at the second line', async () => {
    await expectRejected(
      { 'events.csv': lines(EVENTS_HEADER, good, eventRow('E10', 'C4', 'blood_donation', '2024-05-01T10:00:00Z', { ml: 150 })) },
      { file: 'events.csv', line: 3, message: /event_id E10 appears more than once in the file/ },
    );
  });

  it('rejects the same new event twice in one file, even with the same content', async () => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good, good) }, { file: 'events.csv', line: 3, message: /event_id E10 appears more than once in the file/ });
  });

  it('rejects a bad JSON line in events.jsonl naming the line', async () => {
    const jsonl = lines(
      '{"event_id":"J1","citizen_id":"C4","kind":"blood_donation","occurred_at":"2024-01-01T00:00:00Z","data":{"ml":400}}',
      '',
      '{"event_id":"J2","citizen_id":"C4","kind":"blood_donation","occurred_at":"2024-01-01T00:00:00Z","data":{"ml":400}',
    );
    await expectRejected({ 'events.jsonl': jsonl }, { file: 'events.jsonl', line: 3, message: /not valid JSON/ });
  });

  it('rejects a events.jsonl line that is not an object', async () => {
    await expectRejected({ 'events.jsonl': lines('["J1","C4","blood_donation"]') }, { file: 'events.jsonl', line: 1, message: /must be a JSON object/ });
  });

  it('rejects an unknown kind in events.jsonl with its line', async () => {
    const jsonl = lines(
      '{"event_id":"J1","citizen_id":"C4","kind":"blood_donation","occurred_at":"2024-01-01T00:00:00Z","data":{"ml":400}}',
      '{"event_id":"J2","citizen_id":"C4","kind":"loitering","occurred_at":"2024-01-01T00:00:00Z","data":{}}',
    );
    await expectRejected({ 'events.jsonl': jsonl }, { file: 'events.jsonl', line: 2, message: /unknown event kind "loitering"/ });
  });

  it('imports events.jsonl with CRLF line endings exactly', async () => {
    const jsonl = [
      '{"event_id":"J1","citizen_id":"C4","kind":"court_judgment","occurred_at":"2024-01-01T00:00:00Z","data":{"case_type":"traffic","judgment_date":"2024-01-15","court":"A, \\"B\\"\\nC"}}',
      '{"event_id":"J2","citizen_id":"C5","kind":"blood_donation","occurred_at":"2024-01-02T00:00:00.5+01:00","data":{"ml":150}}',
      '',
    ].join('\r\n');
    const report = await expectImported({ 'events.jsonl': jsonl });
    expect(report.counts.eventsAdded).toBe(2);
    expect(JSON.parse(eventData('J1') as string)).toEqual({ case_type: 'traffic', court: 'A, "B"\nC', judgment_date: '2024-01-15' });
    expect(db.prepare("SELECT occurred_at, occurred_ms FROM events WHERE event_id = 'J2'").get()).toEqual({ occurred_at: '2024-01-02T00:00:00.5+01:00', occurred_ms: Date.UTC(2024, 0, 1, 23, 0, 0, 500) });
  });

  it('rejects a folder holding both events.csv and events.jsonl', async () => {
    await expectRejected({ 'events.csv': lines(EVENTS_HEADER, good), 'events.jsonl': '' }, { file: expect.any(String) as unknown as string, message: /both events.csv and events.jsonl/ });
  });
});

describe('import: problem reporting', () => {
  it('lists the first 100 of 150 bad rows and counts all of them', async () => {
    const rows = [CITIZENS_HEADER];
    for (let i = 0; i < 150; i++) rows.push(`C${100 + i},Name ${i},Yatou,2023-02-29`);
    const report = await expectRejected({ 'citizens.csv': lines(...rows) }, { file: 'citizens.csv', line: 2, message: /birth_date/ }, 150);
    expect(report.problems).toHaveLength(100);
    expect(report.problems.map((p) => p.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
  });

  it('reports problems of several files in one run', async () => {
    const report = await expectRejected(
      {
        'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,1999-02-30'),
        'relationships.csv': lines(REL_HEADER, 'C1,C1,2020-01-01,'),
        'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'blood_donation', '2024-05-01', {})),
      },
      { file: 'citizens.csv', line: 2, message: /birth_date/ },
      3,
    );
    expect(report.problems.map((p) => [p.file, p.line])).toEqual([
      ['citizens.csv', 2],
      ['relationships.csv', 2],
      ['events.csv', 2],
    ]);
  });

  it('does not report valid citizens after a bad citizen row as unknown in later files', async () => {
    // Only line 2 of citizens.csv is wrong; C7 on line 3 is valid, so the friendship and event naming C7 are not problems.
    const report = await expectRejected(
      {
        'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,1999-02-30', 'C7,Gus Ma,Yatou,'),
        'relationships.csv': lines(REL_HEADER, 'C1,C7,2020-01-01,'),
        'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C7', 'blood_donation', '2024-05-01T00:00:00Z', {})),
      },
      { file: 'citizens.csv', line: 2, message: /birth_date/ },
    );
    expect(report.problems).toHaveLength(1);
  });
});

describe('import: re-import', () => {
  it('re-importing the same folder writes no operation and no ledger entry', async () => {
    const before = dbSnapshot(db);
    const report = await run(BASELINE_FILES);
    expect(report).toMatchObject({ ok: true, operationId: null, scoring: null, problemCount: 0 });
    expect(report.counts).toEqual({ kindsAdded: 0, citizensAdded: 0, citizensUpdated: 0, relationshipsAdded: 0, relationshipsChanged: 0, eventsAdded: 0, eventsUnchanged: 4, consentsAdded: 0, consentsUnchanged: 0 });
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('a relationship re-imported with other dates replaces them and moves the scores it affects', async () => {
    // Baseline: C2 (own 1002) has friends C1 (1001) and C3 (820): penalty 0.5/2 * 30 = 7.5.
    expect(centsOf(db, 'C2')).toBe(99_450);
    const ledgerBefore = db.prepare('SELECT max(seq) FROM ledger').pluck().get() as number;
    const report = await expectImported({ 'relationships.csv': lines(REL_HEADER, 'C3,C2,2021-06-01,2024-06-01') });
    expect(report.counts).toMatchObject({ relationshipsAdded: 0, relationshipsChanged: 1 });
    const stored = db.prepare("SELECT since, until FROM relationships r JOIN citizens c ON c.idx = r.b WHERE c.citizen_id = 'C3'").all();
    expect(stored).toEqual([{ since: '2021-06-01', until: '2024-06-01' }]);
    // The friendship ended before asOf: C2 keeps only C1, who is above the threshold.
    expect(centsOf(db, 'C2')).toBe(100_200);
    expect(centsOf(db, 'C3')).toBe(82_000);
    const entries = db.prepare('SELECT citizen_id, operation_id, old_score, new_score FROM ledger WHERE seq > ?').all(ledgerBefore);
    expect(entries).toEqual([{ citizen_id: 'C2', operation_id: report.operationId, old_score: 99_450, new_score: 100_200 }]);
    // A full recompute at the same instant agrees with the incremental update.
    const scoresAfter = db.prepare('SELECT * FROM scores ORDER BY citizen_idx').all();
    expect(recomputeScores(db, { asOf: BASELINE_AS_OF, actor: 'tester' }).operationId).toBeNull();
    expect(db.prepare('SELECT * FROM scores ORDER BY citizen_idx').all()).toEqual(scoresAfter);
  });

  it('records a relationship re-imported with other dates as a relationship_changed operation', async () => {
    const report = await expectImported({ 'relationships.csv': lines(REL_HEADER, 'C2,C3,2021-06-01,2024-06-01') });
    expect(db.prepare('SELECT kind FROM operations WHERE id = ?').pluck().get(report.operationId)).toBe('relationship_changed');
  });

  it('re-importing a relationship with the same dates changes nothing', async () => {
    const before = dbSnapshot(db);
    const report = await run({ 'relationships.csv': lines(REL_HEADER, 'C3,C2,2021-06-01,2030-01-01') });
    expect(report).toMatchObject({ ok: true, operationId: null });
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('new events for a citizen change their score with a ledger entry under the import operation', async () => {
    const report = await expectImported({ 'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C4', 'utility_theft', '2024-05-01T00:00:00Z', { value: 10 })) });
    expect(report.counts.eventsAdded).toBe(1);
    expect(centsOf(db, 'C4')).toBe(94_000);
    const last = db.prepare('SELECT citizen_id, operation_id, old_score, new_score, cause FROM ledger ORDER BY seq DESC LIMIT 1').get();
    expect(last).toEqual({ citizen_id: 'C4', operation_id: report.operationId, old_score: 100_000, new_score: 94_000, cause: 'own' });
  });
});

describe('import: connection settings', () => {
  const foreignKeys = () => db.pragma('foreign_keys', { simple: true });

  it('leaves foreign key enforcement on after a committed, a rejected and a cancelled import', async () => {
    expect(foreignKeys()).toBe(1);
    await expectImported({ 'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,') });
    expect(foreignKeys()).toBe(1);
    await run({ 'citizens.csv': lines(CITIZENS_HEADER, 'C7,Gus Ma,Yatou,1990-02-30') });
    expect(foreignKeys()).toBe(1);
    await expect(run({ 'citizens.csv': lines(CITIZENS_HEADER, 'C8,Hal Xu,Yatou,') }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(foreignKeys()).toBe(1);
    expect(() => db.prepare("INSERT INTO relationships (a, b, since) VALUES (1, 9999, '2020-01-01')").run()).toThrow(/FOREIGN KEY/);
  });
});

describe('import: cancellation', () => {
  const files = {
    'citizens.csv': lines(CITIZENS_HEADER, 'C6,Fay Lin,Yatou,'),
    'relationships.csv': lines(REL_HEADER, 'C6,C3,2020-01-01,'),
    'events.csv': lines(EVENTS_HEADER, eventRow('E10', 'C6', 'utility_theft', '2024-05-01T00:00:00Z', { value: 10 }), eventRow('E11', 'C1', 'blood_donation', '2024-05-01T00:00:00Z', { ml: 400 })),
  };

  it('an abort signalled from the first progress report cancels the import and leaves nothing behind', async () => {
    const before = dbSnapshot(db);
    const controller = new AbortController();
    const phases: string[] = [];
    const running = run(files, {
      signal: controller.signal,
      onProgress: (phase) => {
        phases.push(phase);
        controller.abort();
      },
    });
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(phases[0]).toBe('reading files');
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('an abort signalled from any progress report, reading or scoring, cancels the import', async () => {
    // Count the progress reports of a run on a twin database, then abort at each one in turn.
    const twin = openTempDb().db;
    await seedBaseline(twin);
    const phases: string[] = [];
    const complete = await importFolder(twin, folder(files), { actor: 'tester', onProgress: (phase) => phases.push(phase) });
    twin.close();
    expect(complete.ok).toBe(true);
    expect(phases).toContain('reading files');
    expect(phases).toContain('writing scores');

    const notCancelled: string[] = [];
    for (let k = 0; k < phases.length; k++) {
      const { db: fresh } = openTempDb();
      await seedBaseline(fresh);
      const before = dbSnapshot(fresh);
      const controller = new AbortController();
      let calls = 0;
      const outcome = await importFolder(fresh, folder(files), {
        actor: 'tester',
        signal: controller.signal,
        onProgress: () => {
          if (calls++ === k) controller.abort();
        },
      }).then(
        () => 'completed',
        (err: unknown) => (err instanceof CancelledError ? 'cancelled' : `failed: ${String(err)}`),
      );
      if (outcome !== 'cancelled' || JSON.stringify(dbSnapshot(fresh)) !== JSON.stringify(before)) notCancelled.push(`#${k} (${phases[k]}): ${outcome}`);
      fresh.close();
    }
    expect(notCancelled).toEqual([]);
  });

  it('an import given an already aborted signal writes nothing', async () => {
    const before = dbSnapshot(db);
    await expect(run(files, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(dbSnapshot(db)).toEqual(before);
  });
});

describe('import: files bigger than one read chunk', () => {
  /** citizens.csv of `rows` valid rows (about 40 bytes each); `bad` replaces row i (1-based data row). */
  function bigCitizens(rows: number, bad: Map<number, Buffer> = new Map()): Buffer {
    const parts: Buffer[] = [ascii(`${CITIZENS_HEADER}\n`)];
    let chunk: string[] = [];
    for (let i = 1; i <= rows; i++) {
      const replacement = bad.get(i);
      if (replacement) {
        parts.push(ascii(chunk.join('')), replacement);
        chunk = [];
      } else chunk.push(`X${String(i).padStart(7, '0')},Citizen number ${i},Haiyang,1990-01-01\n`);
    }
    parts.push(ascii(chunk.join('')));
    return Buffer.concat(parts);
  }
  const ROWS = 60_000; // about 2.7 MB

  it('names the line of a bad date near the end of a 2.7 MB citizens.csv', async () => {
    const bytes = bigCitizens(ROWS, new Map([[ROWS - 3, ascii('X9999999,Late Row,Haiyang,1990-02-30\n')]]));
    expect(bytes.length).toBeGreaterThan(2 << 20);
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: ROWS - 2, message: /birth_date '1990-02-30'/ });
  });

  it('names the line of a ragged row near the end of a 2.7 MB citizens.csv after multi-line fields', async () => {
    const multi = ascii(`X8888888,${csvQuote('three\nline\nname')},Haiyang,\n`);
    const bytes = bigCitizens(ROWS, new Map([[10, multi], [ROWS - 1, ascii('X9999999,Late Row\n')]]));
    const report = await run({ 'citizens.csv': bytes });
    expect(report.problems.map(({ file, line, message }) => ({ file, line, message }))).toEqual([
      { file: 'citizens.csv', line: 11, message: 'citizen X8888888: name contains the control character U+000A' },
      { file: 'citizens.csv', line: ROWS + 2, message: 'row has 2 fields, the header has 4' },
    ]);
  });

  it('names the line of a Windows-1252 byte near the end of a 2.7 MB citizens.csv', async () => {
    const bytes = bigCitizens(ROWS, new Map([[ROWS - 3, Buffer.concat([ascii('X9999999,Ren'), Buffer.from([0xe9]), ascii(' Roux,Haiyang,\n')])]]));
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: ROWS - 2, message: /not valid UTF-8/ });
  });

  it('names the line of a NUL byte near the end of a 2.7 MB citizens.csv', async () => {
    const bytes = bigCitizens(ROWS, new Map([[ROWS - 3, Buffer.concat([ascii('X9999999,Ren'), Buffer.from([0]), ascii(' Roux,Haiyang,\n')])]]));
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: ROWS - 2, message: /NUL byte/ });
  });

  it('names the line of a Windows-1252 byte that is the last byte of the first 1 MiB read chunk', async () => {
    const head = bigCitizens(20_000).subarray(0, (1 << 20) - 200);
    const cut = head.lastIndexOf(10) + 1; // keep whole lines only
    const before = head.subarray(0, cut);
    const prefix = ascii('X9999999,Ren');
    const pad = ascii('x'.repeat((1 << 20) - 1 - before.length - prefix.length));
    const badLine = Buffer.concat([prefix, pad, Buffer.from([0xe9]), ascii(',Haiyang,\n')]);
    expect(before.length + prefix.length + pad.length).toBe((1 << 20) - 1);
    const rest = bigCitizens(30_000).subarray(`${CITIZENS_HEADER}\n`.length).toString('utf8').replace(/^X/gm, 'Y');
    const bytes = Buffer.concat([before, badLine, ascii(rest)]);
    const badLineNo = countLines(before) + 1;
    await expectRejected({ 'citizens.csv': bytes }, { file: 'citizens.csv', line: badLineNo, message: /not valid UTF-8/ });
  });

  it('names the line of a bad JSON line near the end of a 2.5 MB events.jsonl', async () => {
    const rows: string[] = [];
    for (let i = 1; i <= 25_000; i++) rows.push(`{"event_id":"J${i}","citizen_id":"C${1 + (i % 5)}","kind":"blood_donation","occurred_at":"2024-01-01T00:00:00Z","data":{"ml":400}}`);
    rows[24_995] = '{"event_id":"Jbad","citizen_id":"C1",';
    const text = lines(...rows);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    await expectRejected({ 'events.jsonl': text }, { file: 'events.jsonl', line: 24_996, message: /not valid JSON/ });
  });
});

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
