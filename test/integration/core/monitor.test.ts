// MonitorService over real sockets on 127.0.0.1 with short heartbeat intervals.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandFailure } from '../../../shared/command-failure';
import type { LogEvent, PeerInfo, UpdateBatch } from '../../../shared/contract';
import { DEMO, MonitorService, type MonitorOptions } from '../../../electron/core/monitor';

const monitors: MonitorService[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
});

function monitor(opts: MonitorOptions = {}): MonitorService {
  const m = new MonitorService({ backoff: { baseMs: 20, capMs: 200 }, ...opts });
  monitors.push(m);
  return m;
}

async function until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const peerOf = (m: MonitorService, id: string): PeerInfo | undefined => m.snapshot().peers.find((p) => p.id === id);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Mean without the top and bottom 10 %: a loaded test machine stalls a few samples by 50+ ms. */
const trimmedMean = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.floor(s.length / 10);
  return mean(s.slice(k, s.length - k));
};

/** Server + one outbound peer; waits until both sides are connected. Returns ids. */
async function pair(m: MonitorService, interval: number, timeout: number) {
  const server = await m.api.startServer({ port: 0, interval, timeout });
  const out = await m.api.connect({ host: '127.0.0.1', port: server.port, interval, timeout, name: 'out' });
  // Connected both ways, with at least one answered heartbeat each (the HELLOs were read).
  const inbound = await until('inbound peer', () => {
    const o = peerOf(m, out.id);
    if (o?.state !== 'connected' || o.stats.pongsReceived < 1) return undefined;
    const i = m.snapshot().peers.find((p) => p.direction === 'inbound' && p.remote === o.local);
    return i && i.stats.pongsReceived >= 1 ? i : undefined;
  });
  return { server, out: out.id, inbound: inbound.id };
}

/** (Trimmed) mean RTT of a peer's samples taken after `sinceMs`, once at least `n` exist. */
async function meanRttAfter(m: MonitorService, id: string, sinceMs: number, n: number): Promise<number> {
  const samples = await until(`${n} samples of ${id}`, () => {
    const s = m.samplesSince(id, sinceMs);
    return s && s.length >= n ? s : undefined;
  }, 8000);
  return trimmedMean(samples.map((s) => s[1]));
}

