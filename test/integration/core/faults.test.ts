// Fault layer over real loopback sockets: bandwidth accuracy, backpressure, and a
// stress run toggling faults while bytes are in flight.
import { describe, expect, it, type TestContext } from 'vitest';
import { FaultPipe } from '../../../electron/core/faults/fault-pipe';
import type { Faults } from '../../../shared/contract';
import { Collector, message, prng, sleep, socketPair, waitFor, type SocketPair } from '../../unit/core/faults/loopback';

// Per-test cleanup (tests in a block run concurrently, so no shared afterEach).
async function setup(ctx: TestContext, faults: Faults): Promise<SocketPair & { pipe: FaultPipe; got: Collector; peer: Collector }> {
  const pair = await socketPair();
  const got = new Collector();
  const peer = new Collector();
  pair.b.on('data', peer.push);
  const pipe = new FaultPipe(pair.a, got.push, { faults });
  ctx.onTestFinished(async () => {
    pipe.destroy();
    await pair.close();
  });
  return { ...pair, pipe, got, peer };
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed) & 0xff;
  return b;
}

// 200 000 B at 50 000 B/s: 4 s ± 10 % end to end.
const TOTAL = 200_000;
const RATE = 50_000;

describe.concurrent('bandwidth', () => {
  it('outbound: 200 000 bytes at 50 000 B/s arrive intact, in order, in 4 s ± 10 %', async (ctx) => {
    const { pipe, peer } = await setup(ctx, { bandwidth: { bytesPerSec: RATE, direction: 'out' } });
    const payload = pattern(TOTAL, 1);
    const t0 = performance.now();
    pipe.write(payload);
    expect(pipe.bufferedBytes).toBeGreaterThan(TOTAL - RATE / 10); // only a small burst left at once
    await sleep(1000);
    // paced: after 1 s roughly 50 KB, not everything
    expect(peer.bytes).toBeGreaterThan(RATE * 0.6);
    expect(peer.bytes).toBeLessThan(RATE * 1.4);
    await waitFor(() => peer.bytes === TOTAL, 8000, 'outbound payload');
    const seconds = (peer.lastAt! - t0) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(3.6);
    expect(seconds).toBeLessThanOrEqual(4.4);
    expect(peer.data.equals(payload)).toBe(true);
    expect(pipe.bufferedBytes).toBe(0);
  });

  it('inbound: 200 000 bytes at 50 000 B/s are delivered intact, in order, in 4 s ± 10 %', async (ctx) => {
    const { b, got, pipe } = await setup(ctx, { bandwidth: { bytesPerSec: RATE, direction: 'in' } });
    const payload = pattern(TOTAL, 2);
    const t0 = performance.now();
    b.write(payload);
    await sleep(1000);
    expect(got.bytes).toBeGreaterThan(RATE * 0.6);
    expect(got.bytes).toBeLessThan(RATE * 1.4);
    await waitFor(() => got.bytes === TOTAL, 8000, 'inbound payload');
    const seconds = (got.lastAt! - t0) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(3.6);
    expect(seconds).toBeLessThanOrEqual(4.4);
    expect(got.data.equals(payload)).toBe(true);
    expect(pipe.inboundBufferedBytes).toBe(0);
  });
});

