// Event-loop lag for the status bar: p99 of perf_hooks' event-loop delay over the
// last complete window (~1 s), minus the sampling resolution (Node's histogram
// records the whole interval between its timer ticks, resolution included).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 20;
const WINDOW_MS = 1000;

export class LoopLag {
  private readonly h: IntervalHistogram;
  private windowStart: number;
  private lastMs = 0;

  constructor(now: number = Date.now()) {
    // The histogram's own timer is unref'd inside Node: it never keeps the process alive.
    this.h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.h.enable();
    this.windowStart = now;
  }

  /** p99 lag (ms) of the last complete window; rolls the window when it is over. */
  read(now: number = Date.now()): number {
    if (now - this.windowStart >= WINDOW_MS) {
      this.lastMs = this.h.count > 0 ? Math.max(0, this.h.percentile(99) / 1e6 - RESOLUTION_MS) : this.lastMs;
      this.h.reset();
      this.windowStart = now;
    }
    return Math.round(this.lastMs * 10) / 10;
  }

  dispose(): void {
    this.h.disable();
  }
}
