// A heartbeat client that keeps one connection alive: dial, run a session, and on any
// close reconnect with full-jitter exponential backoff (DESIGN §4). All of its timers
// (connect timeout, backoff, attempt reset) are scheduler entries, not Node timers.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { CloseReason } from '../../../shared/contract';
import { DEFAULT_BACKOFF, fullJitterDelayMs, type BackoffOptions } from './backoff';
import { TimerEntry, defaultScheduler, type Scheduler } from './scheduler';
import { HeartbeatSession, type SessionOptions } from './session';

export interface ClientOptions extends Omit<SessionOptions, 'role'> {
  host: string;
  port: number;
  /** defaults 250 / 30000 / 10000 */
  backoff?: BackoffOptions;
  /** default = timeoutMs */
  connectTimeoutMs?: number;
  /** randomness for backoff jitter (tests); default Math.random */
  random?: () => number;
}

export type ClientState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface ReconnectingInfo {
  /** 1-based number of this reconnect attempt since the last stable connection (0 for reconnectNow) */
  attempt: number;
  /** wait before dialing: random(0, min(cap, base · 2^(attempt-1))) */
  delayMs: number;
}

export interface ClientEvents {
  state: [s: ClientState];
  /** TCP connected; emitted before any data is read */
  session: [s: HeartbeatSession];
  /** a session ended, or a connect attempt failed ('error:ECONNREFUSED', …) */
  closed: [reason: CloseReason];
  reconnecting: [info: ReconnectingInfo];
}

export class HeartbeatClient extends EventEmitter<ClientEvents> {
  readonly options: ClientOptions;
  private readonly sched: Scheduler;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;

  private _state: ClientState = 'stopped';
  private _session: HeartbeatSession | null = null;
  private pending: net.Socket | null = null;
  private _attempt = 0;
  private _reconnects = 0;
  /** set by reconnectNow() while the current session closes */
  private forceDial = false;
  private started = false;

  // Keeps the process alive while waiting: no socket exists during a backoff.
  private readonly dialEntry = new TimerEntry(() => {
    this._reconnects++;
    this.dial();
  }, true);
  private readonly connectTimeoutEntry = new TimerEntry(() => this.onConnectFailed('error:ETIMEDOUT'));
  private readonly stableEntry = new TimerEntry(() => {
    this._attempt = 0;
  });

  constructor(opts: ClientOptions) {
    super();
    this.options = opts;
    this.sched = opts.scheduler ?? defaultScheduler;
    this.baseMs = opts.backoff?.baseMs ?? DEFAULT_BACKOFF.baseMs;
    this.capMs = opts.backoff?.capMs ?? DEFAULT_BACKOFF.capMs;
    this.resetAfterMs = opts.backoff?.resetAfterMs ?? DEFAULT_BACKOFF.resetAfterMs;
    this.random = opts.random ?? Math.random;
  }

  get state(): ClientState {
    return this._state;
  }

  get session(): HeartbeatSession | null {
    return this._session;
  }

  /** consecutive failed attempts since the last stable connection */
  get attempt(): number {
    return this._attempt;
  }

  /** total reconnects (dials after the first) so far */
  get reconnects(): number {
    return this._reconnects;
  }

  /** Starts dialing (again, after stop()). No-op while running. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.dial();
  }

  /** State 'stopped'; closes the session with 'local-stop'; no more reconnects. */
  stop(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.started = false;
    this.forceDial = false;
    this.sched.cancel(this.dialEntry);
    this.sched.cancel(this.connectTimeoutEntry);
    this.sched.cancel(this.stableEntry);
    this.abortPending();
    this.setState('stopped');
    const s = this._session;
    if (s === null) return Promise.resolve();
    const socket = s.socket;
    s.close('local-stop');
    if (socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Close the current connection (or cancel the pending backoff) and dial at once. */
  reconnectNow(): void {
    if (!this.started) return;
    if (this._session !== null) {
      this.forceDial = true;
      this._session.close('local-stop'); // → onSessionClosed → dial
      return;
    }
    this.sched.cancel(this.dialEntry);
    this.abortPending();
    this.emit('reconnecting', { attempt: 0, delayMs: 0 });
    this._reconnects++;
    this.dial();
  }

  private setState(s: ClientState): void {
    if (this._state === s) return;
    this._state = s;
    this.emit('state', s);
  }

  private dial(): void {
    if (!this.started) return;
    this.setState('connecting');
    const { host, port } = this.options;
    const socket = new net.Socket();
    this.pending = socket;
    socket.on('error', this.onPendingError);
    socket.once('connect', this.onPendingConnect);
    this.sched.schedule(
      this.connectTimeoutEntry,
      this.sched.now() + (this.options.connectTimeoutMs ?? this.options.timeoutMs),
    );
    try {
      socket.setNoDelay(true);
      socket.connect({ host, port });
    } catch (err) {
      // Bad arguments surface synchronously (e.g. port out of range).
      const code = (err as NodeJS.ErrnoException).code ?? 'EINVAL';
      this.onConnectFailed(`error:${code}`);
    }
  }

  private readonly onPendingError = (err: Error): void => {
    this.onConnectFailed(`error:${(err as NodeJS.ErrnoException).code ?? 'UNKNOWN'}`);
  };

  private readonly onPendingConnect = (): void => {
    const socket = this.pending;
    if (socket === null) return;
    this.pending = null;
    socket.off('error', this.onPendingError);
    this.sched.cancel(this.connectTimeoutEntry);
    let session: HeartbeatSession;
    try {
      session = new HeartbeatSession(socket, { ...this.options, role: 'client' });
    } catch {
      socket.destroy();
      this.onConnectFailed('error:ESESSION');
      return;
    }
    this._session = session;
    session.once('closed', (reason) => this.onSessionClosed(session, reason));
    this.sched.schedule(this.stableEntry, this.sched.now() + this.resetAfterMs);
    this.emit('session', session);
    this.setState('connected');
  };

  private onConnectFailed(reason: CloseReason): void {
    this.sched.cancel(this.connectTimeoutEntry);
    this.abortPending();
    if (!this.started) return;
    this.emit('closed', reason);
    if (this.started) this.scheduleReconnect(); // a listener may have stopped us
  }

  private abortPending(): void {
    const socket = this.pending;
    if (socket === null) return;
    this.pending = null;
    socket.off('connect', this.onPendingConnect);
    // Keep an error listener: a late error on a discarded socket must not crash us.
    socket.off('error', this.onPendingError);
    socket.on('error', () => {});
    socket.destroy();
  }

  private onSessionClosed(session: HeartbeatSession, reason: CloseReason): void {
    if (this._session === session) this._session = null;
    this.sched.cancel(this.stableEntry);
    this.emit('closed', reason);
    if (!this.started) return; // stopped (maybe by a 'closed' listener)
    if (this.forceDial) {
      this.forceDial = false;
      this.emit('reconnecting', { attempt: 0, delayMs: 0 });
      this._reconnects++;
      this.dial();
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const exponent = this._attempt;
    this._attempt++;
    const delayMs = fullJitterDelayMs(exponent, this.baseMs, this.capMs, this.random);
    this.setState('reconnecting');
    this.emit('reconnecting', { attempt: this._attempt, delayMs });
    this.sched.schedule(this.dialEntry, this.sched.now() + delayMs);
  }
}
