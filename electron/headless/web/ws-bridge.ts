// WebSocket bridge (MONITOR-API.md "Web transport"): snapshot on connect, then every update
// batch, and command → result RPC through monitor.dispatch. Token and Origin are checked at
// upgrade, before any WebSocket exists.
//
// Slow clients: an update is not queued for a client whose socket already buffers more
// than `highWaterBytes`; instead it is merged (batch-merge.ts) into one pending batch that
// is sent as soon as the socket drains. A client that never drains therefore costs at most
// one bounded merged batch, and still ends with a consistent view. A client that lets its
// buffer pass `hardLimitBytes` anyway (e.g. by firing commands without reading results)
// is terminated.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { CommandName, CommandOutcome, Snapshot, UpdateBatch } from '../../../shared/contract';
import type { WebMonitor } from './monitor-port';
import { bearerToken, originAllowed, tokensEqual } from './auth';
import { mergeBatches } from './batch-merge';
import { MAX_BODY_BYTES } from './http-util';

export interface WsBridgeOptions {
  monitor: WebMonitor;
  token: string;
  highWaterBytes?: number;
  hardLimitBytes?: number;
  keepAliveMs?: number;
}

export type ServerMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'update'; batch: UpdateBatch }
  | { type: 'result'; id: number | string | null; outcome: CommandOutcome<CommandName> };

interface Client {
  ws: WebSocket;
  pending: UpdateBatch | null;
  /** what the snapshot already held, trimmed from the first update sent */
  overlap: Overlap | null;
  alive: boolean;
}

interface Overlap {
  lastSampleT: Record<string, number>;
  lastEventSeq: number;
}

export class WsBridge {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: () => void;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly highWater: number;
  private readonly hardLimit: number;
  private closed = false;

  constructor(private readonly opts: WsBridgeOptions) {
    this.highWater = opts.highWaterBytes ?? 256 * 1024;
    this.hardLimit = opts.hardLimitBytes ?? 16 * 1024 * 1024;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, perMessageDeflate: false });
    this.unsubscribe = opts.monitor.onUpdate((batch) => this.broadcast(batch));
    this.keepAlive = setInterval(() => this.checkAlive(), opts.keepAliveMs ?? 30_000);
    this.keepAlive.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Handles an HTTP upgrade already routed to the WebSocket path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    if (this.closed) return reject(socket, 503, 'Service Unavailable');
    const given = url.searchParams.get('token') ?? bearerToken(req.headers.authorization);
    if (!tokensEqual(given, this.opts.token)) return reject(socket, 401, 'Unauthorized');
    if (!originAllowed(req.headers.origin, req.headers.host)) return reject(socket, 403, 'Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const snapshot = this.opts.monitor.snapshot();
    const client: Client = { ws, pending: null, overlap: overlapOf(snapshot), alive: true };
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => void this.onMessage(client, data, isBinary));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.clients.delete(client));
    this.send(client, { type: 'snapshot', snapshot });
  }

  private broadcast(batch: UpdateBatch): void {
    let text: string | undefined;
    for (const client of this.clients) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.pending || client.overlap || client.ws.bufferedAmount > this.highWater) {
        client.pending = client.pending ? mergeBatches(client.pending, batch) : batch;
        this.flush(client);
      } else {
        text ??= JSON.stringify({ type: 'update', batch });
        this.sendText(client, text);
      }
    }
  }

  /** Sends the pending (merged) batch if the socket has room. */
  private flush(client: Client): void {
    if (!client.pending || client.ws.readyState !== WebSocket.OPEN || client.ws.bufferedAmount > this.highWater) return;
    let batch = client.pending;
    client.pending = null;
    if (client.overlap) {
      batch = trimOverlap(batch, client.overlap);
      client.overlap = null;
    }
    this.send(client, { type: 'update', batch });
  }

  private send(client: Client, msg: ServerMessage): void {
    this.sendText(client, JSON.stringify(msg));
  }

  private sendText(client: Client, text: string): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.hardLimit) {
      ws.terminate();
      return;
    }
    // The callback runs once the bytes reach the kernel: the moment to send what waited.
    ws.send(text, (err) => {
      if (!err) this.flush(client);
    });
  }

  private async onMessage(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    let id: number | string | null = null;
    let outcome: CommandOutcome<CommandName>;
    try {
      const msg = isBinary ? undefined : parse(rawToString(data));
      if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
        outcome = invalid('message must be a JSON object', 'message');
      } else {
        const m = msg as Record<string, unknown>;
        if (typeof m.id === 'number' || typeof m.id === 'string') id = m.id;
        if (m.type !== 'command') outcome = invalid('type must be "command"', 'type');
        else if (typeof m.name !== 'string') outcome = invalid('name must be a command name', 'name');
        else outcome = await this.opts.monitor.dispatch(m.name, m.args === undefined ? {} : m.args);
      }
    } catch (err) {
      outcome = { ok: false, error: { kind: 'internal', message: err instanceof Error ? err.message : String(err) } };
    }
    this.send(client, { type: 'result', id, outcome });
  }

  private checkAlive(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  /** Closes every client (1001 going away; terminated if it does not answer) and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.keepAlive);
    const waits = [...this.clients].map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1001, 'server shutting down');
          setTimeout(() => ws.terminate(), 1000).unref();
        }),
    );
    await Promise.all(waits);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

const NOT_JSON = Symbol('not json');
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function invalid(message: string, field: string): CommandOutcome<CommandName> {
  return { ok: false, error: { kind: 'invalid', message, field } };
}

function reject(socket: Duplex, status: number, text: string): void {
  const body = `${status} ${text}\n`;
  socket.once('finish', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function overlapOf(snapshot: Snapshot): Overlap {
  const lastSampleT: Record<string, number> = {};
  for (const [id, list] of Object.entries(snapshot.samples)) {
    if (list.length) lastSampleT[id] = list[list.length - 1][0];
  }
  let lastEventSeq = -Infinity;
  for (const e of snapshot.events) lastEventSeq = Math.max(lastEventSeq, e.seq);
  return { lastSampleT, lastEventSeq };
}

/** Drops from the first update what the snapshot sent just before already contained. */
export function trimOverlap(batch: UpdateBatch, overlap: Overlap): UpdateBatch {
  const samples: UpdateBatch['samples'] = {};
  for (const [id, list] of Object.entries(batch.samples)) {
    const cut = overlap.lastSampleT[id];
    const kept = cut === undefined ? list : list.filter(([t]) => t > cut);
    if (kept.length) samples[id] = kept;
  }
  return { ...batch, samples, events: batch.events.filter((e) => e.seq > overlap.lastEventSeq) };
}
