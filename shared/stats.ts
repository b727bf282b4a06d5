// RTT statistics (DESIGN.md §4): RFC 6298 smoothing, a bounded window with lazy
// percentiles, and a phi-accrual suspicion score. Pure TypeScript, O(1) per sample,
// so it can run for every heartbeat of thousands of connections.

const ALPHA = 1 / 8;
const BETA = 1 / 4;

/** A usable RTT / time sample: finite and not negative. Anything else is ignored. */
function validSample(x: number): boolean {
  return Number.isFinite(x) && x >= 0;
}

/**
 * RFC 6298 §2 estimator: first sample SRTT=R, RTTVAR=R/2; later
 * RTTVAR = (1-β)·RTTVAR + β·|SRTT-R| (using the old SRTT), then SRTT = (1-α)·SRTT + α·R,
 * with α=1/8, β=1/4. Non-finite or negative samples are ignored.
 */
export class RttEstimator {
  // Plain number fields (never null) so V8 keeps them as mutable doubles: an update
  // per heartbeat must not allocate. `primed` says whether they hold an estimate.
  private s = 0;
  private v = 0;
  private primed = false;

  update(rttMs: number): void {
    if (!validSample(rttMs)) return;
    if (!this.primed) {
      this.s = rttMs;
      this.v = rttMs / 2;
      this.primed = true;
      return;
    }
    // Order matters: RTTVAR uses the SRTT from before this sample.
    this.v = (1 - BETA) * this.v + BETA * Math.abs(this.s - rttMs);
    this.s = (1 - ALPHA) * this.s + ALPHA * rttMs;
  }

  get srtt(): number | null {
    return this.primed ? this.s : null;
  }

  get rttvar(): number | null {
    return this.primed ? this.v : null;
  }

