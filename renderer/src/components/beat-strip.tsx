// Heartbeat strips: one element per row whose background is a CSS gradient of runs of
// beat outcomes, updated by ONE painter outside React. Rows register their strip; on each
// series change the painter rewrites only strips whose peer got new beats, in a single
// animation frame. A background needs no layout (an SVG path's `d` made every strip relaid
// out on every refresh) and no layer of its own (100 <canvas> strips in a scrolling table
// made layerization the biggest main-thread cost per frame). Colours are CSS variables, so
// a theme switch needs no repaint.
import { memo, useCallback } from 'react';
import { SLOTS, scheduleOnGrid } from '../hooks/use-throttled';
import type { AppStore } from '../state/app-store';
import type { SeriesStore } from '../state/series-store';

export const STRIP_BEATS = 60;
/** colour per beat code: 1 answered, 2 late, 3 missed; 0 (no beat yet) shows the grey base */
const COLORS = ['transparent', 'var(--beat-answered, #2e7d32)', 'var(--beat-late, #f9a825)', 'var(--beat-missed, #c62828)'];

interface Entry {
  peerId: string;
  painted: number; // BeatRing.total at last paint
}

const pct = (i: number, slots: number) => `${+((i * 100) / slots).toFixed(3)}%`;

/**
 * The strip as one `linear-gradient`: right-aligned (newest beat at the right edge), one
 * colour stop pair per run of equal outcomes, transparent where there is no beat yet.
 */
export function stripGradient(cells: Uint8Array, slots = STRIP_BEATS): string {
  const offset = slots - cells.length;
  const stops: string[] = [];
  let code = 0;
  let from = 0;
  for (let i = offset; i <= slots; i++) {
    const c = i === slots ? -1 : cells[i - offset] >= 1 && cells[i - offset] <= 3 ? cells[i - offset] : 0;
    if (i === offset) {
      code = c;
      from = offset;
      continue;
    }
    if (c === code) continue;
    stops.push(`${COLORS[code]} ${pct(from, slots)} ${pct(i, slots)}`);
    code = c;
    from = i;
  }
  if (offset > 0) stops.unshift(`transparent 0% ${pct(offset, slots)}`);
  if (stops.length === 0) stops.push('transparent 0% 100%');
  // A gradient needs two stops: a single run is written twice.
  if (stops.length === 1) stops.push(stops[0]);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

class BeatPainter {
  private readonly strips = new Map<HTMLElement, Entry>();
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

  register(el: HTMLElement, peerId: string): void {
    const entry = { peerId, painted: -1 };
    this.strips.set(el, entry);
    // A row scrolled into view (the table is windowed) shows its beats at once.
    if (this.series) this.paintOne(el, entry);
    else this.schedule();
  }

  unregister(el: HTMLElement): void {
    this.strips.delete(el);
  }

  repaintAll(): void {
    for (const e of this.strips.values()) e.painted = -1;
    this.schedule();
  }

  /** In the table's slot (hooks/use-throttled SLOTS), so strips and numbers change in one frame. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = -1;
    const inFrame = () => {
      this.frame = requestAnimationFrame(() => this.paint());
    };
    // The first paint (a new page) does not wait for the slot.
    if (this.lastPaint === 0) inFrame();
    else scheduleOnGrid(SLOTS.table, inFrame);
  }

  private paint(): void {
    this.frame = 0;
    this.lastPaint = performance.now();
    if (!this.series) return;
    for (const [el, entry] of this.strips) this.paintOne(el, entry);
  }

  private paintOne(el: HTMLElement, entry: Entry): void {
    if (!this.series) return;
    const ring = this.series.beatRing(entry.peerId);
    const total = ring?.total ?? 0;
    if (total === entry.painted) return;
    entry.painted = total;
    const cells = ring?.last(STRIP_BEATS) ?? new Uint8Array(0);
    // The runs over the grey "no beat" base band (both layers sized in app.css).
    el.style.backgroundImage = `${stripGradient(cells)}, linear-gradient(var(--beat-empty, #ddd), var(--beat-empty, #ddd))`;
    el.title = summary(cells);
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
    (el: HTMLSpanElement | null) => {
      if (!el) return;
      beatPainter.register(el, peerId);
      return () => beatPainter.unregister(el);
    },
    [peerId],
  );
  return <span ref={ref} className="beat-strip" role="img" aria-label="Recent heartbeats" />;
});