describe('MonitorService (integration)', () => {
  it('connects a server and an outbound peer, producing samples and batches at ≤ ~10/s', async () => {
    const m = monitor();
    const batches: UpdateBatch[] = [];
    m.onUpdate((b) => batches.push(b));
    const { server, out, inbound } = await pair(m, 20, 1000);

    const o = peerOf(m, out)!;
    const i = peerOf(m, inbound)!;
    expect(o).toMatchObject({ name: 'out', direction: 'outbound', protocol: 'framed', intervalMs: 20, timeoutMs: 1000, timeoutMode: 'fixed' });
    expect(o.remote).toBe(`127.0.0.1:${server.port}`);
    expect(i).toMatchObject({ name: `in:${o.local}`, direction: 'inbound', serverId: server.id, local: `127.0.0.1:${server.port}`, state: 'connected' });

    const t0 = Date.now();
    const c0 = batches.length;
    await new Promise((r) => setTimeout(r, 1500));
    const perSec = ((batches.length - c0) * 1000) / (Date.now() - t0);
    expect(perSec).toBeGreaterThan(3);
    expect(perSec).toBeLessThanOrEqual(11);
    for (let k = 1; k < batches.length; k++) {
      expect(batches[k].seq).toBe(batches[k - 1].seq + 1);
      expect(batches[k].t - batches[k - 1].t).toBeGreaterThanOrEqual(95);
    }

    const samples = batches.flatMap((b) => b.samples[out] ?? []);
    expect(samples.length).toBeGreaterThan(40);
    for (const [t, rtt] of samples) {
      expect(t).toBeGreaterThan(t0 - 5000);
      expect(rtt).toBeGreaterThanOrEqual(0);
      expect(rtt).toBeLessThan(500);
    }
    expect(batches.map((b) => b.beats[out] ?? '').join('')).toMatch(/^[alm]{40,}$/);
    expect(batches.some((b) => b.servers.some((s) => s.id === server.id && s.connections === 1))).toBe(true);
    expect(batches.at(-1)!.health.heartbeatsPerSec).toBeGreaterThan(30); // 2 × 50/s, loaded machine
    const events = batches.flatMap((b) => b.events).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['server-started', 'peer-added', 'connected']));

    const stats = peerOf(m, out)!.stats;
    expect(stats.pongsReceived).toBeGreaterThan(40);
    expect(stats.rttLastMs).not.toBeNull();
    expect(stats.rttP99Ms!).toBeGreaterThanOrEqual(stats.rttP50Ms!);
    expect(stats.srttMs).not.toBeNull();
    expect(stats.connectedSince).toBeGreaterThan(t0 - 5000);
    expect(stats.lossPct).toBeLessThan(10);
    expect(m.samplesSince(out, 0)!.length).toBe(stats.pongsReceived);
    expect(m.samplesSince('nope', 0)).toBeUndefined();

    // sendData reaches the other side's counters
    expect(await m.api.sendData({ id: out, text: 'héllo' })).toEqual({ bytes: 6 });
    expect(await m.api.sendData({ id: out, base64: 'AAECAw==' })).toEqual({ bytes: 4 });
    await until('data at the inbound peer', () => peerOf(m, inbound)!.stats.dataBytesIn === 10);
    expect(peerOf(m, out)!.stats.dataBytesOut).toBe(10);

    // a quiet monitor pushes nothing
    await m.api.removePeer({ id: out });
    await m.api.stopServer({ id: server.id });
    await new Promise((r) => setTimeout(r, 1300)); // one health tick to report the rate dropping to 0
    const n = batches.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(batches.length).toBe(n);
    expect(batches.at(-1)!.health.heartbeatsPerSec).toBe(0);
  });

  it('keeps an inbound peer listed as closed after disconnect until removed', async () => {
    const m = monitor();
    const batches: UpdateBatch[] = [];
    m.onUpdate((b) => batches.push(b));
    const { out, inbound } = await pair(m, 20, 1000);
    await m.api.removePeer({ id: out });
    expect(peerOf(m, out)).toBeUndefined();
    const closed = await until('inbound closed', () => {
      const p = peerOf(m, inbound);
      return p?.state === 'closed' ? p : undefined;
    });
    expect(closed.closeReason).toBe('peer-closed'); // BYE from our client
    expect(closed.stats.connectedSince).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(peerOf(m, inbound)?.state).toBe('closed');
    // commands that need a live connection say so
    await expect(m.api.kill({ id: inbound, mode: 'fin' })).rejects.toMatchObject({ kind: 'conflict' });
    await expect(m.api.sendData({ id: inbound, text: 'x' })).rejects.toMatchObject({ kind: 'conflict' });
    await m.api.removePeer({ id: inbound });
    expect(peerOf(m, inbound)).toBeUndefined();
    await until('removal batch', () => batches.some((b) => b.removedPeers.includes(inbound)));
    const removed = m.eventsSince(0).events.filter((e) => e.type === 'peer-removed').map((e) => e.peer);
    expect(removed).toEqual([out, inbound]);
    await expect(m.api.removePeer({ id: inbound })).rejects.toMatchObject({ kind: 'not-found', field: 'id' });
  });

  it('a server stop marks its inbound peers closed with local-stop', async () => {
    const m = monitor();
    const { server, out, inbound } = await pair(m, 20, 1000);
    await m.api.stopServer({ id: server.id });
    expect(peerOf(m, inbound)).toMatchObject({ state: 'closed', closeReason: 'local-stop' });
    expect(m.snapshot().servers).toEqual([]);
    await until('outbound sees the close', () => peerOf(m, out)?.closeReason === 'peer-closed');
    await expect(m.api.stopServer({ id: server.id })).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('kill rst → peer-reset on the other side; kill fin → peer-closed', async () => {
    const m = monitor();
    // Heartbeats run every 20 ms, so the RST can land right behind a PONG: libuv reports
    // that as EOF, and the session must still tell it was a reset (see eofWasReset).
    const { out, inbound } = await pair(m, 20, 1000);
    await m.api.kill({ id: out, mode: 'rst' });
    await until('inbound closed', () => peerOf(m, inbound)?.state === 'closed');
    expect(peerOf(m, inbound)!.closeReason).toBe('peer-reset');
    expect(peerOf(m, inbound)!.state).toBe('closed');
    await until('outbound killed-rst', () => peerOf(m, out)?.closeReason === 'killed-rst');
    expect(m.eventsSince(0).events.some((e) => e.type === 'killed' && e.mode === 'rst' && e.peer === out)).toBe(true);

    // the client reconnects: a new inbound peer; kill it with FIN from the server side
    const inbound2 = await until('reconnected inbound', () => {
      const o = peerOf(m, out);
      return o?.state === 'connected'
        ? m.snapshot().peers.find((p) => p.direction === 'inbound' && p.state === 'connected' && p.remote === o.local)
        : undefined;
    });
    await m.api.kill({ id: inbound2.id, mode: 'fin' });
    expect(peerOf(m, inbound2.id)!.closeReason).toBe('killed-fin');
    await until('outbound peer-closed', () => peerOf(m, out)?.closeReason === 'peer-closed');
    expect(peerOf(m, out)!.stats.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('faults persist across a reconnect and counters stay cumulative', async () => {
    const m = monitor();
    const { out, inbound } = await pair(m, 20, 1000);
    await until('a few samples', () => (m.samplesSince(out, 0)?.length ?? 0) >= 5);
    const info = await m.api.setFaults({ id: out, faults: { latency: { ms: 25, direction: 'both' } } });
    expect(info.faults).toEqual({ latency: { ms: 25, direction: 'both' } });
    const before = peerOf(m, out)!;
    const t0 = Date.now();
    await m.api.reconnect({ id: out });
    await until('reconnected', () => {
      const p = peerOf(m, out)!;
      return p.state === 'connected' && p.local !== before.local && p.stats.reconnects === 1;
    });
    const after = peerOf(m, out)!;
    expect(after.faults).toEqual({ latency: { ms: 25, direction: 'both' } });
    expect(after.closeReason).toBe('local-stop');
    // the new connection is delayed too: RTT ≥ 2 × 25 ms
    const rtt = await meanRttAfter(m, out, t0 + 100, 5);
    expect(rtt).toBeGreaterThan(45);
    // counters sum both sessions
    await until('cumulative pings', () => peerOf(m, out)!.stats.pingsSent > before.stats.pingsSent + 3);
    await expect(m.api.reconnect({ id: inbound })).rejects.toMatchObject({ kind: 'conflict' });
    const cleared = await m.api.clearFaults({ id: out });
    expect(cleared.faults).toEqual({});
    const types = m.eventsSince(0).events.filter((e) => e.peer === out).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['fault-set', 'closed', 'reconnecting', 'fault-cleared']));
  });

  it('dropHeartbeats 0.5 with timeout = 10 intervals: loss near 50 %, no disconnect', async () => {
    const m = monitor();
    const { out, inbound } = await pair(m, 20, 200);
    const base = peerOf(m, out)!.stats.pingsSent;
    await m.api.setFaults({ id: out, faults: { dropHeartbeats: { probability: 0.5 } } });
    const t0 = Date.now();
    // ≥ 100 pings after the fault, so the 100-beat loss window holds only faulted beats
    await until('enough pings', () => peerOf(m, out)!.stats.pingsSent - base >= 110 + 10, 15000);
    const o = peerOf(m, out)!;
    const i = peerOf(m, inbound)!;
    expect(o.stats.lossPct).toBeGreaterThan(30);
    expect(o.stats.lossPct).toBeLessThan(70);
    expect(i.stats.lossPct).toBeGreaterThan(30); // its PINGs are dropped at our end
    expect(i.stats.lossPct).toBeLessThan(70);
    expect(o.state).toBe('connected');
    expect(o.stats.reconnects).toBe(0);
    expect(i.state).toBe('connected');
    expect(m.eventsSince(0).events.filter((e) => e.type === 'closed' && e.t >= t0)).toEqual([]);
  }, 20000);

  it('freeze: both sides time out within 900 ms, the peer keeps retrying, and connects again after clearFaults', async () => {
    const m = monitor();
    const { out, inbound } = await pair(m, 100, 600);
    await until('samples', () => (m.samplesSince(out, 0)?.length ?? 0) >= 2);
    const cursor = m.eventsSince(0).next;
    const t0 = Date.now();
    await m.api.setFaults({ id: out, faults: { freeze: true } });
    const closes = await until('both sides closed', () => {
      const ev = m.eventsSince(cursor).events.filter((e) => e.type === 'closed');
      const o = ev.find((e) => e.peer === out);
      const i = ev.find((e) => e.peer === inbound);
      return o && i ? { o, i } : undefined;
    }, 3000);
    expect(closes.o.reason).toBe('heartbeat-timeout');
    expect(closes.i.reason).toBe('heartbeat-timeout');
    expect(closes.o.t - t0).toBeLessThanOrEqual(900);
    expect(closes.i.t - t0).toBeLessThanOrEqual(900);
    expect(peerOf(m, inbound)).toMatchObject({ state: 'closed', closeReason: 'heartbeat-timeout' });

    // still frozen: it keeps redialing, and every new connection times out again
    await until('retries while frozen', () => {
      const ev = m.eventsSince(cursor).events;
      return ev.filter((e: LogEvent) => e.peer === out && e.type === 'reconnecting').length >= 2 &&
        ev.filter((e: LogEvent) => e.peer === out && e.type === 'closed' && e.reason === 'heartbeat-timeout').length >= 2;
    }, 6000);
    expect(peerOf(m, out)!.faults).toEqual({ freeze: true });

    await m.api.clearFaults({ id: out });
    const tClear = Date.now();
    await until('connected with fresh samples', () => {
      const p = peerOf(m, out)!;
      return p.state === 'connected' && (m.samplesSince(out, tClear)?.length ?? 0) >= 3;
    }, 5000);
    // and it stays up for more than two timeouts
    const cursor2 = m.eventsSince(0).next;
    await new Promise((r) => setTimeout(r, 1400));
    expect(m.eventsSince(cursor2).events.filter((e) => e.peer === out && e.type === 'closed')).toEqual([]);
    expect(peerOf(m, out)!.state).toBe('connected');
  }, 20000);

  it('latency 30 ms both ways raises the mean RTT by 60 ± 8 ms on both peers', async () => {
    const m = monitor();
    const { out, inbound } = await pair(m, 25, 2000);
    const t0 = Date.now();
    const baseOut = await meanRttAfter(m, out, t0, 30);
    const baseIn = await meanRttAfter(m, inbound, t0, 30);
    await m.api.setFaults({ id: out, faults: { latency: { ms: 30, direction: 'both' } } });
    const settle = Date.now() + 300; // pings in flight when the fault was set
    await new Promise((r) => setTimeout(r, 300));
    const faultOut = await meanRttAfter(m, out, settle, 60);
    const faultIn = await meanRttAfter(m, inbound, settle, 60);
    expect(faultOut - baseOut).toBeGreaterThan(52);
    expect(faultOut - baseOut).toBeLessThan(68);
    expect(faultIn - baseIn).toBeGreaterThan(52);
    expect(faultIn - baseIn).toBeLessThan(68);
  }, 20000);

  it('history and event log stay bounded over a long run', async () => {
    const m = monitor({ config: { historyPerPeer: 50, eventLogSize: 30 } });
    const { out, inbound } = await pair(m, 10, 1000);
    await until('> 200 samples', () => peerOf(m, out)!.stats.pongsReceived > 200, 15000);
    expect(m.samplesSince(out, 0)!.length).toBe(50);
    expect(m.samplesSince(inbound, 0)!.length).toBe(50);
    expect(m.snapshot().samples[out].length).toBe(50);
    const newest = m.samplesSince(out, 0)!.slice(-10);
    // shrinking keeps the newest
    expect(await m.api.setConfig({ historyPerPeer: 10 })).toEqual({ historyPerPeer: 10, eventLogSize: 30 });
    const kept = m.samplesSince(out, 0)!;
    expect(kept.length).toBe(10);
    expect(kept[0][0]).toBeGreaterThanOrEqual(newest[0][0]);

    for (let k = 0; k < 60; k++) await m.api.setFaults({ id: out, faults: k % 2 ? {} : { slice: { maxBytes: 64 } } });
    const snap = m.snapshot();
    expect(snap.events.length).toBe(30);
    expect(snap.events.at(-1)!.seq).toBeGreaterThan(60);
    for (let k = 1; k < snap.events.length; k++) expect(snap.events[k].seq).toBe(snap.events[k - 1].seq + 1);
    const page = m.eventsSince(snap.events.at(-1)!.seq - 5);
    expect(page.events.length).toBe(5);
    expect(page.next).toBe(snap.events.at(-1)!.seq);
    await m.api.setConfig({ eventLogSize: 5 });
    expect(m.snapshot().events.length).toBe(5);
    const exp = await m.api.exportSession({});
    expect(exp.samples[out].length).toBeLessThanOrEqual(10);
    expect(exp.events.length).toBe(5);
    expect(exp.peers.map((p) => p.id).sort()).toEqual([out, inbound].sort());
  }, 20000);

  it('keeps only the newest maxClosedInbound closed inbound peers', async () => {
    const m = monitor({ maxClosedInbound: 2 });
    const { out, inbound } = await pair(m, 20, 1000);
    const seen = [inbound];
    for (let k = 0; k < 3; k++) {
      await m.api.kill({ id: out, mode: 'fin' });
      const next = await until('reconnected', () => {
        const o = peerOf(m, out);
        return o?.state === 'connected'
          ? m.snapshot().peers.find((p) => p.direction === 'inbound' && p.state === 'connected' && p.remote === o.local)
          : undefined;
      });
      seen.push(next.id);
    }
    const closed = m.snapshot().peers.filter((p) => p.direction === 'inbound' && p.state === 'closed').map((p) => p.id);
    expect(closed).toEqual(seen.slice(1, 3));
    expect(peerOf(m, seen[0])).toBeUndefined();
    expect(m.eventsSince(0).events.some((e) => e.type === 'peer-removed' && e.peer === seen[0])).toBe(true);
  });

  it('port in use → conflict naming the port; bad args → invalid; typed api rejects with CommandFailure', async () => {
    const m = monitor();
    const s = await m.api.startServer({ port: 0 });
    const r = await m.dispatch('startServer', { port: s.port });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('conflict');
      expect(r.error.message).toContain(String(s.port));
    }
    const e = await m.api.startServer({ port: s.port }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandFailure);
    expect(e).toBeInstanceOf(Error);
    expect(await m.dispatch('connect', { host: '127.0.0.1', port: 99999 })).toEqual({
      ok: false,
      error: { kind: 'invalid', field: 'port', message: 'port must be an integer between 1 and 65535' },
    });
    expect((await m.dispatch('bogus', {})).ok).toBe(false);
    expect(await m.dispatch('kill', { id: 'p99', mode: 'fin' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect((await m.dispatch('getSnapshot', undefined)).ok).toBe(true);
    expect(m.snapshot().servers).toHaveLength(1);
  });

  it('an outbound peer to a closed port keeps retrying and reports the failure', async () => {
    const m = monitor();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    await new Promise<void>((r) => blocker.close(() => r()));
    const p = await m.api.connect({ host: '127.0.0.1', port, interval: 50, timeout: 500 });
    expect(p.name).toBe(`127.0.0.1:${port}`);
    await until('refused twice', () => m.eventsSince(0).events.filter((e) => e.type === 'closed' && e.reason === 'error:ECONNREFUSED').length >= 2);
    expect(['connecting', 'reconnecting']).toContain(peerOf(m, p.id)!.state);
    expect(m.metrics.closesByReason['error:ECONNREFUSED']).toBeGreaterThanOrEqual(2);
  });

  it('startDemo, savedSetup and restore', async () => {
    const m = monitor();
    await m.startDemo();
    const snap = m.snapshot();
    expect(snap.servers).toHaveLength(1);
    const port = snap.servers[0].port;
    expect(port).toBeGreaterThanOrEqual(DEMO.firstPort);
    expect(port).toBeLessThanOrEqual(DEMO.lastPort);
    const names = snap.peers.filter((p) => p.direction === 'outbound').map((p) => p.name);
    expect(names).toEqual(['steady', 'laggy', 'flaky']);
    const byName = (n: string) => m.snapshot().peers.find((p) => p.name === n)!;
    expect(byName('laggy').faults).toEqual({ latency: { ms: 40, jitterMs: 15 } });
    expect(byName('flaky').faults).toEqual({ dropHeartbeats: { probability: 0.2 } });
    expect(byName('steady').intervalMs).toBe(500);
    await until('demo peers connected', () => m.snapshot().peers.filter((p) => p.state === 'connected').length === 6);

    const setup = m.savedSetup();
    expect(setup.servers).toEqual([{ port, host: '127.0.0.1', protocol: 'framed', interval: 500, timeout: 3000, timeoutMode: 'fixed' }]);
    expect(setup.peers.map((p) => [p.name, p.port, p.faults])).toEqual([
      ['steady', port, undefined],
      ['laggy', port, { latency: { ms: 40, jitterMs: 15 } }],
      ['flaky', port, { dropHeartbeats: { probability: 0.2 } }],
    ]);
    await m.dispose();

    const m2 = monitor();
    await m2.restore(JSON.parse(JSON.stringify(setup)));
    const s2 = m2.snapshot();
    expect(s2.servers.map((s) => s.port)).toEqual([port]);
    expect(s2.peers.map((p) => p.name)).toEqual(['steady', 'laggy', 'flaky']);
    expect(s2.peers.find((p) => p.name === 'laggy')!.faults).toEqual({ latency: { ms: 40, jitterMs: 15 } });
    await until('restored peers connected', () => m2.snapshot().peers.filter((p) => p.state === 'connected').length === 6);

    // a broken entry is logged, not thrown
    const m3 = monitor();
    await m3.restore({ servers: [{ port: -5 }], peers: [{ host: '', port: 1 }] } as never);
    expect(m3.snapshot().events.filter((e) => e.type === 'error')).toHaveLength(2);
  }, 20000);

  it('dispose leaves nothing running', async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    // earlier tests' sockets may still be closing
    await until('quiet start', () => tcp() === 0, 3000).catch(() => undefined);
    const before = tcp();
    const m = new MonitorService({ batchIntervalMs: 20 });
    let batches = 0;
    m.onUpdate(() => batches++);
    const s = await m.api.startServer({ port: 0, interval: 20, timeout: 500 });
    await m.api.connect({ host: '127.0.0.1', port: s.port, interval: 20, timeout: 500 });
    await m.api.connect({ host: '127.0.0.1', port: 1, interval: 20, timeout: 500 }); // refused, in backoff
    await until('connected', () => m.snapshot().peers.some((p) => p.state === 'connected'));
    expect(tcp()).toBeGreaterThan(before);
    await m.dispose();
    await new Promise((r) => setImmediate(r));
    await until('handles released', () => tcp() <= before, 3000);
    const n = batches;
    await new Promise((r) => setTimeout(r, 150));
    expect(batches).toBe(n);
    expect(await m.dispatch('getSnapshot', {})).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    // the listening port is free again
    const probe = net.createServer();
    await new Promise<void>((res, rej) => probe.once('error', rej).listen(s.port, '127.0.0.1', () => res()));
    await new Promise<void>((r) => probe.close(() => r()));
  });
});
