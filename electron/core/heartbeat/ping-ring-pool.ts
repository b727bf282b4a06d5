// Outstanding-ping rings of framed sessions, pooled in shared slabs.
/**
 * Outstanding-ping rings — `ring` seqs then `ring` send times per framed session — as
 * blocks of shared Float64 slabs (seq < 2^32 and t < 2^53 are exact as doubles): two
 * small arrays per session would cost two array objects and two backing stores. A
 * closed session no longer reads its rings, so its block goes straight back.
 */
export class RingPool {
  private slab: Float64Array | null = null;
  private used = 0;
  private readonly free: { array: Float64Array; at: number }[] = [];
  private readonly block: number;

  constructor(private readonly ring: number) {
    this.block = 2 * ring;
  }

  /** A block with every seq slot empty (-1): `array[at, at + 2 * ring)`. */
  take(): { array: Float64Array; at: number } {
    const b = this.free.pop() ?? this.fresh();
    b.array.fill(-1, b.at, b.at + this.ring);
    b.array.fill(0, b.at + this.ring, b.at + this.block);
    return b;
  }

  give(array: Float64Array, at: number): void {
    this.free.push({ array, at });
  }

  private fresh(): { array: Float64Array; at: number } {
    const perSlab = Math.max(1, Math.floor(1024 / this.block));
    if (this.slab === null || this.used === perSlab) {
      this.slab = new Float64Array(this.block * perSlab);
      this.used = 0;
    }
    return { array: this.slab, at: this.block * this.used++ };
  }
}

const ringPools = new Map<number, RingPool>();
export function ringPoolFor(ring: number): RingPool {
  let p = ringPools.get(ring);
  if (p === undefined) {
    p = new RingPool(ring);
    ringPools.set(ring, p);
  }
  return p;
}
/** plain sessions have no ping rings */
export const NO_RINGS = new Float64Array(0);
