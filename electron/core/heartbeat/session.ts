// Per-socket heartbeat state machine (DESIGN §2–§4). One instance per TCP connection,
// server or client side, so per-instance memory and per-heartbeat work are what
// scale: the hot path (receive PONG → RTT → stats → next PING) allocates nothing —
// the decoder reports frames as (bytes, start, end) without views, ping/pong frames
// are reused Buffers when the previous write has fully left the process, outstanding
// pings live in small typed-array rings, timers are two intrusive scheduler entries
// created once, and receiving a frame only stores a timestamp (the deadline check
// re-arms lazily when it fires). Handlers are prototype methods, not per-instance
// closures: socket listeners are shared functions that find their session through a
// symbol on the socket, and timer entries carry the session as their owner.
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
  readPingSeqAt,
  readPingTimeAt,
  writePing,
  type HelloPayload,
} from '../../../shared/protocol';
import { FloatBlockPool, PhiAccrual, RttEstimator, RttWindow, adaptiveDeadlineMs } from '../../../shared/stats';
import { formatAddress } from './address';
import { NO_RINGS, ringPoolFor, type RingPool } from './ping-ring-pool';
import { captureEnds, ends } from './socket-ends';
import { DirectPipe, directPipe, type Pipe, type PipeFactory } from './pipe';
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
/** Heartbeat inter-arrival times kept per session for phi (128 bytes as 32-bit floats). */
export const SESSION_PHI_WINDOW = 32;
/**
 * RTT samples kept per session for percentiles: the last minute at the default 1 s
 * interval (p99 = the largest, p95 the 4th largest). The whole window costs 256 bytes
 * per connection; per-connection memory is what limits how many peers one process
 * watches, and the 'rtt' event carries every sample for longer histories.
 */
export const SESSION_RTT_WINDOW = 64;
/**
 * Both windows of a session live in one block of a shared slab (no typed array, no
 * ArrayBuffer, no native backing store per session); a closed session moves its samples
 * into arrays of its own (detach) and its block goes to the next session.
 */
const windowPool = new FloatBlockPool(SESSION_RTT_WINDOW + SESSION_PHI_WINDOW);
/** Pings go out in at most this many groups per interval (see pingSlot)… */
const PING_GROUPS_PER_INTERVAL = 20;
/** …spaced at most this far apart (a ping leaves at most this late). */
const PING_GROUP_MAX_MS = 50;
/** Adaptive mode: extra PINGs sent to a peer that has gone quiet (see probeDueMs). */
const MAX_PROBES = 2;
/** After a local FIN, how long a peer that never closes its side may hold the socket. */
const MAX_LINGER_MS = 2000;

/** Session of a socket, for the listeners shared by all sessions (`this` = the socket). */
const kSession = Symbol('heartwire.session');
type SessionSocket = Socket & { [kSession]?: HeartbeatSession };

/** @internal The owner (server) is told of a close before any 'closed' listener runs. */
export const kCloseHook = Symbol('heartwire.closeHook');

/**
 * Everything a session derives from its options, shared by all sessions created with
 * equal options (a server's sessions): per-connection memory is what scales, so the
 * session itself keeps only its own state.
 */
interface SessionConfig {
  readonly protocol: Protocol;
  readonly role: 'server' | 'client';
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly timeoutMode: TimeoutMode;
  readonly name: string;
  readonly maxFrameBytes: number | undefined;
  readonly adaptiveFloorMs: number | undefined;
  readonly factory: PipeFactory;
  readonly sched: Scheduler;
  readonly framed: boolean;
  /** framed: both sides ping; plain: only the server does */
  readonly pinger: boolean;
  readonly adaptive: boolean;
  readonly floorMs: number;
  /** Reusing frame buffers is only safe when we know who holds them: the direct pipe. */
  readonly reuseBuffers: boolean;
  /** outstanding-ping ring size (a power of two) */
  readonly ring: number;
  /** where framed sessions keep their outstanding-ping rings (see RingPool) */
  readonly ringPool: RingPool;
  /** see pingSlot() */
  readonly pingQuantumMs: number;
  /** the HELLO frame, encoded once; never mutated, so many sockets may queue it at once */
  hello: Buffer | null;
}

