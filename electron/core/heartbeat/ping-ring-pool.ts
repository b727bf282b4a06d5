// Per-session Float64 blocks (a session's scalars, then its outstanding-ping rings),
// pooled in shared slabs.
/**
 * A block is `scalars` doubles of the owner's state, then — framed sessions — `ring`
 * seqs and `ring` send times of its outstanding pings (seq < 2^32 and t < 2^53 are
 * exact as doubles). One block per session in a shared slab instead of a typed array
 * (or a boxed number field) each: thousands of sessions would pay an array object and
 * a backing store per array. A closed session copies out what it still reads, and its
 * block goes straight back.
 */
export class RingPool {
  private slab: Float64Array | null = null;
  private used = 0;
  private readonly free: { array: Float64Array; at: number }[] = [];
  /** doubles per block */
  readonly block: number;

  constructor(
    private readonly ring: number,
    readonly scalars = 0,
  ) {
    this.block = scalars + 2 * ring;
  }

  /**
   * A block with every scalar 0 and every seq slot empty (-1): `array[at, at + block)`,
   * the rings at `at + scalars`.
   */
  take(): { array: Float64Array; at: number } {
    const b = this.free.pop() ?? this.fresh();
    const rings = b.at + this.scalars;
    b.array.fill(0, b.at, rings);
    b.array.fill(-1, rings, rings + this.ring);
    b.array.fill(0, rings + this.ring, b.at + this.block);
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

const ringPools = new Map<string, RingPool>();
/** The shared pool of blocks of `scalars` doubles plus two rings of `ring` slots. */
export function ringPoolFor(ring: number, scalars = 0): RingPool {
  const key = `${ring}:${scalars}`;
  let p = ringPools.get(key);
  if (p === undefined) {
    p = new RingPool(ring, scalars);
    ringPools.set(key, p);
  }
  return p;
}
