import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultPipe } from '../../../../electron/core/faults/fault-pipe';
import { Collector, activeTimeouts, sleep, socketPair, waitFor, type SocketPair } from './loopback';

let pair: SocketPair | null = null;
let pipe: FaultPipe | null = null;
afterEach(async () => {
  pipe?.destroy();
  pipe = null;
  await pair?.close();
  pair = null;
});

/** FaultPipe on end a; `got` collects what a's pipe delivers, `peer` what b receives. */
async function setup(faults = {}, random?: () => number) {
  pair = await socketPair();
  const got = new Collector();
  const peer = new Collector();
  pair.b.on('data', peer.push);
  pipe = new FaultPipe(pair.a, got.push, { faults, random });
  return { a: pair.a, b: pair.b, pipe, got, peer };
}

function seqStream(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i);
    return b;
  });
}
function readSeqs(data: Buffer): number[] {
  const out: number[] = [];
  for (let o = 0; o + 4 <= data.length; o += 4) out.push(data.readUInt32BE(o));
  return out;
}

describe('FaultPipe passthrough', () => {
  it('with no faults wires data straight to deliver and writes straight to the socket', async () => {
    const { a, b, pipe, got, peer } = await setup();
    const deliver = got.push;
    expect(a.listeners('data')).toEqual([deliver]);
    const spy = vi.spyOn(a, 'write');
    const chunk = Buffer.from('hello');
    pipe.write(chunk);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0]).toBe(chunk); // same buffer, no copy
    b.write('world');
    await waitFor(() => peer.bytes === 5 && got.bytes === 5, 2000, 'passthrough bytes');
    expect(peer.data.toString()).toBe('hello');
    expect(got.data.toString()).toBe('world');
    expect(pipe.pendingTimers).toBe(0);
  });

  it('returns to passthrough once faults are cleared and queues drain', async () => {
    const { a, pipe, got, peer } = await setup({ latency: { ms: 20 } });
    expect(a.listeners('data')).not.toContain(got.push);
    pipe.write(Buffer.from('x'));
    pipe.setFaults({});
    // clearing latency releases the queued chunk at once
    await waitFor(() => peer.bytes === 1, 2000, 'released byte');
    expect(a.listeners('data')).toEqual([got.push]);
    const spy = vi.spyOn(a, 'write');
    const c = Buffer.from('y');
    pipe.write(c);
    expect(spy.mock.calls[0][0]).toBe(c);
  });
});

describe('FaultPipe latency', () => {
  it('delays outgoing bytes by at least ms', async () => {
    const { pipe, peer } = await setup({ latency: { ms: 30, direction: 'out' } });
    const t0 = performance.now();
    pipe.write(Buffer.from('ping'));
    await waitFor(() => peer.bytes === 4, 2000, 'delayed write');
    const dt = peer.firstAt! - t0;
    expect(dt).toBeGreaterThanOrEqual(30);
    expect(dt).toBeLessThan(500);
    expect(peer.data.toString()).toBe('ping');
  });

  it('direction out leaves inbound bytes undelayed (passthrough)', async () => {
    const { b, a, got } = await setup({ latency: { ms: 200, direction: 'out' } });
    expect(a.listeners('data')).toEqual([got.push]);
    b.write('now');
    await waitFor(() => got.bytes === 3, 150, 'undelayed inbound');
  });

  it('delays incoming bytes by at least ms', async () => {
    const { b, got, peer, pipe } = await setup({ latency: { ms: 30, direction: 'in' } });
    const t0 = performance.now();
    b.write('pong');
    await waitFor(() => got.bytes === 4, 2000, 'delayed delivery');
    expect(got.firstAt! - t0).toBeGreaterThanOrEqual(30);
    expect(got.data.toString()).toBe('pong');
    // outbound is untouched
    const t1 = performance.now();
    pipe.write(Buffer.from('z'));
    await waitFor(() => peer.bytes === 1, 2000, 'outbound');
    expect(peer.firstAt! - t1).toBeLessThan(30);
  });

  it('jitter never reorders: 200 numbered chunks each way arrive in order', async () => {
    // Alternating extremes: every other chunk is due ~40 ms before its predecessor.
    let flip = false;
    const random = (): number => {
      flip = !flip;
      return flip ? 0.99 : 0.01;
    };
    const { b, pipe, got, peer } = await setup({ latency: { ms: 30, jitterMs: 20 } }, random);
    const chunks = seqStream(200);
    for (let i = 0; i < chunks.length; i++) {
      pipe.write(chunks[i]);
      b.write(chunks[i]);
      if (i % 20 === 19) await sleep(1);
    }
    await waitFor(() => peer.bytes === 800 && got.bytes === 800, 5000, 'all chunks');
    const want = Array.from({ length: 200 }, (_, i) => i);
    expect(readSeqs(peer.data)).toEqual(want);
    expect(readSeqs(got.data)).toEqual(want);
  });
});

