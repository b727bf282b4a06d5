// The UI state (zustand, vanilla so it is testable in node). One UpdateBatch = one set():
// peers replaced by id, removed ones dropped, servers merged, events prepended and bounded.
// RTT samples and beats go to the SeriesStore; only a version counter lands here.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppConfig, LogEvent, PeerInfo, ServerInfo, Snapshot, UpdateBatch } from '../../../shared/contract';
import type { ConnectionInfo, TransportKind } from '../transport/transport';
import { SeriesStore } from './series-store';

export const DEFAULT_EVENT_LIMIT = 1000;
const MAX_EVENT_LIMIT = 10_000;
/** How many peers the chart shows before the user picks any. */
export const DEFAULT_CHART_PEERS = 3;
const MAX_TOASTS = 5;

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

export type Health = UpdateBatch['health'];

export interface AppState {
  transportKind: TransportKind;
  connection: ConnectionInfo;
  hasSnapshot: boolean;
  config: AppConfig | null;
  /** peer ids in arrival order */
  peerIds: string[];
  peers: Record<string, PeerInfo>;
  servers: ServerInfo[];
  /** newest first, at most eventLimit */
  events: LogEvent[];
  eventLimit: number;
  health: Health | null;
  lastBatchSeq: number;
  /** bumped whenever the SeriesStore changed: the chart and strips redraw on it */
  seriesVersion: number;
  /** peers drawn in the chart */
  selected: string[];
  /** false until the user picks peers: until then the first few are charted */
  selectionTouched: boolean;
  /** the peer the control bar and shortcuts act on */
  activePeer: string | null;
  toasts: Toast[];

  applySnapshot(snapshot: Snapshot): void;
  applyBatch(batch: UpdateBatch): void;
  setConnection(info: ConnectionInfo): void;
  toggleSelected(id: string): void;
  setSelected(ids: string[]): void;
  setActive(id: string | null): void;
  /** A command's fresh PeerInfo, applied before the next batch brings it. */
  upsertPeer(peer: PeerInfo): void;
  upsertServer(server: ServerInfo): void;
  dropPeer(id: string): void;
  dropServer(id: string): void;
  pushToast(message: string, kind?: Toast['kind']): number;
  dismissToast(id: number): void;
}

export type AppStore = StoreApi<AppState>;

function eventLimitOf(config: AppConfig | null | undefined): number {
  const n = config?.eventLogSize;
  return typeof n === 'number' && n > 0 ? Math.min(n, MAX_EVENT_LIMIT) : DEFAULT_EVENT_LIMIT;
}

function defaultSelection(peerIds: string[]): string[] {
  return peerIds.slice(0, DEFAULT_CHART_PEERS);
}

function keepActive(active: string | null, peers: Record<string, PeerInfo>, peerIds: string[]): string | null {
  if (active && peers[active]) return active;
  return peerIds[0] ?? null;
}

