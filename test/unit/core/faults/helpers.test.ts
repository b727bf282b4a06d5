import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../electron/core/faults/token-bucket';
import { ChunkQueue } from '../../../../electron/core/faults/chunk-queue';
import { normalizeFaults, hasPipeFaults, appliesTo } from '../../../../electron/core/faults/normalize';

describe('TokenBucket', () => {
  it('starts with a small burst (1/20 s) then grants at the configured rate', () => {
    const b = new TokenBucket(50_000, 0);
    expect(b.capacity).toBe(2500);
    expect(b.take(100_000, 0)).toBe(2500);
    expect(b.take(100_000, 0)).toBe(0);
    // below the minimum grant it waits rather than handing out crumbs
    expect(b.take(100_000, 5)).toBe(0); // 250 tokens < 625
    expect(b.waitMs(100_000, 5)).toBeCloseTo(7.5, 5);
    expect(b.take(100_000, 12.5)).toBe(625);
    // a lone small chunk goes as soon as it fits
    expect(b.take(10, 13)).toBe(10);
    // over a long run the total is rate * time (+ burst), whatever the polling
    let total = 0;
    for (let t = 14; t <= 1014; t += 7) total += b.take(1e9, t);
    expect(total).toBeGreaterThan(49_000);
    expect(total).toBeLessThanOrEqual(50_000 + 2500);
  });

  it('caps saved tokens: a burst when idle, half a second while backlogged; clamps on a rate change', () => {
    const b = new TokenBucket(1000, 0, 0);
    // backlogged through a stall: may catch up, but only so far
    expect(b.available(10_000)).toBe(500);
    // an idle link that gets new bytes has saved a burst at most
    b.startBacklog(10_000);
    expect(b.available(10_000)).toBe(50);
    b.setRate(100, 10_000);
    expect(b.capacity).toBe(5);
    expect(b.available(10_000)).toBe(5);
    const tiny = new TokenBucket(1, 0, 0);
    expect(tiny.capacity).toBe(1);
    expect(tiny.waitMs(10, 0)).toBe(1000);
  });
});

describe('ChunkQueue', () => {
  it('is FIFO, tracks bytes, consumes partial heads and compacts', () => {
    const q = new ChunkQueue();
    for (let i = 0; i < 3000; i++) q.push(Buffer.from([i & 0xff, 1]), i);
    expect(q.length).toBe(3000);
    expect(q.bytes).toBe(6000);
    for (let i = 0; i < 2000; i++) expect(q.shift()!.due).toBe(i);
    q.consumeHead(1);
    expect(q.peek()!.buf).toEqual(Buffer.from([1]));
    expect(q.bytes).toBe(1999);
    q.releaseAll();
    expect(q.peek()!.due).toBe(0);
    while (q.shift());
    expect(q.empty).toBe(true);
    expect(q.bytes).toBe(0);
  });
});

describe('normalizeFaults', () => {
  it('drops empty entries and classifies pipe faults and directions', () => {
    expect(normalizeFaults(undefined)).toEqual({});
    expect(normalizeFaults({ freeze: false, stopPinging: false })).toEqual({});
    expect(hasPipeFaults(normalizeFaults({ stopPinging: true, dropHeartbeats: { probability: 1 } }))).toBe(false);
    expect(hasPipeFaults({ slice: { maxBytes: 1 } })).toBe(true);
    expect(appliesTo(undefined, 'in')).toBe(true);
    expect(appliesTo('both', 'out')).toBe(true);
    expect(appliesTo('in', 'out')).toBe(false);
  });
});
