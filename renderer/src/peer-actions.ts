// Every control acting on a peer goes through here: it builds the full fault set (setFaults
// replaces it), runs the command, applies the returned PeerInfo at once and reports any
// failure in the toast area — nothing is swallowed.
import { useMemo } from 'react';
import type { CommandArgs, CommandName, CommandResult, Faults, KillMode, PeerInfo } from '../../shared/contract';
import { errorText } from './lib/form-checks';
import { applyThrottle, toggleFreeze, toggleStopPinging, withDropProbability, type ThrottleValues } from './lib/faults';
import { toCommandFailure } from './transport/to-failure';
import { useServices, type Services } from './context';

export interface PeerActions {
  kill(peer: PeerInfo, mode: KillMode): Promise<boolean>;
  setFaults(peer: PeerInfo, faults: Faults): Promise<boolean>;
  throttle(peer: PeerInfo, values: ThrottleValues): Promise<boolean>;
  toggleFreeze(peer: PeerInfo): Promise<boolean>;
  toggleStopPinging(peer: PeerInfo): Promise<boolean>;
  dropHeartbeats(peer: PeerInfo, probability: number): Promise<boolean>;
  reconnect(peer: PeerInfo): Promise<boolean>;
  clearFaults(peer: PeerInfo): Promise<boolean>;
  remove(peer: PeerInfo): Promise<boolean>;
}

export function makePeerActions({ transport, store }: Services): PeerActions {
  async function run<K extends CommandName>(what: string, name: K, args: CommandArgs<K>): Promise<CommandResult<K> | undefined> {
    try {
      return await transport.call(name, args);
    } catch (e) {
      const f = toCommandFailure(e);
      store.getState().pushToast(`${what} failed: ${errorText(f.field, f.message)}`);
      return undefined;
    }
  }
  // Always start from the freshest fault set, not the one a render captured.
  const current = (peer: PeerInfo): Faults => store.getState().peers[peer.id]?.faults ?? peer.faults;
  const setFaults = async (peer: PeerInfo, faults: Faults, what = 'Set faults'): Promise<boolean> => {
    const r = await run(`${what} on ${peer.name}`, 'setFaults', { id: peer.id, faults });
    if (r) store.getState().upsertPeer(r);
    return !!r;
  };
  return {
    async kill(peer, mode) {
      return !!(await run(`Kill ${mode.toUpperCase()} ${peer.name}`, 'kill', { id: peer.id, mode }));
    },
    setFaults: (peer, faults) => setFaults(peer, faults),
    throttle: (peer, values) => setFaults(peer, applyThrottle(current(peer), values), 'Throttle'),
    toggleFreeze: (peer) => setFaults(peer, toggleFreeze(current(peer)), current(peer).freeze ? 'Unfreeze' : 'Freeze'),
    toggleStopPinging: (peer) => setFaults(peer, toggleStopPinging(current(peer)), 'Stop pinging'),
    dropHeartbeats: (peer, p) => setFaults(peer, withDropProbability(current(peer), p), 'Drop heartbeats'),
    async reconnect(peer) {
      if (peer.direction !== 'outbound') {
        store.getState().pushToast(`Reconnect: ${peer.name} is an inbound peer; only outbound peers can reconnect`);
        return false;
      }
      return !!(await run(`Reconnect ${peer.name}`, 'reconnect', { id: peer.id }));
    },
    async clearFaults(peer) {
      const r = await run(`Clear faults on ${peer.name}`, 'clearFaults', { id: peer.id });
      if (r) store.getState().upsertPeer(r);
      return !!r;
    },
    async remove(peer) {
      const r = await run(`Remove ${peer.name}`, 'removePeer', { id: peer.id });
      if (r) store.getState().dropPeer(peer.id);
      return !!r;
    },
  };
}

export function usePeerActions(): PeerActions {
  const services = useServices();
  return useMemo(() => makePeerActions(services), [services]);
}
