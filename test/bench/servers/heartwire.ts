// Heartwire's HeartbeatServer behind the bench's BenchServer shape. Only what a user
// of the server would attach is attached: one 'closed' listener per session (and an
// 'rtt' listener when RTT samples are recorded), both shared by every session.
import type { Socket } from 'node:net';
import type { Protocol } from '../../../shared/contract';
import type { PipeFactory } from '../../../electron/core/heartbeat/pipe';
import type { BenchServer, BenchServerOptions } from '../baselines/types';
import { loadEngine, loadFaults, type CloseReason, type PeerFaultsLike, type SessionLike } from './engine';

export async function startHeartwire(protocol: Protocol, opts: BenchServerOptions): Promise<BenchServer> {
  const { HeartbeatServer } = await loadEngine();
  let pipeFactory: PipeFactory | undefined;
  const faultsBySocket = new WeakMap<Socket, PeerFaultsLike>();
  if (opts.faults) {
    const { PeerFaults } = await loadFaults();
    const faults = opts.faults;
    // One PeerFaults per accepted peer, as the monitor would hold one per peer.
    pipeFactory = (socket, deliver) => {
      const pf = new PeerFaults(faults);
      faultsBySocket.set(socket, pf);
      return pf.pipeFactory(socket, deliver);
    };
  }
  const server = new HeartbeatServer({
    host: '127.0.0.1',
    port: opts.port ?? 0,
    protocol,
    intervalMs: opts.intervalMs,
    timeoutMs: opts.timeoutMs,
    timeoutMode: opts.timeoutMode ?? 'fixed',
    ...(pipeFactory ? { pipeFactory } : {}),
  });
  const closes: Record<string, number> = {};
  let closedPongs = 0;
  let samples: number[] = [];
  // One function for every session (the emitter is `this`), as a user watching thousands
  // of sessions would write it: no closure and no once() wrapper per session. A session
  // emits 'closed' once.
  function onClosed(this: SessionLike, reason: CloseReason): void {
    closes[reason] = (closes[reason] ?? 0) + 1;
    closedPongs += this.counters.pongsReceived;
  }
  const onRtt = (ms: number): void => void samples.push(ms);
  server.on('session', (s: SessionLike) => {
    faultsBySocket.get(s.socket)?.attachSession(s);
    s.on('closed', onClosed);
    if (opts.recordRtt) s.on('rtt', onRtt);
  });
  server.on('error', () => {});
  const { port } = await server.listen();
  return {
    port,
    stats: () => {
      let live = 0;
      let pongs = closedPongs;
      for (const s of server.sessions) {
        if (s.closed) continue;
        live++;
        pongs += s.counters.pongsReceived;
      }
      return { connections: live, heartbeats: pongs, timeouts: closes['heartbeat-timeout'] ?? 0, closes: { ...closes } };
    },
    takeRttSamples: () => {
      const out = samples;
      samples = [];
      return out;
    },
    close: () => server.close(),
  };
}
