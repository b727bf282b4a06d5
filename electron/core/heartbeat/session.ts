// Per-socket heartbeat state machine (DESIGN §2–§4). One instance per TCP connection,
// server or client side. Hot path (receive PONG → RTT → stats → next PING) allocates
// almost nothing: the ping/pong frames are reused Buffers when the previous write has
// fully left the process, outstanding pings live in typed-array rings, timers are
// two intrusive scheduler entries created once, and receiving a frame only stores a
// timestamp (the deadline check re-arms lazily when it fires).
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { CloseReason, KillMode, Protocol, TimeoutMode } from '../../../shared/contract';
import {
  FRAME_BYE,
  FRAME_DATA,
  FRAME_HELLO,
  FRAME_PING,
  FRAME_PONG,
  FrameDecoder,
  HEADER_BYTES,
  PING_FRAME_BYTES,
  PING_PAYLOAD_BYTES,
  PLAIN_PING,
  PLAIN_PONG,
  PlainScanner,
  ProtocolError,
  decodeHello,
  encodeBye,
  encodeData,
  encodeHello,
  readPingSeq,
  readPingTime,
  writePing,
  type HelloPayload,
} from '../../../shared/protocol';
import { PhiAccrual, RttEstimator, RttWindow, adaptiveDeadlineMs } from '../../../shared/stats';
import { formatAddress } from './address';
import { directPipe, type Pipe, type PipeFactory } from './pipe';
import { TimerEntry, defaultScheduler, type Scheduler } from './scheduler';

export interface SessionOptions {
  protocol: Protocol;
  intervalMs: number;
  timeoutMs: number;
  timeoutMode: TimeoutMode;
  /** plain protocol: the server pings 'ping', the client answers 'pong' */
  role: 'server' | 'client';
  /** sent in HELLO */
  name?: string;
  maxFrameBytes?: number;
  /** default directPipe */
  pipeFactory?: PipeFactory;
  scheduler?: Scheduler;
  /** default: 2 * intervalMs */
  adaptiveFloorMs?: number;
}

/** answered, late (answered after > interval), missed (unanswered for timeoutMs) */
export type BeatKind = 'a' | 'l' | 'm';

export interface SessionEvents {
  hello: [h: HelloPayload];
  rtt: [rttMs: number, atEpochMs: number];
  beat: [kind: BeatKind];
  data: [bytes: Uint8Array];
  closed: [reason: CloseReason];
}

export interface SessionCounters {
  pingsSent: number;
  pongsReceived: number;
  bytesIn: number;
  bytesOut: number;
  dataBytesIn: number;
  dataBytesOut: number;
}

// Immutable wire constants, shared by every plain session (never mutated, so one
// Buffer can be queued by many sockets at once).
const PLAIN_PING_BUF = Buffer.from(PLAIN_PING);
const PLAIN_PONG_BUF = Buffer.from(PLAIN_PONG);
/** After a local FIN, how long a peer that never closes its side may hold the socket. */
const MAX_LINGER_MS = 2000;

function toBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export class HeartbeatSession extends EventEmitter<SessionEvents> {
  readonly socket: Socket;
  readonly pipe: Pipe;
  /** our end, "ip:port" (IPv6 as [::1]:port) */
  readonly local: string;
  /** the other end */
  readonly remote: string;
  readonly protocol: Protocol;
  readonly role: 'server' | 'client';
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly timeoutMode: TimeoutMode;
  readonly counters: SessionCounters = {
    pingsSent: 0,
    pongsReceived: 0,
    bytesIn: 0,
    bytesOut: 0,
    dataBytesIn: 0,
    dataBytesOut: 0,
  };
  readonly rtt = new RttWindow();
  readonly estimator = new RttEstimator();
  readonly phiDetector = new PhiAccrual();
  /** epoch ms when the session started */
  readonly startedAt = Date.now();

  private _closed = false;
  /** Peer sent FIN while the pipe still held some of its bytes. */
  private endPending = false;
  private _closeReason: CloseReason | undefined;
  private _peerHello: HelloPayload | undefined;

  private readonly sched: Scheduler;
  private readonly framed: boolean;
  /** framed: both sides ping; plain: only the server does */
  private readonly pinger: boolean;
  private readonly adaptive: boolean;
  private readonly floorMs: number;
  private readonly name: string;
  private readonly decoder: FrameDecoder | null;
  private readonly scanner: PlainScanner | null;
  private readonly pingEntry: TimerEntry;
  /** deadline check while open; after a local FIN, the linger limit */
  private readonly deadlineEntry: TimerEntry;
  /** Reusing frame buffers is only safe when we know who holds them: the direct pipe. */
  private readonly reuseBuffers: boolean;

  private lastRecv: number;
  private pausedAtRecv: number;
  private chunkNow = 0;
  private nextPingAt = 0;
  private pinging = true;
  private dropP = 0;
  private yielding = false;

  // Outstanding framed pings: ring indexed by seq & mask (seqs are consecutive).
  private seq = 0;
  private oldest = 1;
  private readonly ringMask: number;
  private readonly outSeq: Float64Array;
  private readonly outT: Float64Array;
  private readonly outSent: Float64Array;
  /** plain server: send time of the one outstanding 'ping', -1 when none */
  private plainPingAt = -1;
  private pingBuf: Buffer | null = null;
  private pongBuf: Buffer | null = null;

  constructor(socket: Socket, opts: SessionOptions) {
    super();
    this.socket = socket;
    this.protocol = opts.protocol;
    this.role = opts.role;
    this.intervalMs = opts.intervalMs;
    this.timeoutMs = opts.timeoutMs;
    this.timeoutMode = opts.timeoutMode;
    this.name = opts.name ?? 'heartwire';
    this.sched = opts.scheduler ?? defaultScheduler;
    this.framed = opts.protocol === 'framed';
    this.pinger = this.framed || opts.role === 'server';
    this.adaptive = opts.timeoutMode === 'adaptive';
    this.floorMs = opts.adaptiveFloorMs ?? 2 * opts.intervalMs;
    this.decoder = this.framed ? new FrameDecoder(opts.maxFrameBytes) : null;
    this.scanner = this.framed ? null : new PlainScanner();
    const factory = opts.pipeFactory ?? directPipe;
    this.reuseBuffers = factory === directPipe;
    // Enough ring slots to keep every ping that may still be answered within the timeout.
    const ring = Math.min(1024, Math.max(8, nextPow2(Math.ceil(opts.timeoutMs / opts.intervalMs) + 2)));
    this.ringMask = ring - 1;
    this.outSeq = new Float64Array(ring).fill(-1);
    this.outT = new Float64Array(ring);
    this.outSent = new Float64Array(ring);

    this.local = formatAddress(socket.localAddress, socket.localPort);
    this.remote = formatAddress(socket.remoteAddress, socket.remotePort);
    try {
      socket.setNoDelay(true);
      // Backstop for a silent dead peer if heartbeats are stopped by a fault.
      socket.setKeepAlive(true, opts.timeoutMs);
    } catch {
      // socket already gone: the 'close' handler reports it
    }
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);

    this.pingEntry = new TimerEntry(this.onPingTimer);
    this.deadlineEntry = new TimerEntry(this.onDeadlineTimer);
    this.pipe = factory(socket, this.onChunk);

    const now = this.sched.now();
    this.lastRecv = now;
    this.pausedAtRecv = this.sched.pausedMs;
    if (socket.destroyed) {
      // Accepted and gone already: report it once listeners are attached.
      process.nextTick(() => this.finish('peer-closed', 'none'));
      return;
    }
    if (this.framed) {
      this.write(
        toBuffer(encodeHello({ v: 1, name: this.name, interval: this.intervalMs, timeout: this.timeoutMs })),
      );
    }
    if (this.pinger) {
      // Random phase: thousands of sessions started together don't ping in one burst.
      this.nextPingAt = now + Math.random() * this.intervalMs;
      this.sched.schedule(this.pingEntry, this.nextPingAt);
    }
    this.armDeadline(now, this.currentDeadlineMs());
  }

  get closed(): boolean {
    return this._closed;
  }

  get closeReason(): CloseReason | undefined {
    return this._closeReason;
  }

  get peerHello(): HelloPayload | undefined {
    return this._peerHello;
  }

  /** Whether this side currently sends heartbeats (see setPinging). */
  get isPinging(): boolean {
    return this.pinging;
  }

  /** Current drop probability for received PING/PONG. */
  get dropProbability(): number {
    return this.dropP;
  }

  /** Phi suspicion score right now. */
  phi(): number {
    return this.phiDetector.phi(this.sched.now());
  }

  /** ms since the last frame (or plain bytes) from the peer, stalls of our own loop discounted. */
  silentMs(): number {
    return this.silentAt(this.sched.now());
  }

  /** The deadline in force now (fixed: timeoutMs; adaptive: DESIGN §4 formula). */
  currentDeadlineMs(): number {
    return this.adaptive
      ? adaptiveDeadlineMs(this.intervalMs, this.estimator.srtt, this.estimator.rttvar, this.floorMs, this.timeoutMs)
      : this.timeoutMs;
  }

  /** framed: one DATA frame; plain: the raw bytes. Ignored once closed. */
  sendData(bytes: Uint8Array): void {
    if (this._closed) return;
    this.counters.dataBytesOut += bytes.length;
    // Copy either way: the caller may reuse its buffer while a fault pipe still holds ours.
    this.write(this.framed ? toBuffer(encodeData(bytes)) : Buffer.from(bytes));
  }

  /** 'fin' → end() (reason killed-fin); 'rst' → resetAndDestroy() (reason killed-rst). */
  kill(mode: KillMode): void {
    if (mode === 'rst') this.finish('killed-rst', 'reset');
    else this.finish('killed-fin', 'end');
  }

  /** Graceful local close: framed sends BYE first; then FIN. */
  close(reason: CloseReason = 'local-stop'): void {
    if (this._closed) return;
    if (this.framed) this.write(toBuffer(encodeBye(reason)));
    this.finish(reason, 'end');
  }

  /** Fault: drop received PING/PONG with probability p (dropped ones are no proof of life). */
  setDropProbability(p: number): void {
    this.dropP = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
  }

  /**
   * Fault "stopPinging": this side goes quiet on heartbeats — it sends no PING and
   * answers no PING (otherwise the peer would keep seeing our PONGs and never notice).
   * DATA and the socket itself are unaffected.
   */
  setPinging(enabled: boolean): void {
    this.pinging = enabled;
  }

  // ---- receive path ---------------------------------------------------------

  private readonly onChunk = (chunk: Buffer): void => {
    if (this._closed) return;
    this.chunkNow = this.sched.now();
    this.counters.bytesIn += chunk.length;
    try {
      if (this.decoder !== null) this.decoder.push(chunk, this.onFrame);
      else (this.scanner as PlainScanner).push(chunk, this.onToken, this.onPlainData);
    } catch {
      // Decoder or handler failure: this connection only, never the process.
      this.finish('protocol-error', 'destroy');
    }
  };

  /** The peer is alive: O(1), no timer work (the deadline check re-arms lazily). */
  private alive(): void {
    this.lastRecv = this.chunkNow;
    this.pausedAtRecv = this.sched.pausedMs;
  }

  private readonly onFrame = (type: number, payload: Uint8Array): void => {
    if (this._closed) return;
    switch (type) {
      case FRAME_PING:
        if (this.dropP > 0 && Math.random() < this.dropP) return;
        if (payload.length !== PING_PAYLOAD_BYTES) throw new ProtocolError('bad-payload');
        this.alive();
        if (this.pinging) this.sendPong(payload);
        return;
      case FRAME_PONG:
        if (this.dropP > 0 && Math.random() < this.dropP) return;
        this.alive();
        this.onPong(payload);
        return;
      case FRAME_DATA:
        this.alive();
        this.counters.dataBytesIn += payload.length;
        this.emit('data', Buffer.from(payload));
        return;
      case FRAME_HELLO:
        this.alive();
        this._peerHello = decodeHello(payload);
        this.emit('hello', this._peerHello);
        return;
      case FRAME_BYE:
        this.alive();
        this.finish('peer-closed', 'end');
        return;
    }
  };

  private onPong(payload: Uint8Array): void {
    const seq = readPingSeq(payload);
    const idx = seq & this.ringMask;
    // Karn's rule: unknown or already answered ⇒ no RTT sample.
    if (this.outSeq[idx] !== seq) return;
    const t = readPingTime(payload);
    if (t !== this.outT[idx]) return; // not the ping we sent under that seq
    this.outSeq[idx] = -1;
    this.recordRtt(this.chunkNow - t / 1000);
  }

  private recordRtt(rttMs: number): void {
    const rtt = rttMs > 0 ? rttMs : 0;
    this.counters.pongsReceived++;
    this.rtt.add(rtt);
    this.estimator.update(rtt);
    this.phiDetector.heartbeat(this.chunkNow);
    this.emit('rtt', rtt, Date.now());
    this.emit('beat', rtt > this.intervalMs ? 'l' : 'a');
  }

  private readonly onToken = (token: 'ping' | 'pong'): void => {
    if (this._closed) return;
    if (this.dropP > 0 && Math.random() < this.dropP) return;
    this.alive();
    if (token === 'ping') {
      // A plain client's only heartbeat evidence is the server's 'ping'.
      if (!this.pinger) this.phiDetector.heartbeat(this.chunkNow);
      if (this.pinging) this.write(PLAIN_PONG_BUF);
    } else if (this.plainPingAt >= 0) {
      const rtt = this.chunkNow - this.plainPingAt;
      this.plainPingAt = -1; // one outstanding; a second 'pong' is not a sample
      this.recordRtt(rtt);
    }
  };

  private readonly onPlainData = (bytes: Uint8Array): void => {
    if (this._closed) return;
    this.alive();
    this.counters.dataBytesIn += bytes.length;
    this.emit('data', Buffer.from(bytes));
  };

  // ---- send path ------------------------------------------------------------

  private write(buf: Buffer): void {
    this.counters.bytesOut += buf.length;
    this.pipe.write(buf);
  }

  /** Whether a Buffer just written is no longer referenced by the socket (safe to reuse). */
  private flushed(): boolean {
    return this.reuseBuffers && this.socket.writableLength === 0;
  }

  private sendPong(pingPayload: Uint8Array): void {
    let buf = this.pongBuf;
    if (buf === null) {
      buf = Buffer.allocUnsafe(PING_FRAME_BYTES);
      buf.writeUInt32BE(PING_PAYLOAD_BYTES + 1, 0);
      buf[4] = FRAME_PONG;
    }
    buf.set(pingPayload, HEADER_BYTES);
    this.write(buf);
    this.pongBuf = this.flushed() ? buf : null;
  }

  private readonly onPingTimer = (now: number): void => {
    if (this._closed) return;
    // Fixed cadence without drift; after a stall, resume one interval from now (no burst).
    let next = this.nextPingAt + this.intervalMs;
    if (next <= now) next = now + this.intervalMs;
    this.nextPingAt = next;
    this.sched.schedule(this.pingEntry, next);
    if (!this.pinging) return;
    if (this.framed) this.sendPing();
    else this.sendPlainPing();
  };

  private sendPing(): void {
    const now = this.sched.now();
    this.reapMissed(now);
    const seq = (this.seq + 1) >>> 0;
    this.seq = seq;
    const idx = seq & this.ringMask;
    if (this.outSeq[idx] >= 0) this.emit('beat', 'm'); // evicted unanswered
    const t = Math.floor(now * 1000);
    this.outSeq[idx] = seq;
    this.outT[idx] = t;
    this.outSent[idx] = now;
    const buf = this.pingBuf ?? Buffer.allocUnsafe(PING_FRAME_BYTES);
    writePing(buf, 0, seq, t);
    this.counters.pingsSent++;
    this.write(buf);
    this.pingBuf = this.flushed() ? buf : null;
  }

  /** Pings unanswered for timeoutMs are missed; amortised O(1) (seqs are consecutive). */
  private reapMissed(now: number): void {
    const limit = now - this.timeoutMs;
    const end = (this.seq + 1) >>> 0;
    let s = this.oldest;
    while (s !== end) {
      const idx = s & this.ringMask;
      if (this.outSeq[idx] === s) {
        if (this.outSent[idx] > limit) break;
        this.outSeq[idx] = -1;
        this.emit('beat', 'm');
      }
      s = (s + 1) >>> 0;
    }
    this.oldest = s;
  }

  private sendPlainPing(): void {
    if (this.plainPingAt >= 0) this.emit('beat', 'm');
    this.counters.pingsSent++;
    this.write(PLAIN_PING_BUF);
    this.plainPingAt = this.sched.now();
  }

  // ---- deadline -------------------------------------------------------------

  private silentAt(now: number): number {
    // Time our own event loop stood still is not the peer's silence.
    return now - this.lastRecv - (this.sched.pausedMs - this.pausedAtRecv);
  }

  private armDeadline(now: number, remainingMs: number): void {
    let at = now + remainingMs;
    // Adaptive deadlines shrink as SRTT settles; look again at least every interval.
    if (this.adaptive && at > now + this.intervalMs) at = now + this.intervalMs;
    this.sched.schedule(this.deadlineEntry, at);
  }

  private readonly onDeadlineTimer = (now: number): void => {
    if (this._closed) {
      // Linger expired: the peer never closed its side after our FIN.
      if (!this.socket.destroyed) this.socket.destroy();
      return;
    }
    const limit = this.currentDeadlineMs();
    const silent = this.silentAt(now);
    if (silent < limit) {
      this.armDeadline(now, limit - silent);
      return;
    }
    // Before convicting, let the poll phase read what is already in the socket buffer.
    if (!this.yielding) {
      this.yielding = true;
      setImmediate(this.onYield);
    }
  };

  private readonly onYield = (): void => {
    this.yielding = false;
    if (this._closed) return;
    const now = this.sched.now();
    const limit = this.currentDeadlineMs();
    const silent = this.silentAt(now);
    if (silent < limit) this.armDeadline(now, limit - silent);
    else this.finish('heartbeat-timeout', 'destroy');
  };

  // ---- socket events and closing -------------------------------------------

  private readonly onEnd = (): void => {
    // Peer sent FIN; Node ends our side too (allowHalfOpen is false).
    if (this._closed || this.endPending) return;
    if (!this.pipe.finishInbound) {
      this.finish('peer-closed', 'none');
      return;
    }
    // A fault may still hold bytes the peer sent before its FIN: deliver them first.
    this.endPending = true;
    this.pipe.finishInbound(() => this.finish('peer-closed', 'none'));
  };

  private readonly onError = (err: Error): void => {
    // Always listening: an 'error' without a listener would crash the process.
    const code = (err as NodeJS.ErrnoException).code;
    const reason: CloseReason =
      code === 'ECONNRESET' || code === 'EPIPE' ? 'peer-reset' : `error:${code ?? 'UNKNOWN'}`;
    this.finish(reason, 'destroy');
  };

  private readonly onClose = (hadError: boolean): void => {
    if (this._closed) {
      this.sched.cancel(this.deadlineEntry); // linger no longer needed
      return;
    }
    if (this.endPending && !hadError) return; // the pipe is still delivering; it finishes us
    this.finish(hadError ? 'peer-reset' : 'peer-closed', 'none');
  };

  /** The single exit: exactly one 'closed'. */
  private finish(reason: CloseReason, how: 'end' | 'destroy' | 'reset' | 'none'): void {
    if (this._closed) return;
    this._closed = true;
    this._closeReason = reason;
    this.sched.cancel(this.pingEntry);
    this.sched.cancel(this.deadlineEntry);
    // A graceful end lets a pipe that holds bytes write them out before the FIN.
    const pipeEnds = how === 'end' && this.pipe.end !== undefined && !this.socket.destroyed;
    try {
      if (pipeEnds) this.pipe.end?.();
      else this.pipe.destroy();
    } catch {
      // a faulty pipe must not keep the session open
      this.socket.destroy();
    }
    try {
      if (how === 'end') {
        if (!pipeEnds) this.socket.end();
        if (!this.socket.destroyed) {
          this.sched.schedule(this.deadlineEntry, this.sched.now() + Math.min(this.timeoutMs, MAX_LINGER_MS));
        }
      } else if (how === 'destroy') this.socket.destroy();
      else if (how === 'reset') this.socket.resetAndDestroy();
    } catch {
      this.socket.destroy();
    }
    this.emit('closed', reason);
  }
}
