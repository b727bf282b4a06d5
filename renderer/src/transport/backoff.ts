// Full-jitter exponential backoff, the same shape the engine uses for TCP reconnects.
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  // Never 0: keep a floor so a flapping server cannot make us spin.
  return Math.max(Math.round(baseMs / 2), Math.round(random() * ceiling));
}
