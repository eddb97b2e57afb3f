/**
 * Streaming readers for import files. Bytes are checked before parsing (UTF-16,
 * invalid UTF-8 such as Windows-1252, NUL bytes) so a wrong encoding is named
 * as such, with its line, instead of surfacing as garbled fields.
 */
import { constants, createReadStream, fstatSync, lstatSync, openSync, closeSync, type Stats } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform, type TransformCallback } from 'node:stream';
import Papa from 'papaparse';
import { clip, jsonErrorKeyed, LIMITS, tooDeepAt } from './inputLimits.js';
import { osCodeKeyed } from './osError.js';
import { keyed, type Said } from '../../shared/englishText.js';

export class FileFormatError extends Error {
  /** The message keyed, for the reader's language, when it is. */
  readonly said?: Said;
  constructor(
    text: string | Said,
    readonly line?: number,
  ) {
    super(typeof text === 'string' ? text : text.message);
    if (typeof text !== 'string') this.said = text;
  }
}

/** What a path is, in words, when it is not a regular file. */
function kindOf(stat: Stats): Said {
  if (stat.isSymbolicLink()) return keyed('importFile.kind.symlink');
  if (stat.isDirectory()) return keyed('importFile.kind.folder');
  if (stat.isFIFO()) return keyed('importFile.kind.fifo');
  if (stat.isSocket()) return keyed('importFile.kind.socket');
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return keyed('importFile.kind.device');
  return keyed('importFile.kind.other');
}

/** Raised when a path may not be read at all; the message (keyed: `said`) names no content of it. */
export class UnsafeFileError extends Error {
  constructor(readonly said: Said) {
    super(said.message);
  }
}

/**
 * Opens a regular file for reading, refusing symbolic links and special
 * files (FIFOs, devices, sockets): checked with lstat, then opened without
 * following a link (O_NOFOLLOW, where the platform has it) and without
 * blocking on a FIFO (O_NONBLOCK), then checked again on the descriptor, so
 * a file swapped for a link between the two is still refused. The size is
 * checked against `maxBytes`.
 */
export function openRegularFile(path: string, maxBytes: number): { fd: number; size: number } {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (err) {
    throw new UnsafeFileError(keyed('importFile.cannotRead', { code: osCodeKeyed(err) }));
  }
  if (!stat.isFile()) throw new UnsafeFileError(keyed('importFile.notRegular', { kind: kindOf(stat) }));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UnsafeFileError(code === 'ELOOP' ? keyed('importFile.symlink') : keyed('importFile.cannotRead', { code: osCodeKeyed(err) }));
  }
  const opened = fstatSync(fd);
  if (!opened.isFile() || opened.ino !== stat.ino || opened.dev !== stat.dev) {
    closeSync(fd);
    throw new UnsafeFileError(keyed('importFile.changed'));
  }
  if (opened.size > maxBytes) {
    closeSync(fd);
    throw new UnsafeFileError(keyed('importFile.tooBig', { size: opened.size.toLocaleString('en'), max: maxBytes.toLocaleString('en') }));
  }
  return { fd, size: opened.size };
}

/**
 * Passes bytes through unchanged, failing on anything that is not clean UTF-8
 * text, or on a line (for CSV, a record: a quoted field may span lines)
 * longer than `maxLine` bytes, before the parser has to hold it.
 */
class TextGuard extends Transform {
  constructor(
    private csv: boolean,
    private maxLine: number,
    private onChunk?: (chunk: Buffer) => void,
  ) {
    super({ readableObjectMode: true });
  }

  /** Bytes of the current line (record) so far, the line it starts on, and whether a CSV quote is open. */
  private run = 0;
  private runStart = 1;
  private inQuote = false;

