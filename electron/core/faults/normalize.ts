// Canonical form of a fault set: undefined/false entries dropped, nested objects
// copied, so callers can neither see nor cause aliasing.
import type { Direction, Faults } from '../../../shared/contract';

export function normalizeFaults(f: Faults | undefined): Faults {
  const out: Faults = {};
  if (!f) return out;
  if (f.latency) {
    const l: NonNullable<Faults['latency']> = { ms: f.latency.ms };
    if (f.latency.jitterMs !== undefined) l.jitterMs = f.latency.jitterMs;
    if (f.latency.direction !== undefined) l.direction = f.latency.direction;
    out.latency = l;
  }
  if (f.bandwidth) {
    const b: NonNullable<Faults['bandwidth']> = { bytesPerSec: f.bandwidth.bytesPerSec };
    if (f.bandwidth.direction !== undefined) b.direction = f.bandwidth.direction;
    out.bandwidth = b;
  }
  if (f.freeze === true) out.freeze = true;
  if (f.dropHeartbeats) out.dropHeartbeats = { probability: f.dropHeartbeats.probability };
  if (f.slice) out.slice = { maxBytes: f.slice.maxBytes };
  if (f.stopPinging === true) out.stopPinging = true;
  return out;
}

/** Deep-enough copy of an already normalized set. */
export function copyFaults(f: Faults): Faults {
  return normalizeFaults(f);
}

export function appliesTo(direction: Direction | undefined, lane: 'in' | 'out'): boolean {
  return direction === undefined || direction === 'both' || direction === lane;
}

/** Faults that act on bytes (the rest act on the session). */
export function hasPipeFaults(f: Faults): boolean {
  return f.latency !== undefined || f.bandwidth !== undefined || f.freeze === true || f.slice !== undefined;
}
