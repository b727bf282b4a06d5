// The UI's cheap-per-batch helpers: fixed-row windowing, the memoized names selector, the
// shared close-time cache, and the chart's merge (no sort) and order-free down intervals.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent, PeerState } from '../../../shared/contract';
import { buildColumns, downIntervals, type Cell } from '../../../renderer/src/lib/chart-data';
import { cachedCloseTimes, lastCloseTimes } from '../../../renderer/src/lib/last-close';
import { peerNamesSelector } from '../../../renderer/src/lib/peer-names';
import { firstVisibleRow, rowWindow, scrollToReveal } from '../../../renderer/src/lib/row-window';
import { SeriesStore } from '../../../renderer/src/state/series-store';
import { event, peer } from '../../helpers/contract-fixtures';

describe('rowWindow', () => {
  it('renders the rows in view plus the overscan, clamped to the list', () => {
    // 200 px viewport, 20 px rows: 10 rows in view (+1 for a cut row).
    expect(rowWindow(0, 200, 1000, 20, 5)).toEqual({ start: 0, end: 16 });
    expect(rowWindow(50, 200, 1000, 20, 5)).toEqual({ start: 45, end: 66 });
    expect(rowWindow(995, 200, 1000, 20, 5)).toEqual({ start: 990, end: 1000 });
    expect(rowWindow(0, 200, 3, 20, 5)).toEqual({ start: 0, end: 3 });
    expect(rowWindow(0, 200, 0, 20, 5)).toEqual({ start: 0, end: 0 });
    // A first row beyond a list that shrank (filter) still shows its tail.
    expect(rowWindow(500, 200, 10, 20, 2)).toEqual({ start: 7, end: 10 });
  });

  it('always covers every row that intersects the viewport', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 900 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 60 }), (scrollTop, viewH, count, offset) => {
        const rowH = 26;
        const { start, end } = rowWindow(firstVisibleRow(scrollTop, rowH, offset), viewH, count, rowH, 0);
        for (let i = 0; i < count; i++) {
          const top = offset + i * rowH;
          const visible = top < scrollTop + viewH && top + rowH > scrollTop;
          if (visible && !(i >= start && i < end)) return false;
        }
        return start >= 0 && end <= count && start <= end;
      }),
    );
  });

  it('scrolls a row into view with the least movement, below a sticky header', () => {
    // rows start 25 px down (the header), 26 px each; 260 px viewport.
    expect(scrollToReveal(3, 0, 260, 26, 25, 25)).toBeNull();
    expect(scrollToReveal(20, 0, 260, 26, 25, 25)).toBe(25 + 21 * 26 - 260);
    expect(scrollToReveal(2, 400, 260, 26, 25, 25)).toBe(2 * 26);
    expect(scrollToReveal(0, 400, 260, 26, 25, 25)).toBe(0);
  });
});

describe('peerNamesSelector', () => {
  it('returns the same map while no name changes, a new one when one does', () => {
    const select = peerNamesSelector();
    const a = select({ peers: { a: peer('a'), b: peer('b') } });
    expect([...a]).toEqual([['a', 'a'], ['b', 'b']]);
    // New PeerInfo objects (stats moved), same names: same map.
    expect(select({ peers: { a: peer('a'), b: peer('b') } })).toBe(a);
    const renamed = select({ peers: { a: peer('a', { name: 'alpha' }), b: peer('b') } });
    expect(renamed).not.toBe(a);
    expect(renamed.get('a')).toBe('alpha');
    const fewer = select({ peers: { b: peer('b') } });
    expect([...fewer]).toEqual([['b', 'b']]);
  });
});

