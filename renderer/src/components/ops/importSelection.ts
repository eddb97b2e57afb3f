/**
 * Turns what the user picked (a folder or loose files) into the files the
 * importFiles channel accepts: only the recognised names, one of each, read
 * as UTF-8 text. A wrong encoding is caught here, with its line, because the
 * browser would otherwise replace the bad bytes silently and the main process
 * could no longer name the problem.
 */
import type { Input } from '../../../../shared/contract';

export type ImportFileName = Input<'importFiles'>['files'][number]['name'];

export const IMPORT_FILE_NAMES: readonly ImportFileName[] = ['event_kinds.json', 'citizens.csv', 'consents.csv', 'relationships.csv', 'events.csv', 'events.jsonl'];

/** The contract's limit on one file's content (characters). */
export const MAX_FILE_CHARS = 512 * 2 ** 20;

export interface PickedFile {
  name: ImportFileName;
  /** Where it came from: the path inside the picked folder, or the file name. */
  source: string;
  bytes: number;
  lastModified: number;
  /** The text, once read and found to be UTF-8. */
  content: string | null;
  lines: number | null;
  /** Why the file cannot be sent as it is (worded by the page, in the reader's language). */
  error: FileProblem | null;
}

export type FileProblem = { code: 'tooLarge' } | { code: 'utf16' } | { code: 'notUtf8'; line: number };

/** A file of the pick left out: not part of the format, or a second file of a name already picked (`duplicateOf`). */
export interface IgnoredFile {
  source: string;
  duplicateOf?: ImportFileName;
}

export interface Selection {
  files: PickedFile[];
  /** Files of the pick that are not part of the interchange format. */
  ignored: IgnoredFile[];
}

/** What stops the files from going together: for now, both forms of the events file. */
export type SelectionConflict = 'bothEvents';

const isImportName = (name: string): name is ImportFileName => (IMPORT_FILE_NAMES as readonly string[]).includes(name);

const sourceOf = (f: File): string => f.webkitRelativePath || f.name;
const depth = (f: File): number => sourceOf(f).split('/').length;

/** Keeps one file per recognised name (the one nearest the top of the folder) and lists the rest as ignored. */
export function recognise(picked: File[]): { keep: File[]; ignored: IgnoredFile[] } {
  const byName = new Map<ImportFileName, File>();
  const ignored: IgnoredFile[] = [];
  for (const f of [...picked].sort((a, b) => depth(a) - depth(b) || sourceOf(a).localeCompare(sourceOf(b)))) {
    if (!isImportName(f.name)) ignored.push({ source: sourceOf(f) });
    else if (byName.has(f.name)) ignored.push({ source: sourceOf(f), duplicateOf: f.name });
    else byName.set(f.name, f);
  }
  const keep = IMPORT_FILE_NAMES.flatMap((n) => (byName.has(n) ? [byName.get(n)!] : []));
  return { keep, ignored };
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 10) line++;
  return line;
}

const CHUNK = 1 << 20;

function decodes(bytes: Uint8Array, start: number, end: number): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, end), { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The byte offset of the first invalid UTF-8 sequence (TextDecoder does not report it): the failing megabyte, then halving inside it. */
function firstBadByte(bytes: Uint8Array): number {
  const stream = new TextDecoder('utf-8', { fatal: true });
  let chunk = 0;
  try {
    for (; chunk * CHUNK < bytes.length; chunk++) stream.decode(bytes.subarray(chunk * CHUNK, (chunk + 1) * CHUNK), { stream: true });
    return bytes.length;
  } catch {
    // fall through with the failing chunk
  }
  // Restart at a character boundary at or before the chunk (skip back over continuation bytes).
  let start = chunk * CHUNK;
  while (start > 0 && (bytes[start] & 0xc0) === 0x80) start--;
  let lo = start;
  let hi = Math.min(bytes.length, (chunk + 1) * CHUNK);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (decodes(bytes, start, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

export async function readPicked(file: File & { name: ImportFileName }): Promise<PickedFile> {
  const base = { name: file.name, source: sourceOf(file), bytes: file.size, lastModified: file.lastModified, content: null, lines: null };
  if (file.size > MAX_FILE_CHARS) {
    return { ...base, error: { code: 'tooLarge' } };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ...base, error: { code: 'utf16' } };
  }
  try {
    const content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ...base, content, lines: countLines(content), error: null };
  } catch {
    const line = lineOfByte(bytes, firstBadByte(bytes));
    return { ...base, error: { code: 'notUtf8', line } };
  }
}

/**
 * Reads the recognised files of a pick. A folder replaces the selection; loose
 * files are added to it, replacing files of the same name.
 */
export async function addToSelection(current: Selection, picked: File[], replace: boolean): Promise<Selection> {
  const { keep, ignored } = recognise(picked);
  const read = await Promise.all(keep.map((f) => readPicked(f as File & { name: ImportFileName })));
  const replaced = new Set(read.map((f) => f.name));
  const kept = replace ? [] : current.files.filter((f) => !replaced.has(f.name));
  const files = [...kept, ...read].sort((a, b) => IMPORT_FILE_NAMES.indexOf(a.name) - IMPORT_FILE_NAMES.indexOf(b.name));
  return { files, ignored };
}

/** Why the selection cannot be sent as it is: problems of single files, then of the files together. */
export function selectionProblems(sel: Selection): { files: string[]; together: SelectionConflict[] } {
  const names = new Set(sel.files.map((f) => f.name));
  const together: SelectionConflict[] = names.has('events.csv') && names.has('events.jsonl') ? ['bothEvents'] : [];
  return { files: sel.files.filter((f) => f.error).map((f) => f.name), together };
}

export const canSend = (sel: Selection): boolean => {
  const p = selectionProblems(sel);
  return sel.files.length > 0 && p.files.length === 0 && p.together.length === 0;
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The files of a drag and drop, folders walked recursively (paths kept relative to what was dropped). */
export async function filesFromDrop(data: DataTransfer): Promise<{ files: File[]; folder: boolean }> {
  const entries = Array.from(data.items).map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return { files: Array.from(data.files), folder: false };
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      // Depth decides which of two same-named files wins, as with the folder picker.
      Object.defineProperty(file, 'webkitRelativePath', { value: `${prefix}${file.name}` });
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return { files, folder: entries.some((e) => e.isDirectory) };
}
