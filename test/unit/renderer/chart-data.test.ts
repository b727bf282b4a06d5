import { describe, expect, it } from 'vitest';
import type { PeerState } from '../../../shared/contract';
import { buildColumns, chartBinMs, downIntervals, faultMarkers, quantileSorted, rollingBand, stackLabels } from '../../../renderer/src/lib/chart-data';
import { SeriesStore } from '../../../renderer/src/state/series-store';
import { event } from '../../helpers/contract-fixtures';

describe('chart columns', () => {
  it('aligns several peers on one x axis: undefined where a peer has no sample', () => {
    const s = new SeriesStore(100);
    s.appendSamples('a', [[1000, 1], [2000, 2]]);
    s.appendSamples('b', [[1500, 5], [2000, 6]]);
    const c = buildColumns(s, [{ id: 'a', intervalMs: 1000 }, { id: 'b', intervalMs: 1000 }], 0);
    expect(c.xs).toEqual([1000, 1500, 2000]);
    expect(c.ys[0]).toEqual([1, undefined, 2]);
    expect(c.ys[1]).toEqual([undefined, 5, 6]);
    expect(c.band).toBeUndefined();
  });

  it('breaks the line (null) across a long silence and honours the time window', () => {
    const s = new SeriesStore(100);
    s.appendSamples('a', [[1000, 1], [2000, 2], [20_000, 3], [21_000, 4]]);
    const c = buildColumns(s, [{ id: 'a', intervalMs: 1000 }], 0);
    expect(c.xs).toEqual([1000, 2000, 2001, 20_000, 21_000]);
    expect(c.ys[0]).toEqual([1, 2, null, 3, 4]);
    expect(c.band?.[0]).toHaveLength(5);
    const recent = buildColumns(s, [{ id: 'a', intervalMs: 1000 }], 19_000);
    expect(recent.xs).toEqual([20_000, 21_000]);
  });

  it('bins several peers at about a pixel each: one x per bin, each peer its highest RTT there', () => {
    const s = new SeriesStore(1000);
    // Two peers pinging at different phases every 100 ms for 2 s.
    const a: [number, number][] = [];
    const b: [number, number][] = [];
    for (let t = 0; t < 2000; t += 100) {
      a.push([10_000 + t, 1 + (t % 300) / 100]);
      b.push([10_037 + t, 5]);
    }
    s.appendSamples('a', a);
    s.appendSamples('b', b);
    const peers = [{ id: 'a', intervalMs: 100 }, { id: 'b', intervalMs: 100 }];
    const exact = buildColumns(s, peers, 0);
    expect(exact.xs).toHaveLength(40);
    const c = buildColumns(s, peers, 0, { binMs: 200 });
    expect(c.xs).toHaveLength(10);
    expect(c.xs).toEqual([...c.xs].sort((x, y) => x - y));
    // Each bin holds two of a's samples: the higher one is kept.
    for (let i = 0; i < 10; i++) {
      const inBin = a.filter(([t]) => Math.floor((t - 10_000) / 200) === i).map(([, v]) => v);
      expect(c.ys[0][i]).toBe(Math.max(...inBin));
      expect(c.ys[1][i]).toBe(5);
    }
  });

  it('keeps a silence visible when binned: null in the first bin after the last sample', () => {
    const s = new SeriesStore(1000);
    s.appendSamples('a', [[0, 1], [100, 2], [10_000, 3], [10_100, 4]]);
    s.appendSamples('b', [[50, 7], [10_050, 8]]);
    const c = buildColumns(s, [{ id: 'a', intervalMs: 100 }, { id: 'b', intervalMs: 1000 }], -Infinity, { binMs: 500 });
    expect(c.ys[0]).toEqual([2, null, 4]);
    expect(c.ys[1]).toEqual([7, null, 8]);
    expect(c.xs[1]).toBe(750); // the bin [500, 1000)
    // The window cuts whole samples, and an empty window gives empty columns.
    expect(buildColumns(s, [{ id: 'a', intervalMs: 100 }, { id: 'b', intervalMs: 1000 }], 9_000, { binMs: 500 }).ys[0]).toEqual([4]);
    expect(buildColumns(s, [{ id: 'a', intervalMs: 100 }, { id: 'b', intervalMs: 1000 }], 20_000, { binMs: 500 })).toEqual({ xs: [], ys: [[], []] });
  });

  it('computes a rolling p5–p95 band that restarts after a gap', () => {
    const [hi, lo] = rollingBand([1, 2, 3, 4, 5, null, 10], 3, 0.05, 0.95);
    expect(hi[0]).toBe(1);
    expect(lo[2]).toBeCloseTo(1.1);
    expect(hi[4]).toBeCloseTo(4.9); // window 3,4,5
    expect(hi[5]).toBeNull();
    expect(hi[6]).toBe(10);
    expect(quantileSorted([0, 10], 0.5)).toBe(5);
  });
});

