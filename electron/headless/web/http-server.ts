// The web host: one HTTP server carrying the static UI, the REST API, /metrics and the
// WebSocket. Reused by `heartwire web`, the Electron-less `npm start` fallback and tests.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebMonitor } from './monitor-port';
import { isAuthorized } from './auth';
import { BASE_HEADERS, HttpError } from './http-util';
import { handleApi, sendError } from './rest-routes';
import { serveStatic } from './static-files';
import { WsBridge } from './ws-bridge';
import { WebMetrics } from './metrics';

export interface WebHostOptions {
  monitor: WebMonitor;
  /** default 127.0.0.1 */
  host?: string;
  /** 0 = any free port */
  port: number;
  token: string;
  /** the built renderer (index.html + assets) */
  staticDir: string;
  /** called for unexpected handler errors (they become 500s) */
  onError?: (err: unknown) => void;
}

export interface WebHost {
  /** the URL to open, token included: http://127.0.0.1:7071/?token=T */
  url: string;
  /** http://127.0.0.1:7071 */
  origin: string;
  host: string;
  port: number;
  token: string;
  /** stops serving, closes WebSockets and connections; leaves the monitor running */
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

/** Starts listening. Rejects with the Node error (e.g. code EADDRINUSE) if it cannot. */
export async function createWebHost(opts: WebHostOptions): Promise<WebHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  const { monitor, token, staticDir } = opts;
  const onError = opts.onError ?? (() => {});
  const startedAt = Date.now();

  const metrics = new WebMetrics(monitor);
  const bridge = new WsBridge({ monitor, token });

  const server = http.createServer((req, res) => {
    // Every request goes through here: no handler failure can crash the process.
    handle(req, res).catch((err) => {
      if (!(err instanceof HttpError)) onError(err);
      sendError(res, err);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseUrl(req);
    if (!url) throw new HttpError(400, 'bad request URL');
    const path = url.pathname;
    if (path === '/metrics' || path === '/api' || path.startsWith('/api/')) {
      if (!isAuthorized(req, token)) {
        throw new HttpError(401, 'missing or wrong bearer token', undefined, { 'WWW-Authenticate': 'Bearer' });
      }
      if (path === '/metrics') return serveMetrics(req, res);
      return handleApi(req, res, url, monitor, { startedAt, wsClients: () => bridge.clientCount });
    }
    if (path === WS_PATH) throw new HttpError(426, 'use a WebSocket upgrade here', undefined, { Upgrade: 'websocket' });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, `${req.method} not allowed`, undefined, { Allow: 'GET, HEAD' });
    }
    await serveStatic(req, res, staticDir, path);
  }

  async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, `${req.method} not allowed on /metrics`, undefined, { Allow: 'GET, HEAD' });
    }
    const text = await metrics.text();
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': metrics.contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const url = parseUrl(req);
      if (!url || url.pathname !== WS_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      bridge.handleUpgrade(req, socket, head, url);
    } catch (err) {
      onError(err);
      socket.destroy();
    }
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    metrics.close();
    await bridge.close();
    throw err;
  }
  server.on('error', onError);

  const port = (server.address() as { port: number }).port;
  const shownHost = urlHost(bindHost);
  const origin = `http://${shownHost}:${port}`;
  let closing: Promise<void> | null = null;

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    host: bindHost,
    port,
    token,
    close: () =>
      (closing ??= (async () => {
        metrics.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await bridge.close();
        server.closeAllConnections();
        await stopped;
      })()),
  };
}

function parseUrl(req: IncomingMessage): URL | null {
  try {
    const raw = req.url ?? '/';
    // Prefix rather than resolve, so "//x/y" stays a path instead of becoming host "x".
    return raw.startsWith('/') ? new URL('http://localhost' + raw) : new URL(raw);
  } catch {
    return null;
  }
}

/** How to write the bound host in a URL: wildcard binds are reached via loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
