// Per-socket heartbeat state machine (DESIGN §2–§4). One instance per TCP connection,
// server or client side, so per-instance memory and per-heartbeat work are what
// scale: the hot path (receive PONG → RTT → stats → next PING) allocates nothing —
// the decoder reports frames as (bytes, start, end) without views, ping/pong frames
// are reused Buffers when the previous write has fully left the process, outstanding
// pings live in small typed-array rings, the session is itself the one scheduler timer
// that serves both the next ping and the deadline check, and receiving a frame only
// stores a timestamp (the deadline check re-arms lazily when it fires). Handlers are
// prototype methods, not per-instance closures: socket listeners are shared functions
// that find their session through a symbol on the socket.
// Per-connection memory is what limits how many peers one process watches: numbers
// live in a block of a shared Float64 slab (no boxed double, no field per statistic),
// and what most sessions never need (a frame decoder, a Pipe object for the direct
// path, the rtt/estimator/phiDetector objects) is created only when needed.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES, type CloseReason, type KillMode, type Protocol, type TimeoutMode } from '../../../shared/contract';
import {
  FRAME_BYE,
  FRAME_DATA,
  FRAME_HELLO,
  FRAME_PING,
  FRAME_PONG,
  FrameDecoder,
  HEADER_BYTES,
  checkMaxFrameBytes,
  pushWholeFrames,
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
import { PhiAccrual, RttEstimator, RttWindow, adaptiveDeadlineMs } from '../../../shared/stats';
import { formatAddress } from './address';
import { ringPoolFor, type RingPool } from './ping-ring-pool';
import {
  EventsTable,
  SESSION_PHI_WINDOW,
  SESSION_RTT_WINDOW,
  SESSION_SCALARS,
  S_CHECK_AT,
  S_DROP_P,
  S_EST,
  S_LAST_RECV,
  S_LOCAL_PORT,
  S_NEXT_PING,
  S_OLDEST,
  S_PAUSED_AT_RECV,
  S_PHI,
  S_PLAIN_PING_AT,
  S_PROBES,
  S_REMOTE_PORT,
  S_RTT,
  S_SEQ,
  S_STARTED,
  WINDOW_FLOATS,
  windowPool,
} from './session-layout';
import { captureEnds, ends, eofWasReset } from './socket-ends';
import { DirectPipe, directPipe, type Pipe, type PipeFactory } from './pipe';
import { attachUserBufferReader } from './user-buffer-read';
import {
  defaultScheduler,
  kCallback,
  kDueTick,
  kKeepAlive,
  kNext,
  kOwner,
  kPrev,
  kState,
  type Scheduler,
  type Timer,
} from './scheduler';

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

export { SESSION_PHI_WINDOW, SESSION_RTT_WINDOW };

// Immutable wire constants, shared by every plain session (never mutated, so one
// Buffer can be queued by many sockets at once).
const PLAIN_PING_BUF = Buffer.from(PLAIN_PING);
const PLAIN_PONG_BUF = Buffer.from(PLAIN_PONG);
interface StatsViews {
  rtt: RttWindow;
  estimator: RttEstimator;
  phi: PhiAccrual;
}

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

// Session state bits (one small integer instead of a field per flag).
const F_CLOSED = 1;
/** Peer sent FIN while the pipe still held some of its bytes. */
const F_END_PENDING = 2;
/** this side sends heartbeats (see setPinging) */
const F_PINGING = 4;
/** a deadline check is waiting one event-loop turn before convicting */
const F_YIELDING = 8;
/** counted in phasedSessions (see nextPhase) */
const F_PHASED = 16;

/**
 * rx[0]: receive time of the chunk being decoded (set by onChunk, read by the frame
 * handlers it calls synchronously) — one shared slot instead of a number field per
 * session, and a typed-array slot so storing a double allocates nothing.
 */
const rx = new Float64Array(1);
/** The last peer name seen in a HELLO: most peers of a server share one, keep one string. */
let lastPeerName = '';

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
  /** the decoder's limit (maxFrameBytes or the default) */
  readonly frameLimit: number;
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
  /** where sessions keep their scalars and (framed) outstanding-ping rings (see RingPool) */
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
  const frameLimit = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  // Decoders are created lazily: reject a bad limit here, as the decoder would.
  if (framed) checkMaxFrameBytes(frameLimit);
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
    frameLimit,
    adaptiveFloorMs: opts.adaptiveFloorMs,
    factory,
    sched,
    framed,
    pinger: framed || opts.role === 'server',
    adaptive: opts.timeoutMode === 'adaptive',
    floorMs: opts.adaptiveFloorMs ?? 2 * opts.intervalMs,
    reuseBuffers: factory === directPipe,
    ring,
    ringPool: ringPoolFor(framed ? ring : 0, SESSION_SCALARS),
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
//
// Once there are many sessions, runs of consecutively created ones share a phase:
// sessions created one after the other (a server's accepts) have their sockets, Node
// handles and blocks next to each other in memory, so a ping group made of runs walks
// memory in long strides instead of touching a fresh page for every session. With one
// phase per session, each group was scattered over all connections' memory, and the
// cache and TLB misses were much of the extra CPU a heartbeat cost over the floor
// baseline (whose one sweep walks sockets in accept order). A run is at most
// MAX_PHASE_RUN sessions and 1/PING_GROUPS_PER_INTERVAL of the live pinging sessions,
// so groups stay within a few runs of each other in size and a few sessions still
// never share a group.
const MAX_PHASE_RUN = 64;
let phaseSeq = 0;
let phaseRunLeft = 0;
/** sessions that took a phase and are not closed yet */
let phasedSessions = 0;
function nextPhase(): number {
  if (phaseRunLeft <= 0) {
    phaseSeq += 0.6180339887498949;
    phaseSeq -= Math.floor(phaseSeq);
    phaseRunLeft = Math.max(1, Math.min(MAX_PHASE_RUN, Math.floor(phasedSessions / PING_GROUPS_PER_INTERVAL)));
  }
  phaseRunLeft--;
  phasedSessions++;
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

export class HeartbeatSession extends EventEmitter<SessionEvents> implements Timer {
  readonly socket: Socket;
  /** null: the direct path (socket read and written as is; see `pipe`) */
  private _pipe: Pipe | null;
  // Both ends as raw ip + port, formatted on demand (see captureEnds): the formatted
  // strings and Node's cached socket-name objects would cost ~350 bytes per connection.
  private readonly localIp: string;
  private readonly remoteIp: string;
  readonly counters: SessionCounters = {
    pingsSent: 0,
    pongsReceived: 0,
    bytesIn: 0,
    bytesOut: 0,
    dataBytesIn: 0,
    dataBytesOut: 0,
  };

  private readonly cfg: SessionConfig;
  /** the windowPool block holding the rtt and phi samples (a private copy once closed) */
  private windows: Float32Array;
  private windowsAt: number;
  /** the ringPool block holding the S_* scalars and the rings (scalars only, copied, once closed) */
  private st: Float64Array;
  private stAt: number;
  /** rtt / estimator / phiDetector, created on first read */
  private views: StatsViews | null = null;
  /** F_* bits */
  private flags = F_PINGING;
  private _closeReason: CloseReason | undefined;
  private _peerHello: HelloPayload | undefined;

  /**
   * framed: a FrameDecoder once a frame arrived split across chunks (until then whole
   * frames are decoded without per-session state); plain: the token scanner.
   */
  private parser: FrameDecoder | PlainScanner | null;
  // The session is its own (one) timer, see Timer: it runs at the earlier of the next
  // ping (pingSlot of S_NEXT_PING) and the deadline check (S_CHECK_AT); after a local
  // FIN, at the linger limit. Callback (onTimer), owner (the session) and keepAlive
  // (false) live on the prototype.
  /** @internal */
  [kNext]: Timer | null = null;
  /** @internal */
  [kPrev]: Timer | null = null;
  /** @internal */
  [kDueTick] = 0;
  /** @internal */
  [kState] = 0;
  /** @internal */
  declare readonly [kCallback]: (this: HeartbeatSession, nowMs: number) => void;
  /** @internal */
  declare readonly [kKeepAlive]: boolean;
  /** @internal */
  declare readonly [kOwner]: HeartbeatSession;

  static {
    Object.defineProperties(HeartbeatSession.prototype, {
      [kCallback]: { value: HeartbeatSession.prototype.onTimer },
      [kKeepAlive]: { value: false },
      [kOwner]: {
        get(this: HeartbeatSession): HeartbeatSession {
          return this;
        },
      },
    });
  }

  // Outstanding framed pings: ring indexed by seq & (ring - 1) (seqs are consecutive),
  // after the scalars of the session's block (RingPool): st[r + i] (r = stAt +
  // SESSION_SCALARS) is the seq of the ping in slot i (-1 when answered/reaped/empty),
  // st[r + ring + i] its `t` (µs on our clock), which is also its send time.
  /** @internal see kCloseHook */
  [kCloseHook]: ((s: HeartbeatSession) => void) | null = null;

  constructor(socket: Socket, opts: SessionOptions) {
    super();
    (this as unknown as { _events: object })._events = new EventsTable();
    this.socket = socket;
    const cfg = configFor(opts);
    this.cfg = cfg;
    this.parser = cfg.framed ? null : new PlainScanner();
    const scalars = cfg.ringPool.take();
    const st = scalars.array;
    const at = scalars.at;
    this.st = st;
    this.stAt = at;
    st[at + S_NEXT_PING] = Infinity;
    st[at + S_CHECK_AT] = Infinity;
    st[at + S_PLAIN_PING_AT] = -1;
    st[at + S_OLDEST] = 1;
    st[at + S_STARTED] = Date.now();
    const block = windowPool.take();
    this.windows = block.array;
    this.windowsAt = block.offset;

    captureEnds(socket);
    this.localIp = ends.localIp;
    st[at + S_LOCAL_PORT] = ends.localPort ?? -1;
    this.remoteIp = ends.remoteIp;
    st[at + S_REMOTE_PORT] = ends.remotePort ?? -1;
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

    // Direct: the socket is read into a shared buffer (see user-buffer-read), else by a
    // 'data' listener; either way through one shared function (called with `this` = the
    // socket), and no Pipe object exists unless `pipe` is read. Any other pipe gets a
    // closure of its own (faulted peers are few).
    if (cfg.reuseBuffers) {
      this._pipe = null;
      if (!attachUserBufferReader(socket, HeartbeatSession.socketData)) socket.on('data', HeartbeatSession.socketData);
    } else {
      this._pipe = cfg.factory(socket, (chunk) => this.onChunk(chunk));
    }

    const sched = cfg.sched;
    const now = sched.now();
    st[at + S_LAST_RECV] = now;
    st[at + S_PAUSED_AT_RECV] = sched.pausedMs;
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
      st[at + S_NEXT_PING] = now + ((((nextPhase() * iv - now) % iv) + iv) % iv);
      this.flags |= F_PHASED;
    }
    this.armDeadline(now, this.currentDeadlineMs());
    this.rearm();
  }

  /** the last SESSION_RTT_WINDOW samples, stored compactly (one window per connection) */
  get rtt(): RttWindow {
    return (this.views ?? this.makeViews()).rtt;
  }

  get estimator(): RttEstimator {
    return (this.views ?? this.makeViews()).estimator;
  }

  get phiDetector(): PhiAccrual {
    return (this.views ?? this.makeViews()).phi;
  }

  /** epoch ms when the session started */
  get startedAt(): number {
    return this.st[this.stAt + S_STARTED];
  }

  /** The statistics objects, as views of the session's blocks. */
  private makeViews(): StatsViews {
    const st = this.st;
    const so = this.stAt;
    const w = this.windows;
    const wo = this.windowsAt;
    const views: StatsViews = {
      rtt: new RttWindow(SESSION_RTT_WINDOW, true, w, wo, st, so + S_RTT),
      estimator: new RttEstimator(st, so + S_EST),
      phi: new PhiAccrual(SESSION_PHI_WINDOW, undefined, w, wo + SESSION_RTT_WINDOW, st, so + S_PHI),
    };
    this.views = views;
    return views;
  }

  /** The byte path to the socket (the direct one is materialised on first read). */
  get pipe(): Pipe {
    return (this._pipe ??= new DirectPipe(this.socket, HeartbeatSession.socketData, true));
  }

  /** our end, "ip:port" (IPv6 as [::1]:port); '' if the socket was gone on arrival */
  get local(): string {
    return formatAddress(this.localIp, this.port(S_LOCAL_PORT));
  }

  /** the other end */
  get remote(): string {
    return formatAddress(this.remoteIp, this.port(S_REMOTE_PORT));
  }

  private port(slot: number): number | undefined {
    const p = this.st[this.stAt + slot];
    return p < 0 ? undefined : p;
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
    return (this.flags & F_CLOSED) !== 0;
  }

  get closeReason(): CloseReason | undefined {
    return this._closeReason;
  }

  get peerHello(): HelloPayload | undefined {
    return this._peerHello;
  }

  /** Whether this side currently sends heartbeats (see setPinging). */
  get isPinging(): boolean {
    return (this.flags & F_PINGING) !== 0;
  }

  /** Current drop probability for received PING/PONG. */
  get dropProbability(): number {
    return this.st[this.stAt + S_DROP_P];
  }

  /** Phi suspicion score right now. */
  phi(): number {
    return this.phiDetector.phi(this.cfg.sched.now());
  }

  /** ms since the last frame (or plain bytes) from the peer, stalls of our own loop discounted. */
  silentMs(): number {
    return this.silentAt(this.cfg.sched.now());
  }

  /** The deadline in force now (fixed: timeoutMs; adaptive: DESIGN §4 formula). */
  currentDeadlineMs(): number {
    const cfg = this.cfg;
    if (!cfg.adaptive) return cfg.timeoutMs;
    const e = this.stAt + S_EST;
    return adaptiveDeadlineMs(cfg.intervalMs, RttEstimator.srttAt(this.st, e), RttEstimator.rttvarAt(this.st, e), cfg.floorMs, cfg.timeoutMs);
  }

  /** framed: one DATA frame; plain: the raw bytes. Ignored once closed. */
  sendData(bytes: Uint8Array): void {
    if (this.closed) return;
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
    if (this.closed) return;
    if (this.cfg.framed) this.write(toBuffer(encodeBye(reason)));
    this.finish(reason, 'end');
  }

  /** Fault: drop received PING/PONG with probability p (dropped ones are no proof of life). */
  setDropProbability(p: number): void {
    this.st[this.stAt + S_DROP_P] = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
  }

  /**
   * Fault "stopPinging": this side goes quiet on heartbeats — it sends no PING and
   * answers no PING (otherwise the peer would keep seeing our PONGs and never notice).
   * DATA and the socket itself are unaffected.
   */
  setPinging(enabled: boolean): void {
    this.flags = enabled ? this.flags | F_PINGING : this.flags & ~F_PINGING;
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
    if ((this.flags & F_CLOSED) !== 0) return;
    // Receive time as close to the socket as we get: before any decoding. Saved and
    // restored in case a listener makes another session decode synchronously.
    const outer = rx[0];
    rx[0] = this.cfg.sched.now();
    this.counters.bytesIn += chunk.length;
    try {
      const parser = this.parser;
      if (!this.cfg.framed) (parser as PlainScanner).push(chunk, this.onToken, this.onPlainData, this);
      else if (parser !== null) (parser as FrameDecoder).pushTo(chunk, this.onFrame, this);
      else {
        // No partial frame held: decode without state; keep a decoder only for a tail.
        const at = pushWholeFrames(chunk, 0, this.cfg.frameLimit, this.onFrame, this);
        if (at < chunk.length && (this.flags & F_CLOSED) === 0) {
          const decoder = new FrameDecoder(this.cfg.frameLimit);
          this.parser = decoder;
          decoder.pushTo(chunk, this.onFrame, this, at);
        }
      }
    } catch {
      // Decoder or handler failure: this connection only, never the process.
      this.finish('protocol-error', 'destroy');
    }
    rx[0] = outer;
  }

  /** Fault: whether to drop the PING/PONG just received. */
  private dropped(): boolean {
    const p = this.st[this.stAt + S_DROP_P];
    return p > 0 && Math.random() < p;
  }

  /** The peer is alive: O(1), no timer work (the deadline check re-arms lazily). */
  private alive(): void {
    this.st[this.stAt + S_LAST_RECV] = rx[0];
    this.st[this.stAt + S_PAUSED_AT_RECV] = this.cfg.sched.pausedMs;
    this.st[this.stAt + S_PROBES] = 0;
  }

  /** One decoded frame; its payload is bytes[start, end), valid only during the call. */
  private onFrame(type: number, bytes: Uint8Array, start: number, end: number): void {
    if ((this.flags & F_CLOSED) !== 0) return;
    switch (type) {
      case FRAME_PING:
        if (this.dropped()) return;
        if (end - start !== PING_PAYLOAD_BYTES) throw new ProtocolError('bad-payload');
        this.alive();
        if ((this.flags & F_PINGING) !== 0) this.sendPong(bytes, start);
        return;
      case FRAME_PONG:
        if (this.dropped()) return;
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
      case FRAME_HELLO: {
        this.alive();
        const hello = decodeHello(bytes.subarray(start, end));
        // Equal strings: keep the one already held (one per peer name, not per session).
        if (hello.name === lastPeerName) hello.name = lastPeerName;
        else lastPeerName = hello.name;
        this._peerHello = hello;
        this.emit('hello', hello);
        return;
      }
      case FRAME_BYE:
        this.alive();
        this.finish('peer-closed', 'end');
        return;
    }
  }

  private onPong(bytes: Uint8Array, at: number): void {
    const seq = readPingSeqAt(bytes, at);
    const ring = this.cfg.ring;
    const slot = this.stAt + SESSION_SCALARS + (seq & (ring - 1));
    const outs = this.st;
    // Karn's rule: unknown or already answered ⇒ no RTT sample.
    if (outs[slot] !== seq) return;
    const t = readPingTimeAt(bytes, at);
    if (t !== outs[slot + ring]) return; // not the ping we sent under that seq
    outs[slot] = -1;
    this.recordRtt(rx[0] - t / 1000);
  }

  private recordRtt(rttMs: number): void {
    const rtt = rttMs > 0 ? rttMs : 0;
    this.counters.pongsReceived++;
    const st = this.st;
    const so = this.stAt;
    RttWindow.addAt(this.windows, this.windowsAt, SESSION_RTT_WINDOW, st, so + S_RTT, rtt);
    RttEstimator.updateAt(st, so + S_EST, rtt);
    this.phiHeartbeat();
    // No listener, no work: emit() allocates its argument list and Date.now() is a call.
    if (this.listenerCount('rtt') > 0) this.emit('rtt', rtt, Date.now());
    if (this.listenerCount('beat') > 0) this.emit('beat', rtt > this.cfg.intervalMs ? 'l' : 'a');
  }

  private onToken(token: 'ping' | 'pong'): void {
    if ((this.flags & F_CLOSED) !== 0) return;
    if (this.dropped()) return;
    this.alive();
    if (token === 'ping') {
      // A plain client's only heartbeat evidence is the server's 'ping'.
      if (!this.cfg.pinger) this.phiHeartbeat();
      if ((this.flags & F_PINGING) !== 0) this.write(PLAIN_PONG_BUF);
    } else {
      const at = this.stAt + S_PLAIN_PING_AT;
      const sentAt = this.st[at];
      if (sentAt < 0) return;
      this.st[at] = -1; // one outstanding; a second 'pong' is not a sample
      this.recordRtt(rx[0] - sentAt);
    }
  }

  /** A heartbeat for phi, received now (rx[0]). */
  private phiHeartbeat(): void {
    PhiAccrual.heartbeatAt(SESSION_PHI_WINDOW, this.windows, this.windowsAt + SESSION_RTT_WINDOW, this.st, this.stAt + S_PHI, rx[0]);
  }

  private onPlainData(bytes: Uint8Array): void {
    if ((this.flags & F_CLOSED) !== 0) return;
    this.alive();
    this.counters.dataBytesIn += bytes.length;
    this.emit('data', Buffer.from(bytes));
  }

  // ---- send path ------------------------------------------------------------

  private write(buf: Buffer): void {
    this.counters.bytesOut += buf.length;
    this.send(buf);
  }

  /** Bytes to the peer: through the pipe, if any. */
  private send(buf: Buffer): void {
    const pipe = this._pipe;
    if (pipe === null) this.socket.write(buf);
    else pipe.write(buf);
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

  // ---- the one timer ---------------------------------------------------------

  /** Runs whatever of ping / deadline check is due (ping first), then re-arms. */
  private onTimer(now: number): void {
    if ((this.flags & F_CLOSED) !== 0) {
      // Linger expired: the peer never closed its side after our FIN.
      if (!this.socket.destroyed) this.socket.destroy();
      return;
    }
    const sched = this.cfg.sched;
    // Both decided up front: as if each had an entry of its own collected in this wake-up.
    const st = this.st;
    const so = this.stAt;
    const checkDue = sched.isDue(st[so + S_CHECK_AT], now);
    const nextPing = st[so + S_NEXT_PING];
    if (nextPing !== Infinity && sched.isDue(this.pingSlot(nextPing), now)) {
      this.onPingDue(now);
      if ((this.flags & F_CLOSED) !== 0) return; // a listener closed us
    }
    if (checkDue) {
      st[so + S_CHECK_AT] = Infinity;
      this.onDeadlineDue(now);
      if ((this.flags & F_CLOSED) !== 0) return;
    }
    this.rearm();
  }

  /** Schedules the timer for the earlier of the next ping and the deadline check. */
  private rearm(): void {
    const nextPing = this.st[this.stAt + S_NEXT_PING];
    const checkAt = this.st[this.stAt + S_CHECK_AT];
    const pingAt = nextPing === Infinity ? Infinity : this.pingSlot(nextPing);
    const at = pingAt < checkAt ? pingAt : checkAt;
    if (at !== Infinity) this.cfg.sched.schedule(this, at);
    else this.cfg.sched.cancel(this);
  }

  private onPingDue(now: number): void {
    // Fixed cadence without drift; after a stall, resume one interval from now (no burst).
    let next = this.st[this.stAt + S_NEXT_PING] + this.cfg.intervalMs;
    if (next <= now) next = now + this.cfg.intervalMs;
    this.st[this.stAt + S_NEXT_PING] = next;
    if ((this.flags & F_PINGING) === 0) return;
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
    const seq = (this.st[this.stAt + S_SEQ] + 1) >>> 0;
    this.st[this.stAt + S_SEQ] = seq;
    const ring = this.cfg.ring;
    const slot = this.stAt + SESSION_SCALARS + (seq & (ring - 1));
    const outs = this.st;
    if (outs[slot] >= 0 && this.listenerCount('beat') > 0) this.emit('beat', 'm'); // evicted unanswered
    const buf = sharedPing ?? Buffer.allocUnsafe(PING_FRAME_BYTES);
    this.counters.pingsSent++;
    this.counters.bytesOut += PING_FRAME_BYTES;
    outs[slot] = seq;
    // t = our clock just before the one write of the whole frame: nothing but the
    // frame's last 8 bytes and the ring store run between the two.
    const t = Math.floor(this.cfg.sched.now() * 1000);
    writePing(buf, 0, seq, t);
    outs[slot + ring] = t;
    this.send(buf);
    sharedPing = this.flushed() ? buf : null;
  }

  /** Pings unanswered for timeoutMs are missed; amortised O(1) (seqs are consecutive). */
  private reapMissed(now: number): void {
    const limitUs = (now - this.cfg.timeoutMs) * 1000;
    const end = (this.st[this.stAt + S_SEQ] + 1) >>> 0;
    const ring = this.cfg.ring;
    const outs = this.st;
    const rings = this.stAt + SESSION_SCALARS;
    let s = this.st[this.stAt + S_OLDEST];
    while (s !== end) {
      const slot = rings + (s & (ring - 1));
      if (outs[slot] === s) {
        if (outs[slot + ring] > limitUs) break;
        outs[slot] = -1;
        this.emit('beat', 'm');
      }
      s = (s + 1) >>> 0;
    }
    this.st[this.stAt + S_OLDEST] = s;
  }

  private sendPlainPing(): void {
    if (this.st[this.stAt + S_PLAIN_PING_AT] >= 0) this.emit('beat', 'm');
    this.counters.pingsSent++;
    // Send time = our clock just before the write, as for framed pings.
    this.st[this.stAt + S_PLAIN_PING_AT] = this.cfg.sched.now();
    this.write(PLAIN_PING_BUF);
  }

  // ---- deadline -------------------------------------------------------------

  private silentAt(now: number): number {
    // Time our own event loop stood still is not the peer's silence.
    const st = this.st;
    const so = this.stAt;
    return now - st[so + S_LAST_RECV] - (this.cfg.sched.pausedMs - st[so + S_PAUSED_AT_RECV]);
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
    const probes = this.st[this.stAt + S_PROBES];
    if (!cfg.adaptive || !cfg.framed || (this.flags & F_PINGING) === 0 || probes >= MAX_PROBES) return Infinity;
    return cfg.intervalMs * (1.25 + 0.25 * probes);
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
    this.st[this.stAt + S_CHECK_AT] = at;
  }

  /** The deadline check: re-arms (armDeadline), or yields before convicting. */
  private onDeadlineDue(now: number): void {
    const limit = this.currentDeadlineMs();
    const silent = this.silentAt(now);
    if (silent < limit) {
      if (silent >= this.probeDueMs()) {
        this.st[this.stAt + S_PROBES]++;
        this.sendPing(now);
      }
      this.armDeadline(now, limit - silent);
      return;
    }
    // Before convicting, let the poll phase read what is already in the socket buffer.
    if ((this.flags & F_YIELDING) === 0) {
      this.flags |= F_YIELDING;
      setImmediate(HeartbeatSession.afterYield, this);
    }
  }

  private static afterYield(session: HeartbeatSession): void {
    session.onYield();
  }

  private onYield(): void {
    this.flags &= ~F_YIELDING;
    if ((this.flags & F_CLOSED) !== 0) return;
    const now = this.cfg.sched.now();
    const limit = this.currentDeadlineMs();
    const silent = this.silentAt(now);
    if (silent < limit) {
      this.armDeadline(now, limit - silent);
      this.rearm();
    } else this.finish('heartbeat-timeout', 'destroy');
  }

  // ---- socket events and closing -------------------------------------------

  private onEnd(): void {
    // Peer sent FIN; Node ends our side too (allowHalfOpen is false). Asked now, before
    // that end(): an RST right behind data also reaches us as EOF.
    if ((this.flags & (F_CLOSED | F_END_PENDING)) !== 0) return;
    const reason: CloseReason = eofWasReset(this.socket) ? 'peer-reset' : 'peer-closed';
    const pipe = this._pipe;
    if (pipe === null || !pipe.finishInbound) {
      this.finish(reason, 'none');
      return;
    }
    // A fault may still hold bytes the peer sent before its FIN: deliver them first.
    this.flags |= F_END_PENDING;
    pipe.finishInbound(() => this.finish(reason, 'none'));
  }

  private onError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    const reason: CloseReason =
      code === 'ECONNRESET' || code === 'EPIPE' ? 'peer-reset' : `error:${code ?? 'UNKNOWN'}`;
    this.finish(reason, 'destroy');
  }

  private onClose(hadError: boolean): void {
    if ((this.flags & F_CLOSED) !== 0) {
      this.cfg.sched.cancel(this); // linger no longer needed
      return;
    }
    if ((this.flags & F_END_PENDING) !== 0 && !hadError) return; // the pipe is still delivering; it finishes us
    this.finish(hadError ? 'peer-reset' : 'peer-closed', 'none');
  }

  /**
   * Copies what a closed session still reads (scalars and samples) out of the shared
   * slabs and hands its blocks on; existing views follow the copies.
   */
  private detachBlocks(): void {
    const st = this.st.slice(this.stAt, this.stAt + SESSION_SCALARS);
    const w = this.windows.slice(this.windowsAt, this.windowsAt + WINDOW_FLOATS);
    this.cfg.ringPool.give(this.st, this.stAt);
    windowPool.give(this.windows, this.windowsAt);
    this.st = st;
    this.stAt = 0;
    this.windows = w;
    this.windowsAt = 0;
    const v = this.views;
    if (v !== null) {
      v.rtt.moveStorage(w, 0, st, S_RTT);
      v.estimator.moveStorage(st, S_EST);
      v.phi.moveStorage(w, SESSION_RTT_WINDOW, st, S_PHI);
    }
  }

  /** The single exit: exactly one 'closed'. */
  private finish(reason: CloseReason, how: 'end' | 'destroy' | 'reset' | 'none'): void {
    if ((this.flags & F_CLOSED) !== 0) return;
    if ((this.flags & F_PHASED) !== 0) phasedSessions--;
    this.flags |= F_CLOSED;
    this._closeReason = reason;
    const sched = this.cfg.sched;
    sched.cancel(this);
    // Nothing adds samples once closed: keep them, hand the shared block on.
    this.detachBlocks();
    // A graceful end lets a pipe that holds bytes write them out before the FIN.
    const pipe = this._pipe;
    const pipeEnds = how === 'end' && pipe !== null && pipe.end !== undefined && !this.socket.destroyed;
    try {
      if (pipeEnds) (pipe as Pipe).end?.();
      else if (pipe !== null) pipe.destroy();
      else this.socket.off('data', HeartbeatSession.socketData);
    } catch {
      // a faulty pipe must not keep the session open
      this.socket.destroy();
    }
    try {
      if (how === 'end') {
        if (!pipeEnds) this.socket.end();
        if (!this.socket.destroyed) {
          sched.schedule(this, sched.now() + Math.min(this.cfg.timeoutMs, MAX_LINGER_MS));
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
