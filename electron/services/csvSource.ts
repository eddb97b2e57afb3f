/**
 * Streaming readers for import files. Bytes are checked before parsing (UTF-16,
 * invalid UTF-8 such as Windows-1252, NUL bytes) so a wrong encoding is named
 * as such, with its line, instead of surfacing as garbled fields.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform, type TransformCallback } from 'node:stream';
import Papa from 'papaparse';

export class FileFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Passes bytes through unchanged, failing on anything that is not clean UTF-8 text. */
class TextGuard extends Transform {
  constructor() {
    super({ readableObjectMode: true });
  }

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
        done(new FileFormatError('file is UTF-16 encoded; save it as UTF-8', 1));
        return;
      }
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      done(new FileFormatError('file contains a NUL byte (binary data or UTF-16 without a byte order mark)', this.line + countNewlines(chunk, nul)));
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      const joined = Buffer.concat([this.tail, chunk]);
      const bad = scanUtf8(joined).offset;
      done(new FileFormatError('text is not valid UTF-8 (Windows-1252 or Latin-1?); save the file as UTF-8', this.line + countNewlines(joined, bad)));
      return;
    }
    this.tail = incompleteTail(Buffer.concat([this.tail, chunk]));
    this.line += countNewlines(chunk, chunk.length);
    this.bytesSeen += chunk.length;
    done(null, text);
  }

  override _flush(done: TransformCallback): void {
    try {
      const rest = this.decoder.decode();
      done(null, rest || undefined);
    } catch {
      done(new FileFormatError('file ends in the middle of a UTF-8 character', this.line));
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
  ragged?: string;
}

export interface CsvOptions {
  onBytes?: (bytes: number) => void;
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
    const guard = new TextGuard();
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    let failure: unknown = null;
    let order: number[] | null = null;
    let width = 0;
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
            throw new FileFormatError(quoteError.code === 'MissingQuotes' ? 'unclosed quote: a quoted field runs to the end of the file' : `malformed quoted field: ${quoteError.message}`, start);
          }
          if (record.length === 1 && record[0] === '') return; // an empty line
          if (!order) {
            const header = record.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
            checkHeader(header, columns);
            order = columns.map((c) => header.indexOf(c));
            width = header.length;
            return;
          }
          if (options.onBytes && guard.bytesSeen !== lastReported) {
            options.onBytes(guard.bytesSeen - lastReported);
            lastReported = guard.bytesSeen;
          }
          const fields = order.map((i) => record[i] ?? '');
          onRow(record.length === width ? { line: start, fields } : { line: start, fields, ragged: `row has ${record.length} fields, the header has ${width}` });
        } catch (err) {
          stop(err, parser);
        }
      },
      complete: () => {
        if (failure !== null) return reject(failure);
        if (!order) return reject(new FileFormatError(`file is empty: expected the header ${columns.join(',')}`, 1));
        options.onBytes?.(guard.bytesSeen - lastReported);
        resolve();
      },
      error: (err: Error) => reject(failure ?? err),
    });
  });
}

function checkHeader(header: string[], columns: readonly string[]): void {
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new FileFormatError(`duplicate column '${h}' in the header`, 1);
    seen.add(h);
  }
  const missing = columns.filter((c) => !seen.has(c));
  if (missing.length > 0) throw new FileFormatError(`header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${columns.join(',')})`, 1);
  const extra = header.filter((h) => !columns.includes(h));
  if (extra.length > 0) throw new FileFormatError(`unknown column${extra.length > 1 ? 's' : ''} ${extra.join(', ')} in the header (expected ${columns.join(',')})`, 1);
}

/** Yields the lines of a JSON Lines file, parsed, with their line numbers. Blank lines are skipped. */
export async function* readJsonLines(path: string, options: CsvOptions = {}): AsyncGenerator<{ line: number; value: unknown; error?: string }> {
  const guard = new TextGuard();
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
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
    try {
      yield { line: n, value: JSON.parse(text) };
    } catch (err) {
      yield { line: n, value: undefined, error: `not valid JSON: ${(err as Error).message}` };
    }
  }
  if (failure) throw failure;
  options.onBytes?.(guard.bytesSeen - lastReported);
}
