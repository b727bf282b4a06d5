import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerFaults } from '../../../../electron/core/faults/peer-faults';
import { FaultPipe } from '../../../../electron/core/faults/fault-pipe';
import type { Faults } from '../../../../shared/contract';
import { Collector, activeTimeouts, sleep, socketPair, waitFor, type SocketPair } from './loopback';

class FakeSession extends EventEmitter {
  closed = false;
  drop: number[] = [];
  pinging: boolean[] = [];
  setDropProbability(p: number): void {
    this.drop.push(p);
  }
  setPinging(on: boolean): void {
    this.pinging.push(on);
  }
  close(): void {
    this.closed = true;
    this.emit('closed', 'local-stop');
  }
}

const pairs: SocketPair[] = [];
afterEach(async () => {
  await Promise.all(pairs.splice(0).map((p) => p.close()));
});
async function pair(): Promise<SocketPair> {
  const p = await socketPair();
  pairs.push(p);
  return p;
}

describe('PeerFaults state', () => {
  it('normalizes: drops undefined/false entries and returns a plain copy', () => {
    const pf = new PeerFaults({
      freeze: false,
      stopPinging: true,
      latency: { ms: 10, jitterMs: undefined, direction: 'in' },
      slice: undefined,
    } as Faults);
    expect(pf.faults).toEqual({ stopPinging: true, latency: { ms: 10, direction: 'in' } });
    expect(Object.keys(pf.faults.latency!)).toEqual(['ms', 'direction']);
    const copy = pf.faults;
    copy.latency!.ms = 999;
    delete copy.stopPinging;
    expect(pf.faults).toEqual({ stopPinging: true, latency: { ms: 10, direction: 'in' } });
    expect(pf.active).toBe(true);
    expect(new PeerFaults().faults).toEqual({});
    expect(new PeerFaults({ freeze: false }).active).toBe(false);
  });

  it('set() replaces the whole set; clear() empties it', () => {
    const pf = new PeerFaults();
    const input: Faults = { latency: { ms: 50 }, freeze: true };
    pf.set(input);
    input.latency!.ms = 1; // caller's object is not aliased
    expect(pf.faults).toEqual({ latency: { ms: 50 }, freeze: true });
    pf.set({ slice: { maxBytes: 10 } });
    expect(pf.faults).toEqual({ slice: { maxBytes: 10 } });
    pf.clear();
    expect(pf.faults).toEqual({});
    expect(pf.active).toBe(false);
  });
});

describe('PeerFaults sessions', () => {
  it('forwards dropHeartbeats and stopPinging now and on every set/clear', () => {
    const pf = new PeerFaults({ dropHeartbeats: { probability: 0.2 } });
    const s = new FakeSession();
    pf.attachSession(s);
    expect(s.drop).toEqual([0.2]);
    expect(s.pinging).toEqual([true]);
    pf.set({ stopPinging: true });
    expect(s.drop.at(-1)).toBe(0);
    expect(s.pinging.at(-1)).toBe(false);
    pf.set({ dropHeartbeats: { probability: 1 }, stopPinging: true });
    expect(s.drop.at(-1)).toBe(1);
    expect(s.pinging.at(-1)).toBe(false);
    pf.clear();
    expect(s.drop.at(-1)).toBe(0);
    expect(s.pinging.at(-1)).toBe(true);
  });

  it('a session attached after a reconnect gets the current values; closed ones are forgotten', () => {
    const pf = new PeerFaults();
    const first = new FakeSession();
    pf.attachSession(first);
    pf.set({ dropHeartbeats: { probability: 0.5 }, stopPinging: true });
    first.close();
    const second = new FakeSession();
    pf.attachSession(second);
    expect(second.drop).toEqual([0.5]);
    expect(second.pinging).toEqual([false]);
    const firstCalls = first.drop.length;
    pf.clear();
    expect(first.drop.length).toBe(firstCalls); // no calls into a closed session
    expect(second.drop.at(-1)).toBe(0);
    // a structural session without events is also fine
    const plain = { setDropProbability: vi.fn(), setPinging: vi.fn() };
    pf.attachSession(plain);
    expect(plain.setDropProbability).toHaveBeenCalledWith(0);
    expect(plain.setPinging).toHaveBeenCalledWith(true);
    pf.detachSession(plain);
    pf.set({ stopPinging: true });
    expect(plain.setPinging).toHaveBeenCalledTimes(1);
  });
});

