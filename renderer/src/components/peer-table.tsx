// The peer table. Rows are memoized on the PeerInfo object, which the store replaces only
// when that peer changed, so a batch touching 3 peers re-renders 3 rows.
// Windowed: every row has one fixed height (ROW_H, `tr.peer-row` in app.css) and only the
// rows in view (plus a few) are in the DOM; spacer rows stand in for the others, so 100
// peers cost what ~20 do in style, layout and paint. The table takes new peer stats at most
// every 250 ms, without re-rendering on the batches in between.
import { memo, useCallback, useMemo, useRef, useLayoutEffect } from 'react';
import type { CloseReason, PeerInfo, PeerState } from '../../../shared/contract';
import { useApp, useServices, useUi } from '../context';
import { colorVar } from '../lib/colors';
import { describeFaults, fmtBytes, fmtMs, fmtPct, fmtPhi } from '../lib/format';
import { cachedCloseTimes, lastCloseOf, lastCloseTitle } from '../lib/last-close';
import { filterPeers } from '../lib/peer-filter';
import { scrollToReveal } from '../lib/row-window';
import { uiStore, type StateFilter } from '../state/ui-store';
import type { AppState } from '../state/app-store';
import { BeatStrip } from './beat-strip';
import { useRowWindow } from '../hooks/use-row-window';
import { useThrottledStore } from '../hooks/use-throttled';

const TABLE_REFRESH_MS = 250;
/** px per peer row; matches `.peer-table tr.peer-row` in app.css */
export const ROW_H = 26;
/** px of the sticky header row (approximate is fine: the overscan covers the difference) */
const HEAD_H = 24;
const OVERSCAN = 6;
const COLUMNS = 15;
const selectPeers = (s: AppState) => s.peers;

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
  const peersById = useThrottledStore(store, selectPeers, TABLE_REFRESH_MS);
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
  const headRef = useRef<HTMLTableSectionElement>(null);
  const { start, end } = useRowWindow(scrollRef, rows.length, ROW_H, OVERSCAN, HEAD_H);

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
          <table className="peer-table" aria-rowcount={rows.length + 1}>
            {/* Fixed layout: the widths below, so a long name or reason never widens the table. */}
            <colgroup>
              <col className="w-chart" />
              <col className="w-name" />
              <col className="w-dir" />
              <col className="w-remote" />
              <col className="w-state" />
              <col className="w-beats" />
              <col className="w-rtt" />
              <col className="w-rtt" />
              <col className="w-rtt" />
              <col className="w-rtt" />
              <col className="w-loss" />
              <col className="w-phi" />
              <col className="w-reconn" />
              <col className="w-bytes" />
              <col className="w-faults" />
            </colgroup>
            <thead ref={headRef}>
              <tr>
                <th className="c-chart" scope="col" title="Show in chart">
                  <span className="sr-only">Chart</span>
                </th>
                <th scope="col">Name</th>
                <th scope="col" title="inbound (accepted by our server) or outbound (we connected)">Dir</th>
                <th scope="col">Remote</th>
                <th scope="col">State</th>
                <th scope="col" title="last 60 heartbeats: answered (green), late (amber), missed (red)">Beats</th>
                <th scope="col" className="num" title="last RTT (ms)">Last</th>
                <th scope="col" className="num" title="median RTT (ms)">p50</th>
                <th scope="col" className="num" title="99th percentile RTT (ms)">p99</th>
                <th scope="col" className="num" title="RTT jitter (ms)">Jitter</th>
                <th scope="col" className="num" title="pings without a pong (%)">Loss %</th>
                <th scope="col" className="num" title="phi-accrual suspicion">φ</th>
                <th scope="col" className="num" title="reconnects">Reconn</th>
                <th scope="col" className="num" title="bytes received (↓) and sent (↑) on the socket">
                  In/out
                </th>
                <th scope="col">Faults</th>
              </tr>
            </thead>
            <tbody>
              {start > 0 && <SpacerRow height={start * ROW_H} />}
              {rows.slice(start, end).map((p, i) => (
                <PeerRow
                  key={p.id}
                  peer={p}
                  rowIndex={start + i + 2}
                  charted={selectedSet.has(p.id)}
                  active={p.id === active}
                  onToggle={onToggle}
                  onActivate={onActivate}
                />
              ))}
              {end < rows.length && <SpacerRow height={(rows.length - end) * ROW_H} />}
            </tbody>
          </table>
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

/** Stands in for the rows out of view: one cell, no padding or border, the rows' height. */
function SpacerRow({ height }: { height: number }) {
  return (
    <tr className="spacer-row" aria-hidden="true">
      <td colSpan={COLUMNS} style={{ height }} />
    </tr>
  );
}

interface RowProps {
  peer: PeerInfo;
  /** aria-rowindex: 1 is the header row */
  rowIndex: number;
  charted: boolean;
  active: boolean;
  onToggle(id: string): void;
  onActivate(id: string): void;
}

const PeerRow = memo(function PeerRow({ peer: p, rowIndex, charted, active, onToggle, onActivate }: RowProps) {
  const s = p.stats;
  const faults = describeFaults(p.faults);
  // The cells that do not move with every stats update are memoized on their own (primitive
  // props), so a refresh rewrites only the numbers.
  return (
    <tr
      className={`peer-row state-${p.state}${active ? ' active' : ''}`}
      aria-current={active ? 'true' : undefined}
      aria-rowindex={rowIndex}
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
      <td className="c-beats">
        <BeatStrip peerId={p.id} />
      </td>
      <td className="num">{fmtMs(s.rttLastMs)}</td>
      <td className="num">{fmtMs(s.rttP50Ms)}</td>
      <td className="num">{fmtMs(s.rttP99Ms)}</td>
      <td className="num">{fmtMs(s.jitterMs)}</td>
      <td className={`num${s.lossPct > 0 ? ' warn' : ''}`}>{fmtPct(s.lossPct)}</td>
      <td className={`num${s.phi >= 8 ? ' bad' : s.phi >= 3 ? ' warn' : ''}`}>{fmtPhi(s.phi)}</td>
      <td className="num">{s.reconnects}</td>
      <td className="num c-bytes" title={`in ${s.bytesIn} B, out ${s.bytesOut} B`}>
        <span className="b-in">
          <span aria-hidden="true">↓</span> {fmtBytes(s.bytesIn)}
        </span>{' '}
        <span className="b-out">
          <span aria-hidden="true">↑</span> {fmtBytes(s.bytesOut)}
        </span>
      </td>
      <td className="c-faults" title={faults}>
        {faults ? <span className="fault-pill">{faults}</span> : <span className="muted">–</span>}
      </td>
    </tr>
  );
});

const ChartCell = memo(function ChartCell({ id, name, charted, onToggle }: { id: string; name: string; charted: boolean; onToggle(id: string): void }) {
  return (
    <td className="c-chart">
      <input type="checkbox" checked={charted} onChange={() => onToggle(id)} aria-label={`Chart ${name}`} />
      <span className="swatch" style={charted ? { background: colorVar(id) } : undefined} aria-hidden="true" />
    </td>
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
      <td className="c-name">
        <button type="button" className="link" aria-label={name} onClick={() => onActivate(id)} title={`${name}\n${id} · ${detail}`}>
          <NameText name={name} />
        </button>
      </td>
      <td className="c-dir" title={direction}>
        {direction === 'inbound' ? 'in' : 'out'}
      </td>
      <td className="c-remote mono" title={remote || undefined}>
        {remote || '–'}
      </td>
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
    <td
      className="c-state"
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
    </td>
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
