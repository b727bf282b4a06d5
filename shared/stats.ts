// RTT statistics (DESIGN.md §4): RFC 6298 smoothing, a bounded window with lazy
// percentiles, and a phi-accrual suspicion score. Pure TypeScript, O(1) per sample,
// so it can run for every heartbeat of thousands of connections.

const ALPHA = 1 / 8;
const BETA = 1 / 4;

/** A usable RTT / time sample: finite and not negative. Anything else is ignored. */
function validSample(x: number): boolean {
  return Number.isFinite(x) && x >= 0;
}

// Every class below keeps its mutable scalars in a Float64Array `state` block rather
// than in fields: a standalone instance allocates a small one of its own, while a
// heartbeat session keeps the scalars of all its statistics in one block of a shared
// slab and updates them through the static *At functions — no object per statistic
// and no boxed double per field for each of thousands of connections — and creates
// the instances only as views when someone reads them. `moveStorage` repoints a view
// (e.g. at a private copy when the session hands its slab block on).

/** Checks that `array[offset, offset + n)` exists. */
function checkRange(array: { length: number }, offset: number, n: number, what: string): void {
  if (!(offset >= 0 && offset + n <= array.length)) throw new RangeError(`${what} storage too small`);
}

/** `a[off, off + len)` as an array of its own: `a` itself when it already is exactly that. */
function ownSlice<A extends Float32Array | Float64Array>(a: A, off: number, len: number): A {
  return off === 0 && a.length === len ? a : (a.slice(off, off + len) as A);
}

// RttEstimator state slots
const E_SRTT = 0,
  E_RTTVAR = 1,
  E_PRIMED = 2;
/** Float64 state slots of an RttEstimator. */
export const RTT_ESTIMATOR_STATE = 3;

/**
 * RFC 6298 §2 estimator: first sample SRTT=R, RTTVAR=R/2; later
 * RTTVAR = (1-β)·RTTVAR + β·|SRTT-R| (using the old SRTT), then SRTT = (1-α)·SRTT + α·R,
 * with α=1/8, β=1/4. Non-finite or negative samples are ignored.
 */
export class RttEstimator {
  private st: Float64Array;
  private so: number;

  /** @param state optional: keep the estimate in `state[offset, offset + RTT_ESTIMATOR_STATE)` (zeroed = no estimate) */
  constructor(state?: Float64Array, offset = 0) {
    if (state !== undefined) checkRange(state, offset, RTT_ESTIMATOR_STATE, 'RttEstimator');
    this.st = state ?? new Float64Array(RTT_ESTIMATOR_STATE);
    this.so = state !== undefined ? offset : 0;
  }

  /** update() on an estimate kept at `st[so, so + RTT_ESTIMATOR_STATE)`. */
  static updateAt(st: Float64Array, so: number, rttMs: number): void {
    if (!validSample(rttMs)) return;
    if (st[so + E_PRIMED] === 0) {
      st[so + E_SRTT] = rttMs;
      st[so + E_RTTVAR] = rttMs / 2;
      st[so + E_PRIMED] = 1;
      return;
    }
    // Order matters: RTTVAR uses the SRTT from before this sample.
    const s = st[so + E_SRTT];
    st[so + E_RTTVAR] = (1 - BETA) * st[so + E_RTTVAR] + BETA * Math.abs(s - rttMs);
    st[so + E_SRTT] = (1 - ALPHA) * s + ALPHA * rttMs;
  }

  update(rttMs: number): void {
    RttEstimator.updateAt(this.st, this.so, rttMs);
  }

  /** srtt of an estimate kept at `st[so, …)`. */
  static srttAt(st: Float64Array, so: number): number | null {
    return st[so + E_PRIMED] !== 0 ? st[so + E_SRTT] : null;
  }

  /** rttvar of an estimate kept at `st[so, …)`. */
  static rttvarAt(st: Float64Array, so: number): number | null {
    return st[so + E_PRIMED] !== 0 ? st[so + E_RTTVAR] : null;
  }

  get srtt(): number | null {
    return this.st[this.so + E_PRIMED] !== 0 ? this.st[this.so + E_SRTT] : null;
  }

  get rttvar(): number | null {
    return this.st[this.so + E_PRIMED] !== 0 ? this.st[this.so + E_RTTVAR] : null;
  }

  reset(): void {
    this.st.fill(0, this.so, this.so + RTT_ESTIMATOR_STATE);
  }

