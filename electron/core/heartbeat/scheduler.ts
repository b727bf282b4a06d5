// ONE scheduler for every heartbeat session (DESIGN §4): a hashed timing wheel driven
// by a single Node timer. Timers are intrusive: a session is its own timer (it carries
// the link fields, see Timer), other owners hold TimerEntry objects created once;
// (re)scheduling links a timer into a slot list — no allocation, no Node timer per
// socket, nothing re-created per received frame. A tick costs O(timers in the due
// slots), not O(all sessions).
//
// The scheduler also measures how late its own timer fired: a long event-loop stall
// (busy main thread, GC, laptop sleep) is accumulated in `pausedMs` so sessions can
// discount time during which they could not have read their peer's heartbeats.

/** Monotonic clock in ms (fractional, µs resolution). */
export const monotonicNow = (): number => performance.now();

const IDLE = 0;
const IN_WHEEL = 1;
const IN_FIRE_QUEUE = 2;

// A timer's fields, keyed by symbols so that an owner embedding them (see Timer) gains
// no visible names.
/** @internal wheel bookkeeping */
export const kNext = Symbol('timer.next');
/** @internal */
export const kPrev = Symbol('timer.prev');
/** @internal absolute tick at which the timer is due (its slot is dueTick & mask) */
export const kDueTick = Symbol('timer.dueTick');
/** @internal IDLE / IN_WHEEL / IN_FIRE_QUEUE */
export const kState = Symbol('timer.state');
/** runs once per scheduling with the scheduler's `now`, called with `this` = [kOwner] */
export const kCallback = Symbol('timer.callback');
/** while scheduled, keep the process alive (see TimerEntry) */
export const kKeepAlive = Symbol('timer.keepAlive');
export const kOwner = Symbol('timer.owner');

/**
 * What the wheel links. TimerEntry is the stand-alone kind; an object that needs exactly
 * one timer for its whole life (a heartbeat session — thousands of them) may carry these
 * fields itself, initialised to null, null, 0, 0, and save an object per instance.
 */
export interface Timer {
  [kNext]: Timer | null;
  [kPrev]: Timer | null;
  [kDueTick]: number;
  [kState]: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the owner's type is the caller's business
  readonly [kCallback]: (this: any, nowMs: number) => void;
  readonly [kKeepAlive]: boolean;
  readonly [kOwner]: unknown;
}

/**
 * An intrusive timer handle. Create one per purpose per owner (e.g. "connect timeout",
 * "backoff") and reuse it forever; scheduling an already scheduled entry moves it.
 */
export class TimerEntry implements Timer {
  [kNext]: Timer | null = null;
  [kPrev]: Timer | null = null;
  [kDueTick] = 0;
  [kState] = IDLE;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the owner's type is the caller's business
  readonly [kCallback]: (this: any, nowMs: number) => void;
  readonly [kKeepAlive]: boolean;
  readonly [kOwner]: unknown;

  /**
   * @param callback runs once per scheduling, with the scheduler's `now`, called with
   *   `this` = `owner`: an owner can pass one of its (prototype) methods instead of
   *   allocating a closure per entry — thousands of sessions, two entries each.
   * @param keepAlive while scheduled, keep the process alive (the Node timer is ref'd).
   *   Heartbeat timers don't (sockets keep the process alive); a client's reconnect
   *   backoff does, since no socket exists while it waits.
   * @param owner `this` for the callback.
   */
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the owner's type is the caller's business
    callback: (this: any, nowMs: number) => void,
    keepAlive = false,
    owner: unknown = undefined,
  ) {
    this[kCallback] = callback;
    this[kKeepAlive] = keepAlive;
    this[kOwner] = owner;
  }

  get scheduled(): boolean {
    return this[kState] !== IDLE;
  }
}

export interface SchedulerOptions {
  /** wheel resolution (default 10 ms) */
  tickMs?: number;
  /** wheel size, rounded up to a power of two (default 1024 → ~10 s per revolution) */
  slots?: number;
  /** a timer firing later than this is counted as an event-loop stall (default 50 ms) */
  stallThresholdMs?: number;
  /** clock in ms (default performance.now) — injectable for tests */
  clock?: () => number;
  /** no Node timer at all: the owner drives it with advance() (unit tests) */
  manual?: boolean;
  /** where exceptions thrown by callbacks go (default: rethrown asynchronously) */
  onError?: (err: unknown) => void;
}

export interface SchedulerStats {
  /** timer wake-ups (or advance() calls) */
  wakeups: number;
  /** callbacks run */
  fired: number;
  /** times a Node timer was (re)armed */
  timerArms: number;
  /** entries looked at while collecting due slots (O(due) check) */
  examined: number;
  /** stalls detected */
  stalls: number;
}

