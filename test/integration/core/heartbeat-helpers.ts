// Shared helpers for the heartbeat integration tests: bounded polling, event capture,
// and cleanup of everything a test opened.
import net from 'node:net';
import { HeartbeatClient, type ClientOptions } from '../../../electron/core/heartbeat/client';
import { HeartbeatServer, type ServerOptions } from '../../../electron/core/heartbeat/server';
import type { HeartbeatSession } from '../../../electron/core/heartbeat/session';

/** Polls `pred` until true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(pred: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Closable = { close(): unknown } | { stop(): unknown } | net.Socket | net.Server;

/** Tracks what a test opened so afterEach can close it all. */
export class Cleanup {
  private items: Closable[] = [];

  add<T extends Closable>(x: T): T {
    this.items.push(x);
    return x;
  }

  async run(): Promise<void> {
    const items = this.items.reverse();
    this.items = [];
    for (const x of items) {
      if (x instanceof net.Socket) x.destroy();
      else if (x instanceof net.Server) await new Promise<void>((r) => x.close(() => r()));
      else if ('stop' in x) await x.stop();
      else await x.close();
    }
  }
}

export const FAST = { intervalMs: 40, timeoutMs: 400, timeoutMode: 'fixed', protocol: 'framed' } as const;

export async function startServer(
  cleanup: Cleanup,
  opts: Partial<ServerOptions> = {},
): Promise<{ server: HeartbeatServer; port: number; sessions: HeartbeatSession[] }> {
  const server = cleanup.add(new HeartbeatServer({ ...FAST, port: 0, ...opts }));
  const sessions: HeartbeatSession[] = [];
  server.on('session', (s) => sessions.push(s));
  const { port } = await server.listen();
  return { server, port, sessions };
}

export function startClient(cleanup: Cleanup, opts: Partial<ClientOptions> & { port: number }): HeartbeatClient {
  const client = cleanup.add(new HeartbeatClient({ ...FAST, host: '127.0.0.1', ...opts }));
  client.start();
  return client;
}

/** Records every event of interest on a client. */
export function recordClient(client: HeartbeatClient) {
  const log = {
    closed: [] as string[],
    reconnecting: [] as { attempt: number; delayMs: number; at: number }[],
    sessions: [] as HeartbeatSession[],
  };
  client.on('closed', (r) => log.closed.push(r));
  client.on('reconnecting', (r) => log.reconnecting.push({ ...r, at: Date.now() }));
  client.on('session', (s) => log.sessions.push(s));
  return log;
}

/** A raw TCP client (no heartbeat logic) connected to 127.0.0.1:port; it reads (and drops) what it gets. */
export async function rawConnect(cleanup: Cleanup, port: number): Promise<net.Socket> {
  const sock = cleanup.add(net.connect(port, '127.0.0.1'));
  sock.on('error', () => {});
  sock.resume();
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  return sock;
}

export function closedReason(s: HeartbeatSession): Promise<{ reason: string; at: number }> {
  if (s.closed) return Promise.resolve({ reason: s.closeReason as string, at: performance.now() });
  return new Promise((resolve) => s.once('closed', (reason) => resolve({ reason, at: performance.now() })));
}
