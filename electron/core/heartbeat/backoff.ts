// Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And
// Jitter"): delay = random(0, min(cap, base · 2^attempt)). Jitter spreads a crowd of
// clients that lost the same server so they don't reconnect in lock-step.

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** connected this long ⇒ the attempt counter starts over */
  resetAfterMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 250, capMs: 30_000, resetAfterMs: 10_000 } as const;

/** Upper bound of the delay for a 0-based attempt: min(cap, base · 2^attempt). */
export function backoffCeilingMs(attempt: number, baseMs: number, capMs: number): number {
  // 2^attempt overflows to Infinity for huge attempts; min() keeps it at cap.
  return Math.min(capMs, baseMs * Math.pow(2, Math.max(0, attempt)));
}

/** A full-jitter delay for a 0-based attempt. */
export function fullJitterDelayMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeilingMs(attempt, baseMs, capMs));
}
