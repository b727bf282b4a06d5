import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FloatBlockPool,
  PHI_MAX,
  PHI_STATE,
  PhiAccrual,
  RTT_ESTIMATOR_STATE,
  RTT_WINDOW_STATE,
  RttEstimator,
  RttWindow,
  adaptiveDeadlineMs,
} from '../../../shared/stats';

describe('RttEstimator (RFC 6298)', () => {
  it('starts empty and takes the first sample as SRTT=R, RTTVAR=R/2', () => {
    const e = new RttEstimator();
    expect(e.srtt).toBeNull();
    expect(e.rttvar).toBeNull();
    e.update(100);
    expect(e.srtt).toBe(100);
    expect(e.rttvar).toBe(50);
  });

  it('matches hand-computed values, updating RTTVAR with the old SRTT', () => {
    const e = new RttEstimator();
    e.update(100);
    e.update(200);
    // RTTVAR = 3/4·50 + 1/4·|100−200| = 62.5 (with the new SRTT it would be 59.375)
    expect(e.rttvar).toBe(62.5);
    expect(e.srtt).toBe(112.5); // 7/8·100 + 1/8·200
    e.update(100);
    expect(e.rttvar).toBe(50); // 3/4·62.5 + 1/4·12.5
    expect(e.srtt).toBe(110.9375); // 7/8·112.5 + 1/8·100
  });

  it('converges to a constant RTT with RTTVAR decaying toward 0', () => {
    const e = new RttEstimator();
    e.update(10);
    for (let k = 0; k < 200; k++) e.update(30);
    expect(e.srtt).toBeCloseTo(30, 6);
    expect(e.rttvar as number).toBeLessThan(1e-6);
  });

  it('ignores invalid samples and resets', () => {
    const e = new RttEstimator();
    e.update(Number.NaN);
    e.update(-1);
    expect(e.srtt).toBeNull();
    e.update(40);
    e.update(Infinity);
    expect(e.srtt).toBe(40);
    e.reset();
    expect(e.srtt).toBeNull();
    expect(e.rttvar).toBeNull();
  });
});

describe('RttWindow', () => {
  it('is empty at first', () => {
    const w = new RttWindow();
    expect(w.size).toBe(256);
    expect(w.count).toBe(0);
    expect(w.last).toBeNull();
    expect(w.min).toBeNull();
    expect(w.jitter).toBeNull();
    expect(w.percentile(50)).toBeNull();
  });

  it('computes nearest-rank percentiles on known data', () => {
    const w = new RttWindow();
    // insert 1..10 shuffled
    for (const v of [7, 3, 10, 1, 5, 9, 2, 8, 4, 6]) w.add(v);
    expect(w.percentile(0)).toBe(1);
    expect(w.percentile(10)).toBe(1);
    expect(w.percentile(25)).toBe(3); // ⌈2.5⌉ = 3rd
    expect(w.percentile(50)).toBe(5);
    expect(w.percentile(90)).toBe(9);
    expect(w.percentile(95)).toBe(10); // ⌈9.5⌉ = 10th
    expect(w.percentile(100)).toBe(10);
    expect(w.min).toBe(1);
    expect(w.max).toBe(10);
    expect(w.last).toBe(6);
    expect(() => w.percentile(101)).toThrow(RangeError);
    expect(() => w.percentile(Number.NaN)).toThrow(RangeError);

    const h = new RttWindow(1000);
    for (let v = 100; v >= 1; v--) h.add(v);
    expect([h.percentile(50), h.percentile(95), h.percentile(99)]).toEqual([50, 95, 99]);
  });

  it('invalidates the cache on add', () => {
    const w = new RttWindow();
    w.add(10);
    w.add(20);
    expect(w.percentile(100)).toBe(20);
    expect(w.jitter).toBe(10);
    w.add(50);
    expect(w.percentile(100)).toBe(50);
    expect(w.jitter).toBe(20); // (10 + 30) / 2
  });

  it('wraps: keeps only the newest `size` samples (memory bounded)', () => {
    const w = new RttWindow(4);
    for (let v = 1; v <= 10; v++) w.add(v);
    expect(w.count).toBe(4);
    expect(w.toArray()).toEqual([7, 8, 9, 10]);
    expect(w.min).toBe(7);
    expect(w.last).toBe(10);
    expect(w.percentile(50)).toBe(8);
    for (let v = 0; v < 100_000; v++) w.add(1000 + v);
    expect(w.count).toBe(4);
    expect(w.toArray()).toEqual([100_996, 100_997, 100_998, 100_999]);
  });

  it('jitter is the mean absolute difference of consecutive samples, in arrival order across the wrap', () => {
    const w = new RttWindow(4);
    for (const v of [100, 100, 1, 5, 2, 8]) w.add(v); // window: 1, 5, 2, 8
    expect(w.jitter).toBeCloseTo((4 + 3 + 6) / 3, 12);
  });

  it('property: percentiles, min and jitter agree with a naive computation over the last `size` samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (size, samples, p) => {
          const w = new RttWindow(size);
          for (const s of samples) w.add(s);
          const kept = samples.slice(-size);
          const sorted = [...kept].sort((a, b) => a - b);
          expect(w.count).toBe(kept.length);
          expect(w.min).toBe(sorted[0]);
          expect(w.percentile(p)).toBe(sorted[Math.max(1, Math.ceil((p / 100) * kept.length)) - 1]);
          if (kept.length >= 2) {
            let sum = 0;
            for (let k = 1; k < kept.length; k++) sum += Math.abs(kept[k] - kept[k - 1]);
            expect(w.jitter).toBeCloseTo(sum / (kept.length - 1), 6);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reset empties it', () => {
    const w = new RttWindow(3);
    w.add(1);
    w.add(2);
    w.reset();
    expect(w.count).toBe(0);
    expect(w.last).toBeNull();
    expect(w.min).toBeNull();
    w.add(9);
    expect(w.toArray()).toEqual([9]);
  });
});

