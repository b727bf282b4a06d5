// Peer table filtering: free text over the identifying fields, plus a state group.
import type { PeerInfo } from '../../../shared/contract';
import type { StateFilter } from '../state/ui-store';

export function matchesState(p: PeerInfo, f: StateFilter): boolean {
  if (f === 'all') return true;
  if (f === 'up') return p.state === 'connected';
  if (f === 'down') return p.state !== 'connected';
  return p.state === f;
}

export function matchesText(p: PeerInfo, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  return [p.name, p.remote, p.local, p.id, p.state, p.direction, p.closeReason ?? ''].some((s) => s.toLowerCase().includes(q));
}

export function filterPeers(peers: readonly PeerInfo[], text: string, state: StateFilter): PeerInfo[] {
  return peers.filter((p) => matchesState(p, state) && matchesText(p, text));
}
