// Load generator, in its own process: opens N connections to the server under test on
// 127.0.0.1 and answers its heartbeats — 'ping'→'pong' for the text servers, PING→PONG
// for Heartwire's framed server (HELLO first; it never pings itself; whole-PING chunks are
// answered in place, as cheaply as the echo peer answers), byte echo for the
// RTT reference. Mode 'heartwire' makes every peer a real HeartbeatClient instead (it
// pings too, as a Heartwire peer does), for Heartwire-vs-Heartwire runs. It can freeze
// peers (stop answering — a HeartbeatClient also stops pinging — keep the socket open
// and keep reading) and time how long the server takes to close them.
import { connect, type Socket } from 'node:net';
import {
  encodeHello,
  encodePong,
  FRAME_PING,
  FRAME_PONG,
  FrameDecoder,
  PING_FRAME_BYTES,
  PING_PAYLOAD_BYTES,
  PlainScanner,
  readPingTimeAt,
} from '../../shared/protocol';
import type { TimeoutMode } from '../../shared/contract';
import { HeartbeatClient } from '../../electron/core/heartbeat/client';
import { childConfig, sendFatal, sendReady, serveIpc } from './lib/ipc';
import { connectionHeadroom, fdLimit } from './lib/proc';

export type LoadMode = 'text' | 'framed' | 'echo' | 'heartwire';

export interface LoadClientConfig {
  port: number;
  n: number;
  mode: LoadMode;
  intervalMs: number;
  timeoutMs: number;
  /** mode 'heartwire': the peers' own timeout mode (default fixed) */
  timeoutMode?: TimeoutMode;
  /** connects in flight at once */
  concurrency?: number;
  /** give up connecting after this long */
  connectDeadlineMs?: number;
  /** open a replacement when the server closes a connection (constant population) */
  reconnect?: boolean;
  /** also open this many 'echo' peers to the server's companion echo on echoPort */
  echo?: { port: number; n: number };
}

export interface LoadReady {
  requested: number;
  connected: number;
  failed: number;
  errors: Record<string, number>;
  connectMs: number;
  fdLimit: { soft: number; hard: number } | null;
}

export interface LoadStats {
  live: number;
  /** closed by the server (not by us) since start */
  closedByServer: number;
  reconnects: number;
  answered: number;
}

export interface FreezeResult {
  frozen: number;
  /** freeze → server close as seen by this peer, ms */
  detectionsMs: number[];
  unclosed: number;
}

interface Peer {
  /** null for a HeartbeatClient peer */
  socket: Socket | null;
  /** HeartbeatClient peers: stop heartbeats (no PING, no PONG), keep reading */
  freeze?: () => void;
  destroy: () => void;
  frozen: boolean;
  frozenAt: number;
  closedAt: number;
  onClosed: (() => void) | null;
  /** framed peers with a companion echo: `t` of the last PING (µs, the server's clock), or -1 */
  lastPingUs: number;
}

const PONG = Buffer.from('pong');

