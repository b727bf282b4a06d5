// How unfaulted sessions read their socket: into one shared buffer (user-buffer-read),
// not through 'data'. Received bytes must be copied before the next read reuses the
// buffer, and EOF, RST, half-open peers and pause/resume must behave as before.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerFaults } from '../../../electron/core/faults/peer-faults';
import { encodeData, encodeFrame, encodeHello, encodePing, FRAME_PONG, FrameDecoder, readPingSeq } from '../../../shared/protocol';
import { Cleanup, closedReason, rawConnect, sleep, startServer, waitFor } from './heartbeat-helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const HELLO = encodeHello({ v: 1, name: 'raw', interval: 40, timeout: 400 });
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A server session with a raw peer that has sent HELLO; the peer's PONGs are collected. */
async function rawPeer(opts: Parameters<typeof startServer>[1] = {}) {
  const { sessions, port } = await startServer(cleanup, opts);
  const raw = await rawConnect(cleanup, port);
  raw.setNoDelay(true);
  const pongs: number[] = [];
  const decoder = new FrameDecoder();
  raw.on('data', (c: Buffer) =>
    decoder.push(c, (type, payload) => {
      if (type === FRAME_PONG) pongs.push(readPingSeq(payload));
    }),
  );
  await waitFor(() => sessions.length === 1, 2000, 'session');
  const s = sessions[0];
  raw.write(HELLO);
  await waitFor(() => s.peerHello !== undefined, 2000, 'HELLO');
  return { s, raw, pongs };
}

describe('session reads', () => {
  it("an unfaulted session reads without a 'data' listener; a faulted one keeps its pipe's", async () => {
    const direct = await rawPeer();
    expect(direct.s.socket.listenerCount('data')).toBe(0);
    const faults = new PeerFaults({});
    const faulted = await rawPeer({ pipeFactory: faults.pipeFactory });
    expect(faulted.s.socket.listenerCount('data')).toBeGreaterThan(0);
    for (const p of [direct, faulted]) {
      p.raw.write(encodePing(7, 1));
      await waitFor(() => p.pongs.includes(7), 2000, 'PONG');
    }
  });

  it('DATA payloads stay intact after later reads reuse the buffer; coalesced and split frames decode', async () => {
    const { s, raw, pongs } = await rawPeer();
    const got: Buffer[] = [];
    s.on('data', (b) => got.push(b as Buffer));
    raw.write(encodeData(text('first')));
    await waitFor(() => got.length === 1, 2000, 'first DATA');
    // Several frames in one write, the last one split over two writes.
    const tail = encodeData(text('split-across-reads'));
    raw.write(Buffer.concat([encodeData(text('second')), encodePing(1, 5), encodeData(text('third')), tail.subarray(0, 9)]));
    await waitFor(() => got.length === 3 && pongs.includes(1), 2000, 'coalesced frames');
    await sleep(5);
    raw.write(tail.subarray(9));
    await waitFor(() => got.length === 4, 2000, 'split DATA');
    // Unrelated traffic overwrites the shared buffer; what was emitted must not change.
    raw.write(encodeData(text('XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX')));
    await waitFor(() => got.length === 5, 2000, 'last DATA');
    expect(got.map((b) => b.toString())).toEqual(['first', 'second', 'third', 'split-across-reads', 'X'.repeat(44)]);
    expect(s.counters.dataBytesIn).toBe(5 + 6 + 5 + 18 + 44);
  });

  it("half-open peer: its FIN closes the session as peer-closed and it gets ours", async () => {
    const { s, raw } = await rawPeer();
    const peerGotFin = new Promise<void>((r) => raw.once('end', () => r()));
    raw.end();
    expect((await closedReason(s)).reason).toBe('peer-closed');
    await peerGotFin;
  });

  it('a reset peer closes the session as peer-reset', async () => {
    const { s, raw } = await rawPeer();
    raw.resetAndDestroy();
    expect((await closedReason(s)).reason).toBe('peer-reset');
  });

  // libuv reports an RST that arrives right behind data as EOF (POLLHUP after a partial
  // read), so without asking the kernel these would read as peer-closed.
  // (A PING would not do: the session's PONG write would meet the reset and report it.)
  it('a peer reset right behind its data is still peer-reset, direct or through a fault pipe', async () => {
    const faults = new PeerFaults();
    for (const opts of [{}, { pipeFactory: faults.pipeFactory }]) {
      for (let i = 0; i < 5; i++) {
        const { s, raw } = await rawPeer(opts);
        raw.write(encodeData(text(`last words ${i}`)));
        raw.resetAndDestroy();
        expect((await closedReason(s)).reason).toBe('peer-reset');
      }
    }
  });

  it('a peer that sends data and then FIN is still peer-closed', async () => {
    const { s, raw } = await rawPeer();
    raw.write(encodeData(text('last words')));
    raw.end();
    expect((await closedReason(s)).reason).toBe('peer-closed');
  });

  it('a protocol error after a partial frame still closes only that session', async () => {
    const { s, raw } = await rawPeer();
    raw.write(encodePing(2, 9).subarray(0, 3));
    await sleep(5);
    raw.write(Buffer.concat([encodePing(2, 9).subarray(3), encodeFrame(0x7f, new Uint8Array(1))]));
    expect((await closedReason(s)).reason).toBe('protocol-error');
  });

  it('pausing the socket holds frames in the kernel; resuming delivers them in order', async () => {
    const { s, raw, pongs } = await rawPeer({ timeoutMs: 5000 });
    s.socket.pause();
    raw.write(encodePing(10, 1));
    raw.write(encodeData(text('held')));
    await sleep(60);
    expect(pongs).not.toContain(10);
    const got: string[] = [];
    s.on('data', (b) => got.push(Buffer.from(b).toString()));
    s.socket.resume();
    await waitFor(() => pongs.includes(10) && got.length === 1, 2000, 'frames after resume');
    expect(got).toEqual(['held']);
    expect(s.closed).toBe(false);
  });

  it('a peer that connects and closes at once is reported as peer-closed', async () => {
    const { sessions, port } = await startServer(cleanup);
    const sock = net.connect(port, '127.0.0.1', () => sock.end());
    sock.on('error', () => {});
    cleanup.add(sock);
    await waitFor(() => sessions.length === 1, 2000, 'session');
    expect((await closedReason(sessions[0])).reason).toBe('peer-closed');
  });
});
