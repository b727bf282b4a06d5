// The peer table. Rows are memoized on what they show as DOM (name, state, faults, place):
// the live columns — beat strip and figures — are drawn by FigureCanvas over the rows in
// view, so new stats redraw the canvas and re-render no row.
// Windowed: every row has one fixed height (ROW_H, `.pt-row` in app.css) and only the rows
// in view (plus a few) are in the DOM, placed absolutely, so 100 peers cost what ~20 do.
// An ARIA table of divs, not a <table>: table parts can never be relayout boundaries, so a
// changed cell relaid out the whole table (5–10 ms per refresh in software Chromium). Here
// every cell is size-contained. The table takes new peer stats twice a second
// (hooks/use-throttled SLOTS), without re-rendering on the batches in between.
import { memo, useCallback, useMemo, useRef, useLayoutEffect } from 'react';
import type { CloseReason, PeerInfo, PeerState } from '../../../shared/contract';
import { useApp, useServices, useUi } from '../context';
import { colorVar } from '../lib/colors';
import { describeFaults } from '../lib/format';
import { cachedCloseTimes, lastCloseOf, lastCloseTitle } from '../lib/last-close';
import { filterPeers } from '../lib/peer-filter';
import { scrollToReveal } from '../lib/row-window';
import { uiStore, type StateFilter } from '../state/ui-store';
import type { AppState } from '../state/app-store';
import { FigureCanvas } from './figure-canvas';
import { FIGURE_COLUMNS, sameShownPeer } from '../lib/peer-figures';
import { useRowWindow } from '../hooks/use-row-window';
import { SLOTS, useThrottledStore } from '../hooks/use-throttled';

/** px per peer row; matches `.pt-body .pt-row` in app.css */
export const ROW_H = 26;
/** px of the sticky header row; matches `.pt-head` in app.css */
const HEAD_H = 24;
const OVERSCAN = 2;

const selectPeers = (s: AppState) => s.peers;

/** Whether every peer shows the same DOM in its row (sameShownPeer): then the table keeps what it shows. */
function sameShownPeers(a: Record<string, PeerInfo>, b: Record<string, PeerInfo>): boolean {
  if (a === b) return true;
  const keys = Object.keys(b);
  if (keys.length !== Object.keys(a).length) return false;
  for (const k of keys) if (!a[k] || !sameShownPeer(a[k], b[k])) return false;
  return true;
}

const STATE_FILTERS: { value: StateFilter; label: string }[] = [
  { value: 'all', label: 'All states' },
  { value: 'up', label: 'Up (connected)' },
  { value: 'down', label: 'Down (not connected)' },
  { value: 'connecting', label: 'connecting' },
  { value: 'connected', label: 'connected' },
  { value: 'reconnecting', label: 'reconnecting' },
  { value: 'closed', label: 'closed' },
  { value: 'stopped', label: 'stopped' },
];

