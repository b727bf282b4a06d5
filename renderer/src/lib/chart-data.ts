// Turns the series rings into uPlot's aligned columns, plus the overlays the chart draws:
// down intervals (from closed/connected events) and fault markers. Pure, so it is tested
// in node; the chart component only decides when to call it.
import type { LogEvent, PeerState } from '../../../shared/contract';
import type { SeriesStore } from '../state/series-store';
import { describeFaults } from './format';

/** null = a real gap (line breaks); undefined = another series' timestamp (line spans). */
export type Cell = number | null | undefined;

export interface ChartPeer {
  id: string;
  intervalMs: number;
}

export interface ChartColumns {
  xs: number[];
  ys: Cell[][];
  /** [p95, p5] rolling band for a single peer */
  band?: [Cell[], Cell[]];
}

export const BAND_WINDOW = 30;

/**
 * The chart's bin width: about one plot pixel of the shown span, and never shorter than the
 * fastest charted peer's ping interval — a finer bin holds no more samples, only more empty
 * columns for every series to step over (at 1 min on a 1 000 px plot, a pixel is 60 ms).
 */
export function chartBinMs(spanMs: number, plotPx: number, peers: readonly ChartPeer[]): number {
  let fastest = Infinity;
  for (const p of peers) if (p.intervalMs > 0) fastest = Math.min(fastest, p.intervalMs);
  const perPixel = spanMs / Math.max(1, plotPx);
  return Number.isFinite(fastest) ? Math.max(perPixel, fastest) : perPixel;
}

/** Gap threshold: a few missed beats breaks the line instead of drawing across a freeze. */
export function gapThresholdMs(intervalMs: number): number {
  return Math.max(3.5 * intervalMs, 1500);
}

function readPeer(series: SeriesStore, p: ChartPeer, sinceMs: number): { t: number[]; v: Cell[] } {
  const ring = series.ring(p.id);
  const t: number[] = [];
  const v: Cell[] = [];
  if (!ring) return { t, v };
  const gap = gapThresholdMs(p.intervalMs);
  let prev = -Infinity;
  const times = ring.t;
  const values = ring.v;
  const cap = ring.capacity;
  const size = ring.size;
  let i = ring.indexSince(sinceMs);
  for (let slot = ring.slotOf(i); i < size; i++, slot = slot + 1 === cap ? 0 : slot + 1) {
    const ti = times[slot];
    if (ti - prev > gap && prev !== -Infinity) {
      t.push(prev + 1);
      v.push(null);
    }
    t.push(ti);
    v.push(values[slot]);
    prev = ti;
  }
  return { t, v };
}

export interface ColumnOptions {
  /** samples per rolling-band window (single peer) */
  bandWindow?: number;
  /**
   * Several peers: put the samples in bins this wide (about one plot pixel) and keep each
   * peer's highest RTT per bin, instead of one x per distinct timestamp. Peers ping at their
   * own phases, so the exact union of 10 peers' times is 10× longer than each peer's list,
   * and uPlot walks every column over all of it at each redraw.
   */
  binMs?: number;
}

export function buildColumns(series: SeriesStore, peers: readonly ChartPeer[], sinceMs: number, opts: ColumnOptions = {}): ChartColumns {
  if (peers.length === 0) return { xs: [], ys: [] };
  if (peers.length > 1 && opts.binMs && opts.binMs > 0) return binnedColumns(series, peers, sinceMs, opts.binMs);
  const bandWindow = opts.bandWindow ?? BAND_WINDOW;
  const cols = peers.map((p) => readPeer(series, p, sinceMs));
  if (cols.length === 1) {
    const { t, v } = cols[0];
    return { xs: t, ys: [v], band: rollingBand(v, bandWindow, 0.05, 0.95) };
  }
  // Union of timestamps, each series placed at its own ones (undefined elsewhere). Every
  // column is already in time order, so a k-way merge (no sort: this runs every frame).
  // Equal times within one series keep the last value.
  const k = cols.length;
  const ts = cols.map((c) => c.t);
  const vs = cols.map((c) => c.v);
  const lens = Int32Array.from(ts, (t) => t.length);
  const at = new Int32Array(k);
  let total = 0;
  for (let c = 0; c < k; c++) total += lens[c];
  const xs = new Array<number>(total);
  const ys: Cell[][] = cols.map(() => new Array<Cell>(total).fill(undefined));
  let m = 0;
  for (;;) {
    let min = Infinity;
    for (let c = 0; c < k; c++) if (at[c] < lens[c] && ts[c][at[c]] < min) min = ts[c][at[c]];
    if (min === Infinity) break;
    xs[m] = min;
    for (let c = 0; c < k; c++) {
      let i = at[c];
      const n = lens[c];
      if (i >= n || ts[c][i] !== min) continue;
      const t = ts[c];
      while (i + 1 < n && t[i + 1] === min) i++;
      ys[c][m] = vs[c][i];
      at[c] = i + 1;
    }
    m++;
  }
  xs.length = m;
  for (const y of ys) y.length = m;
  return { xs, ys };
}

