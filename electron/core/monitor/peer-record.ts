// One peer as the monitor sees it: an outbound HeartbeatClient across its reconnects,
// or one inbound session accepted by our server. Holds the bounded RTT history, the
// peer's PeerFaults and cumulative counters, and turns it all into a PeerInfo.
import type {
  CloseReason,
  ConnectArgs,
  HeartbeatConfig,
  PeerDirection,
  PeerInfo,
  PeerState,
  PeerStats,
} from '../../../shared/contract';
import type { HeartbeatClient } from '../heartbeat/client';
import type { BeatKind, HeartbeatSession, SessionCounters } from '../heartbeat/session';
import type { PeerFaults } from '../faults/peer-faults';
import { BeatWindow } from './beat-window';
import type { NewLogEvent } from './event-log';
import { SampleRing } from './sample-ring';

/** What a peer reports to its owner (the MonitorService). */
export interface PeerHooks {
  changed(peer: PeerRecord): void;
  sample(peer: PeerRecord, atMs: number, rttMs: number): void;
  beat(peer: PeerRecord, kind: BeatKind): void;
  log(e: NewLogEvent): void;
  /** a session of this peer closed (metrics) */
  sessionClosed(peer: PeerRecord, reason: CloseReason): void;
}

export interface PeerInit {
  id: string;
  name: string;
  direction: PeerDirection;
  serverId?: string;
  config: HeartbeatConfig;
  faults: PeerFaults;
  historySize: number;
  hooks: PeerHooks;
  /** outbound: what connect() was called with (normalized), for savedSetup */
  connectArgs?: ConnectArgs;
  /** outbound: "host:port" shown as remote before the first socket exists */
  target?: string;
}

export function zeroCounters(): SessionCounters {
  return { pingsSent: 0, pongsReceived: 0, bytesIn: 0, bytesOut: 0, dataBytesIn: 0, dataBytesOut: 0 };
}

export function addCounters(into: SessionCounters, c: Readonly<SessionCounters>): void {
  into.pingsSent += c.pingsSent;
  into.pongsReceived += c.pongsReceived;
  into.bytesIn += c.bytesIn;
  into.bytesOut += c.bytesOut;
  into.dataBytesIn += c.dataBytesIn;
  into.dataBytesOut += c.dataBytesOut;
}

export class PeerRecord {
  readonly id: string;
  name: string;
  readonly direction: PeerDirection;
  readonly serverId?: string;
  readonly config: HeartbeatConfig;
  readonly faults: PeerFaults;
  readonly history: SampleRing;
  readonly connectArgs?: ConnectArgs;
  client: HeartbeatClient | null = null;
  /** the live session, or the last one (its RTT figures stay on show while disconnected) */
  session: HeartbeatSession | null = null;
  /** set once removed: late events from its sockets are ignored */
  removed = false;
  /** epoch ms when an inbound peer closed (for pruning the oldest closed ones) */
  closedAt: number | null = null;

  private readonly hooks: PeerHooks;
  private readonly beats = new BeatWindow();
  /** counters of this peer's finished sessions */
  private readonly finished = zeroCounters();
  private inboundState: PeerState = 'connected';
  private lastCloseReason: CloseReason | undefined;
  private phiAtClose = 0;
  private _local = '';
  private _remote: string;

  constructor(init: PeerInit) {
    this.id = init.id;
    this.name = init.name;
    this.direction = init.direction;
    if (init.serverId !== undefined) this.serverId = init.serverId;
    this.config = init.config;
    this.faults = init.faults;
    this.history = new SampleRing(init.historySize);
    this.hooks = init.hooks;
    if (init.connectArgs) this.connectArgs = init.connectArgs;
    this._remote = init.target ?? '';
  }

  get live(): HeartbeatSession | null {
    return this.session !== null && !this.session.closed ? this.session : null;
  }

  get state(): PeerState {
    if (this.client) return this.client.state;
    return this.inboundState;
  }

  get closeReason(): CloseReason | undefined {
    return this.lastCloseReason;
  }

  /** Counters summed over every session of this peer (finished ones + the live one). */
  counters(): SessionCounters {
    const c = zeroCounters();
    addCounters(c, this.finished);
    const s = this.live;
    if (s) addCounters(c, s.counters);
    return c;
  }

  // ---- wiring ------------------------------------------------------------------