let lastConfig: SessionConfig | null = null;


/** The shared config for `opts` (the last one built, when its options are equal). */
function configFor(opts: SessionOptions): SessionConfig {
  const name = opts.name ?? 'heartwire';
  const factory = opts.pipeFactory ?? directPipe;
  const sched = opts.scheduler ?? defaultScheduler;
  const c = lastConfig;
  if (
    c !== null &&
    c.protocol === opts.protocol &&
    c.role === opts.role &&
    c.intervalMs === opts.intervalMs &&
    c.timeoutMs === opts.timeoutMs &&
    c.timeoutMode === opts.timeoutMode &&
    c.name === name &&
    c.maxFrameBytes === opts.maxFrameBytes &&
    c.adaptiveFloorMs === opts.adaptiveFloorMs &&
    c.factory === factory &&
    c.sched === sched
  ) {
    return c;
  }
  const framed = opts.protocol === 'framed';
  // Enough ring slots to keep every ping that may still be answered within the timeout.
  const ring = Math.min(1024, Math.max(8, nextPow2(Math.ceil(opts.timeoutMs / opts.intervalMs) + 2)));
  const cfg: SessionConfig = {
    protocol: opts.protocol,
    role: opts.role,
    intervalMs: opts.intervalMs,
    timeoutMs: opts.timeoutMs,
    timeoutMode: opts.timeoutMode,
    name,
    maxFrameBytes: opts.maxFrameBytes,
    adaptiveFloorMs: opts.adaptiveFloorMs,
    factory,
    sched,
    framed,
    pinger: framed || opts.role === 'server',
    adaptive: opts.timeoutMode === 'adaptive',
    floorMs: opts.adaptiveFloorMs ?? 2 * opts.intervalMs,
    reuseBuffers: factory === directPipe,
    ring,
    ringPool: ringPoolFor(ring),
    pingQuantumMs: Math.max(sched.tickMs, Math.min(PING_GROUP_MAX_MS, opts.intervalMs / PING_GROUPS_PER_INTERVAL)),
    hello: null,
  };
  lastConfig = cfg;
  return cfg;
}

// Ping phases, as a fraction of the interval, of successive sessions: the golden-ratio
// sequence fills the interval evenly however many sessions there are, so n sessions
// with the same interval take n different ping groups (pingSlot) as long as n is at
// most the number of groups — a PONG never waits behind another session's PING write,
// which would add that write's time to its RTT — and many sessions fill the groups
// evenly. Phases are absolute (mod interval), not relative to each session's start.
let phaseSeq = 0;
function nextPhase(): number {
  phaseSeq += 0.6180339887498949;
  phaseSeq -= Math.floor(phaseSeq);
  return phaseSeq;
}

