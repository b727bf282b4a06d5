// Baseline "classic": the tutorial pattern, kept deliberately faithful — per socket a
// setInterval that writes the text 'ping', and a setTimeout cleared and re-created on
// every 'pong', matched with data.toString() === 'pong'.
import type { Socket } from 'node:net';
import { closeAll, listenLoopback } from './listen';
import { runIfMain } from './standalone';
import type { BenchServer, BenchServerFactory } from './types';

export const startClassic: BenchServerFactory = async (opts) => {
  const sockets = new Set<Socket>();
  let heartbeats = 0;
  let timeouts = 0;
  let peerCloses = 0;
  const { server, port } = await listenLoopback(opts.port ?? 0, (socket) => {
    sockets.add(socket);
    let timedOut = false;
    const onTimeout = (): void => {
      timedOut = true;
      timeouts++;
      socket.destroy();
    };
    let timeout = setTimeout(onTimeout, opts.timeoutMs);
    const interval = setInterval(() => {
      socket.write('ping');
    }, opts.intervalMs);
    socket.on('data', (data) => {
      if (data.toString() === 'pong') {
        heartbeats++;
        clearTimeout(timeout);
        timeout = setTimeout(onTimeout, opts.timeoutMs);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(interval);
      clearTimeout(timeout);
      sockets.delete(socket);
      if (!timedOut) peerCloses++;
    });
  });
  const bench: BenchServer = {
    port,
    stats: () => ({ connections: sockets.size, heartbeats, timeouts, closes: { timeout: timeouts, peer: peerCloses } }),
    close: () => closeAll(server, sockets),
  };
  return bench;
};

runIfMain(import.meta.url, startClassic);
