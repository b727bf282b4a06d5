// MonitorService (DESIGN.md §1, §6): owns the heartbeat servers and peers, implements
// every command of shared/contract.ts, and aggregates what happens into bounded
// history, a bounded event log and batched UpdateBatches (≤ ~10/s). Every transport
// (IPC, WebSocket, REST, CLI) drives the core only through this class.
//
// Documented choices:
// - Peer ids p1, p2, …; server ids s1, s2, … (never reused within one MonitorService).
// - lossPct: windowed over the peer's last 100 decided heartbeats (answered, late or
//   missed); a ping still inside its timeout is not counted yet.
// - health.eventLoopLagMs: p99 event-loop delay over the last complete ~1 s window;
//   health.heartbeatsPerSec: PONGs (RTT samples) per second over the last second, all peers.
// - Outbound defaults: protocol framed, interval 1000 ms, timeout max(5000, 5·interval),
//   mode fixed, name "host:port". Servers default to host 127.0.0.1 and the same timing.
// - Closed inbound peers stay listed until removePeer; to keep memory bounded on a
//   long run only the newest `maxClosedInbound` (default 256) are kept (older ones are
//   removed with a peer-removed event).
import type { Socket } from 'node:net';
import { CommandFailure } from '../../shared/command-failure';
import {
  DEFAULT_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  type AppConfig,
  type CommandArgs,
  type CommandName,
  type CommandOutcome,
  type CommandResult,
  type ConnectArgs,
  type Faults,
  type HeartbeatConfig,
  type HeartwireApi,
  type LogEvent,
  type PeerInfo,
  type Sample,
  type ServerInfo,
  type SessionExport,
  type Snapshot,
  type StartServerArgs,
  type UpdateBatch,
} from '../../shared/contract';
import { faultsArgSchema, validateArgs, validateWith } from '../../shared/validate';
import { PeerFaults } from './faults/peer-faults';
import { formatAddress } from './heartbeat/address';
import type { BackoffOptions } from './heartbeat/backoff';
import { HeartbeatClient } from './heartbeat/client';
import { HeartbeatServer } from './heartbeat/server';
import type { HeartbeatSession } from './heartbeat/session';
import { makeApi } from './monitor/api';
import { UpdateBatcher } from './monitor/batcher';
import { EventLog, type NewLogEvent } from './monitor/event-log';
import { LoopLag } from './monitor/loop-lag';
import { MetricsTracker, type MonitorMetrics } from './monitor/metrics';
import { PeerRecord, addCounters, zeroCounters, type PeerHooks } from './monitor/peer-record';
import { RateCounter } from './monitor/rate-counter';

export type { MonitorMetrics, RttObserver } from './monitor/metrics';

export const DEFAULT_CONFIG: AppConfig = { historyPerPeer: 3600, eventLogSize: 1000 };
export const DEFAULT_BATCH_INTERVAL_MS = 100;
export const DEFAULT_MAX_CLOSED_INBOUND = 256;

/** Demo (startDemo): faster than the defaults so the chart moves visibly. */
export const DEMO = {
  host: '127.0.0.1',
  firstPort: 7070,
  lastPort: 7090,
  intervalMs: 500,
  timeoutMs: 3000,
  peers: [
    { name: 'steady', faults: {} as Faults },
    { name: 'laggy', faults: { latency: { ms: 40, jitterMs: 15 } } as Faults },
    { name: 'flaky', faults: { dropHeartbeats: { probability: 0.2 } } as Faults },
  ],
} as const;

export interface MonitorOptions {
  config?: Partial<AppConfig>;
  /** default 100 ms */
  batchIntervalMs?: number;
  /** additive: reconnect backoff of outbound peers (default: the engine's 250 ms / 30 s / 10 s) */
  backoff?: BackoffOptions;
  /** additive: how many closed inbound peers are kept listed (default 256) */
  maxClosedInbound?: number;
}

export interface SavedSetup {
  servers: StartServerArgs[];
  peers: (ConnectArgs & { faults?: Faults })[];
}

interface ServerRecord {
  id: string;
  server: HeartbeatServer;
  host: string;
  port: number;
  config: HeartbeatConfig;
  peers: Set<string>;
}

