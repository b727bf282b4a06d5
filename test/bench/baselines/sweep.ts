// Baseline "sweep": the `ws` README pattern — one setInterval over all sockets with an
// isAlive flag: a socket still not alive at the next sweep is terminated; otherwise it
// is marked not-alive and pinged. A 'pong' marks it alive again.
import type { Socket } from 'node:net';
import { closeAll, listenLoopback } from './listen';
import { runIfMain } from './standalone';
import type { BenchServer, BenchServerFactory } from './types';

interface Tracked extends Socket {
  isAlive?: boolean;
}

export const startSweep: BenchServerFactory = async (opts) => {
  const sockets = new Set<Tracked>();
  let heartbeats = 0;
  let timeouts = 0;
  let peerCloses = 0;
  const terminated = new WeakSet<Socket>();
  const { server, port } = await listenLoopback(opts.port ?? 0, (socket: Tracked) => {
    sockets.add(socket);
    socket.isAlive = true;
    socket.on('data', (data) => {
      if (data.toString() === 'pong') {
        heartbeats++;
        socket.isAlive = true;
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      if (!terminated.has(socket)) peerCloses++;
    });
  });
  const interval = setInterval(() => {
    for (const s of sockets) {
      if (s.isAlive === false) {
        timeouts++;
        terminated.add(s);
        s.destroy();
        continue;
      }
      s.isAlive = false;
      s.write('ping');
    }
  }, opts.intervalMs);
  const bench: BenchServer = {
    port,
    stats: () => ({ connections: sockets.size, heartbeats, timeouts, closes: { timeout: timeouts, peer: peerCloses } }),
    close: () => {
      clearInterval(interval);
      return closeAll(server, sockets);
    },
  };
  return bench;
};

runIfMain(import.meta.url, startSweep);
