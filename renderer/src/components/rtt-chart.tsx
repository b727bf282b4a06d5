// Live RTT chart. uPlot is created when the set of charted peers or the theme changes and
// otherwise only fed with setData, so a busy session never rebuilds it. While following live
// it redraws at most 4×/s, in its own slot of the shared refresh grid (hooks/use-throttled
// SLOTS), so a chart frame never stacks with a table or log frame. Down intervals and fault
// markers are drawn in a draw hook.
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp, useServices, useUi } from '../context';
import { useColorScheme } from '../hooks/use-color-scheme';
import { RANGE_MS, buildColumns, chartBinMs, downIntervals, faultMarkers, stackLabels, type DownInterval, type FaultMarker } from '../lib/chart-data';
import { cssVar, seriesColor } from '../lib/colors';
import { withLiveContexts } from '../lib/live-canvas';
import { fmtClock, fmtMs } from '../lib/format';
import { SLOTS, cancelOnGrid, scheduleOnGrid } from '../hooks/use-throttled';
import { uiStore } from '../state/ui-store';
import type { AppState } from '../state/app-store';
import type { SeriesStore } from '../state/series-store';

const SERIES_WIDTH = 1;

interface Overlay {
  down: DownInterval[];
  markers: FaultMarker[];
  colors: Map<string, string>;
  /** marker label → its width in the label font (labels repeat: "cleared", "latency 50ms") */
  labelWidths: Map<string, number>;
}

interface Theme {
  axis: string;
  grid: string;
  down: string;
  markerSet: string;
  markerCleared: string;
  markerKilled: string;
  band: string;
  labelBg: string;
  font: string;
}

function readTheme(): Theme {
  return {
    axis: cssVar('--chart-axis') || '#666',
    grid: cssVar('--chart-grid') || 'rgba(128,128,128,.2)',
    down: cssVar('--chart-down') || 'rgba(220,40,40,.12)',
    markerSet: cssVar('--chart-marker-set') || '#b07d00',
    markerCleared: cssVar('--chart-marker-cleared') || '#2e7d32',
    markerKilled: cssVar('--chart-marker-killed') || '#c62828',
    band: cssVar('--chart-band') || 'rgba(80,120,220,.15)',
    labelBg: cssVar('--panel') || '#fff',
    font: `10px ${cssVar('--font-ui') || 'sans-serif'}`,
  };
}