describe('PeerFaults pipes', () => {
  it('every new socket gets a FaultPipe on the current faults; set applies to all live pipes', async () => {
    const pf = new PeerFaults({ latency: { ms: 5 } });
    const p1 = await pair();
    const pipe1 = pf.pipeFactory(p1.a, () => {}) as FaultPipe;
    expect(pipe1).toBeInstanceOf(FaultPipe);
    expect(pipe1.faults).toEqual({ latency: { ms: 5 } });
    const p2 = await pair();
    const pipe2 = pf.pipeFactory(p2.a, () => {}) as FaultPipe;
    expect(pf.pipes.size).toBe(2);
    pf.set({ slice: { maxBytes: 3 } });
    expect(pipe1.faults).toEqual({ slice: { maxBytes: 3 } });
    expect(pipe2.faults).toEqual({ slice: { maxBytes: 3 } });
    // reconnect: the old pipe dies, the new socket's pipe starts with the current set
    pipe1.destroy();
    expect(pf.pipes.has(pipe1)).toBe(false);
    const p3 = await pair();
    const pipe3 = pf.pipeFactory(p3.a, () => {}) as FaultPipe;
    expect(pipe3.faults).toEqual({ slice: { maxBytes: 3 } });
    // a closed socket drops its pipe from the live set too
    p2.a.destroy();
    await waitFor(() => !pf.pipes.has(pipe2), 1000, 'pipe2 gone');
    expect([...pf.pipes]).toEqual([pipe3]);
    pf.clear();
    expect(pipe3.faults).toEqual({});
    expect(pipe1.faults).toEqual({ slice: { maxBytes: 3 } }); // destroyed pipes are left alone
  });

  it('freeze via PeerFaults holds both directions and clear() releases them in order', async () => {
    const pf = new PeerFaults();
    const p = await pair();
    const got = new Collector();
    const peer = new Collector();
    p.b.on('data', peer.push);
    const pipe = pf.pipeFactory(p.a, got.push);
    pipe.write(Buffer.from('a'));
    await waitFor(() => peer.bytes === 1, 1000, 'first byte');
    pf.set({ freeze: true });
    pipe.write(Buffer.from('bc'));
    p.b.write('xyz');
    await sleep(150);
    expect(peer.bytes).toBe(1);
    expect(got.bytes).toBe(0);
    pf.clear();
    await waitFor(() => peer.bytes === 3 && got.bytes === 3, 2000, 'released');
    expect(peer.data.toString()).toBe('abc');
    expect(got.data.toString()).toBe('xyz');
    pipe.destroy();
  });

  it('destroying the pipes leaves no timers behind', async () => {
    const baseline = activeTimeouts();
    const pf = new PeerFaults({ latency: { ms: 1000 }, bandwidth: { bytesPerSec: 100 } });
    const pipes: FaultPipe[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await pair();
      const pipe = pf.pipeFactory(p.a, () => {}) as FaultPipe;
      pipe.write(Buffer.alloc(1000));
      p.b.write(Buffer.alloc(1000));
      pipes.push(pipe);
    }
    await waitFor(() => pipes.every((p) => p.pendingTimers === 2), 1000, 'timers armed');
    expect(activeTimeouts()).toBeGreaterThanOrEqual(baseline + 6);
    for (const p of pipes) p.destroy();
    expect(pf.pipes.size).toBe(0);
    expect(activeTimeouts()).toBe(baseline);
  });
});
