import { afterEach, describe, expect, it } from 'vitest';
import type { PeerInfo, ServerInfo, UpdateBatch } from '../../../../shared/contract';
import { UpdateBatcher, type BatchSource } from '../../../../electron/core/monitor/batcher';

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function source(rate = { v: 0 }): BatchSource {
  return {
    peerInfo: (id) => ({ id, name: id }) as PeerInfo,
    serverInfo: (id) => (id === 'gone' ? undefined : ({ id }) as ServerInfo),
    health: () => ({ eventLoopLagMs: 1, heartbeatsPerSec: rate.v }),
  };
}

let batcher: UpdateBatcher | undefined;
afterEach(() => batcher?.dispose());

describe('UpdateBatcher', () => {
  it('coalesces changes into one batch and pushes nothing when idle', async () => {
    const out: UpdateBatch[] = [];
    batcher = new UpdateBatcher({ intervalMs: 40, source: source(), emit: (b) => out.push(b) });
    batcher.markPeer('p1');
    batcher.sample('p1', 1, 2.5);
    batcher.sample('p1', 2, 3.5);
    batcher.beat('p1', 'a');
    batcher.beat('p1', 'm');
    batcher.markServer('s1');
    batcher.event({ seq: 1, t: 1, type: 'peer-added', peer: 'p1' });
    await until(() => out.length === 1);
    const b = out[0];
    expect(b.seq).toBe(1);
    expect(b.peers.map((p) => p.id)).toEqual(['p1']);
    expect(b.samples).toEqual({ p1: [[1, 2.5], [2, 3.5]] });
    expect(b.beats).toEqual({ p1: 'am' });
    expect(b.servers.map((s) => s.id)).toEqual(['s1']);
    expect(b.events.map((e) => e.seq)).toEqual([1]);
    expect(b.health).toEqual({ eventLoopLagMs: 1, heartbeatsPerSec: 0 });
    await new Promise((r) => setTimeout(r, 120));
    expect(out.length).toBe(1);
    expect(batcher.pending).toBe(false);
  });

  it('flushes at most once per interval under constant change', async () => {
    const out: UpdateBatch[] = [];
    batcher = new UpdateBatcher({ intervalMs: 50, source: source(), emit: (b) => out.push(b) });
    const start = Date.now();
    const iv = setInterval(() => batcher!.sample('p1', Date.now(), 1), 2);
    await new Promise((r) => setTimeout(r, 520));
    clearInterval(iv);
    const elapsed = Date.now() - start;
    expect(out.length).toBeGreaterThanOrEqual(4);
    expect(out.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1);
    for (let i = 1; i < out.length; i++) expect(out[i].t - out[i - 1].t).toBeGreaterThanOrEqual(49);
    const total = out.reduce((n, b) => n + (b.samples.p1?.length ?? 0), 0);
    expect(total).toBeGreaterThan(20);
  });

  it('drops pending data of a removed peer and reports the removal', async () => {
    const out: UpdateBatch[] = [];
    batcher = new UpdateBatcher({ intervalMs: 20, source: source(), emit: (b) => out.push(b) });
    batcher.sample('p1', 1, 1);
    batcher.beat('p1', 'a');
    batcher.peerRemoved('p1');
    batcher.serverRemoved('s1');
    batcher.markServer('gone');
    await until(() => out.length === 1);
    expect(out[0].peers).toEqual([]);
    expect(out[0].samples).toEqual({});
    expect(out[0].beats).toEqual({});
    expect(out[0].removedPeers).toEqual(['p1']);
    expect(out[0].removedServers).toEqual(['s1']);
    expect(out[0].servers).toEqual([]);
  });

  it('bounds pending samples and beats per peer', () => {
    const out: UpdateBatch[] = [];
    batcher = new UpdateBatcher({ intervalMs: 10_000, source: source(), emit: (b) => out.push(b), maxPendingSamples: 5, maxPendingBeats: 3 });
    for (let i = 0; i < 100; i++) {
      batcher.sample('p1', i, i);
      batcher.beat('p1', i % 2 ? 'a' : 'm');
    }
    const b = batcher.flush()!;
    expect(b.samples.p1.map((s) => s[0])).toEqual([95, 96, 97, 98, 99]);
    expect(b.beats.p1).toBe('ama');
    expect(batcher.flush()).toBeNull();
  });

  it('pushes a health-only batch when the heartbeat rate drops to zero', async () => {
    const out: UpdateBatch[] = [];
    const rate = { v: 7 };
    batcher = new UpdateBatcher({ intervalMs: 10, healthTickMs: 30, source: source(rate), emit: (b) => out.push(b) });
    batcher.markPeer('p1');
    await until(() => out.length === 1);
    expect(out[0].health.heartbeatsPerSec).toBe(7);
    await new Promise((r) => setTimeout(r, 80));
    expect(out.length).toBe(1); // unchanged rate: nothing pushed
    rate.v = 0;
    await until(() => out.length === 2);
    expect(out[1].peers).toEqual([]);
    expect(out[1].health.heartbeatsPerSec).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(out.length).toBe(2); // zero rate: the timer stops
  });

  it('a change after a health tick is armed is not delayed by it', async () => {
    const out: UpdateBatch[] = [];
    batcher = new UpdateBatcher({ intervalMs: 20, healthTickMs: 5_000, source: source({ v: 3 }), emit: (b) => out.push(b) });
    batcher.markPeer('p1');
    await until(() => out.length === 1);
    const t0 = Date.now();
    batcher.markPeer('p2');
    await until(() => out.length === 2, 1000);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('dispose stops the timer', async () => {
    const out: UpdateBatch[] = [];
    batcher = new UpdateBatcher({ intervalMs: 10, source: source(), emit: (b) => out.push(b) });
    batcher.markPeer('p1');
    batcher.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(out).toEqual([]);
  });
});