  /** @internal Reads and writes `state[offset, …)` from now on (which must hold the same estimate). */
  moveStorage(state: Float64Array, offset: number): void {
    this.st = state;
    this.so = offset;
  }
}

// One sort buffer shared by every RttWindow: percentiles are read rarely (UI/stats
// snapshots, one peer after another) while windows exist per connection, so a sorted
// copy per window would double each window's memory for nothing. The buffer remembers
// which window (and which version of it) it holds, so reading p50, p95, p99 and min of
// one window in a row sorts once.
let scratch = new Float64Array(256);
let scratchOwner: RttWindow | null = null;
let scratchVersion = -1;

// RttWindow state slots
const W_HEAD = 0, // next write index
  W_COUNT = 1,
  /** bumped on every change: validates the shared sorted copy */
  W_VERSION = 2,
  W_JITTER = 3,
  W_JITTER_OK = 4;
/** Float64 state slots of an RttWindow. */
export const RTT_WINDOW_STATE = 5;

/**
 * Fixed-size ring of the most recent RTTs. add() is O(1) and allocates nothing;
 * percentile/min/max are computed lazily on read by sorting a copy in a buffer shared
 * by all windows (cached until this window changes or another window is read), and
 * jitter is cached until the next add. Memory per window: `size` doubles, or `size`
 * 32-bit floats with `compact` (samples keep ~7 significant digits — sub-ns for any
 * RTT below a second — which is what a window per connection can afford).
 *
 * jitter = mean absolute difference of consecutive samples in the window
 * (Σ|Rᵢ − Rᵢ₋₁| / (count − 1)), i.e. the unsmoothed form of RFC 3550's D; null with < 2 samples.
 */
export class RttWindow {
  readonly size: number;
  private ring: Float64Array | Float32Array;
  /** where this window's `size` samples start in `ring` (non-zero only in a shared block) */
  private off: number;
  private st: Float64Array;
  private so: number;

