// Feeds a transport into the store. Batches that arrive before the first snapshot (the
// Electron transport subscribes before it fetches) are held and replayed on top of it,
// except those whose events the snapshot already contains: those are older than it.
import type { Snapshot, UpdateBatch } from '../../../shared/contract';
import type { Transport } from '../transport/transport';
import type { AppStore } from './app-store';

const MAX_EARLY_BATCHES = 100;

export function connectStore(transport: Transport, store: AppStore): () => void {
  let early: UpdateBatch[] | null = [];
  const offSnapshot = transport.onSnapshot((snap: Snapshot) => {
    store.getState().applySnapshot(snap);
    if (early) {
      const newestSeq = snap.events.reduce((m, e) => Math.max(m, e.seq), -Infinity);
      for (const b of early) {
        const older = b.events.length > 0 && b.events.every((e) => e.seq <= newestSeq);
        if (!older) store.getState().applyBatch(b);
      }
      early = null;
    }
  });
  const offUpdate = transport.onUpdate((batch) => {
    if (early) {
      early.push(batch);
      if (early.length > MAX_EARLY_BATCHES) early.shift();
      return;
    }
    store.getState().applyBatch(batch);
  });
  const offConnection = transport.onConnection((info) => store.getState().setConnection(info));
  store.getState().setConnection(transport.connection);
  return () => {
    offSnapshot();
    offUpdate();
    offConnection();
  };
}
