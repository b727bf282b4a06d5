// The peer table. Rows are memoized on the PeerInfo object, which the store replaces only
// when that peer changed, so a batch touching 3 peers re-renders 3 rows.
import { memo, useCallback, useMemo, useRef, useEffect } from 'react';
import type { CloseReason, PeerInfo } from '../../../shared/contract';
import { useApp, useServices, useUi } from '../context';
import { colorVar } from '../lib/colors';
import { describeFaults, fmtBytes, fmtMs, fmtPct, fmtPhi } from '../lib/format';
import { lastCloseOf, lastCloseTimes, lastCloseTitle } from '../lib/last-close';
import { filterPeers } from '../lib/peer-filter';
import { uiStore, type StateFilter } from '../state/ui-store';
import { BeatStrip } from './beat-strip';
import { useThrottled } from '../hooks/use-throttled';

const TABLE_REFRESH_MS = 250;

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
  const peersById = useThrottled(useApp((s) => s.peers), TABLE_REFRESH_MS);
  const selected = useApp((s) => s.selected);
  const active = useApp((s) => s.activePeer);
  const text = useUi((s) => s.peerFilter);
  const stateFilter = useUi((s) => s.stateFilter);
  const hasSnapshot = useApp((s) => s.hasSnapshot);
  const events = useApp((s) => s.events);

  const all = useMemo(() => peerIds.map((id) => peersById[id]).filter(Boolean), [peerIds, peersById]);
  const rows = useMemo(() => filterPeers(all, text, stateFilter), [all, text, stateFilter]);
  const selectedSet = useMemo(() => new Set(selected), [selected]);
  // When each peer last closed (for the state cell's tooltip); events change far less often than peers.
  const closes = useMemo(() => lastCloseTimes(events), [events]);

  const onToggle = useCallback((id: string) => store.getState().toggleSelected(id), [store]);
  const onActivate = useCallback((id: string) => store.getState().setActive(id), [store]);

  // Keep the active row visible when it changes by keyboard.
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const row = bodyRef.current?.querySelector('tr[aria-current="true"]');
    (row as HTMLElement | null)?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  return (
    <section className="panel peers-panel" aria-labelledby="peers-title">
      <div className="panel-head">
        <h2 id="peers-title">Peers</h2>
        <span className="muted count">{rows.length === all.length ? `${all.length}` : `${rows.length} of ${all.length}`}</span>
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
      <div className="table-scroll">
        <table className="peer-table">
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
          <thead>
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
          <tbody ref={bodyRef}>
            {rows.map((p) => (
              <PeerRow
                key={p.id}
                peer={p}
                closedAt={closes.get(p.id)?.t}
                closedFor={closes.get(p.id)?.reason}
                charted={selectedSet.has(p.id)}
                active={p.id === active}
                onToggle={onToggle}
                onActivate={onActivate}
              />
            ))}
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
    </section>
  );
}

interface RowProps {
  peer: PeerInfo;
  /** epoch ms and reason of the peer's latest logged close (primitives: rows are memoized) */
  closedAt: number | undefined;
  closedFor: CloseReason | undefined;
  charted: boolean;
  active: boolean;
  onToggle(id: string): void;
  onActivate(id: string): void;
}

const PeerRow = memo(function PeerRow({ peer: p, closedAt, closedFor, charted, active, onToggle, onActivate }: RowProps) {
  const s = p.stats;
  const faults = describeFaults(p.faults);
  const lastClose = lastCloseOf(p, closedAt === undefined ? undefined : { t: closedAt, reason: closedFor });
  const closeTitle = (now: number) => (lastClose ? lastCloseTitle(lastClose, now) : undefined);
  const showReason = !!p.closeReason && p.state !== 'connected';
  return (
    <tr
      className={`peer-row state-${p.state}${active ? ' active' : ''}`}
      aria-current={active ? 'true' : undefined}
      onClick={(e) => {
        // The checkbox toggles the chart; any other click makes the row active.
        if ((e.target as HTMLElement).closest('input')) return;
        onActivate(p.id);
      }}
    >
      <td className="c-chart">
        <input type="checkbox" checked={charted} onChange={() => onToggle(p.id)} aria-label={`Chart ${p.name}`} />
        <span className="swatch" style={charted ? { background: colorVar(p.id) } : undefined} aria-hidden="true" />
      </td>
      <td className="c-name">
        <button
          type="button"
          className="link"
          aria-label={p.name}
          onClick={() => onActivate(p.id)}
          title={`${p.name}\n${p.id} · ${p.protocol} · ${p.intervalMs}/${p.timeoutMs} ms ${p.timeoutMode}`}
        >
          <NameText name={p.name} />
        </button>
      </td>
      <td className="c-dir" title={p.direction}>
        {p.direction === 'inbound' ? 'in' : 'out'}
      </td>
      <td className="c-remote mono" title={p.remote || undefined}>
        {p.remote || '–'}
      </td>
      <td
        className="c-state"
        title={closeTitle(Date.now())}
        // "… ago" must be current when the tooltip shows, not when the row last rendered.
        onMouseEnter={lastClose ? (e) => (e.currentTarget.title = closeTitle(Date.now()) ?? '') : undefined}
      >
        <div className="state-cell">
          <span className={`state-badge state-${p.state}`}>
            <span className="dot" aria-hidden="true" />
            {p.state}
          </span>
          {showReason && (
            <>
              {' '}
              <span className="reason">{p.closeReason}</span>
            </>
          )}
        </div>
      </td>
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
