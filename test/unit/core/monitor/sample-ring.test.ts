import { describe, expect, it } from 'vitest';
import { SampleRing } from '../../../../electron/core/monitor/sample-ring';

describe('SampleRing', () => {
  it('keeps samples in order until full', () => {
    const r = new SampleRing(4);
    r.push(1, 10);
    r.push(2, 20);
    expect(r.count).toBe(2);
    expect(r.toArray()).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });

  it('overwrites the oldest when full and stays bounded', () => {
    const r = new SampleRing(3);
    for (let i = 1; i <= 1000; i++) r.push(i, i * 2);
    expect(r.count).toBe(3);
    expect(r.capacity).toBe(3);
    expect(r.toArray()).toEqual([
      [998, 1996],
      [999, 1998],
      [1000, 2000],
    ]);
  });

  it('since() returns only samples newer than the cursor', () => {
    const r = new SampleRing(5);
    for (let i = 1; i <= 7; i++) r.push(i * 10, i);
    expect(r.since(40)).toEqual([
      [50, 5],
      [60, 6],
      [70, 7],
    ]);
    expect(r.since(0).length).toBe(5);
    expect(r.since(70)).toEqual([]);
    expect(r.since(45).map((s) => s[0])).toEqual([50, 60, 70]);
  });

  it('mean() averages samples after a time', () => {
    const r = new SampleRing(10);
    expect(r.mean()).toBeNull();
    r.push(1, 10);
    r.push(2, 20);
    r.push(3, 60);
    expect(r.mean()).toBe(30);
    expect(r.mean(1)).toBe(40);
    expect(r.mean(3)).toBeNull();
  });

  it('resize keeps the newest samples', () => {
    const r = new SampleRing(5);
    for (let i = 1; i <= 8; i++) r.push(i, i);
    r.resize(3);
    expect(r.toArray().map((s) => s[0])).toEqual([6, 7, 8]);
    r.push(9, 9);
    expect(r.toArray().map((s) => s[0])).toEqual([7, 8, 9]);
    r.resize(6);
    expect(r.toArray().map((s) => s[0])).toEqual([7, 8, 9]);
    for (let i = 10; i <= 14; i++) r.push(i, i);
    expect(r.toArray().map((s) => s[0])).toEqual([9, 10, 11, 12, 13, 14]);
  });

  it('rejects a bad capacity', () => {
    expect(() => new SampleRing(0)).toThrow(RangeError);
    expect(() => new SampleRing(2).resize(1.5)).toThrow(RangeError);
  });
});