export function PeerTable({ filterRef }: { filterRef: React.RefObject<HTMLInputElement | null> }) {
  const { store } = useServices();
  const peerIds = useApp((s) => s.peerIds);
  // New stats alone do not re-render the table: FigureCanvas draws them (it reads the store).
  const peersById = useThrottledStore(store, selectPeers, SLOTS.table, undefined, sameShownPeers);
  const selected = useApp((s) => s.selected);
  const active = useApp((s) => s.activePeer);
  const text = useUi((s) => s.peerFilter);
  const stateFilter = useUi((s) => s.stateFilter);
  const hasSnapshot = useApp((s) => s.hasSnapshot);

  const all = useMemo(() => peerIds.map((id) => peersById[id]).filter(Boolean), [peerIds, peersById]);
  const rows = useMemo(() => filterPeers(all, text, stateFilter), [all, text, stateFilter]);
  const selectedSet = useMemo(() => new Set(selected), [selected]);

  const onToggle = useCallback((id: string) => store.getState().toggleSelected(id), [store]);
  const onActivate = useCallback((id: string) => store.getState().setActive(id), [store]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const { start, end } = useRowWindow(scrollRef, rows.length, ROW_H, OVERSCAN, HEAD_H);
  const shown = rows.slice(start, end);
  const shownIds = shown.map((p) => p.id);
  const bodyRef = useRef<HTMLDivElement>(null);
  const headRowRef = useRef<HTMLDivElement>(null);

  // Keep the active row visible when it changes by keyboard (it may not be rendered yet).
  const activeIndex = rows.findIndex((p) => p.id === active);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || activeIndex < 0) return;
    const head = headRef.current?.offsetHeight ?? HEAD_H;
    const top = scrollToReveal(activeIndex, el.scrollTop, el.clientHeight, ROW_H, head, head);
    if (top !== null) el.scrollTop = top;
    // Only when the active peer changes, not when the list moves under it.
  }, [active]);

  return (
    <section className="panel peers-panel" aria-labelledby="peers-title">
      <PeersHead shown={rows.length} total={all.length} text={text} stateFilter={stateFilter} filterRef={filterRef} />
      {/* The scroller sits absolutely in a flex item: a flex item cannot be a relayout
          boundary, this way a table refresh lays out the table, not the page. */}
      <div className="table-wrap">
        <div className="table-scroll" ref={scrollRef}>
          <div role="table" aria-labelledby="peers-title" className="peer-table" aria-rowcount={rows.length + 1}>
            <div role="rowgroup" className="pt-head" ref={headRef}>
              <div role="row" className="pt-row" aria-rowindex={1} ref={headRowRef}>
                <div role="columnheader" className="pt-cell c-chart" title="Show in chart">
                  <span className="sr-only">Chart</span>
                </div>
                <div role="columnheader" className="pt-cell c-name">Name</div>
                <div role="columnheader" className="pt-cell c-dir" title="inbound (accepted by our server) or outbound (we connected)">Dir</div>
                <div role="columnheader" className="pt-cell c-remote">Remote</div>
                <div role="columnheader" className="pt-cell c-state">State</div>
                <div role="columnheader" className="pt-cell c-beats" data-col="beats" title="last 60 heartbeats: answered (green), late (amber), missed (red)">Beats</div>
                {FIGURE_COLUMNS.map((c) => (
                  <div key={c.key} role="columnheader" className={`pt-cell ${c.cls} num`} data-fig={c.key} title={c.title}>
                    {c.label}
                  </div>
                ))}
                <div role="columnheader" className="pt-cell c-bytes num" data-col="bytes" title="bytes received (↓) and sent (↑) on the socket">In/out</div>
                <div role="columnheader" className="pt-cell c-faults">Faults</div>
              </div>
            </div>
            {/* Rows are placed absolutely at index × ROW_H in a body of the full height: no
                spacers, and a row that changes lays out only itself (app.css, .pt-row). */}
            <div role="rowgroup" className="pt-body" style={{ height: rows.length * ROW_H }} ref={bodyRef}>
              {shown.map((p, i) => (
                <PeerRow
                  key={p.id}
                  peer={p}
                  index={start + i}
                  charted={selectedSet.has(p.id)}
                  active={p.id === active}
                  onToggle={onToggle}
                  onActivate={onActivate}
                />
              ))}
              <FigureCanvas ids={shownIds} start={start} rowH={ROW_H} bodyRef={bodyRef} headRowRef={headRowRef} />
            </div>
          </div>
          {rows.length === 0 && (
            <p className="empty">
              {!hasSnapshot
                ? 'Waiting for Heartwire…'
                : all.length === 0
                  ? 'No peers yet. Start a server or use “Connect to…”.'
                  : 'No peer matches the filter.'}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

interface HeadProps {
  shown: number;
  total: number;
  text: string;
  stateFilter: StateFilter;
  filterRef: React.RefObject<HTMLInputElement | null>;
}

/** The panel head: its own memoized component, so a table refresh leaves its inputs alone. */
const PeersHead = memo(function PeersHead({ shown, total, text, stateFilter, filterRef }: HeadProps) {
  return (
  <div className="panel-head">
    <h2 id="peers-title">Peers</h2>
    <span className="muted count">{shown === total ? `${total}` : `${shown} of ${total}`}</span>
    <div className="spacer" />
    <label className="inline-field">
      <span className="sr-only">Filter peers</span>
      <input
        ref={filterRef}
        type="search"
        className="filter"
        placeholder="Filter peers  ( / )"
        aria-label="Filter peers"
        value={text}
        onChange={(e) => uiStore.getState().setPeerFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            uiStore.getState().setPeerFilter('');
            e.currentTarget.blur();
          }
        }}
      />
    </label>
    <label className="inline-field">
      <span className="sr-only">State filter</span>
      <select aria-label="State filter" value={stateFilter} onChange={(e) => uiStore.getState().setStateFilter(e.target.value as StateFilter)}>
        {STATE_FILTERS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
    </label>
  </div>
  );
});

interface RowProps {
  peer: PeerInfo;
  /** position in the filtered list (0-based): places the row and gives its aria-rowindex */
  index: number;
  charted: boolean;
  active: boolean;
  onToggle(id: string): void;
  onActivate(id: string): void;
}

/**
 * A row re-renders when what it shows as DOM changes: its identity, state, faults, place.
 * Its stats are drawn by FigureCanvas and do not re-render it.
 */
const PeerRow = memo(function PeerRow({ peer: p, index, charted, active, onToggle, onActivate }: RowProps) {
  const faults = describeFaults(p.faults);
  return (
    <div
      role="row"
      data-peer={p.id}
      className={`pt-row peer-row state-${p.state}${active ? ' active' : ''}`}
      style={{ top: index * ROW_H }}
      aria-current={active ? 'true' : undefined}
      aria-rowindex={index + 2}
      onClick={(e) => {
        // The checkbox toggles the chart; any other click makes the row active.
        if ((e.target as HTMLElement).closest('input')) return;
        onActivate(p.id);
      }}
    >
      <ChartCell id={p.id} name={p.name} charted={charted} onToggle={onToggle} />
      <IdentityCells
        id={p.id}
        name={p.name}
        direction={p.direction}
        remote={p.remote}
        detail={`${p.protocol} · ${p.intervalMs}/${p.timeoutMs} ms ${p.timeoutMode}`}
        onActivate={onActivate}
      />
      <StateCell id={p.id} state={p.state} closeReason={p.closeReason} />
      {/* Drawn by FigureCanvas, which also gives each of these cells its text as its name. */}
      <div role="cell" className="pt-cell c-beats" data-col="beats" />
      {FIGURE_COLUMNS.map((c) => (
        <div key={c.key} role="cell" className={`pt-cell ${c.cls} num`} data-fig={c.key} />
      ))}
      <div role="cell" className="pt-cell c-bytes num" data-col="bytes" />
      <div role="cell" className="pt-cell c-faults" title={faults}>
        {faults ? <span className="fault-pill">{faults}</span> : <span className="muted">–</span>}
      </div>
    </div>
  );
}, sameRow);

function sameRow(a: RowProps, b: RowProps): boolean {
  return (
    a.index === b.index &&
    a.charted === b.charted &&
    a.active === b.active &&
    a.onToggle === b.onToggle &&
    a.onActivate === b.onActivate &&
    sameShownPeer(a.peer, b.peer)
  );
}


const ChartCell = memo(function ChartCell({ id, name, charted, onToggle }: { id: string; name: string; charted: boolean; onToggle(id: string): void }) {
  return (
    <div role="cell" className="pt-cell c-chart">
      <input type="checkbox" checked={charted} onChange={() => onToggle(id)} aria-label={`Chart ${name}`} />
      <span className="swatch" style={charted ? { background: colorVar(id) } : undefined} aria-hidden="true" />
    </div>
  );
});

interface IdentityProps {
  id: string;
  name: string;
  direction: PeerInfo['direction'];
  remote: string;
  /** protocol, interval/timeout, timeout mode: for the name's tooltip */
  detail: string;
  onActivate(id: string): void;
}

const IdentityCells = memo(function IdentityCells({ id, name, direction, remote, detail, onActivate }: IdentityProps) {
  return (
    <>
      <div role="cell" className="pt-cell c-name">
        <button type="button" className="link" aria-label={name} onClick={() => onActivate(id)} title={`${name}\n${id} · ${detail}`}>
          <NameText name={name} />
        </button>
      </div>
      <div role="cell" className="pt-cell c-dir" title={direction}>
        {direction === 'inbound' ? 'in' : 'out'}
      </div>
      <div role="cell" className="pt-cell c-remote mono" title={remote || undefined}>
        {remote || '–'}
      </div>
    </>
  );
});

const StateCell = memo(function StateCell({ id, state, closeReason }: { id: string; state: PeerState; closeReason: CloseReason | undefined }) {
  // The peer's latest logged close (the tooltip), as primitives: the cell re-renders when its
  // own close changes, not on every new event.
  const closedAt = useApp((st) => cachedCloseTimes(st.events).get(id)?.t);
  const closedFor = useApp((st) => cachedCloseTimes(st.events).get(id)?.reason);
  const lastClose = lastCloseOf({ closeReason }, closedAt === undefined ? undefined : { t: closedAt, reason: closedFor });
  const closeTitle = (now: number) => (lastClose ? lastCloseTitle(lastClose, now) : undefined);
  const showReason = !!closeReason && state !== 'connected';
  return (
    <div
      role="cell"
      className="pt-cell c-state"
      title={closeTitle(Date.now())}
      // "… ago" must be current when the tooltip shows, not when the row last rendered.
      onMouseEnter={lastClose ? (e) => (e.currentTarget.title = closeTitle(Date.now()) ?? '') : undefined}
    >
      <div className="state-cell">
        <span className={`state-badge state-${state}`}>
          <span className="dot" aria-hidden="true" />
          {state}
        </span>
        {showReason && (
          <>
            {' '}
            <span className="reason">{closeReason}</span>
          </>
        )}
      </div>
    </div>
  );
});

/**
 * Long names often differ only at the end ("in:127.0.0.1:50980"), so a name too wide for
 * its column loses characters in the middle, keeping the tail. (The button's aria-label
 * carries the whole name.)
 */
function NameText({ name }: { name: string }) {
  if (name.length <= 12) return <span className="name-head">{name}</span>;
  return (
    <>
      <span className="name-head">{name.slice(0, -6)}</span>
      <span className="name-tail">{name.slice(-6)}</span>
    </>
  );
}