  /**
   * @param storage optional (compact only): keep the samples in `storage[offset, offset+size)`
   *   — e.g. a block of a FloatBlockPool slab — instead of a typed array of its own, which
   *   costs two heap objects and a native backing store per window. See detach().
   * @param state optional: keep the scalars in `state[stateOffset, stateOffset + RTT_WINDOW_STATE)` (zeroed = empty)
   */
  constructor(size = 256, compact = false, storage?: Float32Array, offset = 0, state?: Float64Array, stateOffset = 0) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`RttWindow size must be an integer >= 1, got ${size}`);
    this.size = size;
    if (storage !== undefined) {
      checkRange(storage, offset, size, 'RttWindow');
      this.ring = storage;
      this.off = offset;
    } else {
      this.ring = compact ? new Float32Array(size) : new Float64Array(size);
      this.off = 0;
    }
    if (state !== undefined) checkRange(state, stateOffset, RTT_WINDOW_STATE, 'RttWindow');
    this.st = state ?? new Float64Array(RTT_WINDOW_STATE);
    this.so = state !== undefined ? stateOffset : 0;
  }

  /** add() on a window of `size` samples at `ring[off, …)` with its state at `st[so, …)`. */
  static addAt(ring: Float32Array | Float64Array, off: number, size: number, st: Float64Array, so: number, rttMs: number): void {
    if (!validSample(rttMs)) return;
    const head = st[so + W_HEAD];
    ring[off + head] = rttMs;
    st[so + W_HEAD] = head + 1 === size ? 0 : head + 1;
    if (st[so + W_COUNT] < size) st[so + W_COUNT]++;
    st[so + W_VERSION]++;
    st[so + W_JITTER_OK] = 0;
  }

  /**
   * Moves the samples (and state) out of shared storage into arrays of the window's own
   * (no-op otherwise), so the storage block may be handed to another window.
   */
  detach(): void {
    this.ring = ownSlice(this.ring, this.off, this.size);
    this.off = 0;
    this.st = ownSlice(this.st, this.so, RTT_WINDOW_STATE);
    this.so = 0;
  }

  /** @internal Reads and writes the given storage from now on (which must hold the same window). */
  moveStorage(storage: Float32Array | Float64Array, offset: number, state: Float64Array, stateOffset: number): void {
    this.ring = storage;
    this.off = offset;
    this.st = state;
    this.so = stateOffset;
  }

  /** Adds a sample (non-finite or negative values are ignored). */
  add(rttMs: number): void {
    RttWindow.addAt(this.ring, this.off, this.size, this.st, this.so, rttMs);
  }

  private get head(): number {
    return this.st[this.so + W_HEAD];
  }

  private get version(): number {
    return this.st[this.so + W_VERSION];
  }

  /** Samples currently in the window (≤ size). */
  get count(): number {
    return this.st[this.so + W_COUNT];
  }

  get last(): number | null {
    if (this.count === 0) return null;
    const head = this.head;
    return this.ring[this.off + (head === 0 ? this.size - 1 : head - 1)];
  }

  /** Minimum over the window. */
  get min(): number | null {
    return this.count === 0 ? null : this.sorted()[0];
  }

  /** Maximum over the window. */
  get max(): number | null {
    const count = this.count;
    return count === 0 ? null : this.sorted()[count - 1];
  }

  /** Arithmetic mean over the window. */
  get mean(): number | null {
    const count = this.count;
    if (count === 0) return null;
    let sum = 0;
    for (let k = 0; k < count; k++) sum += this.ring[this.off + k];
    return sum / count;
  }

  /** Nearest-rank percentile, p in [0,100]: the ⌈p/100·N⌉-th smallest (p=0 gives the min). */
  percentile(p: number): number | null {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0,100], got ${p}`);
    const count = this.count;
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    return this.sorted()[rank - 1];
  }

  get jitter(): number | null {
    const count = this.count;
    if (count < 2) return null;
    const st = this.st;
    const so = this.so;
    if (st[so + W_JITTER_OK] === 0) {
      // Oldest sample sits at head when full, at 0 otherwise.
      const start = count === this.size ? this.head : 0;
      let prev = this.ring[this.off + start];
      let sum = 0;
      for (let k = 1; k < count; k++) {
        let idx = start + k;
        if (idx >= this.size) idx -= this.size;
        const cur = this.ring[this.off + idx];
        sum += Math.abs(cur - prev);
        prev = cur;
      }
      st[so + W_JITTER] = sum / (count - 1);
      st[so + W_JITTER_OK] = 1;
    }
    return st[so + W_JITTER];
  }

  /** Samples oldest → newest (a copy). */
  toArray(): number[] {
    const count = this.count;
    const out: number[] = new Array(count);
    const start = count === this.size ? this.head : 0;
    for (let k = 0; k < count; k++) {
      let idx = start + k;
      if (idx >= this.size) idx -= this.size;
      out[k] = this.ring[this.off + idx];
    }
    return out;
  }

  reset(): void {
    const st = this.st;
    const so = this.so;
    st[so + W_HEAD] = 0;
    st[so + W_COUNT] = 0;
    st[so + W_VERSION]++;
    st[so + W_JITTER_OK] = 0;
  }

  /** The shared buffer holding this window's samples sorted ascending in [0, count). */
  private sorted(): Float64Array {
    const count = this.count;
    if (scratchOwner !== this || scratchVersion !== this.version) {
      if (scratch.length < count) scratch = new Float64Array(Math.max(count, scratch.length * 2));
      // Order of samples doesn't matter for percentiles: copy the filled prefix and sort numerically.
      const view = scratch.subarray(0, count);
      for (let k = 0; k < count; k++) view[k] = this.ring[this.off + k];
      view.sort();
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- an identity tag for the cache, not a closure alias
      scratchOwner = this;
      scratchVersion = this.version;
    }
    return scratch;
  }
}

/**
 * Fixed-size blocks of 32-bit floats carved from shared slabs, for the per-connection
 * windows (RttWindow / PhiAccrual `storage`): thousands of small typed arrays would
 * each cost a typed-array object, an ArrayBuffer object and a native backing store.
 * Released blocks are reused (their owner detaches first, so it keeps its data).
 */
export class FloatBlockPool {
  private slab: Float32Array | null = null;
  private used = 0;
  private readonly freeArrays: Float32Array[] = [];
  private readonly freeOffsets: number[] = [];

  constructor(
    readonly blockSize: number,
    readonly blocksPerSlab = 64,
  ) {
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError('blockSize must be an integer >= 1');
  }

  /** A zeroed block: `array[offset, offset + blockSize)`. Pass both to the window constructors. */
  take(): { array: Float32Array; offset: number } {
    const a = this.freeArrays.pop();
    if (a !== undefined) {
      const offset = this.freeOffsets.pop() as number;
      a.fill(0, offset, offset + this.blockSize);
      return { array: a, offset };
    }
    if (this.slab === null || this.used === this.blocksPerSlab) {
      this.slab = new Float32Array(this.blockSize * this.blocksPerSlab);
      this.used = 0;
    }
    return { array: this.slab, offset: this.blockSize * this.used++ };
  }

  /** Returns a block taken from this pool; nothing may use it afterwards. */
  give(array: Float32Array, offset: number): void {
    this.freeArrays.push(array);
    this.freeOffsets.push(offset);
  }
}

/** phi is capped here instead of reaching Infinity (keeps JSON/plots sane). */
export const PHI_MAX = 1000;
const LN10 = Math.LN10;

// PhiAccrual state slots
const P_HEAD = 0,
  P_N = 1,
  P_SUM = 2,
  P_SUMSQ = 3,
  P_SINCE_RECOMPUTE = 4,
  P_LAST = 5,
  P_ARRIVED = 6;
/** Float64 state slots of a PhiAccrual. */
export const PHI_STATE = 7;

/**
 * Phi-accrual failure detector (Hayashibara et al.) over heartbeat inter-arrival times.
 *
 * Keeps the last `windowSize` intervals and their running mean/variance (O(1) per
 * heartbeat; sums recomputed exactly once per window to bound float drift). The
 * standard deviation is floored at `minStdDevMs` so very regular heartbeats don't make
 * phi explode on the first few ms of lateness.
 *
 * phi(t) = −log10(1 − F(t − last)), F ≈ normal CDF via Akka's logistic approximation
 * F(y) ≈ 1 / (1 + e^(−y(1.5976 + 0.070566 y²))), y = (elapsed − mean)/stddev.
 * Evaluated in log space (phi = softplus(y(1.5976+0.070566y²)) / ln 10) so it grows
 * smoothly without underflow, and capped at PHI_MAX. Elapsed = mean gives phi ≈ 0.30;
 * right after a heartbeat phi ≈ 0.
 */
export class PhiAccrual {
  readonly windowSize: number;
  readonly minStdDevMs: number;
  /** 32-bit floats: ms intervals keep ~7 significant digits (60 ns at 1 s), half the memory */
  private intervals: Float32Array;
  /** where this window starts in `intervals` (non-zero only in a shared block) */
  private off: number;
  private st: Float64Array;
  private so: number;

  /**
   * @param storage optional: keep the window in `storage[offset, offset+windowSize)` (see RttWindow).
   * @param state optional: keep the scalars in `state[stateOffset, stateOffset + PHI_STATE)` (zeroed = no heartbeat yet)
   */
  constructor(windowSize = 100, minStdDevMs = 100, storage?: Float32Array, offset = 0, state?: Float64Array, stateOffset = 0) {
    if (!Number.isInteger(windowSize) || windowSize < 1) throw new RangeError('windowSize must be an integer >= 1');
    if (!(minStdDevMs > 0) || !Number.isFinite(minStdDevMs)) throw new RangeError('minStdDevMs must be > 0');
    this.windowSize = windowSize;
    this.minStdDevMs = minStdDevMs;
    if (storage !== undefined) {
      checkRange(storage, offset, windowSize, 'PhiAccrual');
      this.intervals = storage;
      this.off = offset;
    } else {
      this.intervals = new Float32Array(windowSize);
      this.off = 0;
    }
    if (state !== undefined) checkRange(state, stateOffset, PHI_STATE, 'PhiAccrual');
    this.st = state ?? new Float64Array(PHI_STATE);
    this.so = state !== undefined ? stateOffset : 0;
  }

  /** Moves the window (and state) out of shared storage into arrays of its own (see RttWindow.detach). */
  detach(): void {
    this.intervals = ownSlice(this.intervals, this.off, this.windowSize);
    this.off = 0;
    this.st = ownSlice(this.st, this.so, PHI_STATE);
    this.so = 0;
  }

  /** @internal Reads and writes the given storage from now on (which must hold the same window). */
  moveStorage(storage: Float32Array, offset: number, state: Float64Array, stateOffset: number): void {
    this.intervals = storage;
    this.off = offset;
    this.st = state;
    this.so = stateOffset;
  }

  /** heartbeat() on a window of `windowSize` intervals at `iv[off, …)` with its state at `st[so, …)`. */
  static heartbeatAt(windowSize: number, iv: Float32Array, off: number, st: Float64Array, so: number, nowMs: number): void {
    if (!Number.isFinite(nowMs)) return;
    const last = st[so + P_LAST];
    const arrived = st[so + P_ARRIVED] !== 0;
    if (arrived && nowMs < last) return;
    st[so + P_LAST] = nowMs;
    if (!arrived) {
      st[so + P_ARRIVED] = 1;
      return;
    }
    // Rounded as stored, so the running sums add exactly what they later subtract.
    const interval = Math.fround(nowMs - last);
    const head = st[so + P_HEAD];
    let n = st[so + P_N];
    let sum = st[so + P_SUM];
    let sumSq = st[so + P_SUMSQ];
    if (n === windowSize) {
      const old = iv[off + head];
      sum -= old;
      sumSq -= old * old;
    } else {
      st[so + P_N] = ++n;
    }
    iv[off + head] = interval;
    st[so + P_HEAD] = head + 1 === windowSize ? 0 : head + 1;
    sum += interval;
    sumSq += interval * interval;
    const since = st[so + P_SINCE_RECOMPUTE] + 1;
    if (since >= windowSize) {
      // Exact sums once per window bound float drift.
      sum = 0;
      sumSq = 0;
      for (let k = 0; k < n; k++) {
        const v = iv[off + k];
        sum += v;
        sumSq += v * v;
      }
      st[so + P_SINCE_RECOMPUTE] = 0;
    } else {
      st[so + P_SINCE_RECOMPUTE] = since;
    }
    st[so + P_SUM] = sum;
    st[so + P_SUMSQ] = sumSq;
  }

  /** Records a heartbeat arrival. Times going backwards are ignored. */
  heartbeat(nowMs: number): void {
    PhiAccrual.heartbeatAt(this.windowSize, this.intervals, this.off, this.st, this.so, nowMs);
  }

  /** Heartbeats seen so far minus one (number of intervals in the window). */
  get samples(): number {
    return this.st[this.so + P_N];
  }

  /** Mean inter-arrival time, or null with < 2 arrivals. */
  get meanMs(): number | null {
    const n = this.st[this.so + P_N];
    return n === 0 ? null : this.st[this.so + P_SUM] / n;
  }

  /** Standard deviation of inter-arrival times (after the floor), or null with < 2 arrivals. */
  get stdDevMs(): number | null {
    const n = this.st[this.so + P_N];
    if (n === 0) return null;
    const mean = this.st[this.so + P_SUM] / n;
    const variance = Math.max(0, this.st[this.so + P_SUMSQ] / n - mean * mean);
    return Math.max(Math.sqrt(variance), this.minStdDevMs);
  }

  /** Suspicion level at `nowMs`; 0 with < 2 arrivals. Finite, in [0, PHI_MAX]. */
  phi(nowMs: number): number {
    const st = this.st;
    const so = this.so;
    const n = st[so + P_N];
    if (n === 0 || st[so + P_ARRIVED] === 0 || !Number.isFinite(nowMs)) return 0;
    const elapsed = Math.max(0, nowMs - st[so + P_LAST]);
    const mean = st[so + P_SUM] / n;
    const std = this.stdDevMs as number;
    const y = (elapsed - mean) / std;
    const x = y * (1.5976 + 0.070566 * y * y);
    // −log10(1 − 1/(1+e^−x)) = ln(1 + e^x)/ln10, computed stably.
    const softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    return Math.min(PHI_MAX, softplus / LN10);
  }

  reset(): void {
    this.st.fill(0, this.so, this.so + PHI_STATE);
  }
}

/**
 * Adaptive heartbeat deadline (DESIGN §4): interval + SRTT + 4·RTTVAR, clamped to
 * [floorMs, timeoutMs]. timeoutMs is the hard ceiling (it wins if floorMs > timeoutMs).
 * Without an RTT estimate yet (srtt null) the deadline is timeoutMs, i.e. fixed mode;
 * a null rttvar with a known srtt counts as 0.
 */
export function adaptiveDeadlineMs(
  intervalMs: number,
  srtt: number | null,
  rttvar: number | null,
  floorMs: number,
  timeoutMs: number,
): number {
  if (srtt === null) return timeoutMs;
  const raw = intervalMs + srtt + 4 * (rttvar ?? 0);
  return Math.min(timeoutMs, Math.max(floorMs, raw));
}
