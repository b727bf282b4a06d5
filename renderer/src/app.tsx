// Layout and global keyboard shortcuts.
import { useEffect, useRef } from 'react';
import { useApp, useServices, useUi } from './context';
import { shortcutFor } from './lib/shortcuts';
import { usePeerActions } from './peer-actions';
import { uiStore } from './state/ui-store';
import { ChartPanel } from './components/chart-panel';
import { ConnectForm } from './components/connect-form';
import { EventLog } from './components/event-log';
import { PeerControls } from './components/peer-controls';
import { PeerTable } from './components/peer-table';
import { ServersPanel } from './components/servers-panel';
import { ShortcutsHelp } from './components/shortcuts-help';
import { StatusBar } from './components/status-bar';
import { Toasts } from './components/toasts';
import { filterPeers } from './lib/peer-filter';

export function App() {
  const filterRef = useRef<HTMLInputElement>(null);
  useShortcuts(filterRef);
  const dialog = useUi((s) => s.dialog);
  const connection = useApp((s) => s.connection);
  const kind = useApp((s) => s.transportKind);
  const everConnected = useApp((s) => s.hasSnapshot);
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg className="logo" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M2 12h5l2-5 3 10 2-7 2 2h6" />
          </svg>
          <h1>Heartwire</h1>
          <span className="muted small">TCP heartbeat lab</span>
        </div>
        <div className="spacer" />
        <button type="button" className="icon-btn text" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => uiStore.getState().openDialog('help')}>
          ?
        </button>
      </header>
      {connection.status === 'disconnected' && (
        <div className="banner" role="status">
          {!everConnected
            ? 'Cannot reach Heartwire — retrying…'
            : kind === 'browser'
              ? 'Lost the connection to Heartwire — reconnecting…'
              : 'Heartwire is not answering — retrying…'}
          {connection.detail ? ` (${connection.detail})` : ''}
        </div>
      )}
      <main className="main">
        <div className="col-left">
          <ChartPanel />
          <PeerTable filterRef={filterRef} />
          <EventLog />
        </div>
        <aside className="col-right">
          <PeerControls />
          <ServersPanel />
          <ConnectForm />
        </aside>
      </main>
      <StatusBar />
      <Toasts />
      {dialog === 'help' && <ShortcutsHelp onClose={() => uiStore.getState().openDialog(null)} />}
    </div>
  );
}

function useShortcuts(filterRef: React.RefObject<HTMLInputElement | null>) {
  const { store } = useServices();
  const actions = usePeerActions();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      if (!action) return;
      const ui = uiStore.getState();
      if (ui.dialog && action !== 'help') return;
      const s = store.getState();
      const peer = s.activePeer ? s.peers[s.activePeer] : undefined;
      e.preventDefault();
      switch (action) {
        case 'focusFilter':
          filterRef.current?.focus();
          filterRef.current?.select();
          break;
        case 'help':
          ui.openDialog(ui.dialog === 'help' ? null : 'help');
          break;
        case 'pauseChart':
          ui.setChartPaused(!ui.chartPaused);
          break;
        case 'killRst':
        case 'killFin':
          if (peer) void actions.kill(peer, action === 'killRst' ? 'rst' : 'fin');
          break;
        case 'freeze':
          if (peer) void actions.toggleFreeze(peer);
          break;
        case 'reconnect':
          if (peer) void actions.reconnect(peer);
          break;
        case 'throttle':
          if (peer) ui.openDialog('throttle');
          break;
        case 'nextPeer':
        case 'prevPeer': {
          // Move within what the table shows.
          const visible = filterPeers(
            s.peerIds.map((id) => s.peers[id]),
            ui.peerFilter,
            ui.stateFilter,
          );
          if (visible.length === 0) break;
          const i = visible.findIndex((p) => p.id === s.activePeer);
          const next = action === 'nextPeer' ? Math.min(visible.length - 1, i + 1) : Math.max(0, i - 1);
          s.setActive(visible[next].id);
          break;
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, actions, filterRef]);
}