  /** Outbound: follow the client's state, closes and reconnects. */
  attachClient(client: HeartbeatClient): void {
    this.client = client;
    client.on('state', () => {
      if (!this.removed) this.hooks.changed(this);
    });
    client.on('session', (s) => {
      if (!this.removed) this.attachSession(s);
    });
    client.on('closed', (reason) => {
      if (this.removed) return;
      this.lastCloseReason = reason;
      this.hooks.log({ type: 'closed', peer: this.id, reason });
      // Ends of sessions and failed dials alike.
      this.hooks.sessionClosed(this, reason);
      this.hooks.changed(this);
    });
    client.on('reconnecting', ({ attempt, delayMs }) => {
      if (this.removed) return;
      this.hooks.log({ type: 'reconnecting', peer: this.id, attempt, delayMs });
      this.hooks.changed(this);
    });
  }

  /** A new TCP connection of this peer (inbound: its only one). */
  attachSession(s: HeartbeatSession): void {
    this.session = s;
    this.closedAt = null;
    this._local = s.local;
    this._remote = s.remote;
    this.faults.attachSession(s);
    s.on('rtt', (rttMs, atMs) => {
      if (this.removed) return;
      this.history.push(atMs, rttMs);
      this.hooks.sample(this, atMs, rttMs);
    });
    s.on('beat', (kind) => {
      if (this.removed) return;
      this.beats.add(kind);
      this.hooks.beat(this, kind);
    });
    s.on('hello', () => {
      if (!this.removed) this.hooks.changed(this);
    });
    s.once('closed', (reason) => {
      addCounters(this.finished, s.counters);
      try {
        this.phiAtClose = s.phi();
      } catch {
        this.phiAtClose = 0;
      }
      if (this.removed) return;
      if (!this.client) {
        // Inbound: this was the peer's only connection; it stays listed as closed.
        this.inboundState = 'closed';
        this.lastCloseReason = reason;
        this.closedAt = Date.now();
        this.hooks.log({ type: 'closed', peer: this.id, server: this.serverId, reason });
        this.hooks.sessionClosed(this, reason);
      } // outbound: the client's 'closed' event logs and counts it
      this.hooks.changed(this);
    });
    this.phiAtClose = 0;
    if (!this.client) this.hooks.log({ type: 'connected', peer: this.id, server: this.serverId });
    else this.hooks.log({ type: 'connected', peer: this.id });
    this.hooks.changed(this);
  }

  resizeHistory(n: number): void {
    this.history.resize(n);
  }

  // ---- views -------------------------------------------------------------------

  stats(): PeerStats {
    const s = this.session;
    const live = this.live;
    const c = this.counters();
    const rtt = s?.rtt;
    const winLoss = this.beats.lossPct;
    return {
      rttLastMs: rtt?.last ?? null,
      rttMinMs: rtt?.min ?? null,
      rttP50Ms: rtt?.percentile(50) ?? null,
      rttP95Ms: rtt?.percentile(95) ?? null,
      rttP99Ms: rtt?.percentile(99) ?? null,
      srttMs: s?.estimator.srtt ?? null,
      rttvarMs: s?.estimator.rttvar ?? null,
      jitterMs: rtt?.jitter ?? null,
      pingsSent: c.pingsSent,
      pongsReceived: c.pongsReceived,
      // Windowed over the last 100 decided heartbeats (see BeatWindow); a ping still
      // within its timeout is not counted yet. Falls back to the cumulative ratio.
      lossPct: winLoss ?? (c.pingsSent > 0 ? Math.max(0, 100 * (1 - c.pongsReceived / c.pingsSent)) : 0),
      phi: live ? live.phi() : this.phiAtClose,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      dataBytesIn: c.dataBytesIn,
      dataBytesOut: c.dataBytesOut,
      reconnects: this.client?.reconnects ?? 0,
      connectedSince: live ? live.startedAt : null,
    };
  }

  info(): PeerInfo {
    const p: PeerInfo = {
      id: this.id,
      name: this.name,
      direction: this.direction,
      local: this._local,
      remote: this._remote,
      protocol: this.config.protocol,
      intervalMs: this.config.intervalMs,
      timeoutMs: this.config.timeoutMs,
      timeoutMode: this.config.timeoutMode,
      state: this.state,
      faults: this.faults.faults,
      stats: this.stats(),
    };
    if (this.serverId !== undefined) p.serverId = this.serverId;
    if (this.lastCloseReason !== undefined) p.closeReason = this.lastCloseReason;
    return p;
  }
}
