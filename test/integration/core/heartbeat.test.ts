// The heartbeat engine over real loopback sockets: RTT both ways, timeouts (fixed and
// adaptive), stalls, kills and protocol errors.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultScheduler } from '../../../electron/core/heartbeat/scheduler';
import { FRAME_PONG, FrameDecoder, encodeFrame, encodeHello, encodePing, readPingSeq } from '../../../shared/protocol';
import {
  Cleanup,
  closedReason,
  rawConnect,
  recordClient,
  sleep,
  startClient,
  startServer,
  waitFor,
} from './heartbeat-helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('heartbeat engine: framed protocol', () => {
  it('answers pings and measures RTT on both sides', async () => {
    const { server, port, sessions } = await startServer(cleanup, { name: 'srv' });
    const client = startClient(cleanup, { port, name: 'cli' });
    const serverRtts: number[] = [];
    const clientRtts: number[] = [];
    const beats: string[] = [];
    server.on('session', (s) => s.on('rtt', (r) => serverRtts.push(r)));
    client.on('session', (s) => {
      s.on('rtt', (r, at) => {
        clientRtts.push(r);
        expect(Math.abs(at - Date.now())).toBeLessThan(1000);
      });
      s.on('beat', (b) => beats.push(b));
    });
    await waitFor(() => serverRtts.length >= 3 && clientRtts.length >= 3, 3000, 'RTT samples on both sides');

    expect(client.state).toBe('connected');
    const ss = sessions[0];
    const cs = client.session!;
    expect(ss.peerHello?.name).toBe('cli');
    expect(cs.peerHello).toMatchObject({ v: 1, name: 'srv', interval: 40, timeout: 400 });
    for (const r of [...serverRtts, ...clientRtts]) {
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(200); // loopback
    }
    expect(cs.counters.pongsReceived).toBeGreaterThanOrEqual(3);
    expect(cs.counters.pingsSent).toBeGreaterThanOrEqual(cs.counters.pongsReceived);
    expect(cs.counters.bytesOut).toBeGreaterThan(0);
    expect(ss.counters.bytesIn).toBeGreaterThan(0);
    expect(ss.counters.bytesIn).toBeLessThanOrEqual(cs.counters.bytesOut);
    expect(cs.rtt.count).toBe(cs.counters.pongsReceived);
    expect(cs.estimator.srtt).not.toBeNull();
    expect(beats.every((b) => b === 'a')).toBe(true);
    // "ip:port" on both ends, matching each other.
    expect(cs.remote).toBe(`127.0.0.1:${port}`);
    expect(ss.remote).toBe(cs.local);
    expect(server.sessions.size).toBe(1);
  });

  it('carries DATA both ways and counts it', async () => {
    const { sessions, port } = await startServer(cleanup);
    const client = startClient(cleanup, { port });
    await waitFor(() => sessions.length === 1 && client.state === 'connected', 2000, 'connection');
    const got: string[] = [];
    sessions[0].on('data', (b) => got.push(Buffer.from(b).toString()));
    client.session!.sendData(new TextEncoder().encode('hello server'));
    await waitFor(() => got.length === 1, 2000, 'data');
    expect(got).toEqual(['hello server']);
    expect(sessions[0].counters.dataBytesIn).toBe(12);
    expect(client.session!.counters.dataBytesOut).toBe(12);
  });

  it('closes a peer that sends HELLO and then stays silent within timeout + one interval', async () => {
    const timeoutMs = 400;
    const intervalMs = 100;
    const { sessions, port } = await startServer(cleanup, { intervalMs, timeoutMs });
    const raw = await rawConnect(cleanup, port);
    let rawGotBytes = 0;
    raw.on('data', (b) => (rawGotBytes += b.length)); // read, never answer
    raw.write(encodeHello({ v: 1, name: 'mute', interval: 1000, timeout: 5000 }));
    const sentAt = performance.now();
    await waitFor(() => sessions.length === 1, 2000, 'session');
    const { reason, at } = await closedReason(sessions[0]);
    const elapsed = at - sentAt;
    expect(reason).toBe('heartbeat-timeout');
    expect(sessions[0].peerHello?.name).toBe('mute');
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 15);
    expect(elapsed).toBeLessThanOrEqual(timeoutMs + intervalMs);
    expect(rawGotBytes).toBeGreaterThan(0); // it was pinged meanwhile
    await waitFor(() => raw.destroyed || raw.readableEnded, 2000, 'raw socket closed by server');
  });

  it('a client closes a server that accepts but never speaks, then reconnects', async () => {
    const accepted: net.Socket[] = [];
    const mute = cleanup.add(net.createServer((s) => accepted.push(s.on('error', () => {}))));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    const client = startClient(cleanup, { port, intervalMs: 50, timeoutMs: 300, backoff: { baseMs: 20, capMs: 50 } });
    const log = recordClient(client);
    await waitFor(() => log.sessions.length === 1, 2000, 'connected');
    const t0 = performance.now();
    await waitFor(() => log.closed.length === 1, 2000, 'client close');
    expect(log.closed[0]).toBe('heartbeat-timeout');
    expect(performance.now() - t0).toBeLessThanOrEqual(300 + 50 + 50);
    await waitFor(() => log.sessions.length === 2, 2000, 'reconnected');
    expect(log.reconnecting[0].attempt).toBe(1);
    for (const s of accepted) s.destroy();
  });

  it('adaptive mode closes a silent peer well before the fixed timeout', async () => {
    const timeoutMs = 3000;
    const intervalMs = 40;
    const { sessions, port } = await startServer(cleanup, { intervalMs, timeoutMs, timeoutMode: 'adaptive' });
    const client = startClient(cleanup, { port, intervalMs, timeoutMs: 5000 });
    await waitFor(() => sessions.length === 1 && sessions[0].rtt.count >= 5, 3000, 'RTT samples');
    const ss = sessions[0];
    // srtt is sub-ms on loopback, so the deadline sits at its floor of 2 × interval.
    expect(ss.currentDeadlineMs()).toBe(2 * intervalMs);
    const t0 = performance.now();
    client.session!.setPinging(false); // the client goes quiet: no PINGs, no PONGs
    const { reason, at } = await closedReason(ss);
    expect(reason).toBe('heartbeat-timeout');
    expect(at - t0).toBeLessThan(2 * intervalMs + intervalMs + 150);
    expect(at - t0).toBeLessThan(timeoutMs / 4);
  });

  it('adaptive mode with no RTT yet falls back to the timeout for a mute raw peer', async () => {
    const { sessions, port } = await startServer(cleanup, { intervalMs: 40, timeoutMs: 300, timeoutMode: 'adaptive' });
    const raw = await rawConnect(cleanup, port);
    raw.resume();
    const t0 = performance.now();
    await waitFor(() => sessions.length === 1, 2000, 'session');
    const { reason, at } = await closedReason(sessions[0]);
    expect(reason).toBe('heartbeat-timeout');
    expect(at - t0).toBeLessThanOrEqual(300 + 40 + 20);
  });

  it('does not convict a healthy peer when our own event loop stalls longer than the timeout', async () => {
    const { sessions, port } = await startServer(cleanup, { intervalMs: 30, timeoutMs: 200 });
    const client = startClient(cleanup, { port, intervalMs: 30, timeoutMs: 200 });
    const closes: string[] = [];
    client.on('closed', (r) => closes.push(`client:${r}`));
    await waitFor(() => sessions.length === 1 && sessions[0].rtt.count >= 2 && client.session!.rtt.count >= 2, 3000, 'RTTs');
    sessions[0].on('closed', (r) => closes.push(`server:${r}`));
    const pausedBefore = defaultScheduler.pausedMs;
    const before = client.session!.rtt.count;
    const until = Date.now() + 600; // 3 × timeout of pure busy-wait: no I/O, no timers
    while (Date.now() < until) {
      /* stall */
    }
    await sleep(400); // two more timeouts of normal running
    expect(closes).toEqual([]);
    expect(client.state).toBe('connected');
    expect(sessions[0].closed).toBe(false);
    expect(client.session!.rtt.count).toBeGreaterThan(before);
    expect(defaultScheduler.pausedMs - pausedBefore).toBeGreaterThan(400);
  });

  it('kill fin: the other side sees peer-closed', async () => {
    const { sessions, port } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 5000, capMs: 5000 } });
    const log = recordClient(client);
    await waitFor(() => sessions.length === 1 && client.state === 'connected', 2000, 'connection');
    sessions[0].kill('fin');
    expect(sessions[0].closeReason).toBe('killed-fin');
    await waitFor(() => log.closed.length === 1, 2000, 'client close');
    expect(log.closed).toEqual(['peer-closed']);
  });

  it('kill rst: the other side sees peer-reset', async () => {
    const { sessions, port } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 5000, capMs: 5000 } });
    // One answered beat each way first: an RST in the first milliseconds (HELLOs not yet
    // read) can reach the other side as a plain EOF (kernel behaviour; monitor.test.ts waits the same way).
    await waitFor(() => sessions.length === 1 && (client.session?.rtt.count ?? 0) >= 1 && sessions[0].rtt.count >= 1, 3000, 'one answered beat each way');
    const cs = client.session!;
    cs.kill('rst');
    expect(cs.closeReason).toBe('killed-rst');
    expect((await closedReason(sessions[0])).reason).toBe('peer-reset');
  });

  it("close() sends BYE: the other side sees peer-closed; 'closed' fires exactly once", async () => {
    const { sessions, port } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 5000, capMs: 5000 } });
    await waitFor(() => sessions.length === 1 && client.state === 'connected', 2000, 'connection');
    const cs = client.session!;
    const reasons: string[] = [];
    cs.on('closed', (r) => reasons.push(r));
    sessions[0].close();
    cs.close(); // racing local close after the peer's BYE: still one event
    cs.kill('rst');
    await sleep(100);
    expect(reasons).toHaveLength(1);
    expect(sessions[0].closeReason).toBe('local-stop');
  });

  it.each([
    ['unknown type', encodeFrame(0x7f, new Uint8Array(3))],
    ['zero length', new Uint8Array([0, 0, 0, 0, 0x02])],
    ['oversize', new Uint8Array([0x00, 0x10, 0x00, 0x00, 0x04])],
    ['bad PING payload', encodeFrame(0x02, new Uint8Array(5))],
    ['bad HELLO', encodeFrame(0x01, new TextEncoder().encode('{"v":2}'))],
  ])('protocol error (%s) closes only the offending connection', async (_name, bad) => {
    const { sessions, port, server } = await startServer(cleanup, { maxFrameBytes: 64 * 1024 });
    const good = startClient(cleanup, { port });
    await waitFor(() => sessions.length === 1 && good.state === 'connected', 2000, 'good client');
    const raw = await rawConnect(cleanup, port);
    await waitFor(() => sessions.length === 2, 2000, 'raw session');
    const rawClosed = new Promise<void>((r) => raw.once('close', () => r()));
    raw.write(bad);
    expect((await closedReason(sessions[1])).reason).toBe('protocol-error');
    await rawClosed;
    const before = good.session!.rtt.count;
    await waitFor(() => good.session!.rtt.count >= before + 2, 2000, 'good client still pinging');
    expect(sessions[0].closed).toBe(false);
    expect(good.state).toBe('connected');
    expect(server.sessions.size).toBe(1);
  });

  it('decodes frames split across chunks, and whole frames followed by a partial one', async () => {
    const { sessions, port } = await startServer(cleanup);
    const raw = await rawConnect(cleanup, port);
    raw.setNoDelay(true);
    await waitFor(() => sessions.length === 1, 2000, 'raw session');
    const s = sessions[0];
    const pongs: number[] = [];
    const decoder = new FrameDecoder();
    raw.on('data', (c: Buffer) =>
      decoder.push(c, (type, payload) => {
        if (type === FRAME_PONG) pongs.push(readPingSeq(payload));
      }),
    );
    // HELLO one byte at a time (the session needs a decoder from the first byte on).
    for (const b of encodeHello({ v: 1, name: 'split', interval: 40, timeout: 400 })) {
      raw.write(Uint8Array.of(b));
      await sleep(1);
    }
    await waitFor(() => s.peerHello?.name === 'split', 2000, 'HELLO');
    // One whole PING plus the first bytes of the next, then the rest.
    const two = Buffer.concat([encodePing(1, 10), encodePing(2, 20)]);
    raw.write(two.subarray(0, 20));
    await sleep(5);
    raw.write(two.subarray(20));
    await waitFor(() => pongs.length >= 2, 2000, 'two PONGs');
    expect(pongs.slice(0, 2)).toEqual([1, 2]);
    expect(s.closed).toBe(false);
  });

  it('statistics, addresses and start time stay readable after close', async () => {
    const { sessions, port } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 5000, capMs: 5000 } });
    await waitFor(() => sessions.length === 1 && (client.session?.rtt.count ?? 0) >= 3, 3000, 'RTT samples');
    const cs = client.session!;
    const ss = sessions[0];
    // Reading them creates the server's views while the session is live.
    await waitFor(() => ss.rtt.count >= 2 && ss.estimator.srtt !== null, 3000, 'server RTT samples');
    const clientSamples = cs.counters.pongsReceived;
    cs.close();
    await closedReason(ss);
    // Captured after close: a PONG already in flight when the client closed may still
    // add a sample on the server before its 'closed'.
    const before = { rtt: ss.rtt.toArray(), srtt: ss.estimator.srtt, startedAt: ss.startedAt, remote: ss.remote, local: ss.local };
    expect(before.rtt.length).toBeGreaterThanOrEqual(2);
    expect(before.startedAt).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - before.startedAt).toBeLessThan(10_000);
    // The client's views were never read before close: they are created from the copies.
    expect(cs.rtt.count).toBe(Math.min(clientSamples, 64));
    expect(cs.estimator.srtt).not.toBeNull();
    expect(cs.phiDetector.samples).toBeGreaterThan(0);
    // The server's views existed before close: they follow the copies.
    await sleep(100); // other sessions reuse the released blocks meanwhile
    const other = startClient(cleanup, { port });
    await waitFor(() => sessions.length === 2 && (other.session?.rtt.count ?? 0) >= 2, 3000, 'another session');
    expect(ss.rtt.toArray()).toEqual(before.rtt);
    expect(ss.estimator.srtt).toBe(before.srtt);
    expect([ss.startedAt, ss.remote, ss.local]).toEqual([before.startedAt, before.remote, before.local]);
    expect(ss.silentMs()).toBeGreaterThan(0);
    expect(ss.pipe).toBe(ss.pipe);
  });

  it('server.close() ends every session with local-stop and listens on IPv6 ::1', async () => {
    const { server, sessions, port } = await startServer(cleanup, { host: '::1' });
    expect(server.address).toEqual({ host: '::1', port });
    const a = startClient(cleanup, { host: '::1', port, backoff: { baseMs: 5000, capMs: 5000 } });
    const b = startClient(cleanup, { host: '::1', port, backoff: { baseMs: 5000, capMs: 5000 } });
    await waitFor(() => sessions.length === 2 && a.state === 'connected' && b.state === 'connected', 2000, 'two clients');
    expect(a.session!.remote).toBe(`[::1]:${port}`);
    await waitFor(() => a.session!.rtt.count > 0, 2000, 'IPv6 RTT');
    await server.close();
    expect(sessions.map((s) => s.closeReason)).toEqual(['local-stop', 'local-stop']);
    expect(server.sessions.size).toBe(0);
    await waitFor(() => a.state === 'reconnecting' && b.state === 'reconnecting', 2000, 'clients noticed');
  });

  it('listen() rejects with the Node error when the port is taken', async () => {
    const { port } = await startServer(cleanup);
    const { HeartbeatServer } = await import('../../../electron/core/heartbeat/server');
    const second = new HeartbeatServer({ port, protocol: 'framed', intervalMs: 40, timeoutMs: 400, timeoutMode: 'fixed' });
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