  private decoder = new TextDecoder('utf-8', { fatal: true });
  /** Bytes of a sequence cut at the end of the previous chunk. */
  private tail: Buffer = Buffer.alloc(0);
  private line = 1;
  private first = true;
  bytesSeen = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.first) {
      this.first = false;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        done(new FileFormatError(keyed('importFile.utf16'), 1));
        return;
      }
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      done(new FileFormatError(keyed('importFile.nul'), this.line + countNewlines(chunk, nul)));
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      const joined = Buffer.concat([this.tail, chunk]);
      const bad = scanUtf8(joined).offset;
      done(new FileFormatError(keyed('importFile.notUtf8Guess'), this.line + countNewlines(joined, bad)));
      return;
    }
    const long = this.csv ? this.scanCsv(chunk) : this.scanLines(chunk);
    if (long !== null) {
      done(new FileFormatError(long, this.runStart));
      return;
    }
    this.onChunk?.(chunk);
    this.tail = incompleteTail(Buffer.concat([this.tail, chunk]));
    this.line += countNewlines(chunk, chunk.length);
    this.bytesSeen += chunk.length;
    done(null, text);
  }

  private tooLong(): Said {
    const params = { line: this.runStart, limit: (this.maxLine / 2 ** 20).toLocaleString('en') };
    return keyed(this.csv ? 'importFile.recordTooLong' : 'importFile.lineTooLong', params);
  }

  /** JSON Lines: bytes since the last newline. */
  private scanLines(chunk: Buffer): Said | null {
    let line = this.line;
    let i = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, i)) {
      if (this.run + (nl - i) > this.maxLine) return this.tooLong();
      this.run = 0;
      i = nl + 1;
      this.runStart = ++line;
    }
    this.run += chunk.length - i;
    return this.run > this.maxLine ? this.tooLong() : null;
  }

  /**
   * CSV (RFC 4180): bytes since the last newline outside quotes; a doubled
   * quote toggles twice. The record's length is compared at its end and at
   * the chunk's end, not at every byte: a chunk holding a record too long is
   * refused whole either way, before the parser sees it.
   */
  private scanCsv(chunk: Buffer): Said | null {
    const max = this.maxLine;
    const n = chunk.length;
    let line = this.line;
    let inQuote = this.inQuote;
    /** Where the current record starts in this chunk (negative: in an earlier one). */
    let start = -this.run;
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (b === 34) inQuote = !inQuote;
      else if (b === 10) {
        line++;
        if (!inQuote) {
          if (i - start > max) return this.tooLong();
          start = i + 1;
          this.runStart = line;
        }
      }
    }
    this.run = n - start;
    this.inQuote = inQuote;
    return this.run > max ? this.tooLong() : null;
  }

  override _flush(done: TransformCallback): void {
    try {
      const rest = this.decoder.decode();
      done(null, rest || undefined);
    } catch {
      done(new FileFormatError(keyed('importFile.endsMidCharacter'), this.line));
    }
  }
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Valid second-byte range for each UTF-8 lead byte (WHATWG / RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function sequenceOf(lead: number): { length: number; lo: number; hi: number } | null {
  if (lead < 0x80) return { length: 1, lo: 0, hi: 0 };
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, lo: 0x80, hi: 0xbf };
  if (lead === 0xe0) return { length: 3, lo: 0xa0, hi: 0xbf };
  if (lead === 0xed) return { length: 3, lo: 0x80, hi: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, lo: 0x80, hi: 0xbf };
  if (lead === 0xf0) return { length: 4, lo: 0x90, hi: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, lo: 0x80, hi: 0xbf };
  if (lead === 0xf4) return { length: 4, lo: 0x80, hi: 0x8f };
  return null;
}

/** The bytes of a multi-byte sequence left incomplete at the end of `buf` (already known valid so far). */
function incompleteTail(buf: Buffer): Buffer {
  let p = buf.length - 1;
  while (p >= 0 && p >= buf.length - 3 && (buf[p] & 0xc0) === 0x80) p--;
  if (p < 0) return Buffer.alloc(0);
  const seq = sequenceOf(buf[p]);
  return seq && seq.length > buf.length - p ? Buffer.from(buf.subarray(p)) : Buffer.alloc(0);
}