// Not concurrent with the rate tests: moving 48 MiB loads the event loop.
describe('backpressure', () => {
  it('inbound pacing pushes back on the real sender (its bytes pile up in userland)', async (ctx) => {
    // 48 MiB exceeds what the kernel buffers of a loopback pair can absorb (rmem max 32 MiB
    // + wmem max 4 MiB), so if we stop reading, the sender's writableLength stays high.
    const BIG = 48 * 1024 * 1024;
    const rate = 200_000;

    // Control: without the fault the same payload drains quickly.
    const control = await setup(ctx, {});
    let controlGot = 0;
    control.pipe.destroy();
    control.a.on('data', (c: Buffer) => (controlGot += c.length));
    control.b.write(Buffer.alloc(BIG, 3));
    await waitFor(() => controlGot === BIG, 10_000, 'control drained');
    expect(control.b.writableLength).toBe(0);

    const { a, b, got, pipe } = await setup(ctx, { bandwidth: { bytesPerSec: rate, direction: 'in' } });
    let drained = false;
    b.write(Buffer.alloc(BIG, 4));
    b.once('drain', () => (drained = true));
    const t0 = performance.now();
    await waitFor(() => got.bytes > 0, 2000, 'first bytes');
    // sample: the receiving socket is paused (not read) most of the time
    let samples = 0;
    let paused = 0;
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      samples++;
      if (a.isPaused() && pipe.readingPaused) paused++;
      await sleep(10);
    }
    const elapsed = (performance.now() - t0) / 1000;
    expect(paused / samples).toBeGreaterThan(0.8);
    expect(drained).toBe(false);
    expect(b.writableLength).toBeGreaterThan(BIG - 40 * 1024 * 1024);
    // delivered at about the paced rate (burst + rate * t), never the whole payload
    expect(got.bytes).toBeLessThan(rate * elapsed * 1.2 + 70_000);
    expect(got.bytes).toBeGreaterThan(rate * elapsed * 0.7);
  });
});

describe('stress', () => {
  it('1 000 numbered messages each way survive faults toggled every few ms, byte for byte', async (ctx) => {
    const rnd = prng(0xbeef);
    const { b, pipe, got, peer } = await setup(ctx, {});
    const N = 1000;
    const out: Buffer[] = [];
    const inn: Buffer[] = [];
    for (let i = 0; i < N; i++) {
      out.push(message(i, 1 + Math.floor(rnd() * 4096)));
      inn.push(message(i, 1 + Math.floor(rnd() * 4096)));
    }
    const expectedOut = Buffer.concat(out);
    const expectedIn = Buffer.concat(inn);

    const variants: (() => Faults)[] = [
      () => ({}),
      () => ({ latency: { ms: Math.floor(rnd() * 15), jitterMs: Math.floor(rnd() * 10) } }),
      () => ({ latency: { ms: 5, jitterMs: 5, direction: rnd() < 0.5 ? 'in' : 'out' } }),
      () => ({ slice: { maxBytes: 64 + Math.floor(rnd() * 960) } }),
      () => ({ bandwidth: { bytesPerSec: 500_000 + Math.floor(rnd() * 2_000_000) } }),
      () => ({
        latency: { ms: 3, jitterMs: 3 },
        slice: { maxBytes: 512 },
        bandwidth: { bytesPerSec: 1_000_000, direction: 'out' },
      }),
      () => ({ freeze: true }),
      () => ({ freeze: true, latency: { ms: 2 } }),
    ];

    let toggles = 0;
    let busyToggles = 0; // toggles that hit bytes in flight inside the pipe
    let stop = false;
    const toggler = (async () => {
      const end = performance.now() + 2000;
      while (!stop && performance.now() < end) {
        if (pipe.bufferedBytes > 0 || pipe.inboundBufferedBytes > 0) busyToggles++;
        pipe.setFaults(variants[Math.floor(rnd() * variants.length)]());
        toggles++;
        await sleep(1 + Math.floor(rnd() * 6));
      }
      pipe.setFaults({});
    })();

    // Send in small bursts spread over ~1.5 s so faults change under the traffic.
    for (let i = 0; i < N; i += 10) {
      for (let j = i; j < Math.min(N, i + 10); j++) {
        pipe.write(out[j]);
        b.write(inn[j]);
      }
      await sleep(1);
    }
    await toggler;
    stop = true;
    await waitFor(() => peer.bytes >= expectedOut.length && got.bytes >= expectedIn.length, 15_000, 'all messages');
    await sleep(50); // nothing extra (no duplicates) trails in
    expect(toggles).toBeGreaterThan(100);
    expect(busyToggles).toBeGreaterThan(20);
    expect(peer.bytes).toBe(expectedOut.length);
    expect(got.bytes).toBe(expectedIn.length);
    expect(peer.data.equals(expectedOut)).toBe(true);
    expect(got.data.equals(expectedIn)).toBe(true);
    expect(pipe.bufferedBytes).toBe(0);
    expect(pipe.pendingTimers).toBe(0);
  }, 30_000);
});
