// Process facts the children report about themselves (Linux /proc; harmless elsewhere).
import { readdirSync, readFileSync } from 'node:fs';

/** Soft and hard RLIMIT_NOFILE of this process, or null where /proc is unavailable. */
export function fdLimit(): { soft: number; hard: number } | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const m = line?.match(/Max open files\s+(\S+)\s+(\S+)/);
    if (!m) return null;
    const n = (s: string): number => (s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s));
    return { soft: n(m[1]), hard: n(m[2]) };
  } catch {
    return null;
  }
}

/** File descriptors this process has open right now. */
export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

/** Connections this process could still open (fd headroom minus a safety margin). */
export function connectionHeadroom(margin = 64): number {
  const lim = fdLimit();
  if (!lim) return 1000;
  return Math.max(0, lim.soft - openFds() - margin);
}

/** Runs a full GC when the process was started with --expose-gc. */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
