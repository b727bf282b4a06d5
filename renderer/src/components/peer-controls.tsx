// Fault controls for the active peer (the row last clicked). One set of buttons with
// stable accessible names: Kill (→ FIN / RST), Throttle, Freeze/Unfreeze, Drop heartbeats,
// Stop pinging/Resume pinging, Reconnect, Clear faults, Remove.
import { useEffect, useRef, useState } from 'react';
import type { KillMode, PeerInfo } from '../../../shared/contract';
import { useApp, useServices, useUi } from '../context';
import { SLOTS, useThrottledStore } from '../hooks/use-throttled';
import type { AppState } from '../state/app-store';
import { useNow } from '../hooks/use-now';
import { describeFaults, fmtClock, fmtDuration, hasFaults } from '../lib/format';
import { cachedCloseTimes, describeLastClose, lastCloseOf, type LastClose } from '../lib/last-close';
import { sameShownPeer } from '../lib/peer-figures';
import { usePeerActions } from '../peer-actions';
import { uiStore } from '../state/ui-store';
import { DropDialog } from './drop-dialog';
import { ThrottleDialog } from './throttle-dialog';

const selectActivePeer = (s: AppState) => (s.activePeer ? s.peers[s.activePeer] : undefined);
/** Another peer picked, or a change the buttons reflect (state, faults): show it at once.
 * (Faults by content: batches that cross IPC or JSON bring new objects every time.) */
function controlsUrgent(s: AppState, prev: AppState): boolean {
  const a = selectActivePeer(s);
  const b = selectActivePeer(prev);
  return !a || !b || a.id !== b.id || a.state !== b.state || JSON.stringify(a.faults) !== JSON.stringify(b.faults) || a.name !== b.name;
}

/** The panel shows no statistic but the connection's start (its uptime): new figures alone re-render nothing. */
function sameShownControls(a: PeerInfo | undefined, b: PeerInfo | undefined): boolean {
  return a === b || (!!a && !!b && sameShownPeer(a, b) && a.stats.connectedSince === b.stats.connectedSince);
}

export function PeerControls() {
  const { store } = useServices();
  // Batches replace the active PeerInfo ~10×/s for its stats; the panel looks at it twice a
  // second, with the table, and renders when something it shows changed.
  const peer = useThrottledStore(store, selectActivePeer, SLOTS.table, controlsUrgent, sameShownControls);
  const dialog = useUi((s) => s.dialog);
  const close = () => uiStore.getState().openDialog(null);

  if (!peer) {
    return (
      <section className="panel controls-panel" aria-label="Peer controls">
        <div className="panel-head">
          <h2>Peer controls</h2>
        </div>
        <p className="empty">No peer yet. Start a server or connect to one, then pick a row.</p>
      </section>
    );
  }
  return (
    <section className="panel controls-panel" aria-label="Peer controls">
      <PeerSummary peer={peer} />
      <ControlButtons peer={peer} />
      {dialog === 'throttle' && <ThrottleDialog peer={peer} onClose={close} />}
      {dialog === 'drop' && <DropDialog peer={peer} onClose={close} />}
    </section>
  );
}

function PeerSummary({ peer: p }: { peer: PeerInfo }) {
  const since = p.stats.connectedSince;
  const closeEvent = useApp((s) => cachedCloseTimes(s.events).get(p.id));
  const lastClose = lastCloseOf(p, closeEvent);
  return (
    <div className="peer-summary">
      <div className="panel-head">
        <h2 title={p.id}>{p.name}</h2>
        <span className={`state-badge state-${p.state}`}>
          <span className="dot" aria-hidden="true" />
          {p.state}
        </span>
        {p.closeReason && p.state !== 'connected' && <span className="reason">{p.closeReason}</span>}
      </div>
      <dl className="kv">
        <dt>Link</dt>
        <dd className="mono">
          {p.local || '–'} {p.direction === 'inbound' ? '←' : '→'} {p.remote || '–'}
        </dd>
        <dt>Heartbeat</dt>
        <dd>
          {p.protocol} · every {p.intervalMs} ms · timeout {p.timeoutMs} ms {p.timeoutMode}
        </dd>
        <dt>Up for</dt>
        <dd>{since ? <UpFor since={since} /> : '–'}</dd>
        <dt>Last close</dt>
        <dd className={lastClose ? undefined : 'muted'}>{lastClose ? <LastCloseText close={lastClose} /> : 'none'}</dd>
        <dt>Faults</dt>
        <dd className={hasFaults(p.faults) ? 'faulty' : 'muted'}>{describeFaults(p.faults) || 'none'}</dd>
      </dl>
    </div>
  );
}

