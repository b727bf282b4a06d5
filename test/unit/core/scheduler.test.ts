import { describe, expect, it } from 'vitest';
import { Scheduler, TimerEntry } from '../../../electron/core/heartbeat/scheduler';

/** A manual scheduler on a fake clock: time moves only when the test says so. */
function manual(opts: { tickMs?: number; slots?: number; stallThresholdMs?: number } = {}) {
  let now = 1000;
  const errors: unknown[] = [];
  const sched = new Scheduler({ ...opts, manual: true, clock: () => now, onError: (e) => errors.push(e) });
  return {
    sched,
    errors,
    advanceTo(t: number) {
      now = t;
      return sched.advance(t);
    },
    get now() {
      return now;
    },
  };
}

describe('Scheduler (timing wheel)', () => {
  it('fires an entry at its due time, not before', () => {
    const m = manual();
    const fired: number[] = [];
    const e = new TimerEntry((t) => fired.push(t));
    m.sched.schedule(e, 1055);
    expect(e.scheduled).toBe(true);
    m.advanceTo(1040);
    expect(fired).toEqual([]);
    m.advanceTo(1060);
    expect(fired).toEqual([1060]);
    expect(e.scheduled).toBe(false);
    expect(m.sched.size).toBe(0);
  });

  it('cancel prevents firing and rescheduling moves the entry', () => {
    const m = manual();
    let a = 0;
    let b = 0;
    const ea = new TimerEntry(() => a++);
    const eb = new TimerEntry(() => b++);
    m.sched.schedule(ea, 1100);
    m.sched.schedule(eb, 1100);
    m.sched.cancel(ea);
    m.sched.schedule(eb, 1300); // moved later
    m.advanceTo(1200);
    expect([a, b]).toEqual([0, 0]);
    m.advanceTo(1310);
    expect([a, b]).toEqual([0, 1]);
    expect(m.sched.size).toBe(0);
  });

  it('handles due times beyond one wheel revolution without firing early', () => {
    const m = manual({ tickMs: 10, slots: 64 }); // 640 ms per revolution
    const fired: number[] = [];
    const e = new TimerEntry((t) => fired.push(t));
    m.sched.schedule(e, 1000 + 5000);
    for (let t = 1100; t < 6000; t += 100) m.advanceTo(t);
    expect(fired).toEqual([]);
    m.advanceTo(6000);
    expect(fired).toEqual([6000]);
  });

  it('catches up after a long gap and fires everything that came due', () => {
    const m = manual({ tickMs: 10, slots: 64 });
    let count = 0;
    const entries = Array.from({ length: 50 }, () => new TimerEntry(() => count++));
    entries.forEach((e, i) => m.sched.schedule(e, 1000 + i * 37));
    m.advanceTo(1000 + 50 * 37 + 10_000);
    expect(count).toBe(50);
  });

  it('runs a self-rescheduling periodic entry once per period', () => {
    const m = manual();
    const times: number[] = [];
    const e: TimerEntry = new TimerEntry((t) => {
      times.push(t);
      if (times.length < 5) m.sched.schedule(e, t + 100);
    });
    m.sched.schedule(e, 1100);
    for (let t = 1010; t <= 2000; t += 10) m.advanceTo(t);
    expect(times).toEqual([1100, 1200, 1300, 1400, 1500]);
  });

  it('costs O(due entries) per tick, not O(all entries)', () => {
    const m = manual({ tickMs: 10, slots: 1024 });
    const idle = Array.from({ length: 10_000 }, () => new TimerEntry(() => {}));
    // 10 000 entries spread over 1–9 s from now; one due in 20 ms.
    idle.forEach((e, i) => m.sched.schedule(e, 2000 + (i % 800) * 10));
    let fired = 0;
    m.sched.schedule(new TimerEntry(() => fired++), 1020);
    const before = m.sched.stats.examined;
    m.advanceTo(1025);
    expect(fired).toBe(1);
    // Only the two ticks that elapsed were looked at.
    expect(m.sched.stats.examined - before).toBeLessThan(50);
    expect(m.sched.size).toBe(10_000);
  });

  it('moves an entry scheduled in the past to the next tick', () => {
    const m = manual();
    m.advanceTo(1500);
    let fired = 0;
    m.sched.schedule(new TimerEntry(() => fired++), 900);
    m.advanceTo(1500); // same tick: not yet
    expect(fired).toBe(0);
    m.advanceTo(1511);
    expect(fired).toBe(1);
  });

  it('an entry cancelled by an earlier callback in the same tick does not fire', () => {
    const m = manual();
    let bFired = 0;
    const b = new TimerEntry(() => bFired++);
    const a = new TimerEntry(() => m.sched.cancel(b));
    m.sched.schedule(a, 1050);
    m.sched.schedule(b, 1050);
    m.advanceTo(1060);
    // Order within a tick is unspecified: either b was cancelled first, or it fired before a ran.
    expect(bFired).toBeLessThanOrEqual(1);
    expect(m.sched.size).toBe(0);
  });

  it('isolates a throwing callback: others still fire, the error is reported', () => {
    const m = manual();
    let ok = 0;
    m.sched.schedule(
      new TimerEntry(() => {
        throw new Error('boom');
      }),
      1050,
    );
    m.sched.schedule(new TimerEntry(() => ok++), 1050);
    m.advanceTo(1060);
    expect(ok).toBe(1);
    expect(m.errors).toHaveLength(1);
  });

  it('accumulates event-loop stalls (a late wake-up) in pausedMs', () => {
    const m = manual({ stallThresholdMs: 50 });
    const e = new TimerEntry(() => {});
    m.sched.schedule(e, 1100); // wake expected at 1100
    m.advanceTo(1105); // on time
    expect(m.sched.pausedMs).toBe(0);
    m.sched.schedule(e, 1200);
    m.advanceTo(1900); // 700 ms late
    expect(m.sched.pausedMs).toBeCloseTo(700, 0);
    expect(m.sched.stats.stalls).toBe(1);
  });

  it('uses one unref’d Node timer for many entries and none when empty', async () => {
    const sched = new Scheduler({ tickMs: 5 });
    let fired = 0;
    const entries = Array.from({ length: 1000 }, () => new TimerEntry(() => fired++));
    const now = sched.now();
    entries.forEach((e, i) => sched.schedule(e, now + 20 + (i % 10)));
    expect(sched.timerArmed).toBe(true);
    expect(sched.hasRef).toBe(false); // an idle process may exit
    expect(sched.stats.timerArms).toBeLessThanOrEqual(2);
    const deadline = Date.now() + 2000;
    while (fired < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(fired).toBe(1000);
    expect(sched.timerArmed).toBe(false);
    // A keep-alive entry refs the timer while it is scheduled.
    const keep = new TimerEntry(() => {}, true);
    sched.schedule(keep, sched.now() + 10_000);
    expect(sched.hasRef).toBe(true);
    sched.cancel(keep);
    expect(sched.timerArmed).toBe(false);
  });
});