// PING/PONG frames are built in a Buffer shared by ALL sessions: a write that left the
// process at once (the usual case: the kernel took the 17 bytes synchronously) no longer
// references it, so the next session may overwrite it. A write that had to queue keeps
// its Buffer, and a fresh one is taken for later frames. Only with the direct pipe:
// other pipes may hold what they are given.
let sharedPing: Buffer | null = null;
let sharedPong: Buffer | null = null;


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
  // Both ends as raw ip + port, formatted on demand (see captureEnds): the formatted
  // strings and Node's cached socket-name objects would cost ~350 bytes per connection.
  private readonly localIp: string;
  private readonly localPort: number | undefined;
  private readonly remoteIp: string;
  private readonly remotePort: number | undefined;
  readonly counters: SessionCounters = {
    pingsSent: 0,
    pongsReceived: 0,
    bytesIn: 0,
    bytesOut: 0,
    dataBytesIn: 0,
    dataBytesOut: 0,
  };
  /** the last SESSION_RTT_WINDOW samples, stored compactly (one window per connection) */
  readonly rtt: RttWindow;
  readonly estimator = new RttEstimator();
  readonly phiDetector: PhiAccrual;
  /** epoch ms when the session started */
  readonly startedAt = Date.now();

  private readonly cfg: SessionConfig;
  private readonly sched: Scheduler;
  /** the windowPool block holding rtt's and phiDetector's samples while open */
  private readonly windows: Float32Array;
  private readonly windowsAt: number;
  private _closed = false;
  /** Peer sent FIN while the pipe still held some of its bytes. */
  private endPending = false;
  private _closeReason: CloseReason | undefined;
  private _peerHello: HelloPayload | undefined;

  private readonly decoder: FrameDecoder | null;
  private readonly scanner: PlainScanner | null;
  private readonly pingEntry: TimerEntry;
  /** deadline check while open; after a local FIN, the linger limit */
  private readonly deadlineEntry: TimerEntry;

  private lastRecv: number;
  private pausedAtRecv: number;
  private chunkNow = 0;
  private nextPingAt = 0;
  private pinging = true;
  private dropP = 0;
  private yielding = false;
  /** adaptive probes sent since the last frame from the peer (see probeDueMs) */
  private probes = 0;

  // Outstanding framed pings: ring indexed by seq & (ring - 1) (seqs are consecutive),
  // in a block of a shared slab (RingPool): outs[outsAt + i] is the seq of the ping in
  // slot i (-1 when answered/reaped/empty), outs[outsAt + ring + i] its `t` (µs on our
  // clock), which is also its send time.
  private seq = 0;
  private oldest = 1;
  private readonly outs: Float64Array;
  private readonly outsAt: number;
  /** plain server: send time of the one outstanding 'ping', -1 when none */
  private plainPingAt = -1;
  /** @internal see kCloseHook */
  [kCloseHook]: ((s: HeartbeatSession) => void) | null = null;

  constructor(socket: Socket, opts: SessionOptions) {
    super();
    this.socket = socket;
    const cfg = configFor(opts);
    this.cfg = cfg;
    this.sched = cfg.sched;
    this.decoder = cfg.framed ? new FrameDecoder(opts.maxFrameBytes) : null;
    this.scanner = cfg.framed ? null : new PlainScanner();
    if (cfg.framed) {
      const rings = cfg.ringPool.take();
      this.outs = rings.array;
      this.outsAt = rings.at;
    } else {
      this.outs = NO_RINGS;
      this.outsAt = 0;
    }
    const block = windowPool.take();
    this.windows = block.array;
    this.windowsAt = block.offset;
    this.rtt = new RttWindow(SESSION_RTT_WINDOW, true, block.array, block.offset);
    this.phiDetector = new PhiAccrual(SESSION_PHI_WINDOW, undefined, block.array, block.offset + SESSION_RTT_WINDOW);

    captureEnds(socket);
    this.localIp = ends.localIp;
    this.localPort = ends.localPort;
    this.remoteIp = ends.remoteIp;
    this.remotePort = ends.remotePort;
    try {
      socket.setNoDelay(true);
      // Backstop for a silent dead peer if heartbeats are stopped by a fault.
      socket.setKeepAlive(true, opts.timeoutMs);
    } catch {
      // socket already gone: the 'close' handler reports it
    }
    (socket as SessionSocket)[kSession] = this;
    socket.on('end', HeartbeatSession.socketEnd);
    socket.on('error', HeartbeatSession.socketError);
    socket.on('close', HeartbeatSession.socketClose);

    this.pingEntry = new TimerEntry(this.onPingTimer, false, this);
    this.deadlineEntry = new TimerEntry(this.onDeadlineTimer, false, this);
    // The direct pipe calls its listener with `this` = the socket: one shared function.
    // Any other pipe gets a closure of its own (faulted peers are few).
    this.pipe = cfg.reuseBuffers
      ? new DirectPipe(socket, HeartbeatSession.socketData)
      : cfg.factory(socket, (chunk) => this.onChunk(chunk));

    const now = this.sched.now();
    this.lastRecv = now;
    this.pausedAtRecv = this.sched.pausedMs;
    if (socket.destroyed) {
      // Accepted and gone already: report it once listeners are attached.
      process.nextTick(() => this.finish('peer-closed', 'none'));
      return;
    }
    if (cfg.framed) {
      cfg.hello ??= toBuffer(encodeHello({ v: 1, name: cfg.name, interval: cfg.intervalMs, timeout: cfg.timeoutMs }));
      this.write(cfg.hello);
    }
    if (cfg.pinger) {
      // Spread phases: thousands of sessions started together don't ping in one burst,
      // and a few sessions never share a ping group (see nextPhase).
      const iv = cfg.intervalMs;
      this.nextPingAt = now + ((((nextPhase() * iv - now) % iv) + iv) % iv);
      this.sched.schedule(this.pingEntry, this.pingSlot(this.nextPingAt));
    }
    this.armDeadline(now, this.currentDeadlineMs());
  }

  /** our end, "ip:port" (IPv6 as [::1]:port); '' if the socket was gone on arrival */
  get local(): string {
    return formatAddress(this.localIp, this.localPort);
  }

  /** the other end */
  get remote(): string {
    return formatAddress(this.remoteIp, this.remotePort);
  }

  get protocol(): Protocol {
    return this.cfg.protocol;
  }

  get role(): 'server' | 'client' {
    return this.cfg.role;
  }

  get intervalMs(): number {
    return this.cfg.intervalMs;
  }

  get timeoutMs(): number {
    return this.cfg.timeoutMs;
  }

  get timeoutMode(): TimeoutMode {
    return this.cfg.timeoutMode;
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
    return this.cfg.adaptive
      ? adaptiveDeadlineMs(this.cfg.intervalMs, this.estimator.srtt, this.estimator.rttvar, this.cfg.floorMs, this.cfg.timeoutMs)
      : this.cfg.timeoutMs;
  }

  /** framed: one DATA frame; plain: the raw bytes. Ignored once closed. */
  sendData(bytes: Uint8Array): void {
    if (this._closed) return;
    this.counters.dataBytesOut += bytes.length;
    // Copy either way: the caller may reuse its buffer while a fault pipe still holds ours.
    this.write(this.cfg.framed ? toBuffer(encodeData(bytes)) : Buffer.from(bytes));
  }

  /** 'fin' → end() (reason killed-fin); 'rst' → resetAndDestroy() (reason killed-rst). */
  kill(mode: KillMode): void {
    if (mode === 'rst') this.finish('killed-rst', 'reset');
    else this.finish('killed-fin', 'end');
  }

  /** Graceful local close: framed sends BYE first; then FIN. */
  close(reason: CloseReason = 'local-stop'): void {
    if (this._closed) return;
    if (this.cfg.framed) this.write(toBuffer(encodeBye(reason)));
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

  // Shared socket listeners (`this` = the socket).
  private static socketData(this: Socket, chunk: Buffer): void {
    (this as SessionSocket)[kSession]?.onChunk(chunk);
  }

  private static socketEnd(this: Socket): void {
    (this as SessionSocket)[kSession]?.onEnd();
  }

  private static socketError(this: Socket, err: Error): void {
    // Always listening: an 'error' without a listener would crash the process.
    (this as SessionSocket)[kSession]?.onError(err);
  }

  private static socketClose(this: Socket, hadError: boolean): void {
    (this as SessionSocket)[kSession]?.onClose(hadError);
  }

  private onChunk(chunk: Buffer): void {
    if (this._closed) return;
    // Receive time as close to the socket as we get: before any decoding.
    this.chunkNow = this.sched.now();
    this.counters.bytesIn += chunk.length;
    try {
      if (this.decoder !== null) this.decoder.pushTo(chunk, this.onFrame, this);
      else (this.scanner as PlainScanner).push(chunk, this.onToken, this.onPlainData, this);
    } catch {
      // Decoder or handler failure: this connection only, never the process.
      this.finish('protocol-error', 'destroy');
    }
  }

  /** The peer is alive: O(1), no timer work (the deadline check re-arms lazily). */
  private alive(): void {
    this.lastRecv = this.chunkNow;
    this.pausedAtRecv = this.sched.pausedMs;
    this.probes = 0;
  }

  /** One decoded frame; its payload is bytes[start, end), valid only during the call. */
  private onFrame(type: number, bytes: Uint8Array, start: number, end: number): void {
    if (this._closed) return;
    switch (type) {
      case FRAME_PING:
        if (this.dropP > 0 && Math.random() < this.dropP) return;
        if (end - start !== PING_PAYLOAD_BYTES) throw new ProtocolError('bad-payload');
        this.alive();
        if (this.pinging) this.sendPong(bytes, start);
        return;
      case FRAME_PONG:
        if (this.dropP > 0 && Math.random() < this.dropP) return;
        if (end - start !== PING_PAYLOAD_BYTES) throw new ProtocolError('bad-payload');
        this.alive();
        this.onPong(bytes, start);
        return;
      case FRAME_DATA:
        this.alive();
        this.counters.dataBytesIn += end - start;
        // A copy: the caller may keep it.
        this.emit('data', Buffer.from(bytes.subarray(start, end)));
        return;
      case FRAME_HELLO:
        this.alive();
        this._peerHello = decodeHello(bytes.subarray(start, end));
        this.emit('hello', this._peerHello);
        return;
      case FRAME_BYE:
        this.alive();
        this.finish('peer-closed', 'end');
        return;
    }
  }

  private onPong(bytes: Uint8Array, at: number): void {
    const seq = readPingSeqAt(bytes, at);
    const ring = this.cfg.ring;
    const slot = this.outsAt + (seq & (ring - 1));
    const outs = this.outs;
    // Karn's rule: unknown or already answered ⇒ no RTT sample.
    if (outs[slot] !== seq) return;
    const t = readPingTimeAt(bytes, at);
    if (t !== outs[slot + ring]) return; // not the ping we sent under that seq
    outs[slot] = -1;
    this.recordRtt(this.chunkNow - t / 1000);
  }

  private recordRtt(rttMs: number): void {
    const rtt = rttMs > 0 ? rttMs : 0;
    this.counters.pongsReceived++;
    this.rtt.add(rtt);
    this.estimator.update(rtt);
    this.phiDetector.heartbeat(this.chunkNow);
    // No listener, no work: emit() allocates its argument list and Date.now() is a call.
    if (this.listenerCount('rtt') > 0) this.emit('rtt', rtt, Date.now());
    if (this.listenerCount('beat') > 0) this.emit('beat', rtt > this.cfg.intervalMs ? 'l' : 'a');
  }

  private onToken(token: 'ping' | 'pong'): void {
    if (this._closed) return;
    if (this.dropP > 0 && Math.random() < this.dropP) return;
    this.alive();
    if (token === 'ping') {
      // A plain client's only heartbeat evidence is the server's 'ping'.
      if (!this.cfg.pinger) this.phiDetector.heartbeat(this.chunkNow);
      if (this.pinging) this.write(PLAIN_PONG_BUF);
    } else if (this.plainPingAt >= 0) {
      const rtt = this.chunkNow - this.plainPingAt;
      this.plainPingAt = -1; // one outstanding; a second 'pong' is not a sample
      this.recordRtt(rtt);
    }
  }

  private onPlainData(bytes: Uint8Array): void {
    if (this._closed) return;
    this.alive();
    this.counters.dataBytesIn += bytes.length;
    this.emit('data', Buffer.from(bytes));
  }

  // ---- send path ------------------------------------------------------------

  private write(buf: Buffer): void {
    this.counters.bytesOut += buf.length;
    this.pipe.write(buf);
  }

  /** Whether a Buffer just written is no longer referenced by the socket (safe to reuse). */
  private flushed(): boolean {
    return this.cfg.reuseBuffers && this.socket.writableLength === 0;
  }

  /** One write per PONG: the whole 17-byte frame, payload echoed from bytes[at, at+12). */
  private sendPong(bytes: Uint8Array, at: number): void {
    let buf = sharedPong;
    if (buf === null) {
      buf = Buffer.allocUnsafe(PING_FRAME_BYTES);
      buf.writeUInt32BE(PING_PAYLOAD_BYTES + 1, 0);
      buf[4] = FRAME_PONG;
    }
    for (let k = 0; k < PING_PAYLOAD_BYTES; k++) buf[HEADER_BYTES + k] = bytes[at + k];
    this.write(buf);
    sharedPong = this.flushed() ? buf : null;
  }

  private onPingTimer(now: number): void {
    if (this._closed) return;
    // Fixed cadence without drift; after a stall, resume one interval from now (no burst).
    let next = this.nextPingAt + this.cfg.intervalMs;
    if (next <= now) next = now + this.cfg.intervalMs;
    this.nextPingAt = next;
    this.sched.schedule(this.pingEntry, this.pingSlot(next));
    if (!this.pinging) return;
    if (this.cfg.framed) this.sendPing(now);
    else this.sendPlainPing();
  }

  /**
   * When to send the ping due at `dueMs`: rounded up to a grid of pingQuantumMs shared
   * by every session with this interval, so pings go out in groups — at most
   * PING_GROUPS_PER_INTERVAL wake-ups per interval however many sessions there are.
   * Each event-loop wake-up has a fixed cost that, at a 10 ms wheel tick with thousands
   * of sessions, outweighed the heartbeats themselves. Phases stay spread across the
   * interval (in groups), the cadence does not drift (nextPingAt keeps the exact due
   * time), and a ping leaves at most one quantum (≤ 50 ms) after its due time; RTT is
   * timed from the actual send, so it is unaffected.
   */
  private pingSlot(dueMs: number): number {
    const q = this.cfg.pingQuantumMs;
    return Math.ceil(dueMs / q) * q;
  }

  private sendPing(tickNow: number): void {
    // Listeners of a missed 'beat' may run here: before the send timestamp is taken.
    this.reapMissed(tickNow);
    const seq = (this.seq + 1) >>> 0;
    this.seq = seq;
    const ring = this.cfg.ring;
    const slot = this.outsAt + (seq & (ring - 1));
    const outs = this.outs;
    if (outs[slot] >= 0 && this.listenerCount('beat') > 0) this.emit('beat', 'm'); // evicted unanswered
    const buf = sharedPing ?? Buffer.allocUnsafe(PING_FRAME_BYTES);
    this.counters.pingsSent++;
    this.counters.bytesOut += PING_FRAME_BYTES;
    outs[slot] = seq;
    // t = our clock just before the one write of the whole frame: nothing but the
    // frame's last 8 bytes and the ring store run between the two.
    const t = Math.floor(this.sched.now() * 1000);
    writePing(buf, 0, seq, t);
    outs[slot + ring] = t;
    this.pipe.write(buf);
    sharedPing = this.flushed() ? buf : null;
  }

  /** Pings unanswered for timeoutMs are missed; amortised O(1) (seqs are consecutive). */
  private reapMissed(now: number): void {
    const limitUs = (now - this.cfg.timeoutMs) * 1000;
    const end = (this.seq + 1) >>> 0;
    const ring = this.cfg.ring;
    const outs = this.outs;
    let s = this.oldest;
    while (s !== end) {
      const slot = this.outsAt + (s & (ring - 1));
      if (outs[slot] === s) {
        if (outs[slot + ring] > limitUs) break;
        outs[slot] = -1;
        this.emit('beat', 'm');
      }
      s = (s + 1) >>> 0;
    }
    this.oldest = s;
  }

  private sendPlainPing(): void {
    if (this.plainPingAt >= 0) this.emit('beat', 'm');
    this.counters.pingsSent++;
    // Send time = our clock just before the write, as for framed pings.
    this.plainPingAt = this.sched.now();
    this.write(PLAIN_PING_BUF);
  }

  // ---- deadline -------------------------------------------------------------

  private silentAt(now: number): number {
    // Time our own event loop stood still is not the peer's silence.
    return now - this.lastRecv - (this.sched.pausedMs - this.pausedAtRecv);
  }

  /**
   * Adaptive mode probes a peer that has gone quiet: once a heartbeat is overdue
   * (silence ≥ 1.25 intervals, then ≥ 1.5) it sends an extra PING at once instead of
   * waiting for the next scheduled one. A single lost heartbeat then no longer leaves
   * the deadline (floor 2 intervals) hanging on the next one alone: each probe is one
   * more independent chance for proof of life, so a false conviction needs every
   * frame of the peer's pings, its answers and both probes' answers lost. A peer that
   * is really gone answers no probe, so detection time is unchanged. Framed protocol
   * only (a plain server has one outstanding 'ping' at a time); never while a fault
   * stops our heartbeats. Returns the silence at which the next probe is due, or
   * Infinity.
   */
  private probeDueMs(): number {
    const cfg = this.cfg;
    if (!cfg.adaptive || !cfg.framed || !this.pinging || this.probes >= MAX_PROBES) return Infinity;
    return cfg.intervalMs * (1.25 + 0.25 * this.probes);
  }

  private armDeadline(now: number, remainingMs: number): void {
    let at = now + remainingMs;
    // Adaptive deadlines shrink as SRTT settles; look again at least every interval.
    if (this.cfg.adaptive && at > now + this.cfg.intervalMs) at = now + this.cfg.intervalMs;
    const probeAt = now + this.probeDueMs() - this.silentAt(now);
    if (probeAt < at) at = probeAt > now ? probeAt : now;
    // Look a little early, on the ping grid (see pingSlot): a healthy peer has answered
    // by then and the check just re-arms, in a wake-up the scheduler makes anyway for
    // a ping group. Only a check that finds the deadline less than one grid step away
    // runs at the exact time, so detection keeps tick precision.
    const early = Math.floor(at / this.cfg.pingQuantumMs) * this.cfg.pingQuantumMs;
    if (early > now) at = early;
    this.sched.schedule(this.deadlineEntry, at);
  }

  private onDeadlineTimer(now: number): void {
    if (this._closed) {
      // Linger expired: the peer never closed its side after our FIN.
      if (!this.socket.destroyed) this.socket.destroy();
      return;
    }
    const limit = this.currentDeadlineMs();
    const silent = this.silentAt(now);
    if (silent < limit) {
      if (silent >= this.probeDueMs()) {
        this.probes++;
        this.sendPing(now);
      }
      this.armDeadline(now, limit - silent);
      return;
    }
    // Before convicting, let the poll phase read what is already in the socket buffer.
    if (!this.yielding) {
      this.yielding = true;
      setImmediate(HeartbeatSession.afterYield, this);
    }
  }

  private static afterYield(session: HeartbeatSession): void {
    session.onYield();
  }

  private onYield(): void {
    this.yielding = false;
    if (this._closed) return;
    const now = this.sched.now();
    const limit = this.currentDeadlineMs();
    const silent = this.silentAt(now);
    if (silent < limit) this.armDeadline(now, limit - silent);
    else this.finish('heartbeat-timeout', 'destroy');
  }

  // ---- socket events and closing -------------------------------------------

  private onEnd(): void {
    // Peer sent FIN; Node ends our side too (allowHalfOpen is false).
    if (this._closed || this.endPending) return;
    if (!this.pipe.finishInbound) {
      this.finish('peer-closed', 'none');
      return;
    }
    // A fault may still hold bytes the peer sent before its FIN: deliver them first.
    this.endPending = true;
    this.pipe.finishInbound(() => this.finish('peer-closed', 'none'));
  }

  private onError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    const reason: CloseReason =
      code === 'ECONNRESET' || code === 'EPIPE' ? 'peer-reset' : `error:${code ?? 'UNKNOWN'}`;
    this.finish(reason, 'destroy');
  }

  private onClose(hadError: boolean): void {
    if (this._closed) {
      this.sched.cancel(this.deadlineEntry); // linger no longer needed
      return;
    }
    if (this.endPending && !hadError) return; // the pipe is still delivering; it finishes us
    this.finish(hadError ? 'peer-reset' : 'peer-closed', 'none');
  }

  /** The single exit: exactly one 'closed'. */
  private finish(reason: CloseReason, how: 'end' | 'destroy' | 'reset' | 'none'): void {
    if (this._closed) return;
    this._closed = true;
    this._closeReason = reason;
    this.sched.cancel(this.pingEntry);
    this.sched.cancel(this.deadlineEntry);
    // Nothing adds samples once closed: keep them, hand the shared block on.
    this.rtt.detach();
    this.phiDetector.detach();
    windowPool.give(this.windows, this.windowsAt);
    if (this.outs !== NO_RINGS) this.cfg.ringPool.give(this.outs, this.outsAt);
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
          this.sched.schedule(this.deadlineEntry, this.sched.now() + Math.min(this.cfg.timeoutMs, MAX_LINGER_MS));
        }
      } else if (how === 'destroy') this.socket.destroy();
      else if (how === 'reset') this.socket.resetAndDestroy();
    } catch {
      this.socket.destroy();
    }
    const hook = this[kCloseHook];
    if (hook !== null) {
      this[kCloseHook] = null;
      hook(this);
    }
    this.emit('closed', reason);
  }
}