/** Whether `chunk` is one or more whole PING frames and nothing else. */
function onlyPings(chunk: Uint8Array): boolean {
  if (chunk.length === 0 || chunk.length % PING_FRAME_BYTES !== 0) return false;
  for (let i = 0; i < chunk.length; i += PING_FRAME_BYTES) {
    if (chunk[i] !== 0 || chunk[i + 1] !== 0 || chunk[i + 2] !== 0 || chunk[i + 3] !== PING_PAYLOAD_BYTES + 1) return false;
    if (chunk[i + 4] !== FRAME_PING) return false;
  }
  return true;
}
const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const cfg = childConfig<LoadClientConfig>();
  const peers = new Set<Peer>();
  let closedByServer = 0;
  let answered = 0;
  let reconnects = 0;
  let stopping = false;
  const errors: Record<string, number> = {};
  const hello = encodeHello({ v: 1, name: 'bench-load', interval: cfg.intervalMs, timeout: cfg.timeoutMs });

  const n = Math.min(cfg.n, connectionHeadroom(32));
  const concurrency = cfg.concurrency ?? 256;
  const deadline = performance.now() + (cfg.connectDeadlineMs ?? 60_000);
  const t0 = performance.now();
  let started = 0;
  let connected = 0;
  let failed = 0;

  const openOne = (port = cfg.port, mode: LoadMode = cfg.mode): Promise<void> =>
    new Promise((resolve) => {
      const socket = connect({ host: HOST, port });
      const peer: Peer = { socket, destroy: () => socket.destroy(), frozen: false, frozenAt: 0, closedAt: 0, onClosed: null, lastPingUs: -1 };
      let isConnected = false;
      socket.setNoDelay(true);
      socket.on('error', (err: NodeJS.ErrnoException) => {
        errors[err.code ?? 'error'] = (errors[err.code ?? 'error'] ?? 0) + 1;
      });
      const closed = (): void => {
        if (peer.closedAt) return;
        peer.closedAt = performance.now();
        if (peers.delete(peer) && !stopping) {
          closedByServer++;
          if (cfg.reconnect) {
            reconnects++;
            void openOne(port, mode);
          }
        }
        peer.onClosed?.();
      };
      socket.on('end', () => {
        closed();
        socket.destroy();
      });
      socket.on('close', () => {
        closed();
        if (!isConnected) {
          failed++;
          resolve();
        }
      });
      socket.once('connect', () => {
        isConnected = true;
        connected++;
        peers.add(peer);
        attach(peer, mode);
        // A framed server greets with HELLO as soon as it accepts: waiting for it bounds
        // the accept queue by `concurrency` (a starved server otherwise overflows its
        // backlog and SYN retransmit back-off stretches the ramp to minutes).
        if (mode !== 'framed') resolve();
        else {
          const t = setTimeout(resolve, 10_000);
          socket.once('data', () => {
            clearTimeout(t);
            resolve();
          });
        }
      });
    });

  // A real Heartwire peer: it pings the server too, answers its PINGs, reconnects by
  // itself (when cfg.reconnect) and, frozen, goes quiet on heartbeats (stopPinging).
  const openHeartwire = (): Promise<void> =>
    new Promise((resolve) => {
      const client = new HeartbeatClient({
        host: HOST,
        port: cfg.port,
        protocol: 'framed',
        intervalMs: cfg.intervalMs,
        timeoutMs: cfg.timeoutMs,
        timeoutMode: cfg.timeoutMode ?? 'fixed',
        name: 'bench-peer',
        connectTimeoutMs: 10_000,
      });
      const peer: Peer = {
        socket: null,
        freeze: () => client.session?.setPinging(false),
        destroy: () => void client.stop(),
        frozen: false,
        frozenAt: 0,
        closedAt: 0,
        onClosed: null,
        lastPingUs: -1,
      };
      let settled = false;
      client.on('session', (s) => {
        // The server's HELLO, as for raw framed peers, bounds the accept queue.
        s.once('hello', () => {
          peer.closedAt = 0;
          peers.add(peer);
          if (!settled) {
            settled = true;
            connected++;
            resolve();
          }
        });
      });
      client.on('closed', (reason) => {
        if (!settled) {
          settled = true;
          failed++;
          errors[reason] = (errors[reason] ?? 0) + 1;
          void client.stop();
          resolve();
          return;
        }
        if (stopping || !peers.has(peer)) return;
        peer.closedAt = performance.now();
        peers.delete(peer);
        closedByServer++;
        if (cfg.reconnect && !peer.frozen) reconnects++; // the client redials by itself
        else void client.stop();
        peer.onClosed?.();
      });
      client.start();
    });

  // With a companion echo, the rtt scenario phases the echo's pings from the send times
  // of the server's PINGs (their `t`, on the server's clock): see 'pingPhases'.
  const notePings = cfg.echo !== undefined;

  const attach = (peer: Peer, mode: LoadMode): void => {
    const socket = peer.socket as Socket;
    if (mode === 'text') {
      const scanner = new PlainScanner();
      const onToken = (t: 'ping' | 'pong'): void => {
        if (t === 'ping' && !peer.frozen) {
          answered++;
          socket.write(PONG);
        }
      };
      const onData = (): void => {};
      socket.on('data', (chunk) => scanner.push(chunk, onToken, onData));
    } else if (mode === 'framed') {
      const decoder = new FrameDecoder();
      const onFrame = (type: number, payload: Uint8Array): void => {
        if (type === FRAME_PING && !peer.frozen) {
          if (notePings && payload.length === PING_PAYLOAD_BYTES) peer.lastPingUs = readPingTimeAt(payload, 0);
          answered++;
          socket.write(encodePong(payload));
        }
      };
      socket.write(hello);
      socket.on('data', (chunk: Buffer) => {
        // Fast path, as cheap as the echo peer's (the RTT comparison must not charge
        // Heartwire for a slower peer): a chunk of whole PINGs is answered by turning it
        // into PONGs in place and writing it back.
        if (decoder.pending === 0 && onlyPings(chunk)) {
          if (peer.frozen) return;
          if (notePings) peer.lastPingUs = readPingTimeAt(chunk, chunk.length - PING_PAYLOAD_BYTES);
          for (let i = 0; i < chunk.length; i += PING_FRAME_BYTES) chunk[i + 4] = FRAME_PONG;
          answered += chunk.length / PING_FRAME_BYTES;
          socket.write(chunk);
          return;
        }
        try {
          decoder.push(chunk, onFrame);
        } catch {
          socket.destroy();
        }
      });
    } else {
      socket.on('data', (chunk) => {
        if (peer.frozen) return;
        answered++;
        socket.write(chunk);
      });
    }
  };

  // Bounded ramp: at most `concurrency` connects in flight, stop at n or at the deadline.
  const workers: Promise<void>[] = [];
  for (let w = 0; w < concurrency; w++) {
    workers.push(
      (async () => {
        while (started < n && performance.now() < deadline) {
          started++;
          await (cfg.mode === 'heartwire' ? openHeartwire() : openOne());
        }
      })(),
    );
  }
  await Promise.all(workers);
  // The companion echo's peers, in this same process: same client code path as the
  // load client's own echo mode, same socket options, same load.
  for (let i = 0; i < (cfg.echo?.n ?? 0); i++) await openOne(cfg.echo?.port, 'echo');

  serveIpc({
    stats: (): LoadStats => ({ live: peers.size, closedByServer, answered, reconnects }),
    /** Send times (ms, the server's clock) of the last PING each framed peer answered. */
    pingPhases: (): number[] => [...peers].filter((p) => p.lastPingUs >= 0).map((p) => p.lastPingUs / 1000),
    freeze: (m): Promise<FreezeResult> => {
      const spreadMs = Number(m.spreadMs ?? 1000);
      const waitMs = Number(m.waitMs ?? 10_000);
      const count = Math.min(Number(m.count ?? peers.size), peers.size);
      const chosen = [...peers].slice(0, count);
      return new Promise((resolve) => {
        const detections: number[] = [];
        let pending = chosen.length;
        const timers: NodeJS.Timeout[] = [];
        const finish = (): void => {
          for (const t of timers) clearTimeout(t);
          resolve({ frozen: chosen.length, detectionsMs: detections, unclosed: pending });
        };
        const guard = setTimeout(finish, spreadMs + waitMs);
        if (pending === 0) {
          clearTimeout(guard);
          finish();
          return;
        }
        for (const peer of chosen) {
          peer.onClosed = () => {
            if (!peer.frozen) return; // closed before its freeze: not a detection
            detections.push(peer.closedAt - peer.frozenAt);
            if (--pending === 0) {
              clearTimeout(guard);
              finish();
            }
          };
          timers.push(
            setTimeout(() => {
              peer.frozen = true;
              peer.frozenAt = performance.now();
              peer.freeze?.();
            }, Math.random() * spreadMs),
          );
        }
      });
    },
    stop: () => {
      stopping = true;
      for (const p of peers) p.destroy();
      setImmediate(() => process.exit(0));
      return {};
    },
  });

  const ready: LoadReady = {
    requested: cfg.n,
    connected,
    failed,
    errors,
    connectMs: performance.now() - t0,
    fdLimit: fdLimit(),
  };
  sendReady(ready as unknown as Record<string, unknown>);
}

main().catch(sendFatal);
