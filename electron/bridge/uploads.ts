/**
 * Files uploaded to the bridge for an import, kept out of the JSON API: the
 * bytes stream to a private temporary folder (never into a string, so no
 * size can overflow one) with their own limit, and wait there, named by a
 * random id, until the `importFiles` call of the same user claims them.
 * Unclaimed uploads go after a while, and a user has only a few at a time.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { keyed, type Said } from '../../shared/englishText.js';

/** One uploaded import file at most this big (as the inline content of importFiles). */
export const UPLOAD_MAX = 512 * 2 ** 20;
const KEEP_MS = 30 * 60_000;
const PER_USER = 5;

/** The keyed refusal of an upload over the limit (server:upload.tooLarge). */
export const uploadTooLarge = (limit: number): Said => keyed('upload.tooLarge', { max: limit / 2 ** 20 });

export class UploadTooLargeError extends Error {
  constructor(readonly said: Said) {
    super(said.message);
  }
}

/** An upload that cannot be claimed: `said` names the file, keyed. */
export class UploadClaimError extends Error {
  constructor(readonly said: Said) {
    super(said.message);
  }
}

interface Upload {
  owner: string;
  name: string;
  dir: string;
  file: string;
  at: number;
}

export class UploadStore {
  private uploads = new Map<string, Upload>();

  constructor(
    readonly limit = UPLOAD_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  /** Streams `body` to a private file; rejects with UploadTooLargeError past the limit (nothing is kept then). */
  async receive(body: Readable, owner: string, name: string): Promise<string> {
    this.sweep();
    const mine = [...this.uploads.entries()].filter(([, u]) => u.owner === owner).sort((a, b) => a[1].at - b[1].at);
    for (const [id] of mine.slice(0, Math.max(0, mine.length - PER_USER + 1))) this.drop(id);
    const dir = mkdtempSync(join(tmpdir(), 'credence-upload-'));
    const file = join(dir, 'upload');
    let size = 0;
    const limit = this.limit;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) done(new UploadTooLargeError(uploadTooLarge(limit)));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(file, { mode: 0o600 }));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const id = randomUUID();
    this.uploads.set(id, { owner, name, dir, file, at: this.now() });
    return id;
  }

  /** The file of an upload, for its owner only, once; the caller moves it away and calls release. */
  claim(id: string, owner: string, name: string): { file: string; release: () => void } {
    this.sweep();
    const u = this.uploads.get(id);
    if (!u || u.owner !== owner) throw new UploadClaimError(keyed('upload.unknown', { name, id, owner }));
    if (u.name !== name) throw new UploadClaimError(keyed('upload.otherName', { name, id, sent: u.name }));
    this.uploads.delete(id);
    return { file: u.file, release: () => rmSync(u.dir, { recursive: true, force: true }) };
  }

  /** Removes every upload still waiting (the bridge is closing). */
  clear(): void {
    for (const id of [...this.uploads.keys()]) this.drop(id);
  }

  private drop(id: string): void {
    const u = this.uploads.get(id);
    if (!u) return;
    this.uploads.delete(id);
    rmSync(u.dir, { recursive: true, force: true });
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, u] of this.uploads) if (now - u.at > KEEP_MS) this.drop(id);
  }
}
