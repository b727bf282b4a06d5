// Bounded RTT history of one peer: [epoch ms, rtt ms] pairs in two typed arrays, so
// memory is fixed by the capacity (16 bytes a sample) however long the run.
import type { Sample } from '../../../shared/contract';

export class SampleRing {
  private times: Float64Array;
  private values: Float64Array;
  private head = 0; // next write index
  private _count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.times.length;
  }

  get count(): number {
    return this._count;
  }

  push(atMs: number, rttMs: number): void {
    this.times[this.head] = atMs;
    this.values[this.head] = rttMs;
    this.head = this.head + 1 === this.times.length ? 0 : this.head + 1;
    if (this._count < this.times.length) this._count++;
  }

  /** Index in the arrays of the i-th oldest sample. */
  private slot(i: number): number {
    const cap = this.times.length;
    return (this.head - this._count + i + cap) % cap;
  }

  /** All samples, oldest first. */
  toArray(): Sample[] {
    return this.since(-Infinity);
  }

  /** Samples with time > sinceMs, oldest first (binary search: times are pushed in order). */
  since(sinceMs: number): Sample[] {
    let lo = 0;
    let hi = this._count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[this.slot(mid)] > sinceMs) hi = mid;
      else lo = mid + 1;
    }
    const out: Sample[] = new Array(this._count - lo);
    for (let i = lo; i < this._count; i++) {
      const s = this.slot(i);
      out[i - lo] = [this.times[s], this.values[s]];
    }
    return out;
  }

  /** Mean RTT of the samples with time > sinceMs (null when none). */
  mean(sinceMs = -Infinity): number | null {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < this._count; i++) {
      const s = this.slot(i);
      if (this.times[s] > sinceMs) {
        sum += this.values[s];
        n++;
      }
    }
    return n === 0 ? null : sum / n;
  }

  /** New capacity, keeping the newest samples that fit. */
  resize(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    if (capacity === this.times.length) return;
    const keep = Math.min(this._count, capacity);
    const times = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    for (let i = 0; i < keep; i++) {
      const s = this.slot(this._count - keep + i);
      times[i] = this.times[s];
      values[i] = this.values[s];
    }
    this.times = times;
    this.values = values;
    this._count = keep;
    this.head = keep === capacity ? 0 : keep;
  }

  clear(): void {
    this.head = 0;
    this._count = 0;
  }
}
