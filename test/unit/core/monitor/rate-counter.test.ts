import { describe, expect, it } from 'vitest';
import { RateCounter } from '../../../../electron/core/monitor/rate-counter';
import { BeatWindow } from '../../../../electron/core/monitor/beat-window';

describe('RateCounter', () => {
  it('counts events of the last second only', () => {
    const r = new RateCounter();
    for (let t = 0; t < 2000; t += 50) r.add(10_000 + t); // 20/s
    expect(r.perSecond(11_999)).toBe(20);
    expect(r.perSecond(12_400)).toBe(10);
    expect(r.perSecond(13_500)).toBe(0);
  });
});

describe('BeatWindow', () => {
  it('reports loss over the last N beats', () => {
    const w = new BeatWindow(10);
    expect(w.lossPct).toBeNull();
    for (let i = 0; i < 10; i++) w.add(i % 2 === 0 ? 'm' : 'a');
    expect(w.lossPct).toBe(50);
    for (let i = 0; i < 10; i++) w.add(i < 8 ? 'a' : 'l');
    expect(w.lossPct).toBe(0);
    w.add('m');
    expect(w.count).toBe(10);
    expect(w.lossPct).toBe(10);
  });
});