/** More bins than this means a bin narrower than any plot has pixels: not worth it. */
const MAX_BINS = 8192;

function binnedColumns(series: SeriesStore, peers: readonly ChartPeer[], sinceMs: number, binMs: number): ChartColumns {
  // The time span actually covered, from the oldest sample in the window to the newest.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const p of peers) {
    const ring = series.ring(p.id);
    if (!ring || ring.size === 0) continue;
    const i = ring.indexSince(sinceMs);
    if (i < ring.size) t0 = Math.min(t0, ring.timeAt(i));
    t1 = Math.max(t1, ring.lastT);
  }
  if (t0 > t1) return { xs: [], ys: peers.map(() => []) };
  const width = Math.max(binMs, (t1 - t0) / MAX_BINS);
  const nb = Math.floor((t1 - t0) / width) + 1;
  const ys: Cell[][] = peers.map((p) => binPeer(series, p, sinceMs, t0, width, nb));
  // Only bins where some peer has something: an all-empty bin would be a column of spans.
  const xs: number[] = [];
  const out: Cell[][] = ys.map(() => []);
  for (let b = 0; b < nb; b++) {
    let any = false;
    for (const y of ys) if (y[b] !== undefined) any = true;
    if (!any) continue;
    xs.push(Math.min(t1, t0 + (b + 0.5) * width));
    for (let c = 0; c < ys.length; c++) out[c].push(ys[c][b]);
  }
  return { xs, ys: out };
}

/** One peer's highest RTT per bin; null in the first bin of a long silence (breaks the line). */
function binPeer(series: SeriesStore, p: ChartPeer, sinceMs: number, t0: number, width: number, nb: number): Cell[] {
  const out = new Array<Cell>(nb).fill(undefined);
  const ring = series.ring(p.id);
  if (!ring) return out;
  const gap = gapThresholdMs(p.intervalMs);
  const times = ring.t;
  const values = ring.v;
  const cap = ring.capacity;
  const size = ring.size;
  let prev = -Infinity;
  let i = ring.indexSince(sinceMs);
  for (let slot = ring.slotOf(i); i < size; i++, slot = slot + 1 === cap ? 0 : slot + 1) {
    const t = times[slot];
    const b = Math.min(nb - 1, Math.floor((t - t0) / width));
    if (t - prev > gap && prev !== -Infinity) {
      const g = Math.floor((prev - t0) / width) + 1;
      if (g < b && out[g] === undefined) out[g] = null;
    }
    const v = values[slot];
    const cur = out[b];
    if (cur === undefined || cur === null || v > cur) out[b] = v;
    prev = t;
  }
  return out;
}

/** Linear-interpolated quantile of a sorted array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Rolling [hi, lo] quantiles over the last `window` values at each point. A null (gap)
 * restarts the window so the band does not bridge an outage.
 */
export function rollingBand(values: readonly Cell[], window: number, qLo: number, qHi: number): [Cell[], Cell[]] {
  const hi: Cell[] = [];
  const lo: Cell[] = [];
  const fifo: number[] = [];
  const sorted: number[] = [];
  for (const v of values) {
    if (v === null || v === undefined) {
      fifo.length = 0;
      sorted.length = 0;
      hi.push(null);
      lo.push(null);
      continue;
    }
    fifo.push(v);
    sorted.splice(lowerBound(sorted, v), 0, v);
    if (fifo.length > window) {
      const old = fifo.shift() as number;
      sorted.splice(lowerBound(sorted, old), 1);
    }
    hi.push(quantileSorted(sorted, qHi));
    lo.push(quantileSorted(sorted, qLo));
  }
  return [hi, lo];
}

