// Events per second over the last second, in O(1) memory: ten 100 ms buckets.
const BUCKET_MS = 100;
const BUCKETS = 10;

export class RateCounter {
  private readonly counts = new Float64Array(BUCKETS);
  private readonly keys = new Float64Array(BUCKETS).fill(-1);

  add(nowMs: number, n = 1): void {
    const key = Math.floor(nowMs / BUCKET_MS);
    const i = key % BUCKETS;
    if (this.keys[i] !== key) {
      this.keys[i] = key;
      this.counts[i] = 0;
    }
    this.counts[i] += n;
  }

  /** Events in the ten most recent 100 ms buckets (the current, partial one included), i.e. ≈ per second. */
  perSecond(nowMs: number): number {
    const key = Math.floor(nowMs / BUCKET_MS);
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.keys[i] > key - BUCKETS && this.keys[i] <= key) sum += this.counts[i];
    }
    return sum;
  }
}
