// Reference for RTT accuracy: a bare 12-byte echo measured the way Heartwire measures —
// per socket, every interval (phases spread across it), write u32 seq + u64 t (µs,
// performance.now()) with Nagle off; the peer echoes the bytes; RTT = now − t.
// With opts.faults the bytes go through Heartwire's fault layer (a FaultPipe per
// socket), so Heartwire's RTT under injected latency can be compared with a bare
// measurement of the very same faulted path.
// With opts.phases 'external' (the rtt scenario's companion echo) sockets stay quiet
// until setPhases() gives them absolute send phases; they then ping at exactly those
// phases (mod interval, on performance.now()) every interval, without drift.
import type { Socket } from 'node:net';
import { closeAll, listenLoopback } from './listen';
import { runIfMain } from './standalone';
import type { BenchServer, BenchServerFactory, BenchServerOptions } from './types';
import type { Pipe } from '../../../electron/core/heartbeat/pipe';
import { loadFaults, type FaultModules } from '../servers/engine';

const RECORD = 12;
const TWO_32 = 0x1_0000_0000;

export interface EchoOptions extends BenchServerOptions {
  /** 'spread' (default): golden-ratio phases from each accept; 'external': see setPhases */
  phases?: 'spread' | 'external';
}

export interface EchoServer extends BenchServer {
  /**
   * phases 'external': socket i (accept order) pings at times ≡ phasesMs[i mod length]
   * (mod interval, performance.now() ms), from the next such time on, without drift.
   */
  setPhases(phasesMs: number[]): void;
}

export const startEcho = async (opts: EchoOptions): Promise<EchoServer> => {
  const sockets = new Set<Socket>();
  /** phases 'external': how to start socket i's pings once phases are known */
  const phaseStarts: ((phaseMs: number) => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let heartbeats = 0;
  let peerCloses = 0;
  let accepted = 0;
  let samples: number[] = [];
  let stopped = false;
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
    const index = accepted++;
    let interval: NodeJS.Timeout | undefined;
    let start: NodeJS.Timeout | undefined;
    if (opts.phases === 'external') {
      // Drift-free: each send is aimed at its absolute due time (setInterval re-arms
      // from when its callback ran, so its phase creeps later every period).
      let due = 0;
      const tick = (): void => {
        if (stopped) return;
        ping();
        const now = performance.now();
        due += opts.intervalMs;
        if (due <= now) due += Math.ceil((now - due) / opts.intervalMs) * opts.intervalMs;
        start = setTimeout(tick, Math.max(1, Math.ceil(due - now)));
      };
      phaseStarts[index] = (phaseMs) => {
        if (stopped) return;
        if (start) clearTimeout(start);
        const now = performance.now();
        const iv = opts.intervalMs;
        due = now + 1 + ((((phaseMs - now - 1) % iv) + iv) % iv);
        start = setTimeout(tick, Math.max(1, Math.ceil(due - now)));
      };
    } else {
      // Spread phases like a scheduler would: the n-th socket starts at a golden-ratio offset.
      const phase = ((index * 0.618034) % 1) * opts.intervalMs;
      const first = setTimeout(() => {
        timers.delete(first);
        interval = setInterval(ping, opts.intervalMs);
        timers.add(interval);
        ping();
      }, phase);
      start = first;
      timers.add(first);
    }
    socket.on('error', () => {});
    socket.on('close', () => {
      if (start) clearTimeout(start);
      if (interval) clearInterval(interval);
      delete phaseStarts[index];
      pipe.destroy();
      sockets.delete(socket);
      peerCloses++;
    });
  });
  const bench: EchoServer = {
    port,
    stats: () => ({ connections: sockets.size, heartbeats, timeouts: 0, closes: { peer: peerCloses } }),
    takeRttSamples: () => {
      const out = samples;
      samples = [];
      return out;
    },
    setPhases: (phasesMs) => {
      if (phasesMs.length === 0) return;
      phaseStarts.forEach((begin, i) => begin(phasesMs[i % phasesMs.length]));
    },
    close: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      return closeAll(server, sockets);
    },
  };
  return bench;
};

const factory: BenchServerFactory = startEcho;
runIfMain(import.meta.url, factory);