export class Scheduler {
  readonly tickMs: number;
  readonly slotCount: number;
  readonly stallThresholdMs: number;
  readonly stats: SchedulerStats = { wakeups: 0, fired: 0, timerArms: 0, examined: 0, stalls: 0 };

  private readonly mask: number;
  private readonly slots: (Timer | null)[];
  private readonly clock: () => number;
  private readonly manual: boolean;
  private readonly onError: (err: unknown) => void;
  /** last tick fully processed */
  private cursor: number;
  private count = 0;
  private keepAliveCount = 0;
  /** The one Node timer, created once and re-armed with refresh() while its delay fits. */
  private timer: NodeJS.Timeout | null = null;
  /** whether `timer` is pending (a fired or cleared Timeout object is kept for reuse) */
  private timerActive = false;
  /** the delay `timer` was created with (refresh() re-uses it) */
  private timerDelay = -1;
  /** time the next wake-up is expected (Infinity when none) */
  private armedAt = Infinity;
  private timerRefed = false;
  private running = false;
  /**
   * Due timers of the current advance(), fireQueue[0, fireCount). Never truncated:
   * `length = 0` would drop the backing store, and a wake-up of a ping group with
   * hundreds of sessions would reallocate and regrow it (young-generation garbage on
   * every wake-up). Fired slots are cleared so no timer is kept alive.
   */
  private readonly fireQueue: (Timer | undefined)[] = [];
  private fireCount = 0;
  private paused = 0;
  private lastStall = 0;
  private readonly onTimer = (): void => {
    this.timerActive = false;
    this.advance(this.clock());
  };

  constructor(opts: SchedulerOptions = {}) {
    this.tickMs = opts.tickMs ?? 10;
    if (!(this.tickMs > 0)) throw new RangeError('tickMs must be > 0');
    let n = 1;
    while (n < (opts.slots ?? 1024)) n *= 2;
    this.slotCount = n;
    this.mask = n - 1;
    this.slots = new Array<Timer | null>(n).fill(null);
    this.stallThresholdMs = opts.stallThresholdMs ?? 50;
    this.clock = opts.clock ?? monotonicNow;
    this.manual = opts.manual ?? false;
    this.onError =
      opts.onError ??
      ((err) => {
        process.nextTick(() => {
          throw err;
        });
      });
    this.cursor = this.tickOf(this.clock());
  }

  /** The scheduler's clock (ms). */
  now(): number {
    return this.clock();
  }

  /** Entries currently scheduled. */
  get size(): number {
    return this.count;
  }

  /** Total event-loop stall time observed so far (ms, monotonic counter). */
  get pausedMs(): number {
    return this.paused;
  }

  /** Duration of the most recent stall (ms), 0 if none yet. */
  get lastStallMs(): number {
    return this.lastStall;
  }

  /** Whether the process is held alive by this scheduler right now. */
  get hasRef(): boolean {
    return this.timerActive && this.timerRefed;
  }

  /** Whether a Node timer is currently armed. */
  get timerArmed(): boolean {
    return this.timerActive;
  }

  /** Run `entry` at (or within one tick after) `atMs`. Reschedules if already scheduled. */
  schedule(entry: Timer, atMs: number): void {
    if (entry[kState] !== IDLE) this.unlink(entry);
    let tick = Math.ceil(atMs / this.tickMs);
    // Anything due in the past or in the tick being processed goes to the next tick,
    // otherwise it would wait a whole revolution.
    if (tick <= this.cursor) tick = this.cursor + 1;
    entry[kDueTick] = tick;
    const slot = tick & this.mask;
    entry[kState] = IN_WHEEL;
    entry[kPrev] = null;
    const head = this.slots[slot];
    entry[kNext] = head;
    if (head !== null) head[kPrev] = entry;
    this.slots[slot] = entry;
    this.count++;
    if (entry[kKeepAlive] && ++this.keepAliveCount === 1) this.updateRef();
    if (!this.running) this.arm(tick * this.tickMs);
  }

  /** Run `entry` `delayMs` from now. */
  scheduleIn(entry: Timer, delayMs: number): void {
    this.schedule(entry, this.clock() + delayMs);
  }

  /**
   * Whether an entry scheduled for `atMs` would run in the advance() processing `nowMs`
   * (the `now` callbacks get): lets one entry serve several due times of its owner.
   */
  isDue(atMs: number, nowMs: number): boolean {
    return Math.ceil(atMs / this.tickMs) <= Math.floor((nowMs + 1) / this.tickMs);
  }

  cancel(entry: Timer): void {
    if (entry[kState] === IDLE) return;
    this.unlink(entry);
    if (this.count === 0 && !this.running) this.disarm();
  }

