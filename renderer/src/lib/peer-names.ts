// Peer id → name, as a selector whose result changes only when a name does: batches replace
// every PeerInfo (stats move), but the event log only needs names.
import type { PeerInfo } from '../../../shared/contract';

export type PeerNames = ReadonlyMap<string, string>;

/** A memoized selector: the same Map while the set of (id, name) pairs is unchanged. */
export function peerNamesSelector(): (s: { peers: Record<string, PeerInfo> }) => PeerNames {
  let lastPeers: Record<string, PeerInfo> | undefined;
  let last: Map<string, string> = new Map();
  return (s) => {
    if (s.peers === lastPeers) return last;
    lastPeers = s.peers;
    const ids = Object.keys(s.peers);
    let same = ids.length === last.size;
    if (same) for (const id of ids) if (last.get(id) !== s.peers[id].name) (same = false);
    if (!same) last = new Map(ids.map((id) => [id, s.peers[id].name] as const));
    return last;
  };
}