describe('cachedCloseTimes', () => {
  it('scans an events array once and agrees with lastCloseTimes', () => {
    const evs = [event(3, { peer: 'a', type: 'closed', reason: 'peer-reset' }), event(2, { peer: 'b', type: 'closed', reason: 'killed-rst' })];
    const m = cachedCloseTimes(evs);
    expect(cachedCloseTimes(evs)).toBe(m);
    expect([...m]).toEqual([...lastCloseTimes(evs)]);
    // A new array of the same events is derived from the last one: nothing new, the same Map.
    expect(cachedCloseTimes([...evs])).toBe(m);
    const other = [event(1, { peer: 'c', type: 'closed' })];
    expect([...cachedCloseTimes(other)]).toEqual([...lastCloseTimes(other)]);
  });

  it('derives each batch’s array from the previous one and always agrees with a full scan', () => {
    // The store's way: newest first, fresh events in front, the oldest dropped past the limit.
    const limit = 40;
    let rand = 7;
    const next = () => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const types: LogEvent['type'][] = ['closed', 'connected', 'fault-set', 'reconnecting'];
    let seq = 0;
    let evs: LogEvent[] = [];
    let reused = 0;
    for (let batch = 0; batch < 300; batch++) {
      const fresh: LogEvent[] = [];
      const n = Math.floor(next() * 4);
      for (let i = 0; i < n; i++) {
        const type = types[Math.floor(next() * (batch % 50 < 25 ? 4 : 1.2))];
        fresh.unshift(event(++seq, { peer: `p${Math.floor(next() * 5)}`, type, reason: type === 'closed' ? 'peer-reset' : undefined }));
      }
      const before = cachedCloseTimes(evs);
      evs = fresh.concat(evs);
      if (evs.length > limit) evs.length = limit;
      const m = cachedCloseTimes(evs);
      expect([...m].sort()).toEqual([...lastCloseTimes(evs)].sort());
      if (m === before) reused++;
    }
    // Batches without a close keep the same Map (selectors see no change).
    expect(reused).toBeGreaterThan(20);
  });
});

/** The former implementation: sort the union of timestamps, then place each series. */
function naiveColumns(cols: { t: number[]; v: Cell[] }[]): { xs: number[]; ys: Cell[][] } {
  const all = cols.flatMap((c) => c.t).sort((a, b) => a - b);
  const xs: number[] = [];
  for (const t of all) if (xs.length === 0 || xs[xs.length - 1] !== t) xs.push(t);
  const ys = cols.map((c) => {
    const out: Cell[] = new Array(xs.length).fill(undefined);
    let j = 0;
    for (let i = 0; i < c.t.length; i++) {
      while (xs[j] < c.t[i]) j++;
      out[j] = c.v[i];
    }
    return out;
  });
  return { xs, ys };
}

describe('buildColumns (k-way merge)', () => {
  it('matches sorting the union, with shared and repeated timestamps and gaps', () => {
    const series = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 })), { maxLength: 30 }), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(series, (lists) => {
        const s = new SeriesStore(1000);
        const peers = lists.map((list, i) => {
          // Steps of 0..40 ms × 100: some repeat a time, some exceed the 1.5 s gap threshold.
          let t = 0;
          s.appendSamples(`p${i}`, list.map(([dt, v]) => [(t += dt * 100), v] as [number, number]));
          return { id: `p${i}`, intervalMs: 100 };
        });
        const got = buildColumns(s, peers, -Infinity);
        // The expected columns from the same per-peer reads the merge starts from.
        const single = peers.map((p) => {
          const c = buildColumns(s, [p], -Infinity);
          return { t: c.xs, v: c.ys[0] };
        });
        expect(got).toEqual(naiveColumns(single));
      }),
      { numRuns: 200 },
    );
  });
});

describe('downIntervals', () => {
  it('gives the same intervals whatever the order of the events', () => {
    const evs: LogEvent[] = [
      event(1, { t: 100, peer: 'a', type: 'closed' }),
      event(2, { t: 200, peer: 'b', type: 'reconnecting' }),
      event(3, { t: 300, peer: 'a', type: 'connected' }),
      event(4, { t: 400, peer: 'a', type: 'closed' }),
      event(5, { t: 500, peer: 'b', type: 'connected' }),
      event(6, { t: 600, peer: 'c', type: 'closed' }),
    ];
    const states = new Map<string, PeerState>([['a', 'closed'], ['b', 'connected']]);
    const chrono = downIntervals(evs, states, 900);
    expect(chrono).toEqual([
      { peer: 'a', from: 100, to: 300 },
      { peer: 'b', from: 200, to: 500 },
      { peer: 'a', from: 400, to: 900 },
    ]);
    expect(downIntervals([...evs].reverse(), states, 900)).toEqual(chrono);
    expect(downIntervals([evs[3], evs[0], evs[5], evs[2], evs[4], evs[1]], states, 900)).toEqual(chrono);
  });
});
