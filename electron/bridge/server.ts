/**
 * Transport 2: the API contract over HTTP on the loopback interface, for a
 * plain browser (and the end-to-end tests). Same dispatch as IPC; this file
 * only moves bytes and guards the door: 127.0.0.1 only, a random token on
 * every call, a Host-header check against DNS rebinding, no CORS, and calls
 * from another origin refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { channels } from '../../shared/contract.js';
import { keyed, type Said } from '../../shared/englishText.js';
import type { ServerMessageKey } from '../../shared/messages.js';
import type { Caller, HandlerContext } from '../ipc/handlers.js';
import { admit, dispatchFromSession, type Refusal } from '../ipc/dispatch.js';
import { CONTENT_SECURITY_POLICY, mediaTypeIs, resolveStaticFile } from '../shell/security.js';
import { RefusalLimiter } from './refusals.js';
import { uploadTooLarge, UploadStore, UploadTooLargeError } from './uploads.js';

/** One CSP for both transports: the desktop shell's. */
export { CONTENT_SECURITY_POLICY };

/** An API call's JSON body at most (uploads of import files take /upload/). */
export const MAX_BODY = 4 * 2 ** 20;
/** Login channels are open to anyone holding the bridge token: their bodies are small. */
export const MAX_PUBLIC_BODY = 64 * 2 ** 10;
/** The file names an upload may carry: those importFiles accepts. */
const UPLOAD_NAMES = new Set(['event_kinds.json', 'citizens.csv', 'consents.csv', 'relationships.csv', 'events.csv', 'events.jsonl']);

export interface BridgeOptions {
  ctx: HandlerContext;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  token?: string;
  /** Where uploads of import files wait for their importFiles call (default: a store of this bridge). */
  uploads?: UploadStore;
}

