// Bottom status bar: peers up/down, heartbeats/s, main-process event-loop lag, transport.
import { useEffect, useState } from 'react';
import { useApp, useServices } from '../context';
import { SLOTS, useThrottledStore } from '../hooks/use-throttled';
import { LiveText } from './live-text';
import type { AppState } from '../state/app-store';
import type { ConnectionInfo } from '../transport/transport';

const selectHealth = (s: AppState) => s.health;

export function StatusBar() {
  const counts = useApp((s) => {
    let up = 0;
    for (const id of s.peerIds) if (s.peers[id]?.state === 'connected') up++;
    return `${up}/${s.peerIds.length - up}`;
  });
  const [up, down] = counts.split('/').map(Number);
  // Every batch carries new health figures; shown twice a second, with the log: the
  // table's refresh is the heaviest, the log's (drawn on a canvas) among the lightest.
  const health = useThrottledStore(useServices().store, selectHealth, SLOTS.log);
  const connection = useApp((s) => s.connection);
  const kind = useApp((s) => s.transportKind);
  const servers = useApp((s) => s.servers.length);
  const lag = health?.eventLoopLagMs;
  return (
    <footer className="status-bar" aria-label="Status bar">
      {/* Absolutely placed in the grid item: a relayout boundary for the live numbers. */}
      <div className="sb-row">
        <span className="sb-item" title="peers connected / not connected">
          <span className="dot ok" aria-hidden="true" /> {up} up
        </span>
        <span className="sb-item">
          <span className={`dot ${down > 0 ? 'bad' : 'off'}`} aria-hidden="true" /> {down} down
        </span>
        <span className="sb-item">{servers} server{servers === 1 ? '' : 's'}</span>
        <span className="sb-item" title="heartbeats (pings + pongs) handled per second">
          <LiveText text={`${health ? health.heartbeatsPerSec.toFixed(1) : '–'} beats/s`} />
        </span>
        <span className={`sb-item${lag !== undefined && lag > 50 ? ' warn' : ''}`} title="main-process event-loop lag">
          <LiveText text={`loop lag ${lag !== undefined ? `${lag.toFixed(1)} ms` : '–'}`} />
        </span>
        <span className="spacer" />
        <ConnectionBadge info={connection} kind={kind} />
      </div>
    </footer>
  );
}

export function connectionText(info: ConnectionInfo, now: number): string {
  if (info.status === 'connected') return 'connected';
  if (info.status === 'connecting') return 'connecting…';
  const retry = info.retryAt ? ` · retry in ${Math.max(0, Math.ceil((info.retryAt - now) / 1000))} s` : '';
  return `disconnected${info.detail ? ` (${info.detail})` : ''}${retry}`;
}

function ConnectionBadge({ info, kind }: { info: ConnectionInfo; kind: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (info.status !== 'disconnected') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [info]);
  return (
    <span className={`sb-item conn conn-${info.status}`} data-testid="connection-status" title={`transport: ${kind}`}>
      <span className={`dot ${info.status === 'connected' ? 'ok' : info.status === 'connecting' ? 'warn' : 'bad'}`} aria-hidden="true" />
      {kind === 'electron' ? 'IPC' : 'WebSocket'} {connectionText(info, now)}
    </span>
  );
}