function UpFor({ since }: { since: number }) {
  // The clock ticks once a second, so right after a reconnect it is older than `since`.
  const now = useNow(1000);
  return <>{fmtDuration(Math.max(now, since) - since)}</>;
}

function LastCloseText({ close }: { close: LastClose }) {
  const now = useNow(1000);
  return <span title={close.t === undefined ? undefined : fmtClock(close.t)}>{describeLastClose(close, Math.max(now, close.t ?? now))}</span>;
}

function ControlButtons({ peer }: { peer: PeerInfo }) {
  const actions = usePeerActions();
  const frozen = !!peer.faults.freeze;
  const silent = !!peer.faults.stopPinging;
  const outbound = peer.direction === 'outbound';
  return (
    <div className="control-buttons" role="group" aria-label={`Controls for ${peer.name}`}>
      <KillButton onKill={(mode) => void actions.kill(peer, mode)} />
      <button type="button" onClick={() => uiStore.getState().openDialog('throttle')} title="Latency, jitter and bandwidth (t)">
        Throttle
      </button>
      <button type="button" className={frozen ? 'on' : ''} onClick={() => void actions.toggleFreeze(peer)} title="Half-open: nothing read or written, socket stays open (f)">
        {frozen ? 'Unfreeze' : 'Freeze'}
      </button>
      <button type="button" className={peer.faults.dropHeartbeats ? 'on' : ''} onClick={() => uiStore.getState().openDialog('drop')} title="Drop received PINGs/PONGs with a probability">
        Drop heartbeats
      </button>
      <button type="button" className={silent ? 'on' : ''} onClick={() => void actions.toggleStopPinging(peer)} title="This side stops sending PINGs; the peer must notice">
        {silent ? 'Resume pinging' : 'Stop pinging'}
      </button>
      <button
        type="button"
        onClick={() => void actions.reconnect(peer)}
        disabled={!outbound}
        title={outbound ? 'Close now and reconnect without backoff (r)' : 'Only outbound peers reconnect'}
      >
        Reconnect
      </button>
      <button type="button" onClick={() => void actions.clearFaults(peer)} disabled={!hasFaults(peer.faults)} title="Remove every fault">
        Clear faults
      </button>
      <button type="button" className="danger-quiet" onClick={() => void actions.remove(peer)} title="Close and forget this peer">
        Remove
      </button>
    </div>
  );
}

function KillButton({ onKill }: { onKill(mode: KillMode): void }) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const firstRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    firstRef.current?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const pick = (mode: KillMode) => {
    setOpen(false);
    onKill(mode);
  };
  return (
    <div
      className="kill-wrap"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button type="button" className="danger" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} title="Close the connection now (k = RST)">
        Kill
      </button>
      {open && (
        <div className="kill-menu" role="group" aria-label="Kill mode">
          <button type="button" ref={firstRef} onClick={() => pick('fin')} title="Graceful close: FIN, the peer sees an orderly end">
            FIN
          </button>
          <button type="button" className="danger" onClick={() => pick('rst')} title="Abortive close: RST, the peer sees ECONNRESET">
            RST
          </button>
        </div>
      )}
    </div>
  );
}
