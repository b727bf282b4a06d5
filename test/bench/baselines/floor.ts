// Baseline "floor": the least a Node server can do for a heartbeat — one sweep writing
// the same 4 bytes to every socket, replies read and discarded (only counted). No
// liveness verdict at all, so it can never time anyone out.
import type { Socket } from 'node:net';
import { closeAll, listenLoopback } from './listen';
import { runIfMain } from './standalone';
import type { BenchServer, BenchServerFactory } from './types';

const PING = Buffer.from('ping');

export const startFloor: BenchServerFactory = async (opts) => {
  const sockets = new Set<Socket>();
  let replyBytes = 0;
  let peerCloses = 0;
  const { server, port } = await listenLoopback(opts.port ?? 0, (socket) => {
    sockets.add(socket);
    socket.on('data', (data) => {
      replyBytes += data.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      peerCloses++;
    });
  });
  const interval = setInterval(() => {
    for (const s of sockets) s.write(PING);
  }, opts.intervalMs);
  const bench: BenchServer = {
    port,
    stats: () => ({ connections: sockets.size, heartbeats: Math.floor(replyBytes / 4), timeouts: 0, closes: { peer: peerCloses } }),
    close: () => {
      clearInterval(interval);
      return closeAll(server, sockets);
    },
  };
  return bench;
};

runIfMain(import.meta.url, startFloor);
