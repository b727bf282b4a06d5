// Token bucket for bandwidth pacing. Tokens are bytes; refill is computed from a
// monotonic clock on demand (no timer of its own). Two caps: an idle link saves at
// most a small burst (1/20 s), but while bytes are backlogged tokens may build up
// to CATCH_UP_SECONDS, so a stalled event loop or a late timer does not lower the
// long-run rate (a real link would have carried those bytes during the stall).

/** Burst allowance of an idle link: 1/20 s of traffic. */
export const BURST_SECONDS = 1 / 20;
/** Most a backlogged sender can catch up after a stall. */
export const CATCH_UP_SECONDS = 1 / 2;

export class TokenBucket {
  private rateBps: number;
  private cap: number;
  private minGrantBytes: number;
  private tokens: number;
  private last: number;

  /**
   * @param bytesPerSec refill rate (> 0)
   * @param now         monotonic ms (performance.now())
   * @param initial     starting tokens; default a full bucket (the burst allowance)
   */
  constructor(bytesPerSec: number, now: number, initial?: number) {
    this.rateBps = bytesPerSec;
    this.cap = capacityFor(bytesPerSec);
    this.minGrantBytes = minGrantFor(this.cap);
    this.tokens = Math.min(this.cap, initial ?? this.cap); // never more than a burst to start
    this.last = now;
  }

  get rate(): number {
    return this.rateBps;
  }
  get capacity(): number {
    return this.cap;
  }
  /** Smallest grant when the caller wants more: avoids a flood of tiny pieces and timers. */
  get minGrant(): number {
    return this.minGrantBytes;
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** The link went idle and has new bytes: it may only have saved a burst's worth. */
  startBacklog(now: number): void {
    this.refill(now);
    if (this.tokens > this.cap) this.tokens = this.cap;
  }

  /** Change the rate live; tokens earned so far at the old rate are kept (clamped). */
  setRate(bytesPerSec: number, now: number): void {
    this.refill(now);
    this.rateBps = bytesPerSec;
    this.cap = capacityFor(bytesPerSec);
    this.minGrantBytes = minGrantFor(this.cap);
    if (this.tokens > this.cap) this.tokens = this.cap;
  }

  /**
   * Grant up to `want` whole bytes. Returns 0 unless at least min(want, minGrant)
   * bytes are available, so callers wait for a meaningful piece.
   */
  take(want: number, now: number): number {
    this.refill(now);
    const avail = Math.floor(this.tokens);
    if (avail < Math.min(want, this.minGrantBytes)) return 0;
    const grant = Math.min(want, avail);
    this.tokens -= grant;
    return grant;
  }

  /** Milliseconds until take(want) would grant something (0 = now). */
  waitMs(want: number, now: number): number {
    this.refill(now);
    const need = Math.min(want, this.minGrantBytes);
    const missing = need - this.tokens;
    return missing <= 0 ? 0 : (missing * 1000) / this.rateBps;
  }

  private refill(now: number): void {
    const dt = now - this.last;
    if (dt > 0) {
      this.tokens = Math.min(this.rateBps * CATCH_UP_SECONDS, this.tokens + (dt * this.rateBps) / 1000);
      this.last = now;
    }
  }
}

function capacityFor(rate: number): number {
  return Math.max(1, rate * BURST_SECONDS);
}
// A quarter of the capacity: a caller's timer may fire up to ~3/4 of the burst
// window late before refill tokens are capped away.
function minGrantFor(capacity: number): number {
  return Math.max(1, Math.floor(capacity / 4));
}