export function RttChart() {
  const { store, series } = useServices();
  // Names only matter for the legend; recreate on rename too (rare).
  const namesKey = useApp((s) => s.selected.map((id) => `${id}\u0000${s.peers[id]?.name ?? id}`).join('\u0001'));
  const hasPeers = useApp((s) => s.peerIds.length > 0);
  const paused = useUi((s) => s.chartPaused);
  const range = useUi((s) => s.range);
  const scheme = useColorScheme();
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const overlayRef = useRef<Overlay>({ down: [], markers: [], colors: new Map(), labelWidths: new Map() });
  const redrawRef = useRef<() => void>(() => undefined);

  const peerIds = useMemo(() => (namesKey ? namesKey.split('\u0001').map((x) => x.split('\u0000')[0]) : []), [namesKey]);

  // Create / recreate the plot.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const theme = readTheme();
    const state = store.getState();
    const single = peerIds.length === 1;
    const colors = new Map(peerIds.map((id) => [id, seriesColor(id)] as const));
    const rect = host.getBoundingClientRect();
    const peerSeries: uPlot.Series[] = peerIds.map((id) => ({
      label: state.peers[id]?.name ?? id,
      stroke: colors.get(id),
      // 1 px: Skia draws it as a hairline. 1.5 px lines go through its stroker, which made
      // rasterizing the canvas 5× slower in software (no GPU) — most of a batch's frame time.
      width: SERIES_WIDTH,
      spanGaps: false,
      points: { show: false },
      value: (_u, v) => (v === null || v === undefined ? '–' : `${fmtMs(v)} ms`),
    }));
    const bandSeries: uPlot.Series[] = single
      ? [
          { label: 'p95', stroke: theme.band, width: 0, points: { show: false }, value: (_u, v) => (v == null ? '–' : `${fmtMs(v)} ms`) },
          { label: 'p5', stroke: theme.band, width: 0, points: { show: false }, value: (_u, v) => (v == null ? '–' : `${fmtMs(v)} ms`) },
        ]
      : [];
    const axisCommon = {
      stroke: theme.axis,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1, size: 4 },
      font: theme.font,
    };
    const opts: uPlot.Options = {
      width: Math.max(200, Math.floor(rect.width)),
      height: Math.max(120, Math.floor(rect.height)),
      ms: 1,
      pxAlign: 0,
      scales: {
        x: { time: true },
        y: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 10] },
      },
      axes: [
        // size: uPlot's default x axis (50 px) leaves a blank band above the legend.
        { ...axisCommon, space: 70, size: 30, values: (_u, splits) => timeTicks(splits) },
        { ...axisCommon, size: 52, label: 'RTT (ms)', labelSize: 14, labelFont: theme.font },
      ],
      series: [{ label: 'Time', value: (_u, v) => (v == null ? '–' : fmtClock(v)) }, ...peerSeries, ...bandSeries],
      bands: single ? [{ series: [2, 3], fill: theme.band }] : [],
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 6 } },
      hooks: {
        draw: [(u) => drawOverlay(u, overlayRef.current, theme)],
        // Zooming into a live chart would be undone by the next batch: pause instead.
        setSelect: [
          (u) => {
            if (u.select.width > 2) uiStore.getState().setChartPaused(true);
          },
        ],
      },
    };
    // Its canvas redraws 4×/s: desynchronized like the table's and the log's (lib/live-canvas).
    const u = withLiveContexts(() => new uPlot(opts, [[], ...peerSeries.map(() => []), ...bandSeries.map(() => [])], host));
    plotRef.current = u;
    // The canvas and its legend table are visual; the host's aria-label and the peer table
    // carry the information. Hiding them also keeps legend <tr>s out of getByRole('row').
    u.root.setAttribute('aria-hidden', 'true');
    overlayRef.current = { down: [], markers: [], colors, labelWidths: new Map() };

    const ro = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (!box) return;
      // The legend sits inside the host; keep the canvas within what is left.
      const legend = host.querySelector('.u-legend') as HTMLElement | null;
      const h = Math.max(120, Math.floor(box.height - (legend?.offsetHeight ?? 0)));
      const w = Math.max(200, Math.floor(box.width));
      if (w !== u.width || h !== u.height) u.setSize({ width: w, height: h });
    });
    ro.observe(host);
    redrawRef.current();
    return () => {
      ro.disconnect();
      u.destroy();
      if (plotRef.current === u) plotRef.current = null;
    };
  }, [peerIds, scheme, store]);

  // Feed data: on a series/event change, at the chart's next slot (4×/s). A recreate,
  // resume or range change redraws at the next animation frame instead.
  useEffect(() => {
    let frame = 0;
    let live = true;
    const draw = () => {
      frame = 0;
      const u = plotRef.current;
      if (!u || uiStore.getState().chartPaused) return;
      const s: AppState = store.getState();
      const ids = peerIds.filter((id) => s.peers[id]);
      const now = Date.now();
      const rangeMs = RANGE_MS[uiStore.getState().range];
      const since = Number.isFinite(rangeMs) ? now - rangeMs : -Infinity;
      const chartPeers = peerIds.map((id) => ({ id, intervalMs: s.peers[id]?.intervalMs ?? 1000 }));
      // About one bin per plot pixel across the shown time span (chartBinMs).
      const plotPx = Math.max(100, u.bbox.width / uPlot.pxRatio);
      const spanMs = Number.isFinite(rangeMs) ? rangeMs : Math.max(60_000, now - firstSampleTime(series, peerIds, now));
      const cols = buildColumns(series, chartPeers, since, { binMs: chartBinMs(spanMs, plotPx, chartPeers) });
      const states = new Map(ids.map((id) => [id, s.peers[id].state] as const));
      overlayRef.current = {
        down: downIntervals(s.events, states, now),
        markers: faultMarkers(s.events, new Set(ids)),
        colors: overlayRef.current.colors,
        labelWidths: overlayRef.current.labelWidths,
      };
      const data = [cols.xs, ...cols.ys, ...(peerIds.length === 1 && cols.band ? cols.band : [])] as unknown as uPlot.AlignedData;
      if (Number.isFinite(rangeMs)) {
        u.batch(() => {
          u.setData(data, false);
          u.setScale('x', { min: since, max: now });
        });
      } else {
        const first = cols.xs[0] ?? now - 60_000;
        u.batch(() => {
          u.setData(data, false);
          u.setScale('x', { min: Math.min(first, now - 60_000), max: now });
        });
      }
    };
    const drawSoon = () => {
      if (!frame && live) frame = requestAnimationFrame(draw);
    };
    // The slot's timer draws at once. Drawn in an animation frame, the canvas had to be
    // handed to the compositor inside that frame (~1.3 ms more per chart pass in software
    // Chromium); drawn in the task, the next frame only commits it. A hidden page waits for
    // its next animation frame instead (none run while it is hidden).
    const drawOnSlot = () => {
      if (document.hidden) return drawSoon();
      if (frame) cancelAnimationFrame(frame);
      draw();
    };
    const schedule = () => scheduleOnGrid(SLOTS.chart, drawOnSlot);
    redrawRef.current = drawSoon;
    drawSoon();
    const unsub = store.subscribe((s, prev) => {
      if (s.seriesVersion !== prev.seriesVersion || s.events !== prev.events || s.peers !== prev.peers) schedule();
    });
    // Keep the time axis moving even when no sample arrives (a frozen peer).
    const tick = setInterval(schedule, 1000);
    return () => {
      live = false;
      unsub();
      clearInterval(tick);
      cancelOnGrid(SLOTS.chart, drawOnSlot);
      if (frame) cancelAnimationFrame(frame);
      redrawRef.current = () => undefined;
    };
  }, [peerIds, series, store]);

  // Resume / range change: redraw at once.
  useEffect(() => {
    if (!paused) redrawRef.current();
  }, [paused, range]);

  return (
    <div className="chart-host" ref={hostRef} role="img" aria-label={chartLabel(peerIds.length)}>
      {peerIds.length === 0 && <p className="chart-empty">{hasPeers ? 'Tick a peer’s “Chart” box to plot its RTT.' : 'No peers yet: RTT appears here once a peer connects.'}</p>}
    </div>
  );
}

