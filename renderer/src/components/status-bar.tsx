// Bottom status bar: peers up/down, heartbeats/s, main-process event-loop lag, transport.
import { useEffect, useState } from 'react';
import { useApp } from '../context';
import { LiveText, type LiveFigure } from './live-text';
import type { AppState } from '../state/app-store';
import type { ConnectionInfo } from '../transport/transport';

/** The engine's heartbeats per second and event-loop lag: drawn figures (LiveText) that follow the store on their own. */
const beatsFigure = (s: AppState): LiveFigure => ({ text: `${s.health ? s.health.heartbeatsPerSec.toFixed(1) : '–'} beats/s` });
const lagFigure = (s: AppState): LiveFigure => {
  const lag = s.health?.eventLoopLagMs;
  return { text: `loop lag ${lag !== undefined ? `${lag.toFixed(1)} ms` : '–'}`, warn: lag !== undefined && lag > 50 };
};

export function StatusBar() {
  const counts = useApp((s) => {
    let up = 0;
    for (const id of s.peerIds) if (s.peers[id]?.state === 'connected') up++;
    return `${up}/${s.peerIds.length - up}`;
  });
  const [up, down] = counts.split('/').map(Number);
  const connection = useApp((s) => s.connection);
  const kind = useApp((s) => s.transportKind);
  const servers = useApp((s) => s.servers.length);
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
          <LiveText read={beatsFigure} />
        </span>
        <span className="sb-item" title="main-process event-loop lag (drawn in the warning colour above 50 ms)">
          <LiveText read={lagFigure} />
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
