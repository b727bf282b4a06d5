import { describe, expect, it } from 'vitest';
import { BeatRing, SampleRing, SeriesStore } from '../../../renderer/src/state/series-store';

describe('SampleRing', () => {
  it('wraps around keeping the newest samples in order, with fixed memory', () => {
    const ring = new SampleRing(5);
    const bytes = ring.byteLength;
    for (let i = 1; i <= 12; i++) ring.push(i * 10, i);
    expect(ring.size).toBe(5);
    expect(ring.byteLength).toBe(bytes);
    expect(ring.toSamples()).toEqual([[80, 8], [90, 9], [100, 10], [110, 11], [120, 12]]);
    expect(ring.timeAt(0)).toBe(80);
    expect(ring.lastT).toBe(120);
  });

  it('finds the first sample since a time across the wrap point', () => {
    const ring = new SampleRing(4);
    for (let i = 1; i <= 6; i++) ring.push(i, i);
    expect(ring.indexSince(4)).toBe(1);
    expect(ring.toSamples(4.5)).toEqual([[5, 5], [6, 6]]);
    expect(ring.indexSince(100)).toBe(4);
  });

  it('ignores replayed duplicates and out-of-order samples', () => {
    const ring = new SampleRing(10);
    expect(ring.push(10, 1.25)).toBe(true);
    expect(ring.push(10, 1.25)).toBe(false);
    expect(ring.push(5, 3)).toBe(false);
    expect(ring.push(10, 2)).toBe(true); // same ms, different ping
    expect(ring.size).toBe(2);
  });
});

describe('BeatRing', () => {
  it('keeps the last beats and ignores unknown codes', () => {
    const ring = new BeatRing(4);
    ring.push('aalm');
    ring.push('ax');
    expect(ring.toString()).toBe('alma');
    expect(ring.total).toBe(5);
    expect([...ring.last(2)]).toEqual([3, 1]);
    expect(ring.cells.byteLength).toBe(4);
  });
});

describe('SeriesStore', () => {
  it('bounds history per peer at the capacity (default 3600) whatever the session length', () => {
    const s = new SeriesStore();
    expect(s.capacity).toBe(3600);
    for (let batchNo = 0; batchNo < 100; batchNo++) {
      const samples: [number, number][] = [];
      for (let i = 0; i < 100; i++) samples.push([batchNo * 100 + i, i]);
      s.appendSamples('p', samples);
    }
    const ring = s.ring('p')!;
    expect(ring.size).toBe(3600);
    expect(ring.byteLength).toBe(3600 * 12);
    expect(ring.timeAt(0)).toBe(10_000 - 3600);
  });

  it('reset keeps beats of live peers and replaces samples', () => {
    const s = new SeriesStore(10);
    s.appendSamples('a', [[1, 1]]);
    s.appendBeats('a', 'aa');
    s.appendBeats('gone', 'm');
    s.reset({ a: [[5, 5]], b: Array.from({ length: 30 }, (_, i) => [i, i] as [number, number]) }, ['a', 'b'], 20);
    expect(s.capacity).toBe(20);
    expect(s.ring('a')?.toSamples()).toEqual([[5, 5]]);
    expect(s.ring('b')?.size).toBe(20);
    expect(s.ring('b')?.timeAt(0)).toBe(10);
    expect(s.beatRing('a')?.toString()).toBe('aa');
    expect(s.beatRing('gone')).toBeUndefined();
  });
});