/**
 * Scans `buf` for the first invalid sequence. Returns its offset, or the
 * offset where an incomplete sequence starts at the end (`incomplete: true`),
 * or buf.length when all is well.
 */
function scanUtf8(buf: Buffer): { offset: number; incomplete: boolean } {
  let i = 0;
  while (i < buf.length) {
    const seq = sequenceOf(buf[i]);
    if (!seq) return { offset: i, incomplete: false };
    for (let k = 1; k < seq.length; k++) {
      if (i + k >= buf.length) return { offset: i, incomplete: true };
      const b = buf[i + k];
      const [lo, hi] = k === 1 ? [seq.lo, seq.hi] : [0x80, 0xbf];
      if (b < lo || b > hi) return { offset: i, incomplete: false };
    }
    i += seq.length;
  }
  return { offset: buf.length, incomplete: false };
}

export interface CsvRecord {
  /** The line the record starts on (1-based, the header is line 1). */
  line: number;
  /** Fields in the order of `columns` as requested, whatever their order in the file. */
  fields: string[];
  /** Set when the row has another number of fields than the header. */
  ragged?: Said;
}

export interface CsvOptions {
  onBytes?: (bytes: number) => void;
  /** Every byte read, in order (for the file's SHA-256). */
  onChunk?: (chunk: Buffer) => void;
  /** Longest line (CSV: record) in bytes. */
  maxLine?: number;
  /** Largest file in bytes. */
  maxBytes?: number;
  /** Columns the header may leave out (read as empty fields), after the required ones in `fields`. */
  optional?: readonly string[];
  /** Called with the header's column names once it is checked: tells an optional column left out from one left empty. */
  onHeader?: (columns: string[]) => void;
}


/** A read stream over a regular file only (see openRegularFile); FileFormatError when it may not be read. */
function openSource(path: string, options: CsvOptions) {
  try {
    const { fd } = openRegularFile(path, options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    return createReadStream('', { fd, highWaterMark: 1 << 20 });
  } catch (err) {
    if (err instanceof UnsafeFileError) throw new FileFormatError(err.said);
    throw err;
  }
}

/**
 * Calls `onRow` for each row of a CSV file (RFC 4180, parsed by papaparse),
 * fields ordered as `columns`. The header must hold exactly those columns, in
 * any order; header and quoting problems reject with FileFormatError. Line
 * numbers are counted here from the newlines inside fields, so a record that
 * spans lines is reported at the line it starts on. An exception thrown by
 * `onRow` stops the parse and rejects with it.
 */
export function readCsv(path: string, columns: readonly string[], onRow: (row: CsvRecord) => void, options: CsvOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const source = openSource(path, options);
    const guard = new TextGuard(true, options.maxLine ?? LIMITS.lineBytes, options.onChunk);
    let failure: unknown = null;
    let order: number[] | null = null;
    let width = 0;
    let inOrder = false;
    let line = 1;
    let lastReported = 0;
    let aborted = false;
    const stop = (err: unknown, parser?: Papa.Parser) => {
      if (failure === null) failure = err;
      if (!aborted) {
        aborted = true;
        parser?.abort();
        source.destroy();
      }
    };
    source.on('error', (e) => {
      stop(e);
      reject(e);
    });
    guard.on('error', (e) => {
      stop(e);
      reject(e);
    });
    Papa.parse<string[]>(source.pipe(guard) as unknown as File, {
      delimiter: ',',
      skipEmptyLines: false,
      step: (result, parser) => {
        if (aborted) return;
        try {
          const record = result.data;
          const start = line;
          line += 1;
          for (let i = 0; i < record.length; i++) {
            const f = record[i];
            if (f.length > 0 && f.indexOf('\n') >= 0) line += f.split('\n').length - 1;
          }
          const quoteError = result.errors.find((e) => e.type === 'Quotes');
          if (quoteError) {
            throw new FileFormatError(quoteError.code === 'MissingQuotes' ? keyed('importFile.unclosedQuote') : keyed('importFile.invalidQuote', { detail: quoteError.message }), start);
          }
          if (record.length === 1 && record[0] === '') return; // an empty line
          if (!order) {
            const header = record.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
            checkHeader(header, columns, options.optional ?? []);
            order = [...columns, ...(options.optional ?? [])].map((c) => header.indexOf(c));
            width = header.length;
            inOrder = order.length === width && order.every((at, i) => at === i);
            options.onHeader?.(header);
            return;
          }
          if (options.onBytes && guard.bytesSeen !== lastReported) {
            options.onBytes(guard.bytesSeen - lastReported);
            lastReported = guard.bytesSeen;
          }
          // A file whose columns are in the requested order (the usual case) hands its row over as it is.
          const fields = inOrder && record.length === width ? record : order.map((i) => (i < 0 ? '' : (record[i] ?? '')));
          onRow(record.length === width ? { line: start, fields } : { line: start, fields, ragged: keyed('import.ragged', { fields: record.length, width }) });
        } catch (err) {
          stop(err, parser);
        }
      },
      complete: () => {
        if (failure !== null) return reject(failure);
        if (!order) return reject(new FileFormatError(keyed('import.header.empty', { expected: columns.join(',') }), 1));
        options.onBytes?.(guard.bytesSeen - lastReported);
        resolve();
      },
      error: (err: Error) => reject(failure ?? err),
    });
  });
}

