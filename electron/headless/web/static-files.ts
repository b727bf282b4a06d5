// Serves the built renderer (out/renderer/) with correct content types, an SPA fallback to
// index.html, and a placeholder page while the UI has not been built.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BASE_HEADERS } from './http-util';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Heartwire — UI not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}
code{background:#eee;padding:.1em .3em;border-radius:3px}</style></head>
<body><h1>Heartwire</h1>
<p>The browser UI is not built yet, so there is nothing to show here.</p>
<p>Build it with <code>npm run build</code> (it lands in <code>out/renderer/</code>), then reload this page.</p>
<p>The REST API (<code>/api/…</code>), the WebSocket (<code>/ws</code>) and <code>/metrics</code> work already.</p>
</body></html>
`;

async function fileIfExists(file: string): Promise<number | null> {
  try {
    const st = await stat(file);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** Resolves a URL path inside root, or null if it would escape root or is unusable. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  return full === base || full.startsWith(base + path.sep) ? full : null;
}

/** Handles GET/HEAD for a non-API path. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, staticDir: string, urlPath: string): Promise<void> {
  const index = path.join(staticDir, 'index.html');
  const indexSize = await fileIfExists(index);
  if (indexSize === null) {
    send(res, req, 200, 'text/html; charset=utf-8', 'no-store', Buffer.from(PLACEHOLDER_HTML));
    return;
  }
  const target = resolveInside(staticDir, urlPath);
  if (target === null) {
    send(res, req, 400, 'text/plain; charset=utf-8', 'no-store', Buffer.from('bad path\n'));
    return;
  }
  const size = target === path.resolve(staticDir) ? null : await fileIfExists(target);
  if (size !== null) {
    // Vite puts content-hashed files under assets/: safe to cache for good.
    const hashed = urlPath.startsWith('/assets/');
    streamFile(req, res, target, size, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    return;
  }
  // SPA fallback: extensionless paths are client-side routes; a missing asset is a real 404.
  if (path.posix.extname(urlPath) === '') {
    streamFile(req, res, index, indexSize, 'no-cache');
    return;
  }
  send(res, req, 404, 'text/plain; charset=utf-8', 'no-store', Buffer.from('not found\n'));
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, cache: string, body: Buffer): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': cache });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function streamFile(req: IncomingMessage, res: ServerResponse, file: string, size: number, cache: string): void {
  res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': contentTypeFor(file), 'Content-Length': size, 'Cache-Control': cache });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.once('error', () => res.destroy());
  stream.pipe(res);
}
