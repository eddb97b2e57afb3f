/**
 * An error of the operating system (ENOENT, EACCES, ENOSPC...) or of SQLite
 * opening a file, as keyed text (server:os.*): a Chinese sentence saying what
 * is wrong, the raw code or message kept only as the technical detail. Its
 * English is that raw detail, as it always was; the file or folder is named
 * by the sentence the caller puts it in.
 */
import type { KeyedText } from '../../shared/keyedText.js';
import type { ServerMessageKey } from '../../shared/messages.js';

/** The codes with a sentence of their own (server:os.<code>). */
const CODES = new Set([
  'ENOENT',
  'ENOTDIR',
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EISDIR',
  'EEXIST',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'EIO',
  'ENAMETOOLONG',
  'ELOOP',
  'EXDEV',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_CANTOPEN',
  'SQLITE_BUSY',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
]);

/** The error's code: Node's (`ENOENT`), or SQLite's primary code (`SQLITE_IOERR_WRITE` is `SQLITE_IOERR`). */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (CODES.has(code)) return code;
  const primary = /^(SQLITE_[A-Z]+?)_/.exec(code)?.[1];
  return primary && CODES.has(primary) ? primary : undefined;
}

/**
 * `err` keyed: its English is `detail` (by default the error's own message;
 * a caller that always said only the code passes the code).
 */
export function osErrorKeyed(err: unknown, detail: string = err instanceof Error ? err.message : String(err)): KeyedText {
  const code = codeOf(err);
  const key: ServerMessageKey = code ? (`os.${code}` as ServerMessageKey) : err instanceof SyntaxError ? 'os.syntax' : 'os.other';
  return { key, params: { detail } };
}

/** The code alone, keyed (what "cannot be read (EACCES)" always said), 'error' when there is none. */
export function osCodeKeyed(err: unknown): KeyedText {
  return osErrorKeyed(err, (err as NodeJS.ErrnoException | null)?.code ?? 'error');
}
