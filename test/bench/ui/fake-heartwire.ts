// Benchmark-only stand-in for the Electron preload: a HeartwireApi (shared/contract) on
// window.heartwire, so the real renderer picks its Electron transport and needs no engine.
// `installFakeHeartwire` runs INSIDE the page (page.addInitScript, before the app loads):
// it must be self-contained — no imports at run time, only types — because Playwright
// ships its source text. Node drives it through `window.__benchPush()` (one UpdateBatch to
// the registered onUpdate listeners) and `window.__benchFrames()` (two animation frames).
import type {
  Faults,
  HeartwireApi,
  LogEvent,
  LogEventType,
  PeerInfo,
  PeerState,
  Sample,
  ServerInfo,
  Snapshot,
  UpdateBatch,
} from '../../../shared/contract';

export interface FakeConfig {
  peers: number;
  /** samples already in history per peer (the ring buffers start full) */
  history: number;
  /** one RTT sample per peer per batch: the peers ping at this interval */
  batchMs: number;
  eventsPerBatch: number;
  /** events in the snapshot (the log starts full) */
  snapshotEvents: number;
  seed: number;
}

export const DEFAULT_FAKE: FakeConfig = { peers: 100, history: 3600, batchMs: 100, eventsPerBatch: 3, snapshotEvents: 1000, seed: 42 };

/** What the page exposes to the harness. */
export interface BenchHooks {
  __benchPush(): number;
  __benchFrames(): Promise<void>;
  __benchInfo(): { pushed: number; delivered: number; listeners: number; snapshots: number; lastRtt: Record<string, number> };
}

