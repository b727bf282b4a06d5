// Builders for contract objects (peers, servers, events, batches, snapshots) used by tests.
import type { LogEvent, PeerInfo, ServerInfo, Snapshot, UpdateBatch } from '../../shared/contract';

export function peer(id: string, over: Partial<PeerInfo> = {}): PeerInfo {
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
      rttLastMs: 1, rttMinMs: 1, rttP50Ms: 1, rttP95Ms: 1, rttP99Ms: 1, srttMs: 1, rttvarMs: 0, jitterMs: 0,
      pingsSent: 0, pongsReceived: 0, lossPct: 0, phi: 0, bytesIn: 0, bytesOut: 0, dataBytesIn: 0, dataBytesOut: 0,
      reconnects: 0, connectedSince: 0,
    },
    ...over,
  };
}

export function server(id: string, over: Partial<ServerInfo> = {}): ServerInfo {
  return { id, host: '127.0.0.1', port: 7070, protocol: 'framed', intervalMs: 1000, timeoutMs: 5000, timeoutMode: 'fixed', connections: 0, listening: true, ...over };
}

export function event(seq: number, over: Partial<LogEvent> = {}): LogEvent {
  return { seq, t: 1_000 * seq, type: 'connected', ...over };
}

export function batch(seq: number, over: Partial<UpdateBatch> = {}): UpdateBatch {
  return {
    seq,
    t: seq * 100,
    peers: [],
    removedPeers: [],
    servers: [],
    removedServers: [],
    samples: {},
    beats: {},
    events: [],
    health: { eventLoopLagMs: 1, heartbeatsPerSec: 2 },
    ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return { servers: [], peers: [], samples: {}, events: [], config: { historyPerPeer: 3600, eventLogSize: 1000 }, ...over };
}