describe('FaultPipe freeze', () => {
  it('delivers nothing either way while frozen, then releases everything in order', async () => {
    const { a, b, pipe, got, peer } = await setup({ latency: { ms: 40 } });
    // bytes already in the latency queues when the freeze starts are held too
    pipe.write(Buffer.from('o1,'));
    b.write('i1,');
    await waitFor(() => pipe.inboundBufferedBytes === 3, 1000, 'inbound queued');
    pipe.setFaults({ freeze: true, latency: { ms: 40 } });
    expect(a.isPaused()).toBe(true);
    pipe.write(Buffer.from('o2,'));
    pipe.write(Buffer.from('o3'));
    b.write('i2,');
    b.write('i3');
    await sleep(200);
    expect(peer.bytes).toBe(0);
    expect(got.bytes).toBe(0);
    expect(pipe.bufferedBytes).toBe(8);
    pipe.setFaults({});
    await waitFor(() => peer.bytes === 8 && got.bytes === 8, 2000, 'released bytes');
    expect(peer.data.toString()).toBe('o1,o2,o3');
    expect(got.data.toString()).toBe('i1,i2,i3');
    expect(a.isPaused()).toBe(false);
  });

  it('freeze set at construction pauses the socket before any byte is read', async () => {
    const { b, pipe, got } = await setup({ freeze: true });
    b.write('held');
    await sleep(100);
    expect(got.bytes).toBe(0);
    pipe.setFaults({});
    await waitFor(() => got.bytes === 4, 2000, 'released');
    expect(got.data.toString()).toBe('held');
  });
});

describe('FaultPipe slice', () => {
  it('splits a 10 000-byte write into socket writes of at most maxBytes, on separate ticks', async () => {
    const { a, pipe, peer } = await setup({ slice: { maxBytes: 100 } });
    const spy = vi.spyOn(a, 'write');
    const payload = Buffer.alloc(10_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    pipe.write(payload);
    expect(spy).toHaveBeenCalledTimes(0); // first piece goes on the next tick
    await waitFor(() => peer.bytes === 10_000, 5000, 'sliced payload');
    expect(peer.data.equals(payload)).toBe(true);
    expect(spy.mock.calls.length).toBe(100);
    for (const call of spy.mock.calls) expect((call[0] as Buffer).length).toBeLessThanOrEqual(100);
    // several TCP reads on the peer, i.e. not one coalesced segment
    expect(peer.chunks.length).toBeGreaterThan(1);
  });

  it('removing slice mid-stream writes the backlog in order at once', async () => {
    const { pipe, peer } = await setup({ slice: { maxBytes: 10 } });
    const payload = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(40));
    pipe.write(payload);
    await sleep(0);
    pipe.setFaults({});
    pipe.write(Buffer.from('!'));
    await waitFor(() => peer.bytes === payload.length + 1, 2000, 'all bytes');
    expect(peer.data.toString()).toBe(payload.toString() + '!');
  });
});

describe('FaultPipe lifecycle', () => {
  it('destroy clears every timer and never touches the socket again', async () => {
    const baseline = activeTimeouts();
    const { a, b, pipe, peer, got } = await setup({ latency: { ms: 300 }, slice: { maxBytes: 4 } });
    pipe.write(Buffer.from('queued bytes'));
    b.write('incoming');
    await waitFor(() => pipe.inboundBufferedBytes > 0, 1000, 'inbound queued');
    expect(pipe.pendingTimers).toBe(2);
    expect(activeTimeouts()).toBeGreaterThanOrEqual(baseline + 2);
    pipe.destroy();
    const write = vi.spyOn(a, 'write');
    const pause = vi.spyOn(a, 'pause');
    const resume = vi.spyOn(a, 'resume');
    expect(pipe.pendingTimers).toBe(0);
    expect(activeTimeouts()).toBe(baseline);
    expect(a.listenerCount('data')).toBe(0);
    pipe.write(Buffer.from('after'));
    pipe.setFaults({ freeze: true });
    await sleep(350);
    expect(write).not.toHaveBeenCalled();
    expect(pause).not.toHaveBeenCalled();
    expect(resume).not.toHaveBeenCalled();
    expect(peer.bytes).toBe(0);
    expect(got.bytes).toBe(0);
  });

  it('destroy un-pauses a frozen socket so a graceful close still completes', async () => {
    const { a, b, pipe } = await setup({ freeze: true });
    expect(a.isPaused()).toBe(true);
    pipe.destroy();
    expect(a.isPaused()).toBe(false);
    // the owner ends the socket; the peer's FIN is read, so 'close' happens
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    a.end();
    b.end();
    await closed;
    expect(a.destroyed).toBe(true);
  });

  it('destroys itself when the socket closes', async () => {
    const { a, pipe } = await setup({ latency: { ms: 500 } });
    pipe.write(Buffer.from('never'));
    expect(pipe.pendingTimers).toBe(1);
    a.destroy();
    await waitFor(() => pipe.destroyed, 1000, 'pipe destroyed');
    expect(pipe.pendingTimers).toBe(0);
  });

  it('a destroy from inside deliver stops delivery at once', async () => {
    pair = await socketPair();
    const seen: Buffer[] = [];
    const p: FaultPipe = new FaultPipe(
      pair.a,
      (c) => {
        seen.push(c);
        p.destroy();
      },
      { faults: { bandwidth: { bytesPerSec: 1_000_000 } } },
    );
    pipe = p;
    pair.b.write(Buffer.alloc(200_000, 1));
    await waitFor(() => p.destroyed, 2000, 'destroyed');
    await sleep(50);
    expect(seen.length).toBe(1);
    expect(p.pendingTimers).toBe(0);
  });
});