function checkHeader(header: string[], columns: readonly string[], optional: readonly string[]): void {
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new FileFormatError(keyed('import.header.duplicate', { column: clip(h) }), 1);
    seen.add(h);
  }
  const missing = columns.filter((c) => !seen.has(c));
  if (missing.length > 0) throw new FileFormatError(keyed(missing.length > 1 ? 'import.header.missingMany' : 'import.header.missing', { columns: missing.join(', '), expected: columns.join(',') }), 1);
  const extra = header.filter((h) => !columns.includes(h) && !optional.includes(h));
  if (extra.length > 0) {
    const params = { columns: clip(extra.join(', ')), expected: columns.join(',') };
    const many = extra.length > 1;
    throw new FileFormatError(optional.length ? keyed(many ? 'import.header.unknownOptionalMany' : 'import.header.unknownOptional', { ...params, optional: optional.join(',') }) : keyed(many ? 'import.header.unknownMany' : 'import.header.unknown', params), 1);
  }
}

/** Yields the lines of a JSON Lines file, parsed, with their line numbers. Blank lines are skipped. */
export async function* readJsonLines(path: string, options: CsvOptions = {}): AsyncGenerator<{ line: number; value: unknown; error?: Said }> {
  const source = openSource(path, options);
  const guard = new TextGuard(false, options.maxLine ?? LIMITS.lineBytes, options.onChunk);
  let failure: Error | null = null;
  source.on('error', (e) => guard.destroy(e));
  const lines = createInterface({ input: source.pipe(guard), crlfDelay: Infinity });
  guard.on('error', (e) => {
    failure = e;
    lines.close();
  });
  let n = 0;
  let lastReported = 0;
  for await (const raw of lines) {
    n++;
    const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!text.trim()) continue;
    if (options.onBytes && guard.bytesSeen !== lastReported) {
      options.onBytes(guard.bytesSeen - lastReported);
      lastReported = guard.bytesSeen;
    }
    if (tooDeepAt(text) >= 0) {
      yield { line: n, value: undefined, error: keyed('importFile.tooDeep', { line: n, max: LIMITS.jsonDepth }) };
      continue;
    }
    try {
      yield { line: n, value: JSON.parse(text) };
    } catch (err) {
      yield { line: n, value: undefined, error: keyed('importFile.notJson', { why: jsonErrorKeyed(err, text) }) };
    }
  }
  if (failure) throw failure;
  options.onBytes?.(guard.bytesSeen - lastReported);
}
