/**
 * Transport 2: the API contract over HTTP on the loopback interface, for a
 * plain browser (and the end-to-end tests). Same dispatch as IPC; this file
 * only moves bytes and guards the door: 127.0.0.1 only, a random token on
 * every call, a Host-header check against DNS rebinding, no CORS, and calls
 * from another origin refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { HandlerContext } from '../ipc/handlers.js';
import { dispatchFromSession } from '../ipc/dispatch.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const MAX_BODY = 600 * 2 ** 20;

export interface BridgeOptions {
  ctx: HandlerContext;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface Bridge {
  server: Server;
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = createServer(async (req, res) => {
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, { ok: false, error: { code: 'forbidden', message: 'unexpected Host header' } });
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return send(res, 403, { ok: false, error: { code: 'forbidden', message: 'calls from another origin are refused' } });
      let url: URL;
      try {
        url = new URL(`http://127.0.0.1:${port}${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? '/'}`);
      } catch {
        return send(res, 400, { ok: false, error: { code: 'invalid_input', message: 'malformed request path' } });
      }
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'invalid_input', message: 'use POST' } });
        if (!sameToken(req.headers['x-credence-token'] as string | undefined, token)) {
          return send(res, 401, { ok: false, error: { code: 'forbidden', message: 'missing or wrong session token' } });
        }
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return send(res, 415, { ok: false, error: { code: 'invalid_input', message: 'content-type must be application/json' } });
        }
        let input: unknown;
        try {
          const body = await readBody(req);
          input = body ? JSON.parse(body) : {};
        } catch (err) {
          return send(res, 400, { ok: false, error: { code: 'invalid_input', message: `request body is not JSON: ${(err as Error).message}` } });
        }
        const session = req.headers['x-credence-session'];
        const reply = await dispatchFromSession(url.pathname.slice(5), input, options.ctx, typeof session === 'string' ? session : undefined);
        return send(res, 200, reply);
      }
      return serveStatic(options.staticDir, url.pathname, res);
    } catch (err) {
      send(res, 500, { ok: false, error: { code: 'internal', message: (err as Error).message } });
    }
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
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

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
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(404).end();
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('the console is not built: run npm run build:renderer');
    return;
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': extname(file) === '.html' ? 'no-store' : 'max-age=3600',
  });
  createReadStream(file).pipe(res);
}
