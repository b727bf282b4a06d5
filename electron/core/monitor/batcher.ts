// Collects everything that changed and pushes it as one UpdateBatch at most every
// `intervalMs` (DESIGN.md §6: ≤ ~10 batches a second). One unref'd timer, armed only
// while something is pending, so an idle monitor costs nothing and never keeps the
// process alive.
import type { LogEvent, PeerInfo, Sample, ServerInfo, UpdateBatch } from '../../../shared/contract';

export interface BatchSource {
  peerInfo(id: string): PeerInfo | undefined;
  serverInfo(id: string): ServerInfo | undefined;
  health(nowMs: number): UpdateBatch['health'];
}

export interface BatcherOptions {
  intervalMs: number;
  source: BatchSource;
  emit: (batch: UpdateBatch) => void;
  now?: () => number;
  /** pending samples kept per peer between flushes (newest win) */
  maxPendingSamples?: number;
  /** pending beat characters kept per peer between flushes (newest win) */
  maxPendingBeats?: number;
  /**
   * While the last pushed heartbeatsPerSec was non-zero, check health this often even
   * when nothing else changed, so the status bar drops to 0 after the last peer goes.
   */
  healthTickMs?: number;
}

export class UpdateBatcher {
  private readonly opts: Required<Omit<BatcherOptions, 'now'>> & { now: () => number };
  private peers = new Set<string>();
  private removedPeers = new Set<string>();
  private servers = new Set<string>();
  private removedServers = new Set<string>();
  private samples = new Map<string, Sample[]>();
  private beats = new Map<string, string>();
  private events: LogEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  private lastFlush = -Infinity;
  private seq = 0;
  private lastHealth: UpdateBatch['health'] = { eventLoopLagMs: 0, heartbeatsPerSec: 0 };
  private disposed = false;

  constructor(opts: BatcherOptions) {
    this.opts = {
      maxPendingSamples: 10_000,
      maxPendingBeats: 4_096,
      healthTickMs: 1_000,
      now: Date.now,
      ...opts,
    };
  }

  /** Number of batches pushed so far (= seq of the last one). */
  get batches(): number {
    return this.seq;
  }

  get pending(): boolean {
    return (
      this.peers.size + this.removedPeers.size + this.servers.size + this.removedServers.size + this.samples.size + this.beats.size + this.events.length >
      0
    );
  }

  markPeer(id: string): void {
    this.peers.add(id);
    this.schedule();
  }

  peerRemoved(id: string): void {
    this.peers.delete(id);
    this.samples.delete(id);
    this.beats.delete(id);
    this.removedPeers.add(id);
    this.schedule();
  }

  sample(id: string, atMs: number, rttMs: number): void {
    let list = this.samples.get(id);
    if (!list) this.samples.set(id, (list = []));
    list.push([atMs, rttMs]);
    if (list.length > this.opts.maxPendingSamples) list.splice(0, list.length - this.opts.maxPendingSamples);
    this.peers.add(id); // its stats moved
    this.schedule();
  }

  beat(id: string, kind: string): void {
    let s = (this.beats.get(id) ?? '') + kind;
    if (s.length > this.opts.maxPendingBeats) s = s.slice(s.length - this.opts.maxPendingBeats);
    this.beats.set(id, s);
    this.peers.add(id);
    this.schedule();
  }

  event(e: LogEvent): void {
    this.events.push(e);
    this.schedule();
  }

  markServer(id: string): void {
    this.servers.add(id);
    this.schedule();
  }

  serverRemoved(id: string): void {
    this.servers.delete(id);
    this.removedServers.add(id);
    this.schedule();
  }

  /** Arms the one timer for `dueAt` unless it already fires by then. */
  private arm(dueAt: number): void {
    if (this.disposed) return;
    if (this.timer) {
      if (this.timerDue <= dueAt) return;
      clearTimeout(this.timer);
    }
    this.timerDue = dueAt;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, dueAt - this.opts.now()));
    this.timer.unref();
  }

  private schedule(): void {
    this.arm(this.lastFlush + this.opts.intervalMs);
  }

  private onTimer(): void {
    this.timer = null;
    if (this.pending) {
      this.flush();
      return;
    }
    // Health tick: push a health-only batch when the heartbeat rate changed.
    const health = this.opts.source.health(this.opts.now());
    if (health.heartbeatsPerSec !== this.lastHealth.heartbeatsPerSec) this.flush(health);
    else if (health.heartbeatsPerSec !== 0) this.arm(this.opts.now() + this.opts.healthTickMs);
  }

  /** Builds and pushes the pending batch now (if anything is pending); returns it. */
  flush(health?: UpdateBatch['health']): UpdateBatch | null {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const now = this.opts.now();
    if (!this.pending && !health) return null;
    const { source } = this.opts;
    const peers: PeerInfo[] = [];
    for (const id of this.peers) {
      const p = source.peerInfo(id);
      if (p) peers.push(p);
    }
    const servers: ServerInfo[] = [];
    for (const id of this.servers) {
      const s = source.serverInfo(id);
      if (s) servers.push(s);
    }
    const batch: UpdateBatch = {
      seq: ++this.seq,
      t: now,
      peers,
      removedPeers: [...this.removedPeers],
      servers,
      removedServers: [...this.removedServers],
      samples: Object.fromEntries(this.samples),
      beats: Object.fromEntries(this.beats),
      events: this.events,
      health: health ?? source.health(now),
    };
    this.peers = new Set();
    this.removedPeers = new Set();
    this.servers = new Set();
    this.removedServers = new Set();
    this.samples = new Map();
    this.beats = new Map();
    this.events = [];
    this.lastFlush = now;
    this.lastHealth = batch.health;
    if (batch.health.heartbeatsPerSec !== 0) this.arm(now + this.opts.healthTickMs);
    this.opts.emit(batch);
    return batch;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
