// One direction of a FaultPipe: a FIFO gated by latency (per-chunk due time),
// bandwidth (token bucket) and freeze. One timer per lane, re-armed to whatever
// the head is waiting for, never one per chunk. A chunk only ever leaves from the
// head, so order is kept whatever the faults do while bytes are queued.
import { ChunkQueue } from './chunk-queue';
import { TokenBucket } from './token-bucket';

export interface LaneLatency {
  ms: number;
  jitterMs: number;
}

export interface LaneConfig {
  latency: LaneLatency | null;
  bytesPerSec: number | null;
  frozen: boolean;
}

export interface LaneOptions {
  /** Receives released bytes, in order. May re-enter the lane (e.g. destroy it). */
  sink: (chunk: Buffer) => void;
  /** Called after every pump so the owner can update pause/passthrough state. */
  onChange: () => void;
  random: () => number;
  now?: () => number;
}

const monotonic = (): number => performance.now();

export class Lane {
  private readonly queue = new ChunkQueue();
  private latency: LaneLatency | null = null;
  private bucket: TokenBucket | null = null;
  private frozen = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  /** polling the last fraction of a millisecond of a latency wait (see arm) */
  private immediate: NodeJS.Immediate | null = null;
  private pumping = false;
  private pumpAgain = false;
  private dead = false;
  private waitingForTokens = false;
  private readonly now: () => number;

  constructor(private readonly opts: LaneOptions) {
    this.now = opts.now ?? monotonic;
  }

  /** Bytes waiting in this lane. */
  get queuedBytes(): number {
    return this.queue.bytes;
  }
  get empty(): boolean {
    return this.queue.empty;
  }
  /** The head is ready but the token bucket is empty (inbound: time to pause the socket). */
  get blockedOnTokens(): boolean {
    return this.waitingForTokens;
  }
  /** Whether this lane changes anything (otherwise bytes may bypass it once it is empty). */
  get active(): boolean {
    return this.frozen || this.bucket !== null || this.latency !== null;
  }
  get timerArmed(): boolean {
    return this.timer !== null || this.immediate !== null;
  }

  configure(cfg: LaneConfig): void {
    if (this.dead) return;
    const now = this.now();
    if (cfg.latency === null && this.latency !== null) this.queue.releaseAll();
    this.latency = cfg.latency;
    if (cfg.bytesPerSec === null) this.bucket = null;
    else if (this.bucket === null) this.bucket = new TokenBucket(cfg.bytesPerSec, now);
    else if (this.bucket.rate !== cfg.bytesPerSec) this.bucket.setRate(cfg.bytesPerSec, now);
    this.frozen = cfg.frozen;
    this.pump();
  }

  push(buf: Buffer): void {
    if (this.dead || buf.length === 0) return;
    const wasEmpty = this.queue.empty;
    let due = 0;
    if (this.latency !== null) {
      const { ms, jitterMs } = this.latency;
      const delay = jitterMs > 0 ? ms + (this.opts.random() * 2 - 1) * jitterMs : ms;
      if (delay > 0) due = this.now() + delay;
    }
    this.queue.push(buf, due);
    // Only a new head can change what the lane waits for.
    if (wasEmpty) {
      this.bucket?.startBacklog(this.now());
      this.pump();
    }
  }

  /** Release whatever may leave now; arm the single timer for the next release. */
  pump(): void {
    if (this.dead) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.release();
      } while (this.pumpAgain && !this.dead);
    } finally {
      this.pumping = false;
    }
    if (!this.dead) this.opts.onChange();
  }

  destroy(): void {
    this.dead = true;
    this.disarm();
    this.queue.clear();
  }

  private release(): void {
    this.waitingForTokens = false;
    const sink = this.opts.sink;
    for (;;) {
      if (this.dead) return;
      const head = this.queue.peek();
      if (head === undefined || this.frozen) {
        this.disarm(); // empty, or frozen: nothing to wait for until configure()
        return;
      }
      const now = this.now();
      if (head.due > now) {
        this.arm(head.due - now, now, true);
        return;
      }
      if (this.bucket !== null) {
        const len = head.buf.length;
        const grant = this.bucket.take(len, now);
        if (grant === 0) {
          this.waitingForTokens = true;
          this.arm(this.bucket.waitMs(len, now), now);
          return;
        }
        if (grant < len) {
          const piece = head.buf.subarray(0, grant);
          this.queue.consumeHead(grant);
          sink(piece);
          continue;
        }
      }
      this.queue.shift();
      sink(head.buf);
    }
  }

  /**
   * Wake up when `waitMs` have passed. Node timers have whole-millisecond resolution
   * and fire up to ~1 ms late, so rounding every latency wait up (and then firing
   * late) made injected latency overshoot by 1–2 ms on average. For latency (`exact`)
   * the timer is set for the whole milliseconds of the wait only, and the remaining
   * fraction is waited by polling on the next loop turns (setImmediate, I/O still
   * runs): bytes leave at their due time, never before, and about on time. Token
   * waits (bandwidth) keep whole-ms timers: the bucket refills meanwhile, so a late
   * wake-up costs nothing, and sub-ms polling would spin for the whole transfer.
   */
  private arm(waitMs: number, now: number, exact = false): void {
    if (exact && waitMs < 1) {
      this.disarmTimer();
      this.immediate ??= setImmediate(this.onImmediate);
      return;
    }
    const delay = exact ? Math.floor(waitMs) : Math.max(1, Math.ceil(waitMs));
    const due = now + delay;
    // Keep an armed timer that fires about when we need it; an early one just re-pumps.
    if (this.timer !== null && Math.abs(this.timerDue - due) < 1) return;
    this.disarm();
    this.timerDue = due;
    this.timer = setTimeout(this.onTimer, delay);
  }

  private disarm(): void {
    this.disarmTimer();
    if (this.immediate !== null) {
      clearImmediate(this.immediate);
      this.immediate = null;
    }
  }

  private disarmTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private readonly onImmediate = (): void => {
    this.immediate = null;
    this.pump();
  };

  private readonly onTimer = (): void => {
    this.timer = null;
    this.pump();
  };
}