function defaultTimeout(intervalMs: number): number {
  return Math.max(DEFAULT_TIMEOUT_MS, 5 * intervalMs);
}

function heartbeatConfig(a: { protocol?: HeartbeatConfig['protocol']; interval?: number; timeout?: number; timeoutMode?: HeartbeatConfig['timeoutMode'] }): HeartbeatConfig {
  const intervalMs = a.interval ?? DEFAULT_INTERVAL_MS;
  return {
    protocol: a.protocol ?? 'framed',
    intervalMs,
    timeoutMs: a.timeout ?? defaultTimeout(intervalMs),
    timeoutMode: a.timeoutMode ?? 'fixed',
  };
}

const fail = (kind: CommandFailure['kind'], message: string, field?: string): CommandFailure =>
  new CommandFailure(field === undefined ? { kind, message } : { kind, message, field });

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? ((e as NodeJS.ErrnoException).code ?? undefined) : undefined;
}

export class MonitorService {
  readonly api: HeartwireApi;
  readonly metrics: MonitorMetrics;

  private config: AppConfig;
  private readonly backoff: BackoffOptions | undefined;
  private readonly maxClosedInbound: number;
  private readonly servers = new Map<string, ServerRecord>();
  private readonly peers = new Map<string, PeerRecord>();
  private readonly log: EventLog;
  private readonly batcher: UpdateBatcher;
  private readonly listeners = new Set<(batch: UpdateBatch) => void>();
  private readonly pongRate = new RateCounter();
  private readonly lag = new LoopLag();
  private readonly tracker: MetricsTracker;
  private readonly hooks: PeerHooks;
  private nextPeer = 1;
  private nextServer = 1;
  private disposed = false;
  private disposing: Promise<void> | null = null;

  constructor(opts: MonitorOptions = {}) {
    this.config = { ...DEFAULT_CONFIG, ...opts.config };
    const cfgCheck = validateArgs('setConfig', this.config);
    if (!cfgCheck.ok) throw new RangeError(cfgCheck.error.message);
    this.backoff = opts.backoff;
    this.maxClosedInbound = opts.maxClosedInbound ?? DEFAULT_MAX_CLOSED_INBOUND;
    this.log = new EventLog(this.config.eventLogSize);
    this.batcher = new UpdateBatcher({
      intervalMs: opts.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS,
      source: {
        peerInfo: (id) => this.peers.get(id)?.info(),
        serverInfo: (id) => {
          const s = this.servers.get(id);
          return s ? this.serverInfo(s) : undefined;
        },
        health: (now) => this.health(now),
      },
      emit: (batch) => this.emitBatch(batch),
    });
    this.tracker = new MetricsTracker({
      liveCounters: () => {
        const counters = zeroCounters();
        let reconnects = 0;
        let connected = 0;
        for (const p of this.peers.values()) {
          addCounters(counters, p.counters());
          reconnects += p.client?.reconnects ?? 0;
          if (p.live) connected++;
        }
        return { counters, reconnects, connected, peers: this.peers.size };
      },
      serverCount: () => this.servers.size,
    });
    this.metrics = this.tracker;
    this.hooks = {
      changed: (p) => this.batcher.markPeer(p.id),
      sample: (p, atMs, rttMs) => {
        this.pongRate.add(Date.now());
        this.batcher.sample(p.id, atMs, rttMs);
        if (this.tracker.hasRttObservers) this.tracker.rtt(rttMs, p.id, p.direction);
      },
      beat: (p, kind) => this.batcher.beat(p.id, kind),
      log: (e) => this.logEvent(e),
      sessionClosed: (p, reason) => {
        this.tracker.closed(reason);
        if (p.serverId !== undefined) {
          this.batcher.markServer(p.serverId); // its connection count moved
          if (p.direction === 'inbound') this.pruneClosedInbound();
        }
      },
    };
    this.api = makeApi((name, args) => this.dispatch(name, args), (l) => this.onUpdate(l));
  }

  // ---- public surface ------------------------------------------------------------

