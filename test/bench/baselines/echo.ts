// Reference for RTT accuracy: a bare 12-byte echo measured the way Heartwire measures —
// per socket, every interval (phases spread across it), write u32 seq + u64 t (µs,
// performance.now()) with Nagle off; the peer echoes the bytes; RTT = now − t.
// With opts.faults the bytes go through Heartwire's fault layer (a FaultPipe per
// socket), so Heartwire's RTT under injected latency can be compared with a bare
// measurement of the very same faulted path.
import type { Socket } from 'node:net';
import { closeAll, listenLoopback } from './listen';
import { runIfMain } from './standalone';
import type { BenchServer, BenchServerFactory } from './types';
import type { Pipe } from '../../../electron/core/heartbeat/pipe';
import { loadFaults, type FaultModules } from '../servers/engine';

const RECORD = 12;
const TWO_32 = 0x1_0000_0000;

export const startEcho: BenchServerFactory = async (opts) => {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let heartbeats = 0;
  let peerCloses = 0;
  let accepted = 0;
  let samples: number[] = [];
  const faultMod: FaultModules | null = opts.faults ? await loadFaults() : null;
  const { server, port } = await listenLoopback(opts.port ?? 0, (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let seq = 0;
    let carry = Buffer.alloc(0);
    const onBytes = (data: Buffer): void => {
      const now = performance.now();
      const buf = carry.length ? Buffer.concat([carry, data]) : data;
      let i = 0;
      for (; i + RECORD <= buf.length; i += RECORD) {
        const t = buf.readUInt32BE(i + 4) * TWO_32 + buf.readUInt32BE(i + 8);
        heartbeats++;
        if (opts.recordRtt) samples.push(now - t / 1000);
      }
      carry = Buffer.from(buf.subarray(i));
    };
    let pipe: Pipe;
    if (faultMod && opts.faults) pipe = new faultMod.PeerFaults(opts.faults).pipeFactory(socket, onBytes);
    else {
      socket.on('data', onBytes);
      pipe = { write: (b) => void socket.write(b), destroy: () => undefined };
    }
    const ping = (): void => {
      const b = Buffer.allocUnsafe(RECORD);
      const t = Math.floor(performance.now() * 1000);
      b.writeUInt32BE(seq++ >>> 0, 0);
      b.writeUInt32BE(Math.floor(t / TWO_32), 4);
      b.writeUInt32BE(t >>> 0, 8);
      pipe.write(b);
    };
    // Spread phases like a scheduler would: the n-th socket starts at a golden-ratio offset.
    const phase = ((accepted++ * 0.618034) % 1) * opts.intervalMs;
    let interval: NodeJS.Timeout | undefined;
    const start = setTimeout(() => {
      timers.delete(start);
      interval = setInterval(ping, opts.intervalMs);
      timers.add(interval);
      ping();
    }, phase);
    timers.add(start);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(start);
      if (interval) clearInterval(interval);
      pipe.destroy();
      sockets.delete(socket);
      peerCloses++;
    });
  });
  const bench: BenchServer = {
    port,
    stats: () => ({ connections: sockets.size, heartbeats, timeouts: 0, closes: { peer: peerCloses } }),
    takeRttSamples: () => {
      const out = samples;
      samples = [];
      return out;
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      return closeAll(server, sockets);
    },
  };
  return bench;
};

runIfMain(import.meta.url, startEcho);
