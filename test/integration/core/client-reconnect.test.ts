// Client reconnection: full-jitter exponential backoff while the server is down,
// recovery when it comes back on the same port, reconnectNow, stop.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffCeilingMs } from '../../../electron/core/heartbeat/backoff';
import { HeartbeatServer } from '../../../electron/core/heartbeat/server';
import { Scheduler } from '../../../electron/core/heartbeat/scheduler';
import { Cleanup, FAST, recordClient, sleep, startClient, startServer, waitFor } from './heartbeat-helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('HeartbeatClient reconnection', () => {
  it('backs off with growing, jittered delays while the server is down and recovers when it returns', async () => {
    const { server, port } = await startServer(cleanup);
    const baseMs = 20;
    const capMs = 320;
    const client = startClient(cleanup, { port, backoff: { baseMs, capMs } });
    const log = recordClient(client);
    await waitFor(() => client.state === 'connected', 2000, 'first connection');

    await server.close();
    await waitFor(() => log.reconnecting.length >= 6, 8000, 'six reconnect attempts');
    expect(log.closed[0]).toBe('peer-closed');
    expect(log.closed.slice(1).every((r) => r === 'error:ECONNREFUSED')).toBe(true);

    const attempts = log.reconnecting.map((r) => r.attempt);
    const delays = log.reconnecting.map((r) => r.delayMs);
    expect(attempts.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    log.reconnecting.forEach(({ attempt, delayMs }) => {
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(Math.min(capMs, baseMs * 2 ** attempt));
      // full jitter over min(cap, base·2^(attempt-1)): the exponent starts at 0
      expect(delayMs).toBeLessThanOrEqual(backoffCeilingMs(attempt - 1, baseMs, capMs));
    });
    expect(new Set(delays).size).toBeGreaterThan(1); // jittered, not a constant
    // each dial waited (roughly) the announced delay
    for (let i = 1; i < log.reconnecting.length; i++) {
      const gap = log.reconnecting[i].at - log.reconnecting[i - 1].at;
      expect(gap).toBeGreaterThanOrEqual(log.reconnecting[i - 1].delayMs - 15);
    }
    expect(client.attempt).toBe(log.reconnecting.length);

    // Same port again.
    const revived = cleanup.add(new HeartbeatServer({ ...FAST, port }));
    await revived.listen();
    await waitFor(() => client.state === 'connected', 3000, 'reconnected');
    await waitFor(() => (client.session?.rtt.count ?? 0) >= 1, 2000, 'RTT after reconnect');
    expect(client.reconnects).toBeGreaterThanOrEqual(6);
  });

  it('resets the attempt counter after a stable connection', async () => {
    const { port, sessions } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 10, capMs: 20, resetAfterMs: 150 } });
    const log = recordClient(client);
    await waitFor(() => sessions.length === 1, 2000, 'first');
    sessions[0].kill('fin');
    await waitFor(() => sessions.length === 2 && client.state === 'connected', 2000, 'second');
    expect(client.attempt).toBe(1);
    await waitFor(() => client.attempt === 0, 2000, 'attempt reset after 150 ms connected');
    sessions[1].kill('fin');
    await waitFor(() => log.reconnecting.length === 2, 2000, 'next reconnect');
    expect(log.reconnecting[1].attempt).toBe(1);
  });

  it('reconnectNow() closes with local-stop and dials at once, without backoff', async () => {
    const { port, sessions } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 10_000, capMs: 10_000 } });
    const log = recordClient(client);
    await waitFor(() => client.state === 'connected', 2000, 'connected');
    const t0 = performance.now();
    client.reconnectNow();
    await waitFor(() => log.sessions.length === 2 && client.state === 'connected', 2000, 'second session');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(log.closed).toEqual(['local-stop']);
    expect(log.reconnecting).toEqual([expect.objectContaining({ delayMs: 0 })]);
    expect(client.reconnects).toBe(1);
    await waitFor(() => sessions.length === 2 && sessions[0].closed, 2000, 'server saw it');
    expect(sessions[0].closeReason).toBe('peer-closed');
  });

  it('reconnectNow() cancels a long pending backoff', async () => {
    // Find a free port, then leave it closed so the first dial is refused.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const client = startClient(cleanup, { port, backoff: { baseMs: 20_000, capMs: 30_000 }, random: () => 0.99 });
    const log = recordClient(client);
    await waitFor(() => log.reconnecting.length === 1, 2000, 'in backoff');
    expect(log.closed).toEqual(['error:ECONNREFUSED']);
    expect(log.reconnecting[0].delayMs).toBeGreaterThan(19_000);
    expect(client.state).toBe('reconnecting');

    const revived = cleanup.add(new HeartbeatServer({ ...FAST, port }));
    await revived.listen();
    client.reconnectNow();
    await waitFor(() => client.state === 'connected', 2000, 'connected right away');
  });

  it('stop() ends everything: local-stop, state stopped, no more reconnects', async () => {
    const { port, sessions } = await startServer(cleanup);
    const client = startClient(cleanup, { port, backoff: { baseMs: 10, capMs: 10 } });
    const log = recordClient(client);
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    await waitFor(() => client.state === 'connected', 2000, 'connected');
    await client.stop();
    expect(client.state).toBe('stopped');
    expect(log.closed).toEqual(['local-stop']);
    await waitFor(() => sessions[0].closed, 2000, 'server side closed');
    expect(sessions[0].closeReason).toBe('peer-closed');
    await new Promise((r) => setTimeout(r, 100));
    expect(log.reconnecting).toEqual([]);
    expect(sessions).toHaveLength(1);
    expect(states).toContain('stopped');
  });

  it('a connect that does not complete within connectTimeoutMs becomes error:ETIMEDOUT, then a reconnect', async () => {
    const { port } = await startServer(cleanup);
    // A manual scheduler on a fake clock lets the timeout win the race deterministically.
    let now = 0;
    const sched = new Scheduler({ manual: true, clock: () => now });
    const client = startClient(cleanup, {
      port,
      scheduler: sched,
      connectTimeoutMs: 100,
      backoff: { baseMs: 1000, capMs: 1000 },
    });
    const log = recordClient(client);
    expect(client.state).toBe('connecting');
    now = 150;
    sched.advance(now);
    expect(log.closed).toEqual(['error:ETIMEDOUT']);
    expect(log.reconnecting).toHaveLength(1);
    expect(client.state).toBe('reconnecting');
    await sleep(50);
    expect(log.sessions).toHaveLength(0); // the abandoned socket never became a session
  });
});