function lowerBound(a: readonly number[], v: number): number {
  let l = 0;
  let h = a.length;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m] < v) l = m + 1;
    else h = m;
  }
  return l;
}

export interface DownInterval {
  peer: string;
  from: number;
  to: number;
}

/**
 * When each peer was down: from a `closed` (or `reconnecting`) event to the next `connected`.
 * Events may come newest-first; a peer still down is shaded up to `now`.
 */
export function downIntervals(events: readonly LogEvent[], peers: ReadonlyMap<string, PeerState>, now: number): DownInterval[] {
  // The store keeps events newest first: walk them backwards instead of copying and sorting
  // (this runs every frame); any other order is sorted.
  let newestFirst = true;
  for (let i = 1; i < events.length && newestFirst; i++) if (events[i].seq > events[i - 1].seq) newestFirst = false;
  const chrono = newestFirst ? null : [...events].sort((a, b) => a.seq - b.seq);
  const n = events.length;
  const openSince = new Map<string, number>();
  const out: DownInterval[] = [];
  for (let i = 0; i < n; i++) {
    const e = chrono ? chrono[i] : events[n - 1 - i];
    if (!e.peer || !peers.has(e.peer)) continue;
    const peer = e.peer;
    if (e.type === 'closed' || e.type === 'reconnecting') {
      if (!openSince.has(peer)) openSince.set(peer, e.t);
    } else if (e.type === 'connected') {
      const from = openSince.get(peer);
      if (from !== undefined) {
        out.push({ peer, from, to: e.t });
        openSince.delete(peer);
      }
    }
  }
  for (const [peer, from] of openSince) {
    if (peers.get(peer) !== 'connected') out.push({ peer, from, to: now });
  }
  return out;
}

export interface FaultMarker {
  peer: string;
  t: number;
  kind: 'set' | 'cleared' | 'killed';
  label: string;
}

export function faultMarkers(events: readonly LogEvent[], peers: ReadonlySet<string>): FaultMarker[] {
  const out: FaultMarker[] = [];
  for (const e of events) {
    if (!e.peer || !peers.has(e.peer)) continue;
    if (e.type === 'fault-set') {
      const label = describeFaults(e.faults);
      // setFaults({}) is how a toggle turns the last fault off: show it as a clear.
      out.push(label ? { peer: e.peer, t: e.t, kind: 'set', label } : { peer: e.peer, t: e.t, kind: 'cleared', label: 'cleared' });
    }
    else if (e.type === 'fault-cleared') out.push({ peer: e.peer, t: e.t, kind: 'cleared', label: 'cleared' });
    else if (e.type === 'killed') out.push({ peer: e.peer, t: e.t, kind: 'killed', label: `kill ${e.mode ?? ''}`.trim() });
  }
  return out.sort((a, b) => a.t - b.t);
}

export type TimeRange = '1m' | '10m' | 'all';
export const RANGE_MS: Record<TimeRange, number> = { '1m': 60_000, '10m': 600_000, all: Infinity };

/** A label's horizontal extent in px: [from, to). */
export interface LabelSpan {
  from: number;
  to: number;
}

/**
 * Stacks marker labels: each gets the top-most row (0 = top) where it overlaps no label
 * already placed, so markers at the same moment show all their labels one under another.
 * null = no free row among `maxRows` (the marker line is still drawn).
 */
export function stackLabels(spans: readonly LabelSpan[], maxRows: number, gap = 4): (number | null)[] {
  const rows: LabelSpan[][] = [];
  return spans.map((s) => {
    for (let r = 0; r < maxRows; r++) {
      const row = (rows[r] ??= []);
      if (row.every((o) => s.to + gap <= o.from || s.from >= o.to + gap)) {
        row.push(s);
        return r;
      }
    }
    return null;
  });
}
