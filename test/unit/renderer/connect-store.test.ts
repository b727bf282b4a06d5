import { describe, expect, it } from 'vitest';
import type { Snapshot, UpdateBatch } from '../../../shared/contract';
import { createAppStore } from '../../../renderer/src/state/app-store';
import { connectStore } from '../../../renderer/src/state/connect-store';
import { SeriesStore } from '../../../renderer/src/state/series-store';
import { Listeners, type ConnectionInfo, type Transport } from '../../../renderer/src/transport/transport';
import { batch, event, peer, snapshot } from '../../helpers/contract-fixtures';

function fakeTransport() {
  const updates = new Listeners<UpdateBatch>();
  const snaps = new Listeners<Snapshot>();
  const conns = new Listeners<ConnectionInfo>();
  const t = {
    kind: 'electron',
    connection: { status: 'connecting' },
    call: async () => {
      throw new Error('unused');
    },
    onUpdate: (l: (b: UpdateBatch) => void) => updates.add(l),
    onSnapshot: (l: (s: Snapshot) => void) => snaps.add(l),
    onConnection: (l: (c: ConnectionInfo) => void) => conns.add(l),
    getSnapshot: async () => snapshot(),
    start() {},
    close() {},
  } as unknown as Transport;
  return { t, updates, snaps, conns };
}

describe('connectStore', () => {
  it('holds batches until the first snapshot, then replays only the newer ones', () => {
    const { t, updates, snaps, conns } = fakeTransport();
    const store = createAppStore(new SeriesStore(10), 'electron');
    connectStore(t, store);
    // older than the snapshot: its event (seq 1) is already in the snapshot
    updates.emit(batch(1, { peers: [peer('a', { state: 'connected' })], events: [event(1, { peer: 'a' })] }));
    // newer: carries event seq 3
    updates.emit(batch(2, { peers: [peer('b', { state: 'closed' })], events: [event(3, { peer: 'b', type: 'closed' })] }));
    expect(store.getState().peerIds).toEqual([]);
    snaps.emit(snapshot({ peers: [peer('a', { state: 'closed' }), peer('b')], events: [event(1), event(2)] }));
    const s = store.getState();
    expect(s.peers.a.state).toBe('closed'); // not reverted by the stale batch
    expect(s.peers.b.state).toBe('closed'); // newer batch applied
    expect(s.events.map((e) => e.seq)).toEqual([3, 2, 1]);
    // afterwards batches apply directly
    updates.emit(batch(3, { removedPeers: ['a'] }));
    expect(store.getState().peerIds).toEqual(['b']);
    conns.emit({ status: 'connected' });
    expect(store.getState().connection.status).toBe('connected');
  });
});
