// A test double with the shape of MonitorService's web-facing surface (WebMonitor).
import type {
  CommandName,
  CommandOutcome,
  LogEvent,
  PeerInfo,
  Sample,
  ServerInfo,
  Snapshot,
  UpdateBatch,
} from '../../../shared/contract';
import type { WebMonitor } from '../../../electron/headless/web/monitor-port';
import { batch, peer } from '../../helpers/contract-fixtures';

/** A connected outbound peer with some traffic counted. */
export function fakePeer(id: string, over: Partial<PeerInfo> = {}): PeerInfo {
  const base = peer(id);
  const stats = { ...base.stats, rttvarMs: 0.5, pingsSent: 10, pongsReceived: 10, phi: 0.5, bytesIn: 100, bytesOut: 200, connectedSince: 1 };
  return { ...base, stats, ...over };
}

export function emptyBatch(seq: number, over: Partial<UpdateBatch> = {}): UpdateBatch {
  return batch(seq, { t: Date.now(), health: { eventLoopLagMs: 0, heartbeatsPerSec: 0 }, ...over });
}

type Dispatch = (name: string, args: unknown) => Promise<CommandOutcome<CommandName>> | CommandOutcome<CommandName>;

export class FakeMonitor implements WebMonitor {
  peers: PeerInfo[] = [];
  servers: ServerInfo[] = [];
  samples: Record<string, Sample[]> = {};
  events: LogEvent[] = [];
  calls: { name: string; args: unknown }[] = [];
  private listeners = new Set<(b: UpdateBatch) => void>();
  respond: Dispatch = () => ({ ok: true, result: { ok: true } }) as CommandOutcome<CommandName>;

  async dispatch(name: string, args: unknown): Promise<CommandOutcome<CommandName>> {
    this.calls.push({ name, args });
    return this.respond(name, args);
  }
  onUpdate(listener: (batch: UpdateBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
  emit(batch: UpdateBatch): void {
    for (const l of this.listeners) l(batch);
  }
  snapshot(): Snapshot {
    return {
      servers: this.servers,
      peers: this.peers,
      samples: this.samples,
      events: this.events,
      config: { historyPerPeer: 100, eventLogSize: 100 },
    };
  }
  samplesSince(peerId: string, sinceMs: number): Sample[] | undefined {
    if (!this.peers.some((p) => p.id === peerId)) return undefined;
    return (this.samples[peerId] ?? []).filter(([t]) => t > sinceMs);
  }
  eventsSince(seq: number): { events: LogEvent[]; next: number } {
    const events = this.events.filter((e) => e.seq > seq);
    return { events, next: events.length ? events[events.length - 1].seq : seq };
  }
}
