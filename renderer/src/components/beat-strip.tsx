// Heartbeat strips: one tiny canvas per row, painted by ONE painter outside React. Rows
// register their canvas; on each series change the painter repaints only strips whose peer
// got new beats, in a single animation frame.
import { memo, useCallback } from 'react';
import type { AppStore } from '../state/app-store';
import type { SeriesStore } from '../state/series-store';
import { cssVar } from '../lib/colors';

export const STRIP_BEATS = 60;
const CELL = 2; // css px per beat
const HEIGHT = 12;
const PAINT_EVERY_MS = 250;

interface Entry {
  peerId: string;
  painted: number; // BeatRing.total at last paint
}

class BeatPainter {
  private readonly canvases = new Map<HTMLCanvasElement, Entry>();
  private frame = 0;
  private colors: string[] = [];
  private unsub: (() => void) | undefined;
  private series: SeriesStore | undefined;

  attach(store: AppStore, series: SeriesStore): () => void {
    this.series = series;
    this.unsub?.();
    this.unsub = store.subscribe((s, prev) => {
      if (s.seriesVersion !== prev.seriesVersion) this.schedule();
    });
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onTheme = () => this.repaintAll();
    mq?.addEventListener('change', onTheme);
    return () => {
      this.unsub?.();
      this.unsub = undefined;
      mq?.removeEventListener('change', onTheme);
    };
  }

  register(canvas: HTMLCanvasElement, peerId: string): void {
    this.canvases.set(canvas, { peerId, painted: -1 });
    this.schedule();
  }

  unregister(canvas: HTMLCanvasElement): void {
    this.canvases.delete(canvas);
  }

  repaintAll(): void {
    this.colors = [];
    for (const e of this.canvases.values()) e.painted = -1;
    this.schedule();
  }

  private lastPaint = 0;

  /** At most one paint per PAINT_EVERY_MS, in an animation frame. */
  private schedule(): void {
    if (this.frame) return;
    const wait = Math.max(0, this.lastPaint + PAINT_EVERY_MS - performance.now());
    this.frame = -1;
    setTimeout(() => {
      this.frame = requestAnimationFrame(() => this.paint());
    }, wait);
  }

  private paint(): void {
    this.frame = 0;
    this.lastPaint = performance.now();
    if (!this.series) return;
    if (this.colors.length === 0) {
      this.colors = [cssVar('--beat-empty') || '#ddd', cssVar('--beat-answered') || '#2e7d32', cssVar('--beat-late') || '#f9a825', cssVar('--beat-missed') || '#c62828'];
    }
    const dpr = window.devicePixelRatio || 1;
    for (const [canvas, entry] of this.canvases) {
      const ring = this.series.beatRing(entry.peerId);
      const total = ring?.total ?? 0;
      if (total === entry.painted && canvas.width === Math.round(STRIP_BEATS * CELL * dpr)) continue;
      entry.painted = total;
      const w = Math.round(STRIP_BEATS * CELL * dpr);
      const h = Math.round(HEIGHT * dpr);
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
      const ctx = canvas.getContext('2d');
      if (!ctx) continue;
      ctx.clearRect(0, 0, w, h);
      const cells = ring?.last(STRIP_BEATS) ?? new Uint8Array(0);
      // Right-aligned: the newest beat is always at the right edge.
      const offset = STRIP_BEATS - cells.length;
      const cw = CELL * dpr;
      const gap = dpr >= 2 ? dpr * 0.5 : 0.5;
      ctx.fillStyle = this.colors[0];
      for (let i = 0; i < offset; i++) ctx.fillRect(i * cw, h * 0.35, cw - gap, h * 0.3);
      for (let i = 0; i < cells.length; i++) {
        ctx.fillStyle = this.colors[cells[i]] ?? this.colors[0];
        ctx.fillRect((offset + i) * cw, 0, cw - gap, h);
      }
      canvas.title = summary(cells);
    }
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
    (el: HTMLCanvasElement | null) => {
      if (!el) return;
      beatPainter.register(el, peerId);
      return () => beatPainter.unregister(el);
    },
    [peerId],
  );
  return <canvas ref={ref} className="beat-strip" role="img" aria-label="Recent heartbeats" width={STRIP_BEATS * CELL} height={HEIGHT} />;
});
