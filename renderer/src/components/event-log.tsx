// Event log: newest first, typed reasons ("closed — peer-reset"), text filter, pause, and
// session export (exportSession → JSON / CSV download). Live, the rows' text is drawn on a
// canvas (log-canvas.tsx says why); paused, it is DOM text to select and copy.
// Windowed: rows have one fixed height and only those in view (plus a few) are in the DOM,
// after a top padding standing in for the rows above, so a refresh that prepends events
// renders the ~20 rows around the view, not the whole log. The list shows new events twice
// a second, in its own slot of the refresh grid (hooks/use-throttled SLOTS).
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LogEvent } from '../../../shared/contract';
import { useApp, useServices } from '../context';
import { useRowWindow } from '../hooks/use-row-window';
import { SLOTS, useThrottledStore } from '../hooks/use-throttled';
import { exportFileName, sessionToCsv } from '../lib/csv';
import { downloadText } from '../lib/download';
import { describeEventDetail, fmtClock } from '../lib/format';
import { canvasMeasure, fitEnd, fitMiddle, type Measure } from '../lib/fit-text';
import { LogCanvas, type LogColumns, type LogLineView, type LogLines } from './log-canvas';
import { errorText } from '../lib/form-checks';
import { peerNamesSelector, type PeerNames } from '../lib/peer-names';
import { toCommandFailure } from '../transport/to-failure';
import type { AppState } from '../state/app-store';

/** px; matches `.event` in app.css */
export const EVENT_ROW_H = 20;
/** px: a row's columns (app.css `.event`: padding, grid columns, gap) */
const COLUMNS: LogColumns = { padX: 10, time: 92, who: 130, gap: 6 };
const OVERSCAN = 2;
const selectEvents = (s: AppState) => s.events;

export function EventLog() {
  const { transport, store } = useServices();
  const [frozen, setFrozen] = useState<LogEvent[] | null>(null);
  const [filter, setFilter] = useState('');
  // Live and unfiltered, new events that leave the number of rows as it is need no render:
  // LogCanvas draws them (linesNow below). Paused or filtered, the list renders them.
  const plain = !frozen && !filter.trim();
  const live = useThrottledStore(store, selectEvents, SLOTS.log, undefined, (shown, next) => plain && shown.length === next.length);
  const namesSelector = useMemo(() => peerNamesSelector(), []);
  const names = useApp(namesSelector);
  const [exporting, setExporting] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);

  const events = frozen ?? live;
  const newSincePause = frozen ? countNewer(live, frozen[0]?.seq ?? -1) : 0;

  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!q) return events;
    return events.filter((e) => eventText(e, names).toLowerCase().includes(q));
  }, [events, filter, names]);
  const { start, end } = useRowWindow(scrollRef, rows.length, EVENT_ROW_H, OVERSCAN);
  const { fit, width } = useRowFit(scrollRef);

  // Stable callbacks: the memoized head re-renders only when what it shows changes.
  /** the events the live log shows (drawn since the last render, or rendered) */
  const shownRef = useRef(live);
  shownRef.current = live;
  // Pausing keeps the lines on screen.
  const togglePause = useCallback(() => setFrozen((f) => (f ? null : shownRef.current)), []);
  const doExport = useCallback(async (kind: 'json' | 'csv') => {
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
  }, [transport, store]);

  // Rows stay in normal flow after a top padding (positioned rows would each be a paint layer).
  // Keyed by position in the window, not by event: a refresh that prepends events (all of
  // them new in view at 30 events/s) rewrites the text of the same row elements instead of
  // creating and styling new ones and removing the old. Live, a row element's props are only
  // its place, so a refresh re-renders none of them: LogCanvas draws the lines and writes
  // each row's name and data itself.
  const lineCache = useMemo(() => new WeakMap<LogEvent, LogLineView>(), [fit]);
  const viewRef = useRef({ plain, count: rows.length, start, end, names, fit, lineCache });
  viewRef.current = { plain, count: rows.length, start, end, names, fit, lineCache };
  /** The store's newest events as the rendered rows' lines, while only their text moved; else null (a render is due). */
  const linesNow = useCallback((): LogLines | null => {
    const v = viewRef.current;
    const newest = store.getState().events;
    if (!v.plain || newest.length !== v.count) return null;
    const out: LogLineView[] = [];
    for (let i = v.start; i < v.end; i++) {
      const e = newest[i];
      out.push(cachedLineView(v.lineCache, e, e.peer ? (v.names.get(e.peer) ?? e.peer) : undefined, v.fit));
    }
    return { events: newest, lines: out };
  }, [store]);
  const onPainted = useCallback((drawn: readonly LogEvent[]) => {
    shownRef.current = drawn as LogEvent[];
  }, []);
  const shown: React.ReactNode[] = [];
  const lines: LogLineView[] = [];
  for (let i = start; i < end; i++) {
    const e = rows[i];
    const peerName = e.peer ? (names.get(e.peer) ?? e.peer) : undefined;
    if (frozen) shown.push(<EventRow key={i - start} event={e} index={i} count={rows.length} peerName={peerName} fit={fit} />);
    else {
      lines.push(cachedLineView(lineCache, e, peerName, fit));
      shown.push(<LiveRow key={i - start} index={i} count={rows.length} />);
    }
  }

  return (
    <section className="panel log-panel" aria-labelledby="log-title">
      <LogHead paused={!!frozen} newSincePause={newSincePause} filter={filter} setFilter={setFilter} onPause={togglePause} exporting={exporting} onExport={doExport} />
      {/* Absolutely placed in a flex item, so it is a relayout boundary (see .table-wrap). */}
      <div className="event-wrap">
        <div className="event-scroll" ref={scrollRef}>
          <ol className="event-list" ref={listRef} aria-label="Events, newest first" style={{ height: rows.length * EVENT_ROW_H, paddingTop: start * EVENT_ROW_H }}>
            {shown}
            {!frozen && width > 0 && <LogCanvas rendered={{ events: rows, lines }} linesNow={linesNow} onPainted={onPainted} start={start} rowH={EVENT_ROW_H} width={width} columns={COLUMNS} listRef={listRef} />}
          </ol>
        </div>
      </div>
      {rows.length === 0 && <p className="empty">{events.length === 0 ? 'No events yet.' : 'No event matches the filter.'}</p>}
    </section>
  );
}