function firstSampleTime(series: SeriesStore, ids: readonly string[], now: number): number {
  let first = now;
  for (const id of ids) {
    const ring = series.ring(id);
    if (ring && ring.size > 0) first = Math.min(first, ring.timeAt(0));
  }
  return first;
}

/** 24-hour ticks; seconds only when the ticks are closer than a minute. */
function timeTicks(splits: number[]): string[] {
  const step = splits.length > 1 ? splits[1] - splits[0] : 60_000;
  return splits.map((v) => {
    const c = fmtClock(v);
    return step < 60_000 ? c.slice(0, 8) : c.slice(0, 5);
  });
}

function chartLabel(n: number): string {
  return n === 0 ? 'RTT chart (no peer selected)' : `RTT chart of ${n} peer${n === 1 ? '' : 's'}`;
}

function drawOverlay(u: uPlot, o: Overlay, theme: Theme): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const xMin = u.scales.x.min ?? 0;
  const xMax = u.scales.x.max ?? 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  const px = (t: number) => u.valToPos(t, 'x', true);
  const dpr = uPlot.pxRatio;
  // Down intervals: a light shade over the plot and a strip in the peer's colour at the bottom.
  for (const d of o.down) {
    if (d.to < xMin || d.from > xMax) continue;
    const x0 = Math.max(left, px(d.from));
    const x1 = Math.min(left + width, px(d.to));
    if (x1 <= x0) continue;
    ctx.fillStyle = theme.down;
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    ctx.fillStyle = o.colors.get(d.peer) ?? theme.markerKilled;
    ctx.fillRect(x0, top + height - 3 * dpr, Math.max(1, x1 - x0), 3 * dpr);
  }
  // Fault markers: dashed verticals. Labels of nearby markers (e.g. two faults set at the
  // same moment) are stacked in rows instead of hiding each other.
  ctx.font = theme.font.replace(/^(\d+)px/, (_m, n) => `${Number(n) * dpr}px`);
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left'; // uPlot leaves its last axis alignment on the context
  const pad = 3 * dpr;
  const rowH = 12 * dpr;
  const labels: { x: number; text: string; color: string; w: number; from: number; to: number }[] = [];
  for (const m of o.markers) {
    if (m.t < xMin || m.t > xMax) continue;
    const x = Math.round(px(m.t)) + 0.5;
    const color = m.kind === 'killed' ? theme.markerKilled : m.kind === 'cleared' ? theme.markerCleared : theme.markerSet;
    ctx.strokeStyle = color;
    ctx.lineWidth = dpr;
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    const text = m.label.length > 28 ? `${m.label.slice(0, 27)}…` : m.label;
    const key = `${ctx.font}\u0000${text}`;
    let w = o.labelWidths.get(key);
    if (w === undefined) {
      if (o.labelWidths.size > 256) o.labelWidths.clear();
      o.labelWidths.set(key, (w = ctx.measureText(text).width));
    }
    // Right of the line, or left of it when it would run off the plot.
    const from = x + pad + w <= left + width ? x + pad : x - pad - w;
    labels.push({ x, text, color, w, from, to: from + w });
  }
  const maxRows = Math.max(1, Math.min(4, Math.floor(height / (rowH * 3))));
  const rows = stackLabels(labels, maxRows, 6 * dpr);
  labels.forEach((l, i) => {
    const row = rows[i];
    if (row === null) return;
    const y = top + 2 * dpr + row * rowH;
    // A backing so labels stay readable over the lines they cross.
    ctx.globalAlpha = 0.8;
    ctx.fillStyle = theme.labelBg;
    ctx.fillRect(l.from - dpr, y - dpr, l.w + 2 * dpr, rowH - dpr);
    ctx.globalAlpha = 1;
    ctx.fillStyle = l.color;
    ctx.fillText(l.text, l.from, y);
  });
  ctx.restore();
}