export interface Bridge {
  server: Server;
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  // A request whose body was not read is answered and its connection closed, so the rest is never buffered.
  res.writeHead(status, close ? { ...JSON_HEADERS, connection: 'close' } : JSON_HEADERS);
  res.end(text);
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

class BodyTooLargeError extends Error {}

/** The body as bytes, refusing (without buffering further) past `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        reject(new BodyTooLargeError());
      } else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON input of a call, or a message saying why the body is not one. */
function parseJsonBody(body: Buffer): { ok: true; input: unknown } | { ok: false; said: Said } {
  if (body.length === 0) return { ok: true, input: {} };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, said: keyed('bridge.notUtf8') };
  }
  try {
    return { ok: true, input: JSON.parse(text) };
  } catch (err) {
    return { ok: false, said: keyed('bridge.notJson', { detail: (err as Error).message.slice(0, 200) }) };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

export function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const uploads = options.uploads ?? options.ctx.uploads ?? new UploadStore();
  const ctx: HandlerContext = { ...options.ctx, uploads };
  const refusals = new RefusalLimiter();
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** Who a refusal is counted against: the account behind the session, or everyone without one. */
  const callerKey = (session: string | undefined) => ctx.sessions.peek(session)?.username ?? 'anonymous';

  /** The refusal as it would be (same code: a client still sees "locked" or "unauthenticated"), with 429 and the wait. */
  const tooMany = (res: ServerResponse, wait: number, refusal: Refusal) => {
    res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
    const reason = refusal.error.key ? { key: refusal.error.key as ServerMessageKey, ...(refusal.error.params && { params: refusal.error.params }) } : refusal.error.message;
    send(res, 429, { ok: false, error: { code: refusal.error.code, ...keyed('bridge.tooMany', { reason, seconds: Math.ceil(wait / 1000) }) } }, true);
  };

  /**
   * The door checks of a call, before its body is read. A caller past its
   * limit of refused calls is answered 429 for calls that would be refused
   * again, without a log row; its allowed calls go through.
   */
  function door(name: string, session: string | undefined, res: ServerResponse): { user: string; role: Caller['role'] } | null {
    const who = callerKey(session);
    const wait = refusals.blockedFor(who);
    const admitted = admit(name, ctx, session, { log: wait === 0 });
    if (admitted.ok) return admitted.caller;
    if (wait > 0) tooMany(res, wait, admitted);
    else {
      refusals.refused(who);
      send(res, 200, admitted, true);
    }
    return null;
  }

  async function api(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const session = header(req, 'x-credence-session');
    if (!door(name, session, res)) return;
    const isPublic = channels[name as keyof typeof channels].role === 'public';
    let body: Buffer;
    try {
      body = await readBody(req, isPublic ? MAX_PUBLIC_BODY : MAX_BODY);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        const max = isPublic ? `${MAX_PUBLIC_BODY / 2 ** 10} KiB` : `${MAX_BODY / 2 ** 20} MiB`;
        return send(res, 413, { ok: false, error: { code: 'invalid_input', ...keyed('bridge.bodyTooLarge', { channel: name, max }) } }, true);
      }
      throw err;
    }
    const parsed = parseJsonBody(body);
    if (!parsed.ok) return send(res, 400, { ok: false, error: { code: 'invalid_input', ...parsed.said } });
    const reply = await dispatchFromSession(name, parsed.input, ctx, session);
    if (!reply.ok && reply.error.code === 'forbidden' && !isPublic) refusals.refused(callerKey(session));
    return send(res, 200, reply);
  }

  /** POST /upload/<file name>: an import file's bytes, streamed to disk; answers its upload id for importFiles. */
  async function upload(req: IncomingMessage, res: ServerResponse, fileName: string): Promise<void> {
    const session = header(req, 'x-credence-session');
    const caller = door('importFiles', session, res);
    if (!caller) return;
    if (!UPLOAD_NAMES.has(fileName)) return send(res, 400, { ok: false, error: { code: 'invalid_input', ...keyed('bridge.uploadName', { names: [...UPLOAD_NAMES].join(', ') }) } }, true);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > uploads.limit) return send(res, 413, { ok: false, error: { code: 'invalid_input', ...uploadTooLarge(uploads.limit) } }, true);
    try {
      const uploadId = await uploads.receive(req, caller.user, fileName);
      return send(res, 200, { ok: true, value: { uploadId } });
    } catch (err) {
      if (err instanceof UploadTooLargeError) return send(res, 413, { ok: false, error: { code: 'invalid_input', ...err.said } }, true);
      throw err;
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, { ok: false, error: { code: 'forbidden', ...keyed('bridge.host') } }, true);
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return send(res, 403, { ok: false, error: { code: 'forbidden', ...keyed('bridge.origin') } }, true);
      let url: URL;
      try {
        url = new URL(`http://127.0.0.1:${port}${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? '/'}`);
      } catch {
        return send(res, 400, { ok: false, error: { code: 'invalid_input', ...keyed('bridge.path') } }, true);
      }
      const isApi = url.pathname.startsWith('/api/');
      const isUpload = url.pathname.startsWith('/upload/');
      if (isApi || isUpload) {
        if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'invalid_input', ...keyed('bridge.usePost') } }, true);
        if (!sameToken(header(req, 'x-credence-token'), token)) {
          return send(res, 401, { ok: false, error: { code: 'forbidden', ...keyed('bridge.token') } }, true);
        }
        const type = String(req.headers['content-type'] ?? '');
        if (isUpload) {
          if (!mediaTypeIs(type, 'application/octet-stream')) return send(res, 415, { ok: false, error: { code: 'invalid_input', ...keyed('bridge.contentType', { type: 'application/octet-stream' }) } }, true);
          return await upload(req, res, decodeURIComponent(url.pathname.slice('/upload/'.length)));
        }
        if (!mediaTypeIs(type, 'application/json')) {
          return send(res, 415, { ok: false, error: { code: 'invalid_input', ...keyed('bridge.contentType', { type: 'application/json' }) } }, true);
        }
        return await api(req, res, url.pathname.slice(5));
      }
      return serveStatic(options.staticDir, url.pathname, res);
    } catch (err) {
      // The details go to the operator's console, never to the caller.
      process.stderr.write(`bridge: ${req.method} ${(req.url ?? '').slice(0, 200)} failed: ${(err as Error).stack ?? String(err)}\n`);
      send(res, 500, { ok: false, error: { code: 'internal', ...keyed('bridge.internal') } }, true);
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // A malformed request or a reset connection ends that connection, nothing else.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        server,
        port,
        token,
        url: `http://127.0.0.1:${port}/?token=${token}`,
        close: () =>
          new Promise((r) => {
            server.close(() => {
              if (!options.uploads && !options.ctx.uploads) uploads.clear();
              r();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/**
 * A file of the built renderer (index.html for client-side routes). A read
 * that fails (the build replaced under the server, a disk error) ends that
 * response only: before the headers as 503, after them by closing it.
 */
function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed path');
    return;
  }
  if (decoded.split(/[/\\]/).includes('..')) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('path outside the console');
    return;
  }
  const asset = resolveStaticFile(pathname, root) ?? resolveStaticFile('/index.html', root);
  if (!asset) {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('the console is not built: run npm run build:renderer');
    return;
  }
  const stream = createReadStream(asset.file);
  res.on('close', () => stream.destroy());
  stream.on('error', () => {
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' }).end('the console could not be read: try again');
    else res.destroy();
  });
  stream.once('open', () => {
    res.writeHead(200, {
      'content-type': asset.mime,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': extname(asset.file) === '.html' ? 'no-store' : 'max-age=3600',
    });
    stream.pipe(res);
  });
}