export function createAppStore(series: SeriesStore, transportKind: TransportKind = 'browser'): AppStore {
  let toastSeq = 0;
  return createStore<AppState>()((set, get) => ({
    transportKind,
    connection: { status: 'connecting' },
    hasSnapshot: false,
    config: null,
    peerIds: [],
    peers: {},
    servers: [],
    events: [],
    eventLimit: DEFAULT_EVENT_LIMIT,
    health: null,
    lastBatchSeq: 0,
    seriesVersion: 0,
    selected: [],
    selectionTouched: false,
    activePeer: null,
    toasts: [],

    applySnapshot(snapshot) {
      const peers: Record<string, PeerInfo> = {};
      const peerIds: string[] = [];
      for (const p of snapshot.peers) {
        if (!peers[p.id]) peerIds.push(p.id);
        peers[p.id] = p;
      }
      series.reset(snapshot.samples ?? {}, peerIds, snapshot.config?.historyPerPeer);
      const limit = eventLimitOf(snapshot.config);
      const events = [...snapshot.events].sort((a, b) => b.seq - a.seq).slice(0, limit);
      const s = get();
      const selected = s.selectionTouched ? s.selected.filter((id) => peers[id]) : defaultSelection(peerIds);
      set({
        hasSnapshot: true,
        config: snapshot.config ?? null,
        peers,
        peerIds,
        servers: [...snapshot.servers],
        events,
        eventLimit: limit,
        selected,
        activePeer: keepActive(s.activePeer, peers, peerIds),
        seriesVersion: s.seriesVersion + 1,
      });
    },

    applyBatch(batch) {
      const s = get();
      // Per-beat data first, outside React state.
      let seriesChanged = false;
      for (const id of batch.removedPeers) {
        series.remove(id);
        seriesChanged = true;
      }
      // for…in, not Object.entries: a batch holds every changed peer, ten times a second.
      const samples = batch.samples ?? {};
      for (const id in samples) {
        if (samples[id].length) {
          series.appendSamples(id, samples[id]);
          seriesChanged = true;
        }
      }
      const beats = batch.beats ?? {};
      for (const id in beats) {
        if (beats[id]) {
          series.appendBeats(id, beats[id]);
          seriesChanged = true;
        }
      }

      let peers = s.peers;
      let peerIds = s.peerIds;
      if (batch.peers.length || batch.removedPeers.length) {
        peers = { ...s.peers };
        let ids = s.peerIds;
        for (const p of batch.peers) {
          if (!peers[p.id]) ids = ids === s.peerIds ? [...ids, p.id] : (ids.push(p.id), ids);
          peers[p.id] = p;
        }
        if (batch.removedPeers.length) {
          const gone = new Set(batch.removedPeers);
          for (const id of gone) delete peers[id];
          ids = ids.filter((id) => !gone.has(id));
        }
        peerIds = ids;
      }

      let servers = s.servers;
      if (batch.servers.length || batch.removedServers.length) {
        const gone = new Set(batch.removedServers);
        const byId = new Map(s.servers.filter((sv) => !gone.has(sv.id)).map((sv) => [sv.id, sv] as const));
        for (const sv of batch.servers) byId.set(sv.id, sv);
        servers = [...byId.values()];
      }

      let events = s.events;
      if (batch.events.length) {
        // Event seqs only grow: anything not newer than what we hold is a replay.
        const newest = s.events.length ? s.events[0].seq : -Infinity;
        const fresh = batch.events.filter((e) => e.seq > newest).sort((a, b) => b.seq - a.seq);
        if (fresh.length) {
          events = fresh.concat(s.events);
          if (events.length > s.eventLimit) events.length = s.eventLimit;
        }
      }

      let selected = s.selected;
      if (peerIds !== s.peerIds) {
        selected = s.selectionTouched ? s.selected.filter((id) => peers[id]) : defaultSelection(peerIds);
        if (sameList(selected, s.selected)) selected = s.selected;
      }

      set({
        peers,
        peerIds,
        servers,
        events,
        selected,
        activePeer: keepActive(s.activePeer, peers, peerIds),
        health: batch.health ?? s.health,
        lastBatchSeq: batch.seq,
        seriesVersion: seriesChanged ? s.seriesVersion + 1 : s.seriesVersion,
      });
    },

    setConnection(info) {
      set({ connection: info });
    },

    toggleSelected(id) {
      const s = get();
      const selected = s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id];
      set({ selected, selectionTouched: true });
    },

    setSelected(ids) {
      const peers = get().peers;
      set({ selected: ids.filter((id) => peers[id]), selectionTouched: true });
    },

    setActive(id) {
      set({ activePeer: id });
    },

    upsertPeer(peer) {
      get().applyBatch(localBatch(get(), { peers: [peer] }));
    },

    upsertServer(server) {
      get().applyBatch(localBatch(get(), { servers: [server] }));
    },

    dropPeer(id) {
      if (get().peers[id]) get().applyBatch(localBatch(get(), { removedPeers: [id] }));
    },

    dropServer(id) {
      get().applyBatch(localBatch(get(), { removedServers: [id] }));
    },

    pushToast(message, kind = 'error') {
      const id = ++toastSeq;
      const toasts = [...get().toasts, { id, kind, message }].slice(-MAX_TOASTS);
      set({ toasts });
      return id;
    },

    dismissToast(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
  }));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A batch made on the client (command results): same code path, no series or health. */
function localBatch(s: AppState, part: Partial<UpdateBatch>): UpdateBatch {
  return {
    seq: s.lastBatchSeq,
    t: Date.now(),
    peers: [],
    removedPeers: [],
    servers: [],
    removedServers: [],
    samples: {},
    beats: {},
    events: [],
    // keeps the current health (possibly none yet)
    health: s.health as Health,
    ...part,
  };
}
