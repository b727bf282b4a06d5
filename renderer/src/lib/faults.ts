// setFaults REPLACES a peer's whole fault set, so every control builds the new set from the
// peer's current one plus its own change. Keys that mean "off" are removed, not set false.
import type { Direction, Faults } from '../../../shared/contract';

export function normalizeFaults(f: Faults): Faults {
  const out: Faults = {};
  if (f.latency && (f.latency.ms > 0 || (f.latency.jitterMs ?? 0) > 0)) out.latency = { ...f.latency };
  if (f.bandwidth && f.bandwidth.bytesPerSec > 0) out.bandwidth = { ...f.bandwidth };
  if (f.freeze) out.freeze = true;
  if (f.dropHeartbeats && f.dropHeartbeats.probability > 0) out.dropHeartbeats = { ...f.dropHeartbeats };
  if (f.slice && f.slice.maxBytes > 0) out.slice = { ...f.slice };
  if (f.stopPinging) out.stopPinging = true;
  return out;
}

/** current ∪ patch; a key set to undefined in the patch removes it. */
export function mergeFaults(current: Faults | undefined, patch: Partial<Record<keyof Faults, unknown>>): Faults {
  const merged: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return normalizeFaults(merged as Faults);
}

export interface ThrottleValues {
  latencyMs: number;
  jitterMs: number;
  /** null = unlimited */
  bytesPerSec: number | null;
  direction: Direction;
  /** null = leave dropHeartbeats as it is */
  dropProbability: number | null;
}

export function applyThrottle(current: Faults | undefined, v: ThrottleValues): Faults {
  const patch: Partial<Record<keyof Faults, unknown>> = {
    latency: v.latencyMs > 0 || v.jitterMs > 0 ? { ms: v.latencyMs, jitterMs: v.jitterMs, direction: v.direction } : undefined,
    bandwidth: v.bytesPerSec !== null ? { bytesPerSec: v.bytesPerSec, direction: v.direction } : undefined,
  };
  if (v.dropProbability !== null) patch.dropHeartbeats = v.dropProbability > 0 ? { probability: v.dropProbability } : undefined;
  return mergeFaults(current, patch);
}

export function toggleFreeze(current: Faults | undefined): Faults {
  return mergeFaults(current, { freeze: current?.freeze ? undefined : true });
}

export function toggleStopPinging(current: Faults | undefined): Faults {
  return mergeFaults(current, { stopPinging: current?.stopPinging ? undefined : true });
}

export function withDropProbability(current: Faults | undefined, probability: number): Faults {
  return mergeFaults(current, { dropHeartbeats: probability > 0 ? { probability } : undefined });
}
