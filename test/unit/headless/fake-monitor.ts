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

export function fakePeer(id: string, over: Partial<PeerInfo> = {}): PeerInfo {
  return {
    id,
    name: id,
    direction: 'outbound',
    local: '127.0.0.1:50000',
    remote: '127.0.0.1:7070',
    protocol: 'framed',
    intervalMs: 1000,
    timeoutMs: 5000,
    timeoutMode: 'fixed',
    state: 'connected',
    faults: {},
    stats: {
      rttLastMs: 1,
      rttMinMs: 1,
      rttP50Ms: 1,
      rttP95Ms: 1,
      rttP99Ms: 1,
      srttMs: 1,
      rttvarMs: 0.5,
      jitterMs: 0,
      pingsSent: 10,
      pongsReceived: 10,
      lossPct: 0,
      phi: 0.5,
      bytesIn: 100,
      bytesOut: 200,
      dataBytesIn: 0,
      dataBytesOut: 0,
      reconnects: 0,
      connectedSince: 1,
    },
    ...over,
  };
}

export function emptyBatch(seq: number, over: Partial<UpdateBatch> = {}): UpdateBatch {
  return {
    seq,
    t: Date.now(),
    peers: [],
    removedPeers: [],
    servers: [],
    removedServers: [],
    samples: {},
    beats: {},
    events: [],
    health: { eventLoopLagMs: 0, heartbeatsPerSec: 0 },
    ...over,
  };
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
