// PREVIEW ONLY (never shipped): a simulated HeartwireApi so the renderer can be built and
// screenshotted before a real host exists. Peers ping every second with noisy RTT; faults
// shift the RTT, freeze stops the samples, kill closes and (outbound) reconnects.
import type {
  Faults,
  HeartwireApi,
  LogEvent,
  PeerInfo,
  Sample,
  ServerInfo,
  UpdateBatch,
} from '../../shared/contract';

type Listener = (b: UpdateBatch) => void;

function stats(): PeerInfo['stats'] {
  return {
    rttLastMs: null, rttMinMs: null, rttP50Ms: null, rttP95Ms: null, rttP99Ms: null, srttMs: null, rttvarMs: null,
    jitterMs: null, pingsSent: 0, pongsReceived: 0, lossPct: 0, phi: 0, bytesIn: 0, bytesOut: 0, dataBytesIn: 0,
    dataBytesOut: 0, reconnects: 0, connectedSince: Date.now(),
  };
}

export function createFakeApi(opts: { peers?: number; historySec?: number } = {}): HeartwireApi {
  const listeners = new Set<Listener>();
  const peers = new Map<string, PeerInfo>();
  const samples = new Map<string, Sample[]>();
  const servers = new Map<string, ServerInfo>();
  const events: LogEvent[] = [];
  let seq = 0;
  let batchSeq = 0;
  let nextId = 1;
  let pending: { peers: Set<string>; removed: string[]; servers: Set<string>; samples: Record<string, Sample[]>; beats: Record<string, string>; events: LogEvent[] } = fresh();
  function fresh() {
    return { peers: new Set<string>(), removed: [] as string[], servers: new Set<string>(), samples: {} as Record<string, Sample[]>, beats: {} as Record<string, string>, events: [] as LogEvent[] };
  }
  function log(e: Omit<LogEvent, 'seq' | 't'> & { t?: number }) {
    const ev: LogEvent = { seq: ++seq, t: e.t ?? Date.now(), ...e } as LogEvent;
    events.push(ev);
    pending.events.push(ev);
  }
  const base: Record<string, number> = {};
  function addServer(port: number): ServerInfo {
    const s: ServerInfo = { id: `s${nextId++}`, host: '127.0.0.1', port, protocol: 'framed', intervalMs: 1000, timeoutMs: 5000, timeoutMode: 'fixed', connections: 0, listening: true };
    servers.set(s.id, s);
    pending.servers.add(s.id);
    log({ type: 'server-started', server: s.id, message: `listening on 127.0.0.1:${port}` });
    return s;
  }
  function addPeer(name: string, direction: PeerInfo['direction'], remote: string, rtt: number, faults: Faults = {}): PeerInfo {
    const id = `p${nextId++}`;
    const p: PeerInfo = {
      id, name, direction, local: `127.0.0.1:${50000 + nextId}`, remote, protocol: 'framed', intervalMs: 1000, timeoutMs: 5000,
      timeoutMode: direction === 'outbound' ? 'adaptive' : 'fixed', state: 'connected', faults, stats: stats(),
    };
    peers.set(id, p);
    samples.set(id, []);
    base[id] = rtt;
    pending.peers.add(id);
    log({ type: 'peer-added', peer: id });
    log({ type: 'connected', peer: id });
    return p;
  }
  const srv = addServer(7070);
  const names: [string, PeerInfo['direction'], number, Faults?][] = [
    ['steady', 'outbound', 0.4],
    ['laggy', 'outbound', 0.5, { latency: { ms: 40, jitterMs: 15, direction: 'both' } }],
    ['flaky', 'outbound', 0.45, { dropHeartbeats: { probability: 0.2 } }],
    ['api-gw-1', 'inbound', 1.2],
    ['billing-ws', 'inbound', 2.4],
    ['edge-eu-west', 'outbound', 18],
    ['edge-us-east', 'outbound', 74],
    ['mqtt-bridge', 'inbound', 3.1],
  ];
  for (let i = names.length; i < (opts.peers ?? 0); i++) names.push([`peer-${i}`, i % 2 ? 'inbound' : 'outbound', 0.3 + (i % 7)]);
  for (const [n, d, r, f] of names.slice(0, opts.peers ?? names.length)) addPeer(n, d, d === 'inbound' ? `127.0.0.1:${41000 + nextId}` : `127.0.0.1:${srv.port}`, r, f);

  function rttFor(p: PeerInfo, t: number): number {
    const lat = p.faults.latency ? p.faults.latency.ms * 2 + (Math.random() - 0.5) * 2 * (p.faults.latency.jitterMs ?? 0) : 0;
    const wave = 1 + 0.3 * Math.sin(t / 20000 + base[p.id]);
    return Math.max(0.05, base[p.id] * wave * (0.8 + Math.random() * 0.5) + lat + (Math.random() < 0.02 ? base[p.id] * 4 : 0));
  }
  // Pre-fill history so the chart has something to show.
  const now0 = Date.now();
  for (const p of peers.values()) {
    const list = samples.get(p.id)!;
    for (let t = now0 - (opts.historySec ?? 300) * 1000; t < now0; t += 1000) {
      if (p.name === 'flaky' && Math.random() < 0.2) continue;
      if (p.name === 'edge-us-east' && t > now0 - 200_000 && t < now0 - 170_000) continue;
      list.push([t + Math.random() * 30, rttFor(p, t)]);
    }
  }
  // a past outage on edge-us-east and a fault marker on laggy
  log({ type: 'closed', peer: [...peers.values()].find((p) => p.name === 'edge-us-east')!.id, reason: 'heartbeat-timeout', t: now0 - 195_000 });
  log({ type: 'connected', peer: [...peers.values()].find((p) => p.name === 'edge-us-east')!.id, t: now0 - 170_000 });
  log({ type: 'fault-set', peer: [...peers.values()].find((p) => p.name === 'laggy')!.id, faults: { latency: { ms: 40, jitterMs: 15 } }, t: now0 - 120_000 });
  events.sort((a, b) => a.t - b.t);

  const tick = setInterval(() => {
    const t = Date.now();
    for (const p of peers.values()) {
      if (Math.random() > 0.1) continue; // ~1 beat/s at 100 ms ticks
      if (p.state !== 'connected') continue;
      let beat = 'a';
      if (p.faults.freeze) beat = 'm';
      else if (p.faults.dropHeartbeats && Math.random() < p.faults.dropHeartbeats.probability) beat = 'm';
      else {
        const r = rttFor(p, t);
        if (r > 250) beat = 'l';
        (pending.samples[p.id] ??= []).push([t, r]);
        samples.get(p.id)!.push([t, r]);
        const st = { ...p.stats };
        st.rttLastMs = r;
        const xs = samples.get(p.id)!.slice(-300).map((s) => s[1]).sort((a, b) => a - b);
        st.rttP50Ms = xs[Math.floor(xs.length * 0.5)];
        st.rttP99Ms = xs[Math.floor(xs.length * 0.99)];
        st.jitterMs = Math.abs(r - (p.stats.rttLastMs ?? r));
        st.pingsSent++;
        st.pongsReceived++;
        st.bytesIn += 17;
        st.bytesOut += 17;
        peers.set(p.id, { ...p, stats: st });
      }
      if (beat === 'm') {
        const st = { ...p.stats, pingsSent: p.stats.pingsSent + 1 };
        st.lossPct = (100 * (st.pingsSent - st.pongsReceived)) / st.pingsSent;
        st.phi = p.faults.freeze ? Math.min(16, p.stats.phi + 1.5) : p.stats.phi;
        peers.set(p.id, { ...p, stats: st });
      }
      pending.beats[p.id] = (pending.beats[p.id] ?? '') + beat;
      pending.peers.add(p.id);
    }
    const b: UpdateBatch = {
      seq: ++batchSeq, t, peers: [...pending.peers].filter((id) => peers.has(id)).map((id) => peers.get(id)!), removedPeers: pending.removed,
      servers: [...pending.servers].map((id) => servers.get(id)!).filter(Boolean), removedServers: [], samples: pending.samples, beats: pending.beats,
      events: pending.events, health: { eventLoopLagMs: 0.8 + Math.random() * 1.5, heartbeatsPerSec: peers.size * 2 },
    };
    pending = fresh();
    for (const l of listeners) l(b);
  }, 100);
  void tick;

  const need = (id: string) => {
    const p = peers.get(id);
    if (!p) throw Object.assign(new Error(`no peer ${id}`), { kind: 'not-found' });
    return p;
  };
  const change = (p: PeerInfo) => {
    peers.set(p.id, p);
    pending.peers.add(p.id);
    return p;
  };
  return {
    async startServer(a) {
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw Object.assign(new Error('port must be 0-65535'), { kind: 'invalid', field: 'port' });
      return addServer(a.port || 7071);
    },
    async stopServer({ id }) {
      servers.delete(id);
      log({ type: 'server-stopped', server: id });
      return { ok: true };
    },
    async connect(a) {
      return addPeer(a.name ?? `${a.host}:${a.port}`, 'outbound', `${a.host}:${a.port}`, 0.6);
    },
    async removePeer({ id }) {
      need(id);
      peers.delete(id);
      pending.removed.push(id);
      log({ type: 'peer-removed', peer: id });
      return { ok: true };
    },
    async kill({ id, mode }) {
      const p = need(id);
      log({ type: 'killed', peer: id, mode });
      log({ type: 'closed', peer: id, reason: mode === 'rst' ? 'killed-rst' : 'killed-fin' });
      change({ ...p, state: p.direction === 'outbound' ? 'reconnecting' : 'closed', closeReason: mode === 'rst' ? 'killed-rst' : 'killed-fin', stats: { ...p.stats, connectedSince: null } });
      if (p.direction === 'outbound') {
        log({ type: 'reconnecting', peer: id, attempt: 1, delayMs: 2000 });
        setTimeout(() => {
          const q = peers.get(id);
          if (!q) return;
          log({ type: 'connected', peer: id });
          change({ ...q, state: 'connected', closeReason: undefined, stats: { ...q.stats, reconnects: q.stats.reconnects + 1, connectedSince: Date.now() } });
        }, 2000);
      }
      return { ok: true };
    },
    async setFaults({ id, faults }) {
      const p = need(id);
      log({ type: 'fault-set', peer: id, faults });
      return change({ ...p, faults });
    },
    async clearFaults({ id }) {
      const p = need(id);
      log({ type: 'fault-cleared', peer: id });
      return change({ ...p, faults: {} });
    },
    async reconnect({ id }) {
      const p = need(id);
      log({ type: 'closed', peer: id, reason: 'local-stop' });
      log({ type: 'connected', peer: id });
      change({ ...p, stats: { ...p.stats, reconnects: p.stats.reconnects + 1 } });
      return { ok: true };
    },
    async setConfig(c) {
      return { historyPerPeer: 3600, eventLogSize: 1000, ...c };
    },
    async sendData() {
      return { bytes: 0 };
    },
    async getSnapshot() {
      return {
        servers: [...servers.values()], peers: [...peers.values()], samples: Object.fromEntries([...samples].map(([k, v]) => [k, v.slice(-3600)])),
        events: events.slice(-1000), config: { historyPerPeer: 3600, eventLogSize: 1000 },
      };
    },
    async exportSession() {
      return { exportedAt: Date.now(), peers: [...peers.values()], servers: [...servers.values()], samples: Object.fromEntries(samples), events };
    },
    onUpdate(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