  /** Validates args with shared/validate.ts, runs the command; never throws. */
  dispatch<K extends CommandName>(name: K, args: unknown): Promise<CommandOutcome<K>>;
  dispatch(name: string, args: unknown): Promise<CommandOutcome<CommandName>>;
  async dispatch(name: string, args: unknown): Promise<CommandOutcome<CommandName>> {
    try {
      const v = validateArgs(name, args);
      if (!v.ok) return { ok: false, error: v.error };
      if (this.disposed) return { ok: false, error: { kind: 'conflict', message: 'the monitor has been shut down' } };
      const result = await this.run(name as CommandName, v.value);
      return { ok: true, result } as CommandOutcome<CommandName>;
    } catch (e) {
      if (e instanceof CommandFailure) return { ok: false, error: e.toCommandError() };
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, error: { kind: 'internal', message: `${name} failed: ${message}` } };
    }
  }

  onUpdate(listener: (batch: UpdateBatch) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  snapshot(): Snapshot {
    return {
      servers: [...this.servers.values()].map((s) => this.serverInfo(s)),
      peers: [...this.peers.values()].map((p) => p.info()),
      samples: this.allSamples(),
      events: this.log.all(),
      config: { ...this.config },
    };
  }

  /** Samples of a peer with time > sinceMs, oldest first; undefined for an unknown peer. */
  samplesSince(peerId: string, sinceMs: number): Sample[] | undefined {
    return this.peers.get(peerId)?.history.since(sinceMs);
  }

  /** Kept events with seq > `seq`; pass `next` back next time. */
  eventsSince(seq: number): { events: LogEvent[]; next: number } {
    return this.log.since(seq);
  }

  /** Framed server on 127.0.0.1:7070 (or the next free port up to 7090) + steady, laggy, flaky. */
  async startDemo(): Promise<void> {
    let server: ServerInfo | null = null;
    for (let port = DEMO.firstPort; port <= DEMO.lastPort && server === null; port++) {
      try {
        server = await this.startServer({ port, host: DEMO.host, protocol: 'framed', interval: DEMO.intervalMs, timeout: DEMO.timeoutMs });
      } catch (e) {
        if (!(e instanceof CommandFailure && e.kind === 'conflict') || this.disposed) throw e;
      }
    }
    if (server === null) throw fail('conflict', `no free port for the demo server in ${DEMO.firstPort}..${DEMO.lastPort}`);
    for (const p of DEMO.peers) {
      this.connectPeer(
        { host: DEMO.host, port: server.port, name: p.name, protocol: 'framed', interval: DEMO.intervalMs, timeout: DEMO.timeoutMs },
        p.faults,
      );
    }
  }

  /** OS resume: every outbound peer reconnects now. */
  reconnectAll(): void {
    for (const p of this.peers.values()) p.client?.reconnectNow();
  }

  savedSetup(): SavedSetup {
    const servers: StartServerArgs[] = [...this.servers.values()].map((s) => ({
      port: s.port,
      host: s.host,
      protocol: s.config.protocol,
      interval: s.config.intervalMs,
      timeout: s.config.timeoutMs,
      timeoutMode: s.config.timeoutMode,
    }));
    const peers: SavedSetup['peers'] = [];
    for (const p of this.peers.values()) {
      if (!p.connectArgs) continue;
      const entry: ConnectArgs & { faults?: Faults } = { ...p.connectArgs };
      if (p.faults.active) entry.faults = p.faults.faults;
      peers.push(entry);
    }
    return { servers, peers };
  }

  /** Starts the saved servers, then the saved peers. Bad or failing entries are logged as 'error' events; never rejects. */
  async restore(setup: SavedSetup): Promise<void> {
    const servers = Array.isArray(setup?.servers) ? setup.servers : [];
    const peers = Array.isArray(setup?.peers) ? setup.peers : [];
    for (const [i, s] of servers.entries()) {
      const r = await this.dispatch('startServer', s);
      if (!r.ok) this.logEvent({ type: 'error', message: `restore: server ${i + 1} not started: ${r.error.message}` });
    }
    for (const [i, p] of peers.entries()) {
      const label = `restore: peer ${i + 1}${p && typeof p === 'object' && typeof p.name === 'string' ? ` (${p.name})` : ''}`;
      const v = validateArgs('connect', p);
      if (!v.ok) {
        this.logEvent({ type: 'error', message: `${label} skipped: ${v.error.message}` });
        continue;
      }
      let faults: Faults = {};
      if (p.faults !== undefined) {
        const f = validateWith(faultsArgSchema, p.faults, 'faults');
        if (f.ok) faults = f.value;
        else this.logEvent({ type: 'error', message: `${label}: faults ignored: ${f.error.message}` });
      }
      if (this.disposed) return;
      this.connectPeer(v.value, faults);
    }
  }

  /** Stops every client and server and clears the timers; the process can exit afterwards. */
  dispose(): Promise<void> {
    if (this.disposing) return this.disposing;
    this.disposed = true;
    this.disposing = (async () => {
      const work: Promise<void>[] = [];
      for (const p of this.peers.values()) {
        p.removed = true;
        if (p.client) work.push(p.client.stop());
        else p.live?.close('local-stop');
      }
      for (const s of this.servers.values()) work.push(s.server.close());
      this.batcher.dispose();
      this.lag.dispose();
      await Promise.allSettled(work);
      this.peers.clear();
      this.servers.clear();
      this.listeners.clear();
    })();
    return this.disposing;
  }

  // ---- commands ------------------------------------------------------------------

  private run<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> | CommandResult<K>;
  private run(name: CommandName, args: unknown): unknown {
    switch (name) {
      case 'startServer':
        return this.startServer(args as StartServerArgs);
      case 'stopServer':
        return this.stopServer((args as { id: string }).id);
      case 'connect':
        return this.connectPeer(args as ConnectArgs, {}).info();
      case 'removePeer':
        return this.removePeer((args as { id: string }).id);
      case 'kill':
        return this.kill(args as CommandArgs<'kill'>);
      case 'setFaults':
        return this.setFaults(args as CommandArgs<'setFaults'>);
      case 'clearFaults':
        return this.setFaults({ id: (args as { id: string }).id, faults: {} });
      case 'reconnect':
        return this.reconnect((args as { id: string }).id);
      case 'setConfig':
        return this.setConfig(args as CommandArgs<'setConfig'>);
      case 'sendData':
        return this.sendData(args as CommandArgs<'sendData'>);
      case 'getSnapshot':
        return this.snapshot();
      case 'exportSession':
        return this.exportSession();
    }
  }

  private async startServer(a: StartServerArgs): Promise<ServerInfo> {
    const host = a.host ?? '127.0.0.1';
    const config = heartbeatConfig(a);
    // The server's pipeFactory runs inside the session constructor, before the
    // 'session' event: remember each socket's PeerFaults so the peer can find it.
    const faultsBySocket = new WeakMap<Socket, PeerFaults>();
    const server = new HeartbeatServer({
      host,
      port: a.port,
      ...config,
      pipeFactory: (socket, deliver) => {
        const pf = new PeerFaults();
        faultsBySocket.set(socket, pf);
        return pf.pipeFactory(socket, deliver);
      },
    });
    let addr: { host: string; port: number };
    try {
      addr = await server.listen();
    } catch (e) {
      const code = errCode(e);
      const where = `${formatAddress(host, a.port)}`;
      if (code === 'EADDRINUSE') throw fail('conflict', `port ${a.port} is already in use on ${host}`);
      if (code === 'EACCES') throw fail('conflict', `permission denied to listen on ${where} (port ${a.port})`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        throw fail('invalid', `host ${host} is not an address of this machine (${code})`, 'host');
      throw e;
    }
    if (this.disposed) {
      await server.close();
      throw fail('conflict', 'the monitor has been shut down');
    }
    const rec: ServerRecord = { id: `s${this.nextServer++}`, server, host, port: addr.port, config, peers: new Set() };
    this.servers.set(rec.id, rec);
    server.on('session', (s) => this.addInbound(rec, s, faultsBySocket.get(s.socket)));
    server.on('error', (err) => this.logEvent({ type: 'error', server: rec.id, message: `server ${rec.id}: ${err.message}` }));
    this.logEvent({ type: 'server-started', server: rec.id, message: `listening on ${formatAddress(addr.host, addr.port)}` });
    this.batcher.markServer(rec.id);
    return this.serverInfo(rec);
  }

  private async stopServer(id: string): Promise<{ ok: true }> {
    const rec = this.servers.get(id);
    if (!rec) throw fail('not-found', `no server with id ${id}`, 'id');
    // Forget it first so a second stop is not-found; closing marks its peers closed (local-stop).
    this.servers.delete(id);
    const closing = rec.server.close();
    this.logEvent({ type: 'server-stopped', server: id });
    this.batcher.serverRemoved(id);
    await closing;
    return { ok: true };
  }

  private addInbound(server: ServerRecord, s: HeartbeatSession, faults: PeerFaults | undefined): void {
    if (this.disposed) {
      s.close('local-stop');
      return;
    }
    const id = `p${this.nextPeer++}`;
    const rec = new PeerRecord({
      id,
      name: `in:${s.remote}`,
      direction: 'inbound',
      serverId: server.id,
      config: server.config,
      faults: faults ?? new PeerFaults(),
      historySize: this.config.historyPerPeer,
      hooks: this.hooks,
    });
    this.peers.set(id, rec);
    server.peers.add(id);
    this.logEvent({ type: 'peer-added', peer: id, server: server.id, message: rec.name });
    rec.attachSession(s);
    this.batcher.markServer(server.id);
  }

  private connectPeer(a: ConnectArgs, faults: Faults): PeerRecord {
    const config = heartbeatConfig(a);
    const name = a.name ?? `${formatAddress(a.host, a.port)}`;
    const connectArgs: ConnectArgs = {
      host: a.host,
      port: a.port,
      name,
      protocol: config.protocol,
      interval: config.intervalMs,
      timeout: config.timeoutMs,
      timeoutMode: config.timeoutMode,
    };
    const pf = new PeerFaults(faults);
    const id = `p${this.nextPeer++}`;
    const rec = new PeerRecord({
      id,
      name,
      direction: 'outbound',
      config,
      faults: pf,
      historySize: this.config.historyPerPeer,
      hooks: this.hooks,
      connectArgs,
      target: formatAddress(a.host, a.port),
    });
    const client = new HeartbeatClient({
      host: a.host,
      port: a.port,
      name,
      ...config,
      pipeFactory: pf.pipeFactory,
      ...(this.backoff ? { backoff: this.backoff } : {}),
    });
    rec.attachClient(client);
    this.peers.set(id, rec);
    this.logEvent({ type: 'peer-added', peer: id, message: `${name} → ${formatAddress(a.host, a.port)}` });
    if (pf.active) this.logEvent({ type: 'fault-set', peer: id, faults: pf.faults });
    client.start();
    this.batcher.markPeer(id);
    return rec;
  }

  private peer(id: string): PeerRecord {
    const p = this.peers.get(id);
    if (!p) throw fail('not-found', `no peer with id ${id}`, 'id');
    return p;
  }

  private async removePeer(id: string): Promise<{ ok: true }> {
    const p = this.peer(id);
    this.peers.delete(id);
    if (p.client) {
      // Let its final close be logged, then ignore anything later.
      const stopping = p.client.stop();
      p.removed = true;
      this.forget(p);
      await stopping;
    } else {
      p.live?.close('local-stop');
      p.removed = true;
      this.forget(p);
    }
    return { ok: true };
  }

  /** Bookkeeping once a peer is out of the map. */
  private forget(p: PeerRecord): void {
    this.tracker.retire(p.counters(), p.client?.reconnects ?? 0);
    if (p.serverId !== undefined) {
      this.servers.get(p.serverId)?.peers.delete(p.id);
      if (this.servers.has(p.serverId)) this.batcher.markServer(p.serverId);
    }
    this.logEvent({ type: 'peer-removed', peer: p.id, message: p.name });
    this.batcher.peerRemoved(p.id);
  }

  private kill(a: CommandArgs<'kill'>): { ok: true } {
    const p = this.peer(a.id);
    const s = p.live;
    if (!s) throw fail('conflict', `peer ${a.id} (${p.name}) has no live connection to kill (state ${p.state})`);
    this.logEvent({ type: 'killed', peer: p.id, mode: a.mode });
    s.kill(a.mode);
    return { ok: true };
  }

  private setFaults(a: CommandArgs<'setFaults'>): PeerInfo {
    const p = this.peer(a.id);
    p.faults.set(a.faults);
    const now = p.faults.faults;
    if (Object.keys(now).length === 0) this.logEvent({ type: 'fault-cleared', peer: p.id });
    else this.logEvent({ type: 'fault-set', peer: p.id, faults: now });
    this.batcher.markPeer(p.id);
    return p.info();
  }

  private reconnect(id: string): { ok: true } {
    const p = this.peer(id);
    if (!p.client) {
      throw fail('conflict', `peer ${id} (${p.name}) is inbound: only outbound peers can reconnect (kill or remove it instead)`);
    }
    p.client.reconnectNow();
    return { ok: true };
  }

  private setConfig(a: CommandArgs<'setConfig'>): AppConfig {
    if (a.historyPerPeer !== undefined && a.historyPerPeer !== this.config.historyPerPeer) {
      this.config.historyPerPeer = a.historyPerPeer;
      for (const p of this.peers.values()) p.resizeHistory(a.historyPerPeer);
    }
    if (a.eventLogSize !== undefined && a.eventLogSize !== this.config.eventLogSize) {
      this.config.eventLogSize = a.eventLogSize;
      this.log.resize(a.eventLogSize);
    }
    return { ...this.config };
  }

  private sendData(a: CommandArgs<'sendData'>): { bytes: number } {
    const p = this.peer(a.id);
    const s = p.live;
    if (!s) throw fail('conflict', `peer ${a.id} (${p.name}) has no live connection to send on (state ${p.state})`);
    const bytes = a.text !== undefined ? Buffer.from(a.text, 'utf8') : Buffer.from(a.base64 ?? '', 'base64');
    s.sendData(bytes);
    return { bytes: bytes.length };
  }

  private exportSession(): SessionExport {
    const snap = this.snapshot();
    return { exportedAt: Date.now(), peers: snap.peers, servers: snap.servers, samples: snap.samples, events: snap.events };
  }

  // ---- internals -----------------------------------------------------------------

  private serverInfo(s: ServerRecord): ServerInfo {
    return {
      id: s.id,
      host: s.host,
      port: s.port,
      protocol: s.config.protocol,
      intervalMs: s.config.intervalMs,
      timeoutMs: s.config.timeoutMs,
      timeoutMode: s.config.timeoutMode,
      connections: s.server.sessions.size,
      listening: this.servers.get(s.id) === s && s.server.address !== null,
    };
  }

  private allSamples(): Record<string, Sample[]> {
    const out: Record<string, Sample[]> = {};
    for (const p of this.peers.values()) out[p.id] = p.history.toArray();
    return out;
  }

  private health(now: number): UpdateBatch['health'] {
    return { eventLoopLagMs: this.lag.read(now), heartbeatsPerSec: this.pongRate.perSecond(now) };
  }

  private logEvent(e: NewLogEvent): void {
    if (e.server === undefined) delete e.server;
    const ev = this.log.append(e);
    this.batcher.event(ev);
  }

  private emitBatch(batch: UpdateBatch): void {
    for (const l of [...this.listeners]) {
      try {
        l(batch);
      } catch {
        // one broken listener must not starve the others
      }
    }
  }

  /** Keeps at most maxClosedInbound closed inbound peers listed (oldest go first). */
  private pruneClosedInbound(): void {
    const closed: PeerRecord[] = [];
    for (const p of this.peers.values()) if (p.direction === 'inbound' && p.closedAt !== null) closed.push(p);
    if (closed.length <= this.maxClosedInbound) return;
    closed.sort((x, y) => (x.closedAt as number) - (y.closedAt as number));
    for (const p of closed.slice(0, closed.length - this.maxClosedInbound)) {
      this.peers.delete(p.id);
      p.removed = true;
      this.forget(p);
    }
  }
}