describe('overlays', () => {
  it('derives down intervals from closed/reconnecting → connected, open ones up to now', () => {
    const states = new Map<string, PeerState>([['a', 'reconnecting'], ['b', 'connected']]);
    const evs = [
      event(5, { t: 500, peer: 'a', type: 'closed', reason: 'killed-rst' }),
      event(4, { t: 400, peer: 'b', type: 'connected' }),
      event(3, { t: 300, peer: 'a', type: 'connected' }),
      event(2, { t: 200, peer: 'a', type: 'reconnecting' }),
      event(1, { t: 100, peer: 'a', type: 'closed', reason: 'peer-reset' }),
    ];
    expect(downIntervals(evs, states, 900)).toEqual([
      { peer: 'a', from: 100, to: 300 },
      { peer: 'a', from: 500, to: 900 },
    ]);
  });

  it('marks fault changes and kills of charted peers only', () => {
    const evs = [
      event(1, { t: 10, peer: 'a', type: 'fault-set', faults: { freeze: true } }),
      event(2, { t: 20, peer: 'x', type: 'killed', mode: 'rst' }),
      event(3, { t: 30, peer: 'a', type: 'killed', mode: 'fin' }),
      event(4, { t: 40, peer: 'a', type: 'fault-cleared' }),
      event(5, { t: 50, peer: 'a', type: 'fault-set', faults: {} }),
    ];
    expect(faultMarkers(evs, new Set(['a']))).toEqual([
      { peer: 'a', t: 10, kind: 'set', label: 'frozen' },
      { peer: 'a', t: 30, kind: 'killed', label: 'kill fin' },
      { peer: 'a', t: 40, kind: 'cleared', label: 'cleared' },
      { peer: 'a', t: 50, kind: 'cleared', label: 'cleared' },
    ]);
  });
});

describe('marker labels', () => {
  it('stacks labels of markers at the same moment instead of hiding one', () => {
    const rows = stackLabels(
      [
        { from: 100, to: 180 }, // drop 20% beats
        { from: 100, to: 190 }, // latency 40±15ms, same instant
        { from: 150, to: 200 }, // overlaps both
        { from: 300, to: 340 }, // clear of everything: back on top
      ],
      4,
    );
    expect(rows).toEqual([0, 1, 2, 0]);
  });

  it('keeps a gap between labels in a row and gives up past maxRows', () => {
    expect(stackLabels([{ from: 0, to: 50 }, { from: 52, to: 90 }], 2, 4)).toEqual([0, 1]);
    expect(stackLabels([{ from: 0, to: 50 }, { from: 54, to: 90 }], 2, 4)).toEqual([0, 0]);
    expect(stackLabels([{ from: 0, to: 10 }, { from: 0, to: 10 }, { from: 0, to: 10 }], 2)).toEqual([0, 1, null]);
  });

  it('places a label flipped left of its line by its real extent', () => {
    // A label drawn to the left (from < its line) must still collide with one to its left.
    expect(stackLabels([{ from: 800, to: 880 }, { from: 820, to: 896 }], 3)).toEqual([0, 1]);
  });
});

describe('chartBinMs', () => {
  const peers = (...ms: number[]) => ms.map((intervalMs, i) => ({ id: `p${i}`, intervalMs }));
  it('is a plot pixel of the span, but never shorter than the fastest peer’s interval', () => {
    // 1 min on 1 000 px: 60 ms a pixel; peers pinging every 100 ms put one sample in 100 ms.
    expect(chartBinMs(60_000, 1_000, peers(100, 1_000))).toBe(100);
    expect(chartBinMs(60_000, 1_000, peers(1_000, 5_000))).toBe(1_000);
    // 10 min on 1 000 px: a pixel (600 ms) is already wider than a 100 ms interval.
    expect(chartBinMs(600_000, 1_000, peers(100))).toBe(600);
    // Unknown or nonsense intervals fall back to the pixel.
    expect(chartBinMs(60_000, 1_000, peers(0))).toBe(60);
    expect(chartBinMs(60_000, 0, [])).toBe(60_000);
  });
});
