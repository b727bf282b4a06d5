// DATA through the whole stack under faults: a HeartbeatClient whose peer faults are
// changed while it sends framed DATA to a HeartbeatServer. Heartbeats keep flowing
// through the same faulted pipe, so this checks that the fault layer and the framing
// never lose, reorder or corrupt application bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { PeerFaults } from '../../../electron/core/faults/peer-faults';
import type { HeartbeatSession } from '../../../electron/core/heartbeat/session';
import type { Faults } from '../../../shared/contract';
import { Cleanup, startClient, startServer, waitFor } from './heartbeat-helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A server and one faulted client, both connected; returns the server side's received bytes. */
async function faultedPair(faults: PeerFaults) {
  const { sessions, port } = await startServer(cleanup, { intervalMs: 100, timeoutMs: 5000 });
  const client = startClient(cleanup, { port, intervalMs: 100, timeoutMs: 5000, pipeFactory: faults.pipeFactory });
  client.on('session', (s) => faults.attachSession(s));
  await waitFor(() => client.state === 'connected' && sessions.length === 1, 3000, 'connection');
  const received: Buffer[] = [];
  let receivedBytes = 0;
  sessions[0].on('data', (bytes) => {
    received.push(Buffer.from(bytes));
    receivedBytes += bytes.length;
  });
  return { client, server: sessions[0], received, bytes: () => receivedBytes };
}

describe('DATA under faults, end to end through the engine', () => {
  it('bandwidth 50 000 B/s: 200 000 bytes of DATA take 4 s ± 10 % and arrive intact, in order', async () => {
    const faults = new PeerFaults({ bandwidth: { bytesPerSec: 50_000, direction: 'out' } });
    const { client, received, bytes } = await faultedPair(faults);
    const payload = Buffer.alloc(200_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 8)) & 0xff;

    const session = client.session as HeartbeatSession;
    const started = performance.now();
    // 20 DATA frames of 10 000 bytes: framing overhead (5 B each) is negligible.
    for (let off = 0; off < payload.length; off += 10_000) session.sendData(payload.subarray(off, off + 10_000));
    await waitFor(() => bytes() >= payload.length, 8000, 'all DATA');
    const seconds = (performance.now() - started) / 1000;

    expect(seconds).toBeGreaterThan(3.6);
    expect(seconds).toBeLessThan(4.4);
    expect(Buffer.concat(received).equals(payload)).toBe(true);
    expect(client.state).toBe('connected');
  }, 15_000);

  it('1 000 DATA messages sent while latency, slice and bandwidth are toggled arrive complete and in order', async () => {
    const faults = new PeerFaults();
    const { client, received, bytes } = await faultedPair(faults);
    const session = client.session as HeartbeatSession;

    const variants: Faults[] = [
      { latency: { ms: 15, jitterMs: 10 } },
      { slice: { maxBytes: 7 } },
      { bandwidth: { bytesPerSec: 400_000 } },
      { latency: { ms: 5, jitterMs: 5, direction: 'out' }, slice: { maxBytes: 50 }, bandwidth: { bytesPerSec: 300_000 } },
      {},
    ];
    const messages: Buffer[] = [];
    let toggles = 0;
    for (let i = 0; i < 1000; i++) {
      // Numbered, varied sizes: a lost, duplicated or reordered message breaks the comparison.
      const size = 8 + ((i * 37) % 600);
      const msg = Buffer.alloc(size, i & 0xff);
      msg.writeUInt32BE(i, 0);
      messages.push(msg);
      session.sendData(msg);
      if (i % 25 === 0) {
        faults.set(variants[toggles++ % variants.length]);
        await new Promise((r) => setTimeout(r, 3));
      }
    }
    faults.clear();
    const total = messages.reduce((n, m) => n + m.length, 0);
    await waitFor(() => bytes() >= total, 10_000, 'all messages');

    expect(toggles).toBe(40);
    // DATA frames keep their boundaries: one 'data' event per message, in order.
    expect(received).toHaveLength(messages.length);
    received.forEach((got, i) => expect(got.equals(messages[i])).toBe(true));
    expect(client.state).toBe('connected');
  }, 20_000);
});

describe('DATA still queued by a fault when the connection closes gracefully', () => {
  it('inbound latency: DATA the peer sent before its FIN is delivered before the close', async () => {
    const { sessions, port } = await startServer(cleanup, { intervalMs: 100, timeoutMs: 5000 });
    const faults = new PeerFaults({ latency: { ms: 80, direction: 'in' } });
    const client = startClient(cleanup, { port, intervalMs: 100, timeoutMs: 5000, pipeFactory: faults.pipeFactory });
    await waitFor(() => client.state === 'connected' && sessions.length === 1, 3000, 'connection');
    const session = client.session as HeartbeatSession;
    const got: string[] = [];
    session.on('data', (b) => got.push(Buffer.from(b).toString()));
    let closedAfter = -1;
    session.on('closed', () => (closedAfter = got.length));

    for (let i = 0; i < 5; i++) sessions[0].sendData(Buffer.from(`last-words-${i}`));
    sessions[0].close(); // BYE + FIN right behind the DATA
    await waitFor(() => session.closed, 3000, 'client session closed');

    expect(session.closeReason).toBe('peer-closed');
    expect(closedAfter).toBe(5);
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `last-words-${i}`));
  });

  it('outbound latency and slice: DATA queued before close() reaches the peer before the FIN', async () => {
    const { sessions, port } = await startServer(cleanup, { intervalMs: 100, timeoutMs: 5000 });
    const faults = new PeerFaults({ latency: { ms: 80, direction: 'out' }, slice: { maxBytes: 3 } });
    const client = startClient(cleanup, { port, intervalMs: 100, timeoutMs: 5000, pipeFactory: faults.pipeFactory });
    await waitFor(() => client.state === 'connected' && sessions.length === 1, 3000, 'connection');
    const got: string[] = [];
    sessions[0].on('data', (b) => got.push(Buffer.from(b).toString()));

    for (let i = 0; i < 5; i++) (client.session as HeartbeatSession).sendData(Buffer.from(`bye-${i}`));
    await client.stop(); // local-stop: BYE + FIN
    await waitFor(() => sessions[0].closed, 3000, 'server session closed');

    expect(sessions[0].closeReason).toBe('peer-closed');
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `bye-${i}`));
  });
});
