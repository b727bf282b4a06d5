// Merges consecutive update batches into one, for WebSocket clients that fell behind. The
// result means the same as applying both in order, with history bounded so a client
// that never catches up cannot make the server buffer without limit.
import type { UpdateBatch } from '../../../shared/contract';

export const MERGE_LIMITS = { samplesPerPeer: 2000, beatsPerPeer: 2000, events: 2000 };

export function mergeBatches(a: UpdateBatch, b: UpdateBatch): UpdateBatch {
  const removedPeers = new Set([...a.removedPeers, ...b.removedPeers]);
  const removedServers = new Set([...a.removedServers, ...b.removedServers]);
  const peers = replaceById(a.peers, b.peers, b.removedPeers);
  const servers = replaceById(a.servers, b.servers, b.removedServers);
  // An id present again after removal (not expected; ids are unique) counts as present.
  for (const p of peers) removedPeers.delete(p.id);
  for (const s of servers) removedServers.delete(s.id);

  const samples: UpdateBatch['samples'] = {};
  for (const src of [a.samples, b.samples]) {
    for (const [id, list] of Object.entries(src)) samples[id] = (samples[id] ?? []).concat(list);
  }
  const beats: UpdateBatch['beats'] = {};
  for (const src of [a.beats, b.beats]) {
    for (const [id, s] of Object.entries(src)) beats[id] = (beats[id] ?? '') + s;
  }
  for (const id of removedPeers) {
    delete samples[id];
    delete beats[id];
  }
  for (const id of Object.keys(samples)) {
    if (samples[id].length > MERGE_LIMITS.samplesPerPeer) samples[id] = samples[id].slice(-MERGE_LIMITS.samplesPerPeer);
  }
  for (const id of Object.keys(beats)) {
    if (beats[id].length > MERGE_LIMITS.beatsPerPeer) beats[id] = beats[id].slice(-MERGE_LIMITS.beatsPerPeer);
  }
  const events = a.events.concat(b.events).slice(-MERGE_LIMITS.events);

  return {
    seq: b.seq,
    t: b.t,
    peers,
    removedPeers: [...removedPeers],
    servers,
    removedServers: [...removedServers],
    samples,
    beats,
    events,
    health: b.health,
  };
}

function replaceById<T extends { id: string }>(older: T[], newer: T[], removed: string[]): T[] {
  const byId = new Map<string, T>();
  for (const x of older) byId.set(x.id, x);
  for (const id of removed) byId.delete(id);
  for (const x of newer) byId.set(x.id, x);
  return [...byId.values()];
}