  reset(): void {
    this.s = 0;
    this.v = 0;
    this.primed = false;
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
  private head = 0; // next write index
  private _count = 0;
  /** bumped on every change: validates the shared sorted copy */
  private version = 0;
  private jitterCache = 0;
  private jitterValid = false;

  /**
   * @param storage optional (compact only): keep the samples in `storage[offset, offset+size)`
   *   — e.g. a block of a FloatBlockPool slab — instead of a typed array of its own, which
   *   costs two heap objects and a native backing store per window. See detach().
   */
  constructor(size = 256, compact = false, storage?: Float32Array, offset = 0) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`RttWindow size must be an integer >= 1, got ${size}`);
    this.size = size;
    if (storage !== undefined) {
      if (!(offset >= 0 && offset + size <= storage.length)) throw new RangeError('RttWindow storage too small');
      this.ring = storage;
      this.off = offset;
    } else {
      this.ring = compact ? new Float32Array(size) : new Float64Array(size);
      this.off = 0;
    }
  }

  /**
   * Moves the samples out of shared storage into an array of the window's own (no-op
   * otherwise), so the storage block may be handed to another window.
   */
  detach(): void {
    if (this.off === 0 && this.ring.length === this.size) return;
    this.ring = this.ring.slice(this.off, this.off + this.size);
    this.off = 0;
  }

  /** Adds a sample (non-finite or negative values are ignored). */
  add(rttMs: number): void {
    if (!validSample(rttMs)) return;
    this.ring[this.off + this.head] = rttMs;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
    if (this._count < this.size) this._count++;
    this.version++;
    this.jitterValid = false;
  }

  /** Samples currently in the window (≤ size). */
  get count(): number {
    return this._count;
  }

  get last(): number | null {
    if (this._count === 0) return null;
    return this.ring[this.off + (this.head === 0 ? this.size - 1 : this.head - 1)];
  }

  /** Minimum over the window. */
  get min(): number | null {
    return this._count === 0 ? null : this.sorted()[0];
  }

  /** Maximum over the window. */
  get max(): number | null {
    return this._count === 0 ? null : this.sorted()[this._count - 1];
  }

  /** Arithmetic mean over the window. */
  get mean(): number | null {
    if (this._count === 0) return null;
    let sum = 0;
    for (let k = 0; k < this._count; k++) sum += this.ring[this.off + k];
    return sum / this._count;
  }

  /** Nearest-rank percentile, p in [0,100]: the ⌈p/100·N⌉-th smallest (p=0 gives the min). */
  percentile(p: number): number | null {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0,100], got ${p}`);
    if (this._count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this._count));
    return this.sorted()[rank - 1];
  }

  get jitter(): number | null {
    if (this._count < 2) return null;
    if (!this.jitterValid) {
      // Oldest sample sits at head when full, at 0 otherwise.
      const start = this._count === this.size ? this.head : 0;
      let prev = this.ring[this.off + start];
      let sum = 0;
      for (let k = 1; k < this._count; k++) {
        let idx = start + k;
        if (idx >= this.size) idx -= this.size;
        const cur = this.ring[this.off + idx];
        sum += Math.abs(cur - prev);
        prev = cur;
      }
      this.jitterCache = sum / (this._count - 1);
      this.jitterValid = true;
    }
    return this.jitterCache;
  }

  /** Samples oldest → newest (a copy). */
  toArray(): number[] {
    const out: number[] = new Array(this._count);
    const start = this._count === this.size ? this.head : 0;
    for (let k = 0; k < this._count; k++) {
      let idx = start + k;
      if (idx >= this.size) idx -= this.size;
      out[k] = this.ring[this.off + idx];
    }
    return out;
  }

  reset(): void {
    this.head = 0;
    this._count = 0;
    this.version++;
    this.jitterValid = false;
  }

  /** The shared buffer holding this window's samples sorted ascending in [0, count). */
  private sorted(): Float64Array {
    if (scratchOwner !== this || scratchVersion !== this.version) {
      if (scratch.length < this._count) scratch = new Float64Array(Math.max(this._count, scratch.length * 2));
      // Order of samples doesn't matter for percentiles: copy the filled prefix and sort numerically.
      const view = scratch.subarray(0, this._count);
      for (let k = 0; k < this._count; k++) view[k] = this.ring[this.off + k];
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
  private head = 0;
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private sinceRecompute = 0;
  /** never null (a nullable field would box a new number per heartbeat); see `arrived` */
  private lastArrival = 0;
  private arrived = false;

  /** @param storage optional: keep the window in `storage[offset, offset+windowSize)` (see RttWindow). */
  constructor(windowSize = 100, minStdDevMs = 100, storage?: Float32Array, offset = 0) {
    if (!Number.isInteger(windowSize) || windowSize < 1) throw new RangeError('windowSize must be an integer >= 1');
    if (!(minStdDevMs > 0) || !Number.isFinite(minStdDevMs)) throw new RangeError('minStdDevMs must be > 0');
    this.windowSize = windowSize;
    this.minStdDevMs = minStdDevMs;
    if (storage !== undefined) {
      if (!(offset >= 0 && offset + windowSize <= storage.length)) throw new RangeError('PhiAccrual storage too small');
      this.intervals = storage;
      this.off = offset;
    } else {
      this.intervals = new Float32Array(windowSize);
      this.off = 0;
    }
  }

  /** Moves the window out of shared storage into an array of its own (see RttWindow.detach). */
  detach(): void {
    if (this.off === 0 && this.intervals.length === this.windowSize) return;
    this.intervals = this.intervals.slice(this.off, this.off + this.windowSize);
    this.off = 0;
  }

  /** Records a heartbeat arrival. Times going backwards are ignored. */
  heartbeat(nowMs: number): void {
    if (!Number.isFinite(nowMs)) return;
    const last = this.lastArrival;
    if (this.arrived && nowMs < last) return;
    this.lastArrival = nowMs;
    if (!this.arrived) {
      this.arrived = true;
      return;
    }
    // Rounded as stored, so the running sums add exactly what they later subtract.
    const interval = Math.fround(nowMs - last);
    if (this.n === this.windowSize) {
      const old = this.intervals[this.off + this.head];
      this.sum -= old;
      this.sumSq -= old * old;
    } else {
      this.n++;
    }
    this.intervals[this.off + this.head] = interval;
    this.head = this.head + 1 === this.windowSize ? 0 : this.head + 1;
    this.sum += interval;
    this.sumSq += interval * interval;
    if (++this.sinceRecompute >= this.windowSize) this.recompute();
  }

  /** Heartbeats seen so far minus one (number of intervals in the window). */
  get samples(): number {
    return this.n;
  }

  /** Mean inter-arrival time, or null with < 2 arrivals. */
  get meanMs(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }

  /** Standard deviation of inter-arrival times (after the floor), or null with < 2 arrivals. */
  get stdDevMs(): number | null {
    if (this.n === 0) return null;
    const mean = this.sum / this.n;
    const variance = Math.max(0, this.sumSq / this.n - mean * mean);
    return Math.max(Math.sqrt(variance), this.minStdDevMs);
  }

  /** Suspicion level at `nowMs`; 0 with < 2 arrivals. Finite, in [0, PHI_MAX]. */
  phi(nowMs: number): number {
    if (this.n === 0 || !this.arrived || !Number.isFinite(nowMs)) return 0;
    const elapsed = Math.max(0, nowMs - this.lastArrival);
    const mean = this.sum / this.n;
    const std = this.stdDevMs as number;
    const y = (elapsed - mean) / std;
    const x = y * (1.5976 + 0.070566 * y * y);
    // −log10(1 − 1/(1+e^−x)) = ln(1 + e^x)/ln10, computed stably.
    const softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    return Math.min(PHI_MAX, softplus / LN10);
  }

  reset(): void {
    this.head = 0;
    this.n = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.sinceRecompute = 0;
    this.lastArrival = 0;
    this.arrived = false;
  }

  private recompute(): void {
    let s = 0;
    let sq = 0;
    for (let k = 0; k < this.n; k++) {
      const v = this.intervals[this.off + k];
      s += v;
      sq += v * v;
    }
    this.sum = s;
    this.sumSq = sq;
    this.sinceRecompute = 0;
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
