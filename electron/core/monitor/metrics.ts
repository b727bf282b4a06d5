// Cumulative counters for the /metrics endpoint. Totals cover every peer ever seen:
// peers still listed are summed live, removed ones were folded into `retired`.
import type { CloseReason, PeerDirection } from '../../../shared/contract';
import type { SessionCounters } from '../heartbeat/session';
import { addCounters, zeroCounters } from './peer-record';

export type RttObserver = (rttMs: number, peerId: string, direction: PeerDirection) => void;

/** Read-only view the web host's /metrics reads (Prometheus counters/gauges). */
export interface MonitorMetrics {
  /** closes (and failed dials) per CloseReason, all peers, since start */
  readonly closesByReason: Readonly<Record<string, number>>;
  /** closes with reason 'heartbeat-timeout' */
  readonly heartbeatTimeouts: number;
  /** outbound reconnects (dials after the first), all peers ever */
  readonly reconnects: number;
  readonly pingsSent: number;
  readonly pongsReceived: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly dataBytesIn: number;
  readonly dataBytesOut: number;
  /** gauges */
  readonly peers: number;
  readonly connectedPeers: number;
  readonly servers: number;
  /** Called for every RTT sample (e.g. a Histogram.observe); returns an unsubscribe. */
  onRtt(observer: RttObserver): () => void;
}

/** What the tracker needs from the monitor to sum live peers. */
export interface MetricsSource {
  liveCounters(): { counters: SessionCounters; reconnects: number; connected: number; peers: number };
  serverCount(): number;
}

export class MetricsTracker implements MonitorMetrics {
  private readonly closes: Record<string, number> = {};
  private readonly retired = zeroCounters();
  private retiredReconnects = 0;
  private readonly observers = new Set<RttObserver>();

  constructor(private readonly source: MetricsSource) {}

  // ---- fed by the monitor ----
  closed(reason: CloseReason): void {
    this.closes[reason] = (this.closes[reason] ?? 0) + 1;
  }

  retire(counters: SessionCounters, reconnects: number): void {
    addCounters(this.retired, counters);
    this.retiredReconnects += reconnects;
  }

  rtt(rttMs: number, peerId: string, direction: PeerDirection): void {
    for (const o of this.observers) {
      try {
        o(rttMs, peerId, direction);
      } catch {
        // an observer's bug must not break the heartbeat path
      }
    }
  }

  get hasRttObservers(): boolean {
    return this.observers.size > 0;
  }

  // ---- MonitorMetrics ----
  get closesByReason(): Readonly<Record<string, number>> {
    return { ...this.closes };
  }

  get heartbeatTimeouts(): number {
    return this.closes['heartbeat-timeout'] ?? 0;
  }

  private totals(): SessionCounters & { reconnects: number; connected: number; peers: number } {
    const live = this.source.liveCounters();
    const c = zeroCounters();
    addCounters(c, this.retired);
    addCounters(c, live.counters);
    return { ...c, reconnects: this.retiredReconnects + live.reconnects, connected: live.connected, peers: live.peers };
  }

  get reconnects(): number {
    return this.totals().reconnects;
  }
  get pingsSent(): number {
    return this.totals().pingsSent;
  }
  get pongsReceived(): number {
    return this.totals().pongsReceived;
  }
  get bytesIn(): number {
    return this.totals().bytesIn;
  }
  get bytesOut(): number {
    return this.totals().bytesOut;
  }
  get dataBytesIn(): number {
    return this.totals().dataBytesIn;
  }
  get dataBytesOut(): number {
    return this.totals().dataBytesOut;
  }
  get peers(): number {
    return this.source.liveCounters().peers;
  }
  get connectedPeers(): number {
    return this.source.liveCounters().connected;
  }
  get servers(): number {
    return this.source.serverCount();
  }

  onRtt(observer: RttObserver): () => void {
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }
}