  /**
   * Process everything due up to `nowMs`: called by the Node timer, or directly by a
   * manual scheduler's owner. Returns how many callbacks ran.
   */
  advance(nowMs: number = this.clock()): number {
    if (this.running) return 0;
    this.stats.wakeups++;
    const expected = this.armedAt;
    this.armedAt = Infinity;
    if (expected !== Infinity && nowMs - expected > this.stallThresholdMs) {
      this.lastStall = nowMs - expected;
      this.paused += this.lastStall;
      this.stats.stalls++;
    }
    // +1 ms: Node timers may fire up to a millisecond early relative to performance.now().
    const target = Math.floor((nowMs + 1) / this.tickMs);
    const queue = this.fireQueue;
    this.running = true;
    try {
      if (target > this.cursor && this.count > 0) {
        const steps = Math.min(target - this.cursor, this.slotCount);
        for (let s = 1; s <= steps; s++) this.collect((this.cursor + s) & this.mask, target);
      }
      if (target > this.cursor) this.cursor = target;
      let fired = 0;
      // Entries collected here may be cancelled or rescheduled by earlier callbacks.
      for (let i = 0; i < this.fireCount; i++) {
        const e = queue[i] as Timer;
        queue[i] = undefined;
        if (e[kState] !== IN_FIRE_QUEUE) continue;
        e[kState] = IDLE;
        fired++;
        try {
          e[kCallback].call(e[kOwner], nowMs);
        } catch (err) {
          this.onError(err);
        }
      }
      this.fireCount = 0;
      this.stats.fired += fired;
      return fired;
    } finally {
      this.running = false;
      this.rearm();
    }
  }

  private tickOf(ms: number): number {
    return Math.floor(ms / this.tickMs);
  }

  /** Moves due entries of one slot into the fire queue; later-revolution ones stay. */
  private collect(slot: number, target: number): void {
    let e = this.slots[slot];
    while (e !== null) {
      const next = e[kNext];
      this.stats.examined++;
      if (e[kDueTick] <= target) {
        this.unlink(e);
        e[kState] = IN_FIRE_QUEUE;
        this.fireQueue[this.fireCount++] = e;
      }
      e = next;
    }
  }

  private unlink(e: Timer): void {
    if (e[kState] === IN_WHEEL) {
      const prev = e[kPrev];
      const next = e[kNext];
      if (prev !== null) prev[kNext] = next;
      else this.slots[e[kDueTick] & this.mask] = next;
      if (next !== null) next[kPrev] = prev;
      e[kNext] = e[kPrev] = null;
    }
    // IN_FIRE_QUEUE: the queue skips it once its state is no longer IN_FIRE_QUEUE.
    e[kState] = IDLE;
    this.count--;
    if (e[kKeepAlive] && --this.keepAliveCount === 0) this.updateRef();
  }

  /** After a wake: arm for the next non-empty slot (scan is bounded by the wheel size). */
  private rearm(): void {
    if (this.count === 0) {
      this.disarm();
      return;
    }
    for (let s = 1; s <= this.slotCount; s++) {
      const tick = this.cursor + s;
      const head = this.slots[tick & this.mask];
      if (head === null) continue;
      // The slot may only hold later-revolution entries; waking for it is harmless.
      this.arm(tick * this.tickMs);
      return;
    }
  }

  private arm(atMs: number): void {
    const now = this.clock();
    // A past due time wakes at once; expecting it "now" keeps stall detection honest.
    if (atMs < now) atMs = now;
    if (atMs >= this.armedAt) return;
    this.armedAt = atMs;
    if (this.manual) return;
    // Whole milliseconds: Node keeps one timer list per distinct duration, so fractional
    // delays would create (and tear down) a list per wake-up.
    const delay = Math.max(1, Math.ceil(atMs - now));
    const timer = this.timer;
    if (timer !== null && this.timerDelay >= delay && this.timerDelay <= delay + 2) {
      // Same duration, or up to 2 ms more (a fraction of a tick; Node timers are only
      // ms-accurate anyway): restart the existing Timeout instead of allocating a new
      // one on every wake-up.
      timer.refresh();
    } else {
      if (timer !== null && this.timerActive) clearTimeout(timer);
      this.timer = setTimeout(this.onTimer, delay);
      this.timerDelay = delay;
      this.timerRefed = true;
    }
    this.timerActive = true;
    this.stats.timerArms++;
    this.updateRef();
  }

  private disarm(): void {
    this.armedAt = Infinity;
    if (this.timerActive && this.timer !== null) {
      // A cleared Timeout cannot be refresh()ed back to life: drop it.
      clearTimeout(this.timer);
      this.timer = null;
      this.timerActive = false;
    }
  }

  private updateRef(): void {
    if (this.timer === null) return;
    const want = this.keepAliveCount > 0;
    if (want === this.timerRefed) return;
    this.timerRefed = want;
    if (want) this.timer.ref();
    else this.timer.unref();
  }
}

/** Shared by all sessions, servers and clients unless one is injected. */
export const defaultScheduler = new Scheduler();
