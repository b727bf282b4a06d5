// Event log: newest first, typed reasons ("closed — peer-reset"), text filter, pause, and
// session export (exportSession → JSON / CSV download).
import { memo, useMemo, useState } from 'react';
import type { LogEvent, PeerInfo } from '../../../shared/contract';
import { useApp, useServices } from '../context';
import { exportFileName, sessionToCsv } from '../lib/csv';
import { downloadText } from '../lib/download';
import { describeEventDetail, fmtClock } from '../lib/format';
import { errorText } from '../lib/form-checks';
import { toCommandFailure } from '../transport/to-failure';

const MAX_ROWS = 500;

export function EventLog() {
  const { transport, store } = useServices();
  const live = useApp((s) => s.events);
  const peers = useApp((s) => s.peers);
  const [frozen, setFrozen] = useState<LogEvent[] | null>(null);
  const [filter, setFilter] = useState('');
  const [exporting, setExporting] = useState(false);

  const events = frozen ?? live;
  const newSincePause = frozen ? countNewer(live, frozen[0]?.seq ?? -1) : 0;

  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const out: LogEvent[] = [];
    for (const e of events) {
      if (q && !eventText(e, peers).toLowerCase().includes(q)) continue;
      out.push(e);
      if (out.length >= MAX_ROWS) break;
    }
    return out;
  }, [events, filter, peers]);

  const doExport = async (kind: 'json' | 'csv') => {
    setExporting(true);
    try {
      const session = await transport.call('exportSession', {});
      if (kind === 'json') downloadText(exportFileName('json'), 'application/json', JSON.stringify(session, null, 2));
      else downloadText(exportFileName('csv'), 'text/csv;charset=utf-8', sessionToCsv(session));
    } catch (e) {
      const f = toCommandFailure(e);
      store.getState().pushToast(`Export failed: ${errorText(f.field, f.message)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="panel log-panel" aria-labelledby="log-title">
      <div className="panel-head">
        <h2 id="log-title">Event log</h2>
        {frozen && <span className="pill warn">paused{newSincePause ? ` · ${newSincePause} new` : ''}</span>}
        <div className="spacer" />
        <div className="log-filter">
          <input type="search" aria-label="Filter events" placeholder="Filter events (type, peer, reason…)" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        <button type="button" className="small-btn" onClick={() => setFrozen(frozen ? null : live)}>
          {frozen ? 'Resume log' : 'Pause log'}
        </button>
        <button type="button" className="small-btn" disabled={exporting} onClick={() => void doExport('json')} title="Download peers, samples and events as JSON">
          Export JSON
        </button>
        <button type="button" className="small-btn" disabled={exporting} onClick={() => void doExport('csv')} title="Download samples and events as CSV">
          Export CSV
        </button>
      </div>
      <ol className="event-list" aria-label="Events, newest first">
        {rows.map((e) => (
          <EventRow key={e.seq} event={e} peerName={e.peer ? (peers[e.peer]?.name ?? e.peer) : undefined} />
        ))}
      </ol>
      {rows.length === 0 && <p className="empty">{events.length === 0 ? 'No events yet.' : 'No event matches the filter.'}</p>}
    </section>
  );
}

function countNewer(list: readonly LogEvent[], seq: number): number {
  let n = 0;
  for (const e of list) {
    if (e.seq <= seq) break;
    n++;
  }
  return n;
}

function eventText(e: LogEvent, peers: Record<string, PeerInfo>): string {
  const who = e.peer ? (peers[e.peer]?.name ?? e.peer) : (e.server ?? '');
  return `${who} ${e.peer ?? ''} ${e.type} ${describeEventDetail(e)}`;
}

const EventRow = memo(function EventRow({ event: e, peerName }: { event: LogEvent; peerName?: string }) {
  const detail = describeEventDetail(e);
  return (
    <li className={`event ev-${e.type}`}>
      <time className="mono muted" dateTime={new Date(e.t).toISOString()}>
        {fmtClock(e.t)}
      </time>
      <span className="ev-who" title={e.peer ?? e.server}>
        {peerName ?? e.server ?? ''}
      </span>
      <span className="ev-what">
        <span className="ev-type">{e.type}</span>
        {detail && <span className="ev-detail"> — {detail}</span>}
      </span>
    </li>
  );
});
