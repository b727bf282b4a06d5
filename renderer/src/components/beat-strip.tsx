// Heartbeat strips: one tiny SVG per row (four <path>s, one per beat outcome), updated by
// ONE painter outside React. Rows register their strip; on each series change the painter
// rewrites only strips whose peer got new beats, in a single animation frame.
// Not <canvas>: every canvas is its own compositor layer, and 100 of them in a scrolling
// table made layerization (PaintArtifactCompositor::Update) the biggest main-thread cost
// per frame. Colours come from CSS variables, so a theme switch needs no repaint.
import { memo, useCallback } from 'react';
import type { AppStore } from '../state/app-store';
import type { SeriesStore } from '../state/series-store';

export const STRIP_BEATS = 60;
const CELL = 2; // px per beat (viewBox units = css px)
const GAP = 0.5;
const HEIGHT = 12;
const PAINT_EVERY_MS = 250;
/** path index = beat code: 0 empty slot, 1 answered, 2 late, 3 missed */
const FILLS = ['var(--beat-empty, #ddd)', 'var(--beat-answered, #2e7d32)', 'var(--beat-late, #f9a825)', 'var(--beat-missed, #c62828)'];

interface Entry {
  peerId: string;
  painted: number; // BeatRing.total at last paint
}

/** The four path `d` strings for a strip: right-aligned, newest beat at the right edge. */
export function stripPaths(cells: Uint8Array, slots = STRIP_BEATS): [string, string, string, string] {
  const d = ['', '', '', ''];
  const offset = slots - cells.length;
  const w = CELL - GAP;
  const emptyY = HEIGHT * 0.35;
  const emptyH = HEIGHT * 0.3;
  for (let i = 0; i < offset; i++) d[0] += `M${i * CELL} ${emptyY}h${w}v${emptyH}h${-w}z`;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] >= 1 && cells[i] <= 3 ? cells[i] : 0;
    const x = (offset + i) * CELL;
    d[c] += c === 0 ? `M${x} ${emptyY}h${w}v${emptyH}h${-w}z` : `M${x} 0h${w}v${HEIGHT}h${-w}z`;
  }
  return d as [string, string, string, string];
}

class BeatPainter {
  private readonly strips = new Map<SVGSVGElement, Entry>();
  private frame = 0;
  private unsub: (() => void) | undefined;
  private series: SeriesStore | undefined;
  private lastPaint = 0;

  attach(store: AppStore, series: SeriesStore): () => void {
    this.series = series;
    this.unsub?.();
    this.unsub = store.subscribe((s, prev) => {
      if (s.seriesVersion !== prev.seriesVersion) this.schedule();
    });
    return () => {
      this.unsub?.();
      this.unsub = undefined;
    };
  }

  register(svg: SVGSVGElement, peerId: string): void {
    const entry = { peerId, painted: -1 };
    this.strips.set(svg, entry);
    // A row scrolled into view (the table is windowed) shows its beats at once.
    if (this.series) this.paintOne(svg, entry);
    else this.schedule();
  }

  unregister(svg: SVGSVGElement): void {
    this.strips.delete(svg);
  }

  repaintAll(): void {
    for (const e of this.strips.values()) e.painted = -1;
    this.schedule();
  }

  /**
   * At most one paint per PAINT_EVERY_MS, in an animation frame; on the same wall-clock grid
   * as the throttled table and log (hooks/use-throttled), so they share one frame.
   */
  private schedule(): void {
    if (this.frame) return;
    const wait = this.lastPaint === 0 ? 0 : PAINT_EVERY_MS - (Date.now() % PAINT_EVERY_MS);
    this.frame = -1;
    setTimeout(() => {
      this.frame = requestAnimationFrame(() => this.paint());
    }, wait);
  }

  private paint(): void {
    this.frame = 0;
    this.lastPaint = performance.now();
    if (!this.series) return;
    for (const [svg, entry] of this.strips) this.paintOne(svg, entry);
  }

  private paintOne(svg: SVGSVGElement, entry: Entry): void {
    if (!this.series) return;
    const ring = this.series.beatRing(entry.peerId);
    const total = ring?.total ?? 0;
    if (total === entry.painted) return;
    entry.painted = total;
    const cells = ring?.last(STRIP_BEATS) ?? new Uint8Array(0);
    const d = stripPaths(cells);
    const paths = svg.querySelectorAll('path');
    for (let i = 0; i < 4 && i < paths.length; i++) if (paths[i].getAttribute('d') !== d[i]) paths[i].setAttribute('d', d[i]);
    const title = svg.querySelector('title');
    if (title) title.textContent = summary(cells);
  }
}

function summary(cells: Uint8Array): string {
  let a = 0;
  let l = 0;
  let m = 0;
  for (const c of cells) {
    if (c === 1) a++;
    else if (c === 2) l++;
    else if (c === 3) m++;
  }
  return `last ${cells.length} beats: ${a} answered, ${l} late, ${m} missed`;
}

export const beatPainter = new BeatPainter();

export const BeatStrip = memo(function BeatStrip({ peerId }: { peerId: string }) {
  const ref = useCallback(
    (el: SVGSVGElement | null) => {
      if (!el) return;
      beatPainter.register(el, peerId);
      return () => beatPainter.unregister(el);
    },
    [peerId],
  );
  return (
    <svg ref={ref} className="beat-strip" role="img" aria-label="Recent heartbeats" viewBox={`0 0 ${STRIP_BEATS * CELL} ${HEIGHT}`} preserveAspectRatio="none" shapeRendering="crispEdges">
      <title />
      {FILLS.map((fill, i) => (
        <path key={i} style={{ fill }} />
      ))}
    </svg>
  );
});