interface LogHeadProps {
  paused: boolean;
  newSincePause: number;
  filter: string;
  setFilter(f: string): void;
  onPause(): void;
  exporting: boolean;
  onExport(kind: 'json' | 'csv'): Promise<void>;
}

/** The panel head: memoized, so a log refresh leaves its inputs alone. */
const LogHead = memo(function LogHead({ paused, newSincePause, filter, setFilter, onPause, exporting, onExport }: LogHeadProps) {
  return (
    <div className="panel-head">
      <h2 id="log-title">Event log</h2>
      {paused && <span className="pill warn">paused{newSincePause ? ` · ${newSincePause} new` : ''}</span>}
      <div className="spacer" />
      <div className="log-filter">
        <input type="search" aria-label="Filter events" placeholder="Filter events (type, peer, reason…)" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      <button type="button" className="small-btn" onClick={onPause}>
        {paused ? 'Resume log' : 'Pause log'}
      </button>
      <button type="button" className="small-btn" disabled={exporting} onClick={() => void onExport('json')} title="Download peers, samples and events as JSON">
        Export JSON
      </button>
      <button type="button" className="small-btn" disabled={exporting} onClick={() => void onExport('csv')} title="Download samples and events as CSV">
        Export CSV
      </button>
    </div>
  );
});

function countNewer(list: readonly LogEvent[], seq: number): number {
  let n = 0;
  for (const e of list) {
    if (e.seq <= seq) break;
    n++;
  }
  return n;
}

function eventText(e: LogEvent, names: PeerNames): string {
  const who = e.peer ? (names.get(e.peer) ?? e.peer) : (e.server ?? '');
  return `${who} ${e.peer ?? ''} ${e.type} ${describeEventDetail(e)}`;
}

/** Cuts a row's peer name and detail to their columns (see lib/fit-text): the row is their only clip. */
interface RowFit {
  who(name: string): string;
  detail(type: string, detail: string): string;
}

const NO_FIT: RowFit = { who: (n) => n, detail: (_t, d) => d };