export function installFakeHeartwire(cfg: FakeConfig): void {
  // mulberry32: deterministic, so runs are comparable.
  let seed = cfg.seed >>> 0;
  const rand = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pad = (n: number): string => String(n).padStart(3, '0');
  const n = cfg.peers;
  const now0 = Date.now();

  // A realistic mix: most connected, a few flapping/reconnecting, connecting, closed, stopped.
  const stateOf = (i: number): PeerState => {
    const f = i / n;
    if (f < 0.86) return 'connected';
    if (f < 0.91) return 'reconnecting';
    if (f < 0.94) return 'connecting';
    if (f < 0.97) return 'closed';
    return 'stopped';
  };
  const faultsOf = (i: number): Faults => {
    if (i % 17 === 5) return { latency: { ms: 40, jitterMs: 10 } };
    if (i % 23 === 7) return { bandwidth: { bytesPerSec: 64_000, direction: 'in' } };
    if (i % 29 === 11) return { dropHeartbeats: { probability: 0.1 } };
    if (i === n - 5) return { freeze: true };
    return {};
  };
  // Each peer pings at its own phase, so the chart's x columns do not coincide.
  const base: number[] = [];
  const phase: number[] = [];
  const peers: PeerInfo[] = [];
  for (let i = 0; i < n; i++) {
    base.push(i % 10 === 0 ? 20 + rand() * 60 : 0.2 + rand() * 4);
    phase.push(Math.floor(rand() * cfg.batchMs));
    const state = stateOf(i);
    const inbound = i % 3 === 0;
    const up = state === 'connected';
    peers.push({
      id: `p-${pad(i)}`,
      name: `peer-${pad(i)}`,
      direction: inbound ? 'inbound' : 'outbound',
      ...(inbound ? { serverId: 's-1' } : {}),
      local: inbound ? '127.0.0.1:7000' : `127.0.0.1:${40000 + i}`,
      remote: inbound ? `127.0.0.1:${50000 + i}` : `127.0.0.1:${7100 + (i % 4)}`,
      protocol: i % 7 === 3 ? 'plain' : 'framed',
      intervalMs: cfg.batchMs,
      timeoutMs: 1000,
      timeoutMode: i % 2 ? 'adaptive' : 'fixed',
      state,
      ...(up || state === 'connecting' ? {} : { closeReason: state === 'stopped' ? 'local-stop' : state === 'closed' ? 'peer-reset' : 'heartbeat-timeout' }),
      faults: faultsOf(i),
      stats: {
        rttLastMs: base[i],
        rttMinMs: base[i] * 0.8,
        rttP50Ms: base[i],
        rttP95Ms: base[i] * 1.4,
        rttP99Ms: base[i] * 1.8,
        srttMs: base[i],
        rttvarMs: base[i] * 0.1,
        jitterMs: base[i] * 0.05,
        pingsSent: 36_000 + i,
        pongsReceived: 35_990 + i,
        lossPct: i % 29 === 11 ? 10 : 0.02,
        phi: up ? 0.3 : 9,
        bytesIn: 900_000 + i * 1000,
        bytesOut: 910_000 + i * 1000,
        dataBytesIn: 0,
        dataBytesOut: 0,
        reconnects: i % 9,
        connectedSince: up ? now0 - 3_600_000 : null,
      },
    });
  }
  const servers: ServerInfo[] = [
    { id: 's-1', host: '127.0.0.1', port: 7000, protocol: 'framed', intervalMs: cfg.batchMs, timeoutMs: 1000, timeoutMode: 'fixed', connections: Math.ceil(n / 3), listening: true },
  ];
  const rtt = (i: number): number => Math.max(0.05, base[i] * (0.85 + rand() * 0.3) + (rand() < 0.01 ? base[i] * 3 : 0));

  // Log events: fault toggles on random peers, and a close → reconnecting → connected cycle
  // on the flapping group (so the chart has down intervals and markers to draw).
  let eventSeq = 0;
  let flap = 0;
  const flappers: number[] = [];
  for (let i = 0; i < n; i++) if (stateOf(i) === 'reconnecting') flappers.push(i);
  const makeEvent = (t: number): LogEvent => {
    const k = eventSeq % 6;
    const seq = ++eventSeq;
    if (k === 0) return { seq, t, peer: peers[Math.floor(rand() * n)].id, type: 'fault-set', faults: { latency: { ms: 10 + Math.floor(rand() * 90) } } };
    if (k === 1) return { seq, t, peer: peers[Math.floor(rand() * n)].id, type: 'fault-cleared' };
    if (k === 2) return { seq, t, peer: peers[Math.floor(rand() * n)].id, type: 'error', message: 'write EPIPE' };
    const p = flappers.length ? peers[flappers[flap++ % flappers.length]].id : peers[0].id;
    const type: LogEventType = k === 3 ? 'closed' : k === 4 ? 'reconnecting' : 'connected';
    if (type === 'closed') return { seq, t, peer: p, type, reason: 'heartbeat-timeout' };
    if (type === 'reconnecting') return { seq, t, peer: p, type, attempt: 1 + (seq % 5), delayMs: 250 + Math.floor(rand() * 1000) };
    return { seq, t, peer: p, type };
  };

  const snapshotEvents: LogEvent[] = [];
  const span = cfg.history * cfg.batchMs;
  for (let e = 0; e < cfg.snapshotEvents; e++) snapshotEvents.push(makeEvent(now0 - span + Math.floor((e / cfg.snapshotEvents) * span)));
  const lastRtt: Record<string, number> = {};
  const makeSnapshot = (): Snapshot => {
    const samples: Record<string, Sample[]> = {};
    for (let i = 0; i < n; i++) {
      const list: Sample[] = [];
      for (let k = cfg.history; k >= 1; k--) list.push([now0 - k * cfg.batchMs + phase[i], rtt(i)]);
      samples[peers[i].id] = list;
    }
    return {
      servers: servers.map((s) => ({ ...s })),
      peers: peers.map((p) => ({ ...p, stats: { ...p.stats }, faults: { ...p.faults } })),
      samples,
      events: snapshotEvents.slice(),
      config: { historyPerPeer: cfg.history, eventLogSize: cfg.snapshotEvents },
    };
  };

  const listeners = new Set<(b: UpdateBatch) => void>();
  let batchSeq = 0;
  let pushed = 0;
  let delivered = 0;
  let snapshots = 0;

  const makeBatch = (): UpdateBatch => {
    const t = Date.now();
    const out: UpdateBatch = { seq: ++batchSeq, t, peers: [], removedPeers: [], servers: [], removedServers: [], samples: {}, beats: {}, events: [], health: { eventLoopLagMs: 0.5 + rand() * 2, heartbeatsPerSec: (n * 2 * 1000) / cfg.batchMs } };
    for (let i = 0; i < n; i++) {
      const prev = peers[i];
      const up = prev.state === 'connected';
      const v = rtt(i);
      const s = prev.stats;
      const answered = up && rand() > 0.002;
      // A new object per changed peer, exactly as the engine's batches replace PeerInfo by id.
      const next: PeerInfo = {
        ...prev,
        stats: {
          ...s,
          rttLastMs: v,
          rttMinMs: Math.min(s.rttMinMs ?? v, v),
          rttP50Ms: (s.rttP50Ms ?? v) * 0.95 + v * 0.05,
          rttP95Ms: (s.rttP95Ms ?? v) * 0.95 + v * 1.4 * 0.05,
          rttP99Ms: (s.rttP99Ms ?? v) * 0.95 + v * 1.8 * 0.05,
          srttMs: (s.srttMs ?? v) * 0.875 + v * 0.125,
          jitterMs: (s.jitterMs ?? 0) * 0.9 + Math.abs(v - (s.rttLastMs ?? v)) * 0.1,
          pingsSent: s.pingsSent + 1,
          pongsReceived: s.pongsReceived + (answered ? 1 : 0),
          phi: up ? rand() * 0.8 : s.phi + 0.1,
          bytesIn: s.bytesIn + (answered ? 26 : 0),
          bytesOut: s.bytesOut + 26,
        },
      };
      peers[i] = next;
      out.peers.push(next);
      out.samples[next.id] = [[t - cfg.batchMs + phase[i], v]];
      lastRtt[next.id] = v;
      out.beats[next.id] = !up ? 'm' : answered ? (rand() < 0.01 ? 'l' : 'a') : 'm';
    }
    for (let e = 0; e < cfg.eventsPerBatch; e++) out.events.push(makeEvent(t));
    if (batchSeq % 10 === 0) out.servers.push({ ...servers[0] });
    return out;
  };

  const reject = (what: string) => () => Promise.reject(new Error(JSON.stringify({ kind: 'invalid', message: `${what} is not available in the UI benchmark` })));
  const api: HeartwireApi = {
    startServer: reject('startServer'),
    stopServer: reject('stopServer'),
    connect: reject('connect'),
    removePeer: reject('removePeer'),
    kill: reject('kill'),
    setFaults: reject('setFaults'),
    clearFaults: reject('clearFaults'),
    reconnect: reject('reconnect'),
    sendData: reject('sendData'),
    setConfig: (args) => Promise.resolve({ historyPerPeer: args.historyPerPeer ?? cfg.history, eventLogSize: args.eventLogSize ?? cfg.snapshotEvents }),
    getSnapshot: () => {
      snapshots++;
      return Promise.resolve(makeSnapshot());
    },
    exportSession: () => Promise.resolve({ exportedAt: Date.now(), peers: peers.slice(), servers: servers.slice(), samples: {}, events: [] }),
    onUpdate: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };

  const w = window as unknown as Window & { heartwire: HeartwireApi } & BenchHooks;
  w.heartwire = api;
  w.__benchPush = () => {
    const batch = makeBatch();
    pushed++;
    for (const l of listeners) {
      l(batch);
      delivered++;
    }
    return batch.seq;
  };
  w.__benchFrames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  w.__benchInfo = () => ({ pushed, delivered, listeners: listeners.size, snapshots, lastRtt: { ...lastRtt } });
}
