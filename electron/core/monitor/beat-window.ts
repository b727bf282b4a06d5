// The outcome of the most recent heartbeats of one peer ('a' answered, 'l' late,
// 'm' missed), for a windowed loss figure: a burst of loss stays visible instead
// of being averaged away over hours of cumulative counters.
export const DEFAULT_BEAT_WINDOW = 100;

export class BeatWindow {
  private readonly ring: Uint8Array; // 1 = missed
  private head = 0;
  private _count = 0;
  private _missed = 0;

  constructor(size = DEFAULT_BEAT_WINDOW) {
    this.ring = new Uint8Array(size);
  }

  add(kind: 'a' | 'l' | 'm'): void {
    const miss = kind === 'm' ? 1 : 0;
    if (this._count === this.ring.length) this._missed -= this.ring[this.head];
    else this._count++;
    this.ring[this.head] = miss;
    this._missed += miss;
    this.head = (this.head + 1) % this.ring.length;
  }

  get count(): number {
    return this._count;
  }

  get missed(): number {
    return this._missed;
  }

  /** 100·missed/beats over the window; null before any beat. */
  get lossPct(): number | null {
    return this._count === 0 ? null : (100 * this._missed) / this._count;
  }

  reset(): void {
    this.head = 0;
    this._count = 0;
    this._missed = 0;
  }
}
