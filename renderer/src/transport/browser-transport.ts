// Browser served by `heartwire web`: one WebSocket carrying snapshot/update/result messages
// (MONITOR-API.md). Commands are correlated by id; the socket reconnects with backoff and
// every (re)connect brings a fresh snapshot (pushed by the host, or requested if it is late).
import type {
  CommandArgs,
  CommandName,
  CommandOutcome,
  CommandResult,
  Snapshot,
  UpdateBatch,
} from '../../../shared/contract';
import { CommandFailure } from '../../../shared/command-failure';
import { asCommandError } from './to-failure';
import { backoffDelay } from './backoff';
import { TransportBase } from './transport';

/** The part of the DOM WebSocket we use, so tests can inject a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

const OPEN = 1;

export interface BrowserTransportOptions {
  url: string;
  createSocket?: WebSocketFactory;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** if the host has not pushed a snapshot this long after open, ask for one */
  snapshotTimeoutMs?: number;
  commandTimeoutMs?: number;
  random?: () => number;
  /** shown while disconnected (e.g. "no token in the URL") */
  detail?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: CommandFailure) => void;
  timer: ReturnType<typeof setTimeout>;
}

type ServerMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'update'; batch: UpdateBatch }
  | { type: 'result'; id: number | null; outcome: CommandOutcome<CommandName> };

export class BrowserTransport extends TransportBase {
  readonly kind = 'browser' as const;
  private readonly pending = new Map<number, Pending>();
  private socket: WebSocketLike | undefined;
  private nextId = 1;
  private attempt = 0;
  private started = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly createSocket: WebSocketFactory;

  constructor(private readonly opts: BrowserTransportOptions) {
    super();
    this.createSocket = opts.createSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.open();
  }

  private open(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    this.setInfo({ status: 'connecting' });
    let ws: WebSocketLike;
    try {
      ws = this.createSocket(this.opts.url);
    } catch (e) {
      this.scheduleReconnect(e instanceof Error ? e.message : String(e));
      return;
    }
    this.socket = ws;
    let gotSnapshot = false;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.setInfo({ status: 'connected' });
      this.snapshotTimer = setTimeout(() => {
        if (gotSnapshot || this.socket !== ws) return;
        this.getSnapshot().then(
          (snap) => {
            if (this.socket === ws && !gotSnapshot) {
              gotSnapshot = true;
              this.snapshots.emit(snap);
            }
          },
          () => undefined, // the close handler reports the failure
        );
      }, this.opts.snapshotTimeoutMs ?? 1500);
    };
    ws.onmessage = (ev) => {
      if (this.socket !== ws) return;
      const msg = parseMessage(ev.data);
      if (!msg) return;
      if (msg.type === 'snapshot') {
        gotSnapshot = true;
        // A healthy session: the next drop starts the backoff from scratch.
        this.attempt = 0;
        this.snapshots.emit(msg.snapshot);
      } else if (msg.type === 'update') {
        this.updates.emit(msg.batch);
      } else {
        this.settle(msg.id, msg.outcome);
      }
    };
    ws.onerror = () => {
      // onclose follows and does the work; nothing useful is in the error event.
    };
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
      this.failPending('connection to Heartwire lost');
      if (this.closed) return;
      this.scheduleReconnect(ev?.reason || undefined);
    };
  }

  private scheduleReconnect(reason?: string): void {
    const delay = backoffDelay(this.attempt++, this.opts.retryBaseMs ?? 250, this.opts.retryCapMs ?? 10_000, this.opts.random);
    const detail = this.opts.detail ?? reason;
    this.setInfo(detail ? { status: 'disconnected', detail, retryAt: Date.now() + delay } : { status: 'disconnected', retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private settle(id: number | null, outcome: CommandOutcome<CommandName>): void {
    if (id === null || id === undefined) {
      if (!outcome.ok) console.warn('heartwire: host rejected a message', outcome.error);
      return;
    }
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (outcome && outcome.ok) p.resolve(outcome.result);
    else p.reject(new CommandFailure(asCommandError(outcome?.error) ?? { kind: 'internal', message: 'malformed result from host' }));
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CommandFailure({ kind: 'internal', message }));
      this.pending.delete(id);
    }
  }

  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
    const ws = this.socket;
    if (!ws || ws.readyState !== OPEN) {
      return Promise.reject(new CommandFailure({ kind: 'internal', message: 'not connected to Heartwire (reconnecting…)' }));
    }
    const id = this.nextId++;
    return new Promise<CommandResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new CommandFailure({ kind: 'internal', message: `${name} timed out` }));
      }, this.opts.commandTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        ws.send(JSON.stringify({ type: 'command', id, name, args }));
      } catch (e) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new CommandFailure({ kind: 'internal', message: e instanceof Error ? e.message : String(e) }));
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    const ws = this.socket;
    this.socket = undefined;
    this.failPending('transport closed');
    try {
      ws?.close(1000, 'bye');
    } catch {
      // already closing
    }
    this.setInfo({ status: 'disconnected', detail: 'closed' });
    this.clearListeners();
  }
}

function parseMessage(data: unknown): ServerMessage | undefined {
  if (typeof data !== 'string') return undefined;
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'snapshot' && typeof o.snapshot === 'object' && o.snapshot) return o as unknown as ServerMessage;
  if (o.type === 'update' && typeof o.batch === 'object' && o.batch) return o as unknown as ServerMessage;
  if (o.type === 'result' && typeof o.outcome === 'object' && o.outcome) return o as unknown as ServerMessage;
  return undefined;
}

// ---- where to connect -------------------------------------------------------

export const TOKEN_KEY = 'heartwire.token';

type TokenStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The token from `?token=` (remembered in sessionStorage), else the remembered one. */
export function resolveToken(search: string, storage: TokenStorage | undefined): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  try {
    if (fromUrl) {
      storage?.setItem(TOKEN_KEY, fromUrl);
      return fromUrl;
    }
    return storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    // storage may be disabled (privacy mode): the URL token still works
    return fromUrl || null;
  }
}

export function webSocketUrl(loc: { protocol: string; host: string }, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${loc.host}/ws${q}`;
}