/** Akka's direct formula (no log-space tricks), valid where nothing underflows. */
function akkaPhi(elapsed: number, mean: number, std: number): number {
  const y = (elapsed - mean) / std;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  return elapsed > mean ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

describe('PhiAccrual', () => {
  function regular(intervalMs: number, beats: number, d = new PhiAccrual()): { d: PhiAccrual; last: number } {
    let t = 10_000;
    for (let k = 0; k < beats; k++, t += intervalMs) d.heartbeat(t);
    return { d, last: t - intervalMs };
  }

  it('is 0 with fewer than 2 arrivals', () => {
    const d = new PhiAccrual();
    expect(d.phi(1e9)).toBe(0);
    d.heartbeat(0);
    expect(d.phi(1e9)).toBe(0);
    d.heartbeat(1000);
    expect(d.phi(1e9)).toBeGreaterThan(0);
  });

  it('is ~0 right after a heartbeat and grows as time since the last one grows', () => {
    const { d, last } = regular(1000, 20);
    expect(d.meanMs).toBe(1000);
    expect(d.stdDevMs).toBe(100); // floored
    expect(d.phi(last)).toBeLessThan(1e-10);
    let prev = -1;
    for (let dt = 0; dt <= 20_000; dt += 50) {
      const phi = d.phi(last + dt);
      expect(phi).toBeGreaterThanOrEqual(prev);
      expect(Number.isFinite(phi)).toBe(true);
      prev = phi;
    }
    expect(d.phi(last + 1000)).toBeCloseTo(Math.log10(2), 10); // elapsed = mean → CDF 1/2
    expect(d.phi(last + 1500)).toBeCloseTo(akkaPhi(1500, 1000, 100), 8); // ≈ 7.3 at 5σ late
    expect(d.phi(last + 20_000)).toBe(PHI_MAX); // capped, not Infinity
  });

  it('matches Akka’s logistic formula', () => {
    const { d, last } = regular(1000, 10);
    for (const dt of [0, 500, 900, 1000, 1050, 1100, 1200, 1300]) {
      expect(d.phi(last + dt)).toBeCloseTo(akkaPhi(dt, 1000, 100), 8);
    }
  });

  it('uses the real standard deviation when intervals vary, over a bounded window', () => {
    const d = new PhiAccrual(4, 1);
    let t = 0;
    d.heartbeat(t);
    for (const iv of [5000, 5000, 800, 1200, 800, 1200]) d.heartbeat((t += iv)); // window keeps the last 4
    expect(d.samples).toBe(4);
    expect(d.meanMs).toBe(1000);
    expect(d.stdDevMs).toBeCloseTo(200, 9);
    expect(d.phi(t + 1400)).toBeCloseTo(akkaPhi(1400, 1000, 200), 8);
    // Jittery history makes the same lateness less suspicious than a regular one.
    const { d: steady, last } = regular(1000, 10, new PhiAccrual(4, 1));
    expect(d.phi(t + 1400)).toBeLessThan(steady.phi(last + 1400));
  });

  it('stays accurate over many window wraps (no running-sum drift)', () => {
    const d = new PhiAccrual(10, 1);
    let t = 0;
    for (let k = 0; k < 100_000; k++) d.heartbeat((t += k % 2 === 0 ? 900 : 1100));
    expect(d.meanMs).toBeCloseTo(1000, 6);
    expect(d.stdDevMs).toBeCloseTo(100, 6);
  });

  it('ignores time going backwards and resets', () => {
    const { d, last } = regular(1000, 5);
    d.heartbeat(last - 500);
    expect(d.meanMs).toBe(1000);
    d.reset();
    expect(d.phi(last + 10_000)).toBe(0);
    expect(d.samples).toBe(0);
  });
});

describe('adaptiveDeadlineMs', () => {
  it('is interval + SRTT + 4·RTTVAR clamped to [floor, timeout]', () => {
    expect(adaptiveDeadlineMs(1000, 100, 50, 500, 5000)).toBe(1300);
    expect(adaptiveDeadlineMs(1000, 10, 2, 2000, 5000)).toBe(2000); // floor
    expect(adaptiveDeadlineMs(1000, 3000, 500, 2000, 5000)).toBe(5000); // ceiling
    expect(adaptiveDeadlineMs(1000, 100, null, 500, 5000)).toBe(1100); // rttvar unknown → 0
  });

  it('falls back to the fixed timeout without an estimate, and timeout wins over floor', () => {
    expect(adaptiveDeadlineMs(1000, null, null, 2000, 5000)).toBe(5000);
    expect(adaptiveDeadlineMs(1000, 10, 1, 8000, 5000)).toBe(5000);
  });

  it('follows an RttEstimator', () => {
    const e = new RttEstimator();
    for (const r of [20, 25, 30]) e.update(r);
    const expected = 1000 + (e.srtt as number) + 4 * (e.rttvar as number);
    expect(adaptiveDeadlineMs(1000, e.srtt, e.rttvar, 0, 10_000)).toBeCloseTo(expected, 12);
  });
});

describe('windows in shared storage (FloatBlockPool)', () => {
  it('keeps samples in its block, apart from its neighbours, and keeps them after detach', () => {
    const pool = new FloatBlockPool(8, 2);
    const a = pool.take();
    const b = pool.take();
    expect(b.array).toBe(a.array);
    expect(b.offset).toBe(8);
    const wa = new RttWindow(4, true, a.array, a.offset);
    const pa = new PhiAccrual(4, 1, a.array, a.offset + 4);
    const wb = new RttWindow(8, true, b.array, b.offset);
    for (const v of [1, 2, 3, 4, 5]) wa.add(v);
    for (const v of [10, 20]) wb.add(v);
    for (const t of [0, 100, 200, 300]) pa.heartbeat(t);
    expect(wa.toArray()).toEqual([2, 3, 4, 5]);
    expect(wa.percentile(50)).toBe(3);
    expect(wa.jitter).toBe(1);
    expect(wb.toArray()).toEqual([10, 20]);
    expect(pa.meanMs).toBe(100);
    wa.detach();
    pa.detach();
    pool.give(a.array, a.offset);
    const c = pool.take();
    expect(c.offset).toBe(a.offset);
    expect(c.array[c.offset]).toBe(0); // handed out zeroed
    c.array.fill(99, c.offset, c.offset + 8);
    expect(wa.toArray()).toEqual([2, 3, 4, 5]);
    expect(wa.last).toBe(5);
    expect(pa.meanMs).toBe(100);
    expect(wb.toArray()).toEqual([10, 20]);
    expect(pool.take().array).not.toBe(a.array); // slab full: a new one
  });

  it('rejects storage that is too small', () => {
    expect(() => new RttWindow(8, true, new Float32Array(10), 4)).toThrow(RangeError);
    expect(() => new PhiAccrual(8, 1, new Float32Array(4))).toThrow(RangeError);
  });
});

describe('state in shared storage (the *At functions and views)', () => {
  it('updating the storage through the static functions is what an instance over it reads', () => {
    const samples = new Float32Array(4 + 4);
    const st = new Float64Array(2 + RTT_WINDOW_STATE + RTT_ESTIMATOR_STATE + PHI_STATE);
    const wAt = 2;
    const eAt = wAt + RTT_WINDOW_STATE;
    const pAt = eAt + RTT_ESTIMATOR_STATE;
    const ref = { w: new RttWindow(4, true), e: new RttEstimator(), p: new PhiAccrual(4, 1) };
    let t = 0;
    for (const r of [10, 12, 9, 30, 11, -1, NaN]) {
      RttWindow.addAt(samples, 0, 4, st, wAt, r);
      RttEstimator.updateAt(st, eAt, r);
      PhiAccrual.heartbeatAt(4, samples, 4, st, pAt, (t += 100 + r));
      ref.w.add(r);
      ref.e.update(r);
      ref.p.heartbeat(t);
    }
    const w = new RttWindow(4, true, samples, 0, st, wAt);
    const e = new RttEstimator(st, eAt);
    const p = new PhiAccrual(4, 1, samples, 4, st, pAt);
    expect(w.toArray()).toEqual(ref.w.toArray());
    expect([w.count, w.last, w.percentile(50), w.jitter]).toEqual([ref.w.count, ref.w.last, ref.w.percentile(50), ref.w.jitter]);
    expect([e.srtt, e.rttvar]).toEqual([ref.e.srtt, ref.e.rttvar]);
    expect(RttEstimator.srttAt(st, eAt)).toBe(ref.e.srtt);
    expect([p.samples, p.meanMs, p.stdDevMs, p.phi(t + 150)]).toEqual([ref.p.samples, ref.p.meanMs, ref.p.stdDevMs, ref.p.phi(t + 150)]);
    expect(st[0]).toBe(0); // neighbours untouched
    expect(st[1]).toBe(0);
  });

  it('a zeroed state block is an empty window, no estimate and no heartbeat yet', () => {
    const st = new Float64Array(RTT_WINDOW_STATE + RTT_ESTIMATOR_STATE + PHI_STATE);
    const w = new RttWindow(8, true, new Float32Array(8), 0, st, 0);
    const e = new RttEstimator(st, RTT_WINDOW_STATE);
    const p = new PhiAccrual(8, 1, new Float32Array(8), 0, st, RTT_WINDOW_STATE + RTT_ESTIMATOR_STATE);
    expect([w.count, w.last, w.jitter]).toEqual([0, null, null]);
    expect([e.srtt, e.rttvar]).toEqual([null, null]);
    expect([p.samples, p.meanMs, p.phi(1000)]).toEqual([0, null, 0]);
  });

  it('moveStorage follows a copy of the same data; detach copies state too', () => {
    const samples = new Float32Array(4);
    const st = new Float64Array(RTT_WINDOW_STATE + RTT_ESTIMATOR_STATE);
    const w = new RttWindow(4, true, samples, 0, st, 0);
    const e = new RttEstimator(st, RTT_WINDOW_STATE);
    for (const r of [1, 2, 3]) {
      w.add(r);
      e.update(r);
    }
    const srtt = e.srtt;
    const samplesCopy = samples.slice();
    const stCopy = st.slice();
    w.moveStorage(samplesCopy, 0, stCopy, 0);
    e.moveStorage(stCopy, RTT_WINDOW_STATE);
    samples.fill(99);
    st.fill(0);
    expect(w.toArray()).toEqual([1, 2, 3]);
    expect(e.srtt).toBe(srtt);
    const shared = new Float32Array(8);
    shared.set(samplesCopy, 4);
    const d = new RttWindow(4, true, shared, 4, stCopy, 0);
    d.detach();
    stCopy.fill(0);
    shared.fill(0);
    expect(d.toArray()).toEqual([1, 2, 3]);
  });

  it('rejects state storage that is too small', () => {
    expect(() => new RttWindow(4, true, undefined, 0, new Float64Array(RTT_WINDOW_STATE - 1))).toThrow(RangeError);
    expect(() => new RttEstimator(new Float64Array(RTT_ESTIMATOR_STATE), 1)).toThrow(RangeError);
    expect(() => new PhiAccrual(4, 1, undefined, 0, new Float64Array(PHI_STATE), 1)).toThrow(RangeError);
  });
});
