// Prometheus metrics for `GET /metrics`, in a prom-client Registry owned by this host (never
// the global one, so several hosts in one process do not collide).
//
// - RTT histogram: fed from the samples of every update batch (so each sample is observed
//   exactly once).
// - Timeouts: counted from the `closed` log events with reason `heartbeat-timeout` in the
//   batches (since this host started).
// - State, reconnects, bytes, phi, loss: read from one monitor snapshot per scrape.
// Series of removed peers are removed; a peer whose name changes (inbound peers learn it
// from HELLO) has its old-name series dropped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PeerInfo, PeerState, UpdateBatch } from '../../../shared/contract';
import type { WebMonitor } from './monitor-port';

export const RTT_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const STATES: PeerState[] = ['connecting', 'connected', 'reconnecting', 'closed', 'stopped'];
const LABELS = ['peer', 'name'] as const;

export class WebMetrics {
  readonly registry = new Registry();
  private readonly names = new Map<string, string>();
  private readonly unsubscribe: () => void;
  private readonly rtt: Histogram<'peer' | 'name'>;
  private readonly timeouts: Counter<'peer' | 'name'>;
  private readonly up: Gauge<'peer' | 'name'>;
  private readonly state: Gauge<'peer' | 'name' | 'state'>;
  private readonly reconnects: Counter<'peer' | 'name'>;
  private readonly bytesIn: Counter<'peer' | 'name'>;
  private readonly bytesOut: Counter<'peer' | 'name'>;
  private readonly phi: Gauge<'peer' | 'name'>;
  private readonly loss: Gauge<'peer' | 'name'>;
  private readonly closes: Counter<'reason'>;

  constructor(private readonly monitor: WebMonitor) {
    const registers = [this.registry];
    // Registered first: its collect() refreshes every snapshot-derived metric once per scrape.
    this.up = new Gauge({
      name: 'heartwire_peer_up',
      help: 'Whether the peer is connected (1) or not (0)',
      labelNames: LABELS,
      registers,
      collect: () => this.refresh(),
    });
    this.state = new Gauge({
      name: 'heartwire_peer_state',
      help: 'Peer state, one-hot: 1 for the current state',
      labelNames: [...LABELS, 'state'],
      registers,
    });
    this.rtt = new Histogram({
      name: 'heartwire_rtt_seconds',
      help: 'Heartbeat round-trip time per peer',
      labelNames: LABELS,
      buckets: RTT_BUCKETS_SECONDS,
      registers,
    });
    this.timeouts = new Counter({
      name: 'heartwire_heartbeat_timeouts_total',
      help: 'Connections closed for a heartbeat timeout, per peer (since this host started)',
      labelNames: LABELS,
      registers,
    });
    this.reconnects = new Counter({
      name: 'heartwire_reconnects_total',
      help: 'Reconnects of the peer',
      labelNames: LABELS,
      registers,
    });
    this.bytesIn = new Counter({
      name: 'heartwire_bytes_received_total',
      help: 'Bytes received from the peer (heartbeats and data)',
      labelNames: LABELS,
      registers,
    });
    this.bytesOut = new Counter({
      name: 'heartwire_bytes_sent_total',
      help: 'Bytes sent to the peer (heartbeats and data)',
      labelNames: LABELS,
      registers,
    });
    this.phi = new Gauge({
      name: 'heartwire_peer_phi',
      help: 'Phi-accrual suspicion of the peer',
      labelNames: LABELS,
      registers,
    });
    this.loss = new Gauge({
      name: 'heartwire_peer_loss_ratio',
      help: 'Share of pings without a pong (0-1)',
      labelNames: LABELS,
      registers,
    });
    this.closes = new Counter({
      name: 'heartwire_closes_total',
      help: 'Connection closes (and failed dials) by reason, all peers ever, since the monitor started',
      labelNames: ['reason'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry });

    for (const p of monitor.snapshot().peers) this.names.set(p.id, p.name);
    this.unsubscribe = monitor.onUpdate((batch) => this.onBatch(batch));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.unsubscribe();
    this.registry.clear();
  }

  private onBatch(batch: UpdateBatch): void {
    for (const id of batch.removedPeers) this.forget(id);
    for (const p of batch.peers) this.learnName(p);
    for (const [id, samples] of Object.entries(batch.samples)) {
      if (batch.removedPeers.includes(id)) continue;
      const labels = { peer: id, name: this.names.get(id) ?? '' };
      for (const [, rttMs] of samples) {
        if (Number.isFinite(rttMs) && rttMs >= 0) this.rtt.observe(labels, rttMs / 1000);
      }
    }
    for (const e of batch.events) {
      if (e.type === 'closed' && e.reason === 'heartbeat-timeout' && e.peer && !batch.removedPeers.includes(e.peer)) {
        this.timeouts.inc({ peer: e.peer, name: this.names.get(e.peer) ?? '' });
      }
    }
  }

  private learnName(p: PeerInfo): void {
    const old = this.names.get(p.id);
    if (old !== undefined && old !== p.name) {
      this.rtt.remove({ peer: p.id, name: old });
      this.timeouts.remove({ peer: p.id, name: old });
    }
    this.names.set(p.id, p.name);
  }

  private forget(id: string): void {
    const name = this.names.get(id);
    if (name === undefined) return;
    this.rtt.remove({ peer: id, name });
    this.timeouts.remove({ peer: id, name });
    this.names.delete(id);
  }

  /** Rebuilds the snapshot-derived series (removed peers simply vanish). */
  private refresh(): void {
    const peers = this.monitor.snapshot().peers;
    const present = new Set(peers.map((p) => p.id));
    for (const id of [...this.names.keys()]) if (!present.has(id)) this.forget(id);
    for (const m of [this.up, this.state, this.reconnects, this.bytesIn, this.bytesOut, this.phi, this.loss, this.closes]) m.reset();
    const byReason = this.monitor.metrics?.closesByReason ?? {};
    for (const [reason, n] of Object.entries(byReason)) this.closes.inc({ reason }, nonNegative(n));
    for (const p of peers) {
      this.learnName(p);
      const labels = { peer: p.id, name: p.name };
      this.up.set(labels, p.state === 'connected' ? 1 : 0);
      for (const s of STATES) this.state.set({ ...labels, state: s }, p.state === s ? 1 : 0);
      this.timeouts.inc(labels, 0); // the series exists (at 0) from the peer's first scrape
      this.reconnects.inc(labels, nonNegative(p.stats.reconnects));
      this.bytesIn.inc(labels, nonNegative(p.stats.bytesIn));
      this.bytesOut.inc(labels, nonNegative(p.stats.bytesOut));
      this.phi.set(labels, Number.isFinite(p.stats.phi) ? p.stats.phi : 0);
      this.loss.set(labels, nonNegative(p.stats.lossPct) / 100);
    }
  }
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