/** The log's width (it sets the detail column's) and the fitting of the cut columns. */
function useRowFit(scrollRef: React.RefObject<HTMLDivElement | null>): { fit: RowFit; width: number } {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, [scrollRef]);
  const fit = useMemo(() => {
    if (width <= 0) return NO_FIT;
    // The row's font (app.css `.event`): the UI font at the small size; peer and type bold.
    const root = getComputedStyle(document.documentElement);
    const family = root.getPropertyValue('--font-ui').trim() || 'sans-serif';
    const size = root.getPropertyValue('--fs-small').trim() || '11px';
    const bold: Measure = canvasMeasure(`600 ${size} ${family}`);
    const plain: Measure = canvasMeasure(`400 ${size} ${family}`);
    const whatPx = width - 2 * COLUMNS.padX - COLUMNS.time - COLUMNS.who - 2 * COLUMNS.gap;
    // A detail no wider than its length in the widest character fits without measuring it: most
    // details are new strings (addresses, reasons), each a measureText on a cache miss.
    const widest = Math.max(...['W', 'M', '—', '\u{1F600}'].map((c) => plain(c)));
    const fitted: RowFit = {
      who: (name) => fitMiddle(name, COLUMNS.who, bold),
      detail: (type, detail) => {
        const room = whatPx - bold(type) - plain(' — ');
        return detail.length * widest <= room ? detail : fitEnd(detail, room, plain);
      },
    };
    return fitted;
  }, [width]);
  return { fit, width };
}

/**
 * A row's line, made once per event while the fit and the peer's name stay: a refresh brings
 * a few new events and shifts the rest, whose fitted texts are already known.
 */
function cachedLineView(cache: WeakMap<LogEvent, LogLineView>, e: LogEvent, peerName: string | undefined, fit: RowFit): LogLineView {
  const name = peerName ?? e.server ?? '';
  let line = cache.get(e);
  if (!line || line.name !== name) cache.set(e, (line = lineView(e, name, fit)));
  return line;
}

function lineView(e: LogEvent, name: string, fit: RowFit): LogLineView {
  const detail = describeEventDetail(e);
  const time = fmtClock(e.t);
  return {
    event: e,
    time,
    name,
    who: fit.who(name),
    detail: fit.detail(e.type, detail),
    fullDetail: detail,
    label: `${time} ${name} ${e.type}${detail ? ` — ${detail}` : ''}`,
    title: rowTitle(e, name, detail),
  };
}

/** Tooltip of a live row: the whole peer name with its id, the type and the whole detail. */
function rowTitle(e: LogEvent, name: string, detail: string): string {
  const id = e.peer ?? e.server ?? '';
  const who = name === id ? id : `${name} (${id})`;
  return detail ? `${who}\n${e.type} — ${detail}` : `${who}\n${e.type}`;
}

/**
 * A live row: its place in the list, border and height. LogCanvas draws its text and sets
 * its whole line as its accessible name, tooltip and data-* (for the e2e tests' reader).
 */
const LiveRow = memo(function LiveRow({ index, count }: { index: number; count: number }) {
  return <li className="event" aria-posinset={index + 1} aria-setsize={count} />;
});

interface EventRowProps {
  event: LogEvent;
  /** position in the (filtered) list */
  index: number;
  count: number;
  peerName?: string;
  fit: RowFit;
}

const EventRow = memo(function EventRow({ event: e, index, count, peerName, fit }: EventRowProps) {
  const detail = describeEventDetail(e);
  const who = peerName ?? e.server ?? '';
  const shownWho = fit.who(who);
  return (
    <li className={`event ev-${e.type}`} aria-posinset={index + 1} aria-setsize={count}>
      <time className="mono muted" dateTime={new Date(e.t).toISOString()}>
        {fmtClock(e.t)}
      </time>
      <span className="ev-who" title={shownWho === who ? (e.peer ?? e.server) : `${who} (${e.peer ?? e.server})`}>
        {shownWho}
      </span>
      {/* One line per event (fixed row height): a long detail is cut, its whole text in the tooltip. */}
      <span className="ev-what" title={detail ? `${e.type} — ${detail}` : undefined}>
        <span className="ev-type">{e.type}</span>
        {detail && <span className="ev-detail"> — {fit.detail(e.type, detail)}</span>}
      </span>
    </li>
  );
});
