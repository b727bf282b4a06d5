// The plain text protocol (DESIGN §3) against hand-written classic peers, both ways,
// including TCP splitting ('pi'+'ng') and coalescing ('pongpong').
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, closedReason, rawConnect, sleep, startClient, startServer, waitFor } from './heartbeat-helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const PLAIN = { protocol: 'plain', intervalMs: 30, timeoutMs: 300 } as const;

/** The classic hand-written Node heartbeat server: writes 'ping' every 30 ms, counts 'pong's. */
async function classicServer(write: (s: net.Socket) => void = (s) => s.write('ping')) {
  const state = { received: '', sockets: [] as net.Socket[] };
  const timers: NodeJS.Timeout[] = [];
  const server = net.createServer((s) => {
    s.on('error', () => {});
    state.sockets.push(s);
    s.on('data', (b) => (state.received += b.toString('latin1')));
    const t = setInterval(() => write(s), 30);
    timers.push(t);
    s.on('close', () => clearInterval(t));
  });
  cleanup.add({ close: () => timers.forEach(clearInterval) });
  cleanup.add(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, state };
}

const count = (s: string, token: string): number => s.split(token).length - 1;

describe('plain protocol', () => {
  it("our client answers a classic server's 'ping' with 'pong' and stays connected", async () => {
    const { port, state } = await classicServer();
    const client = startClient(cleanup, { port, ...PLAIN });
    const closes: string[] = [];
    client.on('closed', (r) => closes.push(r));
    await waitFor(() => count(state.received, 'pong') >= 5, 3000, 'five pongs');
    await sleep(PLAIN.timeoutMs + 100); // longer than the timeout: the pings keep it alive
    expect(closes).toEqual([]);
    expect(client.state).toBe('connected');
    expect(state.received.replaceAll('pong', '')).toBe(''); // nothing but pongs (no HELLO, no framing)
    const s = client.session!;
    expect(s.counters.pingsSent).toBe(0); // a plain client only answers
    expect(s.rtt.count).toBe(0); // and cannot measure RTT
  });

  it("a classic client that only answers 'pong' stays connected to our plain server, which measures RTT", async () => {
    const { port, sessions } = await startServer(cleanup, PLAIN);
    const raw = await rawConnect(cleanup, port);
    let seen = '';
    raw.on('data', (b) => {
      seen += b.toString('latin1');
      for (let i = count(seen, 'ping'); i > 0; i--) raw.write('pong');
      seen = seen.replaceAll('ping', '');
    });
    await waitFor(() => sessions.length === 1, 2000, 'session');
    const s = sessions[0];
    const rtts: number[] = [];
    s.on('rtt', (r) => rtts.push(r));
    await sleep(PLAIN.timeoutMs * 2);
    expect(s.closed).toBe(false);
    expect(rtts.length).toBeGreaterThanOrEqual(5);
    for (const r of rtts) expect(r).toBeLessThan(200);
    expect(s.counters.pongsReceived).toBe(rtts.length);
    expect(s.peerHello).toBeUndefined();
  });

  it("a classic client that never answers is closed with heartbeat-timeout", async () => {
    const { port, sessions } = await startServer(cleanup, PLAIN);
    await rawConnect(cleanup, port);
    await waitFor(() => sessions.length === 1, 2000, 'session');
    const beats: string[] = [];
    sessions[0].on('beat', (b) => beats.push(b));
    expect((await closedReason(sessions[0])).reason).toBe('heartbeat-timeout');
    expect(beats.filter((b) => b === 'm').length).toBeGreaterThan(3);
  });

  it("handles 'pongpong' (coalesced) and 'po'+'ng' (split): one RTT per ping, no stray data", async () => {
    const { port, sessions } = await startServer(cleanup, PLAIN);
    const raw = await rawConnect(cleanup, port);
    let n = 0;
    raw.on('data', (b) => {
      const pings = count(b.toString('latin1'), 'ping');
      for (let i = 0; i < pings; i++) {
        n++;
        if (n % 2 === 0) raw.write('pongpong');
        else {
          raw.write('po');
          setTimeout(() => raw.write('ng'), 5);
        }
      }
    });
    await waitFor(() => sessions.length === 1, 2000, 'session');
    const s = sessions[0];
    const data: Uint8Array[] = [];
    s.on('data', (d) => data.push(d));
    await waitFor(() => s.counters.pongsReceived >= 6, 3000, 'six RTT samples');
    expect(data).toEqual([]);
    expect(s.closed).toBe(false);
    expect(s.counters.pongsReceived).toBeLessThanOrEqual(s.counters.pingsSent);
  });

  it("our client answers 'pi'+'ng' written in two writes, and reports other bytes as data", async () => {
    const { port, state } = await classicServer((s) => {
      s.write('pi');
      setTimeout(() => !s.destroyed && s.write('ng'), 8);
    });
    const client = startClient(cleanup, { port, ...PLAIN });
    const data: string[] = [];
    client.on('session', (s) => s.on('data', (d) => data.push(Buffer.from(d).toString())));
    await waitFor(() => count(state.received, 'pong') >= 4, 3000, 'pongs to split pings');
    // It may land between a 'pi' and its 'ng', which then become data too (correctly).
    state.sockets[0].write('hello, world');
    await waitFor(() => data.join('').includes('hello, world'), 2000, 'data');
    expect(client.session!.counters.dataBytesIn).toBeGreaterThanOrEqual(12);
    expect(data.join('').replace('hello, world', '')).toMatch(/^(pi)?(ng)?$/);
  });

  it('our plain client and plain server interoperate', async () => {
    const { port, sessions } = await startServer(cleanup, PLAIN);
    const client = startClient(cleanup, { port, ...PLAIN });
    await waitFor(() => sessions.length === 1 && sessions[0].rtt.count >= 3, 3000, 'server RTT');
    expect(client.state).toBe('connected');
    client.session!.sendData(new TextEncoder().encode('xyz'));
    const got: string[] = [];
    sessions[0].on('data', (d) => got.push(Buffer.from(d).toString()));
    await waitFor(() => got.join('') === 'xyz', 2000, 'plain data');
  });
});
