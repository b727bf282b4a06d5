// Per-beat data lives here, OUTSIDE React state: bounded typed-array rings per peer, written
// once per batch and read by the chart / heartbeat strips on their own schedule. Memory per
// peer is fixed at creation (capacity × 12 bytes + beat cells), whatever the session length.
import type { Sample } from '../../../shared/contract';

export const DEFAULT_HISTORY = 3600;
export const DEFAULT_BEATS = 120;

/** Ring of [t, rtt] samples: oldest overwritten once full. */
export class SampleRing {
  readonly t: Float64Array;
  readonly v: Float32Array;
  private head = 0; // next write index
  private count = 0;

  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get byteLength(): number {
    return this.t.byteLength + this.v.byteLength;
  }

  get lastT(): number {
    return this.count === 0 ? -Infinity : this.t[(this.head - 1 + this.capacity) % this.capacity];
  }

  get lastV(): number {
    return this.count === 0 ? NaN : this.v[(this.head - 1 + this.capacity) % this.capacity];
  }

  /** Appends in time order; a sample older than the newest (or a replayed duplicate) is ignored. */
  push(t: number, v: number): boolean {
    if (this.count > 0) {
      const lt = this.lastT;
      if (t < lt || (t === lt && Math.fround(v) === this.lastV)) return false;
    }
    this.t[this.head] = t;
    this.v[this.head] = v;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return true;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** i-th sample in time order (0 = oldest). */
  timeAt(i: number): number {
    return this.t[(this.head - this.count + i + this.capacity) % this.capacity];
  }

  /** Where the i-th sample (0 = oldest) sits in `t` / `v`: lets a reader walk without a modulo per step. */
  slotOf(i: number): number {
    return (this.head - this.count + i + this.capacity) % this.capacity;
  }

  valueAt(i: number): number {
    return this.v[(this.head - this.count + i + this.capacity) % this.capacity];
  }

  /** Index of the first sample with t >= sinceMs (binary search over the ordered ring). */
  indexSince(sinceMs: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ordered copy as plain samples (for export/tests). */
  toSamples(sinceMs = -Infinity): Sample[] {
    const out: Sample[] = [];
    for (let i = this.indexSince(sinceMs); i < this.count; i++) out.push([this.timeAt(i), this.valueAt(i)]);
    return out;
  }
}

export type Beat = 'a' | 'l' | 'm';
const BEAT_CODE: Record<string, number> = { a: 1, l: 2, m: 3 };
const CODE_BEAT = ['', 'a', 'l', 'm'];

/** Ring of heartbeat outcomes: 1 answered, 2 late, 3 missed. */
export class BeatRing {
  readonly cells: Uint8Array;
  private head = 0;
  private count = 0;
  /** total beats ever pushed: lets a painter skip unchanged strips */
  total = 0;

  constructor(readonly capacity: number) {
    this.cells = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(beats: string): void {
    for (let i = 0; i < beats.length; i++) {
      const code = BEAT_CODE[beats[i]];
      if (!code) continue;
      this.cells[this.head] = code;
      this.head = (this.head + 1) % this.capacity;
      if (this.count < this.capacity) this.count++;
      this.total++;
    }
  }

  /** The last n beats, oldest first, as codes. */
  last(n: number): Uint8Array {
    const k = Math.min(n, this.count);
    const out = new Uint8Array(k);
    for (let i = 0; i < k; i++) out[i] = this.cells[(this.head - k + i + this.capacity) % this.capacity];
    return out;
  }

  toString(n = this.capacity): string {
    let s = '';
    for (const c of this.last(n)) s += CODE_BEAT[c];
    return s;
  }
}

export class SeriesStore {
  private readonly samples = new Map<string, SampleRing>();
  private readonly beats = new Map<string, BeatRing>();

  constructor(
    private historyCapacity = DEFAULT_HISTORY,
    readonly beatCapacity = DEFAULT_BEATS,
  ) {}

  get capacity(): number {
    return this.historyCapacity;
  }

  ring(id: string): SampleRing | undefined {
    return this.samples.get(id);
  }

  beatRing(id: string): BeatRing | undefined {
    return this.beats.get(id);
  }

  peerIds(): string[] {
    return [...this.samples.keys()];
  }

  /** Returns how many samples were actually stored (duplicates/out-of-order dropped). */
  appendSamples(id: string, samples: readonly Sample[]): number {
    if (samples.length === 0) return 0;
    let ring = this.samples.get(id);
    if (!ring) {
      ring = new SampleRing(this.historyCapacity);
      this.samples.set(id, ring);
    }
    let n = 0;
    for (const [t, v] of samples) if (ring.push(t, v)) n++;
    return n;
  }

  appendBeats(id: string, beats: string): void {
    if (!beats) return;
    let ring = this.beats.get(id);
    if (!ring) {
      ring = new BeatRing(this.beatCapacity);
      this.beats.set(id, ring);
    }
    ring.push(beats);
  }

  remove(id: string): void {
    this.samples.delete(id);
    this.beats.delete(id);
  }

  /**
   * Replace all sample history with a snapshot's. Beat strips of peers that still exist are
   * kept (a snapshot carries no beats); everything else is dropped.
   */
  reset(snapshotSamples: Record<string, readonly Sample[]>, livePeerIds: readonly string[], capacity?: number): void {
    if (capacity && capacity > 0 && capacity !== this.historyCapacity) this.historyCapacity = capacity;
    this.samples.clear();
    const live = new Set(livePeerIds);
    for (const id of [...this.beats.keys()]) if (!live.has(id)) this.beats.delete(id);
    for (const [id, list] of Object.entries(snapshotSamples)) {
      // Only the newest `capacity` samples fit anyway.
      this.appendSamples(id, list.length > this.historyCapacity ? list.slice(-this.historyCapacity) : list);
    }
  }
}
