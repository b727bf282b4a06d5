import { describe, expect, it } from 'vitest';
import { createAppStore, DEFAULT_CHART_PEERS } from '../../../renderer/src/state/app-store';
import { SeriesStore } from '../../../renderer/src/state/series-store';
import { batch, event, peer, server, snapshot } from '../../helpers/contract-fixtures';

function setup(eventLogSize = 1000) {
  const series = new SeriesStore(100);
  const store = createAppStore(series, 'browser');
  store.getState().applySnapshot(snapshot({ config: { historyPerPeer: 100, eventLogSize } }));
  let sets = 0;
  store.subscribe(() => sets++);
  return { series, store, sets: () => sets };
}

describe('app store', () => {
  it('applies one batch in exactly one store update', () => {
    const { store, sets } = setup();
    store.getState().applyBatch(
      batch(1, {
        peers: [peer('a'), peer('b')],
        servers: [server('s1')],
        samples: { a: [[1, 2], [2, 3]], b: [[1, 5]] },
        beats: { a: 'aal', b: 'm' },
        events: [event(1), event(2)],
      }),
    );
    expect(sets()).toBe(1);
    const s = store.getState();
    expect(s.peerIds).toEqual(['a', 'b']);
    expect(s.servers.map((x) => x.id)).toEqual(['s1']);
    expect(s.lastBatchSeq).toBe(1);
    expect(s.health).toEqual({ eventLoopLagMs: 1, heartbeatsPerSec: 2 });
  });

  it('replaces peers by id, keeps unchanged peer objects, drops removed ones', () => {
    const { store, series } = setup();
    store.getState().applyBatch(batch(1, { peers: [peer('a'), peer('b'), peer('c')], samples: { b: [[1, 1]] } }));
    const before = store.getState().peers;
    const updatedA = peer('a', { state: 'closed', closeReason: 'peer-reset' });
    store.getState().applyBatch(batch(2, { peers: [updatedA], removedPeers: ['b'] }));
    const s = store.getState();
    expect(s.peers.a).toBe(updatedA);
    expect(s.peers.c).toBe(before.c); // untouched row keeps its identity (memoized rows skip)
    expect(s.peers.b).toBeUndefined();
    expect(s.peerIds).toEqual(['a', 'c']);
    expect(series.ring('b')).toBeUndefined();
  });

  it('prepends events newest first and bounds them to the configured size', () => {
    const { store } = setup(5);
    store.getState().applyBatch(batch(1, { events: [event(1), event(2), event(3)] }));
    store.getState().applyBatch(batch(2, { events: [event(4), event(5), event(6), event(7)] }));
    const seqs = store.getState().events.map((e) => e.seq);
    expect(seqs).toEqual([7, 6, 5, 4, 3]);
    for (let i = 3; i < 50; i++) store.getState().applyBatch(batch(i, { events: [event(100 + i)] }));
    expect(store.getState().events).toHaveLength(5);
    expect(store.getState().events[0].seq).toBe(149);
  });

  it('puts samples and beats in the series store and only bumps a version in state', () => {
    const { store, series } = setup();
    const v0 = store.getState().seriesVersion;
    store.getState().applyBatch(batch(1, { peers: [peer('a')], samples: { a: [[10, 1.5], [20, 2.5]] }, beats: { a: 'alm' } }));
    expect(store.getState().seriesVersion).toBe(v0 + 1);
    expect(series.ring('a')?.toSamples()).toEqual([[10, 1.5], [20, 2.5]]);
    expect(series.beatRing('a')?.toString()).toBe('alm');
    // a batch without per-beat data does not trigger a chart redraw
    store.getState().applyBatch(batch(2, { peers: [peer('a', { name: 'renamed' })] }));
    expect(store.getState().seriesVersion).toBe(v0 + 1);
    expect(JSON.stringify(store.getState())).not.toContain('1.5');
  });

  it('charts the first peers by default until the user picks', () => {
    const { store } = setup();
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
    store.getState().applyBatch(batch(1, { peers: ids.map((id) => peer(id)) }));
    expect(store.getState().selected).toEqual(ids.slice(0, DEFAULT_CHART_PEERS));
    expect(store.getState().activePeer).toBe('p1');
    store.getState().toggleSelected('p5');
    store.getState().toggleSelected('p1');
    expect(store.getState().selected).toEqual(['p2', 'p3', 'p5']);
    store.getState().applyBatch(batch(2, { peers: [peer('p6')], removedPeers: ['p2'] }));
    expect(store.getState().selected).toEqual(['p3', 'p5']);
  });

  it('merges and removes servers', () => {
    const { store } = setup();
    store.getState().applyBatch(batch(1, { servers: [server('s1'), server('s2', { port: 7071 })] }));
    store.getState().applyBatch(batch(2, { servers: [server('s1', { connections: 3 })], removedServers: ['s2'] }));
    expect(store.getState().servers).toEqual([server('s1', { connections: 3 })]);
  });

  it('a snapshot replaces everything, including the sample history', () => {
    const { store, series } = setup();
    store.getState().applyBatch(batch(1, { peers: [peer('old')], samples: { old: [[1, 1]] }, events: [event(1)] }));
    store.getState().applySnapshot(
      snapshot({ peers: [peer('n1'), peer('n2')], servers: [server('s9')], samples: { n1: [[5, 7]] }, events: [event(3), event(9), event(4)] }),
    );
    const s = store.getState();
    expect(s.peerIds).toEqual(['n1', 'n2']);
    expect(s.peers.old).toBeUndefined();
    expect(s.events.map((e) => e.seq)).toEqual([9, 4, 3]);
    expect(series.ring('old')).toBeUndefined();
    expect(series.ring('n1')?.toSamples()).toEqual([[5, 7]]);
    expect(s.activePeer).toBe('n1');
  });

  it('applies command results (upsert/drop) and bounds toasts', () => {
    const { store } = setup();
    store.getState().upsertPeer(peer('x', { faults: { freeze: true } }));
    expect(store.getState().peers.x.faults.freeze).toBe(true);
    store.getState().dropPeer('x');
    expect(store.getState().peers.x).toBeUndefined();
    for (let i = 0; i < 9; i++) store.getState().pushToast(`e${i}`);
    expect(store.getState().toasts.map((t) => t.message)).toEqual(['e4', 'e5', 'e6', 'e7', 'e8']);
    store.getState().dismissToast(store.getState().toasts[0].id);
    expect(store.getState().toasts).toHaveLength(4);
  });
});

describe('app store replays', () => {
  it('ignores events it already holds (replayed after a snapshot or reconnect)', () => {
    const store = createAppStore(new SeriesStore(10));
    store.getState().applySnapshot(snapshot({ events: [event(1), event(2)] }));
    store.getState().applyBatch(batch(1, { events: [event(2), event(3)] }));
    expect(store.getState().events.map((e) => e.seq)).toEqual([3, 2, 1]);
  });
});
