// The peer table's live columns (beat strip, RTT figures, loss, φ, reconnects, bytes) drawn
// on one canvas over the rows in view, instead of as DOM text. Why: these change for every
// row twice a second, and in software Chromium each changed text node costs its cell's
// layout, paint and raster — the table's refresh was the UI's most expensive frame (bench
// `ui`: DOM-text table windows p95 ≈ 2× the canvas-text reference page's). A figure that
// changes twice a second cannot usefully be selected anyway; the row's name, remote, state
// and faults stay DOM text, and every drawn cell keeps its text as its accessible name
// (aria-label, set here in the same pass), so screen readers and tests read what is drawn.
//
// The canvas covers exactly the rendered window of rows (the table is windowed), scrolls
// with them, and is redrawn on each table refresh (the table's slot), when the window
// moves, on resize and on a theme change. It takes no pointer events: hover, click and
// tooltips (the strip's counts, the exact bytes) are the DOM cells' underneath.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PeerInfo } from '../../../shared/contract';
import { useServices } from '../context';
import { SLOTS, useSlotPaint } from '../hooks/use-throttled';
import { useColorScheme } from '../hooks/use-color-scheme';
import { cssVar } from '../lib/colors';
import { liveContext } from '../lib/live-canvas';
import { fitEnd } from '../lib/fit-text';
import { FIGURE_COLUMNS, bytesFigure, peerFigures, stripRuns, stripSummary, type Figure, type Tone } from '../lib/peer-figures';
import type { AppState } from '../state/app-store';
import type { SeriesStore } from '../state/series-store';

/** beats a strip shows, newest at the right */
const STRIP_BEATS = 60;
/** px: a cell's side padding (app.css `.pt-cell`) */
const PAD_X = 4;
/** px: the strip's band in its cell (12 px tall, 6 px down, at most 120 wide), with a grey base band 30 % as tall where there is no beat yet */
const STRIP = { top: 6, height: 12, maxWidth: 120, base: 0.3 } as const;

interface Box {
  x: number;
  w: number;
}

/** Where the drawn columns are, in px from the canvas's left edge (the strip column's). */
export interface FigureGeometry {
  left: number;
  width: number;
  beats: Box;
  figs: Box[];
  bytes: Box;
}

interface Palette {
  text: string;
  muted: string;
  warn: string;
  bad: string;
  empty: string;
  beats: string[];
  font: string;
  bold: string;
  small: string;
}

function readPalette(): Palette {
  const mono = cssVar('--font-mono', 'monospace');
  const fs = cssVar('--fs', '12px');
  return {
    text: cssVar('--text', '#1d2127'),
    muted: cssVar('--text-muted', '#69707a'),
    warn: cssVar('--warn', '#c27c0e'),
    bad: cssVar('--bad', '#dc2626'),
    empty: cssVar('--beat-empty', '#d9dde3'),
    beats: ['transparent', cssVar('--beat-answered', '#22a04b'), cssVar('--beat-late', '#e0a21b'), cssVar('--beat-missed', '#e03131')],
    font: `400 ${fs} ${mono}`,
    bold: `600 ${fs} ${mono}`,
    // app.css `.pt-body .c-bytes` before it was drawn
    small: `400 10.5px ${mono}`,
  };
}

/** The drawn columns' boxes, read from the header row's cells (same widths as the rows'). */
export function measureGeometry(headRow: HTMLElement): FigureGeometry | null {
  const row = headRow.getBoundingClientRect();
  const box = (el: Element | null): Box | null => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { x: r.left - row.left, w: r.width };
  };
  const beats = box(headRow.querySelector('[data-col="beats"]'));
  const bytes = box(headRow.querySelector('[data-col="bytes"]'));
  const figs = [...headRow.querySelectorAll('[data-fig]')].map(box);
  if (!beats || !bytes || figs.some((f) => !f) || beats.w <= 0) return null;
  const left = beats.x;
  const rel = (b: Box): Box => ({ x: b.x - left, w: b.w });
  return { left, width: bytes.x + bytes.w - left, beats: rel(beats), figs: (figs as Box[]).map(rel), bytes: rel(bytes) };
}

interface Props {
  /** the peers of the rows in the DOM, in order; the first is at row index `start` */
  ids: string[];
  start: number;
  rowH: number;
  bodyRef: React.RefObject<HTMLElement | null>;
  headRowRef: React.RefObject<HTMLElement | null>;
}

const figuresMoved = (s: AppState, prev: AppState) => s.peers !== prev.peers || s.seriesVersion !== prev.seriesVersion;

/** What the canvas shows, and from what: a refresh redraws only changed cells, and nothing when nothing moved. */
interface Shown {
  layout: unknown[];
  ids: string[];
  peers: AppState['peers'];
  seriesVersion: number;
  rows: RowView[];
  byPeer: Map<string, RowView>;
}

export function FigureCanvas({ ids, start, rowH, bodyRef, headRowRef }: Props) {
  const { store, series } = useServices();
  const scheme = useColorScheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [geometry, setGeometry] = useState<FigureGeometry | null>(null);

  useEffect(() => {
    const head = headRowRef.current;
    if (!head) return;
    const read = () =>
      setGeometry((g) => {
        const next = measureGeometry(head);
        return g && next && JSON.stringify(g) === JSON.stringify(next) ? g : next;
      });
    read();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(read);
    ro.observe(head);
    return () => ro.disconnect();
  }, [headRowRef]);

  // Re-read when the theme changes (the colours are CSS variables).
  const palette = useMemo(readPalette, [scheme]);
  const shownRef = useRef<Shown | null>(null);
  const propsRef = useRef({ ids, start, rowH, geometry, palette });
  propsRef.current = { ids, start, rowH, geometry, palette };

  /** Draws the store's figures for the rows in the DOM (a row whose peer is gone stays blank). */
  const paint = useCallback(() => {
    const { ids, start, rowH, geometry, palette } = propsRef.current;
    const canvas = canvasRef.current;
    const body = bodyRef.current;
    if (!canvas || !body || !geometry) return;
    const s = store.getState();
    const layout = [geometry, palette, start, rowH, ids.length, window.devicePixelRatio];
    const shown = shownRef.current;
    const same = shown !== null && layout.every((v, i) => v === shown.layout[i]);
    if (same && shown.ids === ids && shown.peers === s.peers && shown.seriesVersion === s.seriesVersion) return;
    const views = ids.map((id) => (s.peers[id] ? rowView(s.peers[id], series) : BLANK_ROW));
    draw(canvas, geometry, palette, views, rowH, same ? shown.rows : null);
    const byPeer = new Map(ids.map((id, i) => [id, views[i]]));
    shownRef.current = { layout, ids, peers: s.peers, seriesVersion: s.seriesVersion, rows: views, byPeer };
    labelCells(body, byPeer);
  }, [store, series, bodyRef]);

  // On every render (rows, window, geometry or theme changed): at once.
  useLayoutEffect(paint);
  // New figures and beats: in the table's slot, without rendering anything.
  useSlotPaint(store, SLOTS.table, figuresMoved, paint);

  // Tooltips are written when the pointer comes to a cell, not on every refresh: a changed
  // `title` restyles its element (the UA stylesheet has `abbr[title]`).
  useEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const onOver = (e: MouseEvent) => {
      const cell = (e.target as Element).closest?.<HTMLElement>('[data-col]');
      const view = shownRef.current?.byPeer.get(cell?.closest<HTMLElement>('[data-peer]')?.dataset.peer ?? '');
      if (!cell || !view) return;
      cell.title = cell.dataset.col === 'bytes' ? view.bytes.title : view.beatSummary;
    };
    body.addEventListener('mouseover', onOver);
    return () => body.removeEventListener('mouseover', onOver);
  }, [bodyRef]);

  return (
    <canvas
      ref={canvasRef}
      className="fig-canvas"
      aria-hidden="true"
      style={geometry ? { left: geometry.left, top: start * rowH, width: geometry.width, height: ids.length * rowH } : { display: 'none' }}
    />
  );
}

/** What one row shows in the drawn columns. */
interface RowView {
  figs: Figure[];
  bytes: ReturnType<typeof bytesFigure>;
  beats: Uint8Array;
  beatSummary: string;
}

const BLANK_ROW: RowView = {
  figs: FIGURE_COLUMNS.map(() => ({ text: '', tone: 'plain' })),
  bytes: { down: '', up: '', label: '', title: '' },
  beats: new Uint8Array(0),
  beatSummary: '',
};

function rowView(peer: PeerInfo, series: SeriesStore): RowView {
  const beats = series.beatRing(peer.id)?.last(STRIP_BEATS) ?? new Uint8Array(0);
  return { figs: peerFigures(peer.stats), bytes: bytesFigure(peer.stats), beats, beatSummary: stripSummary(beats) };
}

function toneColor(p: Palette, tone: Tone): string {
  return tone === 'bad' ? p.bad : tone === 'warn' ? p.warn : p.text;
}

/**
 * Draws the rows' cells; with `before` (what the canvas shows, same layout) only the cells
 * whose content changed: a canvas text costs about as much as a DOM text's raster, and many
 * figures keep their shown value from one refresh to the next.
 */
function draw(canvas: HTMLCanvasElement, g: FigureGeometry, p: Palette, rows: RowView[], rowH: number, before: RowView[] | null): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.ceil(g.width * dpr);
  const h = Math.ceil(rows.length * rowH * dpr);
  // Resizing a canvas clears and reallocates it: only when its size changed.
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = liveContext(canvas);
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (!before) ctx.clearRect(0, 0, g.width, rows.length * rowH);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  // The row's text sits in the 25 px above its 1 px bottom border.
  const mid = (rowH - 1) / 2;
  const widths = new Widths(ctx);
  /** true when the cell must be drawn; clears it first when it shows something else */
  const redraw = (changed: boolean, box: Box, y: number) => {
    if (!before) return true;
    if (changed) ctx.clearRect(box.x, y, box.w, rowH);
    return changed;
  };
  rows.forEach((row, i) => {
    const y = i * rowH;
    const old = before?.[i];
    if (redraw(!old || !sameCells(old.beats, row.beats), g.beats, y)) drawStrip(ctx, g.beats, y, p, row.beats);
    row.figs.forEach((f, k) => {
      const was = old?.figs[k];
      if (!redraw(!was || was.text !== f.text || was.tone !== f.tone, g.figs[k], y)) return;
      widths.use(f.tone === 'bad' ? p.bold : p.font);
      ctx.fillStyle = toneColor(p, f.tone);
      drawRight(ctx, widths, f.text, g.figs[k], y + mid);
    });
    if (!redraw(!old || old.bytes.down !== row.bytes.down || old.bytes.up !== row.bytes.up, g.bytes, y)) return;
    // app.css `.pt-body .c-bytes` before it was drawn: two 11 px lines, 1 px from the top.
    widths.use(p.small);
    drawArrowed(ctx, widths, '↓', row.bytes.down, g.bytes, y + 1 + 5.5, p);
    drawArrowed(ctx, widths, '↑', row.bytes.up, g.bytes, y + 12 + 5.5, p);
  });
}

function sameCells(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Widths in the drawn font. The figures are short and the font monospaced: a text of n
 * characters is n × the width of "0" unless it has a character off that grid, which only
 * measureText tells (and it costs as much as drawing the text, per call).
 */
class Widths {
  private font = '';
  private digit = 0;
  constructor(private readonly ctx: CanvasRenderingContext2D) {}
  /** Sets the context's font (only when it changes: parsing a font string is not free). */
  use(font: string): void {
    if (font === this.font) return;
    this.ctx.font = font;
    this.font = font;
    this.digit = this.ctx.measureText('0').width;
  }
  of(text: string): number {
    return ONE_CELL.test(text) ? text.length * this.digit : this.ctx.measureText(text).width;
  }
}

/** Characters a monospaced font draws one digit wide. */
const ONE_CELL = /^[\d.,%\- –a-zA-Z]*$/;

/** Right-aligned in the cell's content box, cut with "…" when wider (as the DOM cell did). */
function drawRight(ctx: CanvasRenderingContext2D, widths: Widths, text: string, box: Box, y: number): void {
  const shown = fitEnd(text, box.w - 2 * PAD_X, (s) => widths.of(s));
  ctx.fillText(shown, box.x + box.w - PAD_X, y);
}

/** "↓ 1.2 kB": the arrow muted, the figure in the text colour. */
function drawArrowed(ctx: CanvasRenderingContext2D, widths: Widths, arrow: string, text: string, box: Box, y: number, p: Palette): void {
  const arrowW = widths.of(`${arrow} `);
  const shown = fitEnd(text, box.w - 2 * PAD_X - arrowW, (s) => widths.of(s));
  const right = box.x + box.w - PAD_X;
  ctx.fillStyle = p.text;
  ctx.fillText(shown, right, y);
  ctx.fillStyle = p.muted;
  ctx.fillText(`${arrow} `, right - widths.of(shown), y);
}

function drawStrip(ctx: CanvasRenderingContext2D, box: Box, rowY: number, p: Palette, cells: Uint8Array): void {
  const x = box.x + PAD_X;
  const w = Math.min(STRIP.maxWidth, box.w - 2 * PAD_X);
  const y = rowY + STRIP.top;
  const baseH = STRIP.height * STRIP.base;
  ctx.fillStyle = p.empty;
  ctx.fillRect(x, y + (STRIP.height - baseH) / 2, w, baseH);
  const slot = w / STRIP_BEATS;
  for (const run of stripRuns(cells, STRIP_BEATS)) {
    ctx.fillStyle = p.beats[run.code];
    ctx.fillRect(x + run.from * slot, y, (run.to - run.from) * slot, STRIP.height);
  }
}

interface RowCells {
  figs: HTMLElement[];
  bytes: HTMLElement | null;
  strip: HTMLElement | null;
}

/** A row element's drawn cells, found once: a row element stays with its peer (keyed rows). */
const rowCells = new WeakMap<Element, RowCells>();

function cellsOf(row: Element): RowCells {
  let c = rowCells.get(row);
  if (!c) {
    c = { figs: [...row.querySelectorAll<HTMLElement>('[data-fig]')], bytes: row.querySelector('[data-col="bytes"]'), strip: row.querySelector('[data-col="beats"]') };
    rowCells.set(row, c);
  }
  return c;
}

/** What each row element's cells were last labelled with: a refresh writes only changed labels. */
const rowLabels = new WeakMap<Element, RowView>();

/** Each drawn cell's text as its accessible name: an attribute no style rule reads, so no restyle, layout or paint. */
function labelCells(body: HTMLElement, byPeer: Map<string, RowView>): void {
  for (const row of body.children) {
    const view = byPeer.get((row as HTMLElement).dataset.peer ?? '');
    if (!view) continue;
    const was = rowLabels.get(row);
    rowLabels.set(row, view);
    const cells = cellsOf(row);
    cells.figs.forEach((cell, k) => {
      const text = view.figs[k]?.text ?? '';
      if (!was || (was.figs[k]?.text ?? '') !== text) cell.setAttribute('aria-label', text);
    });
    if (cells.bytes && (!was || was.bytes.label !== view.bytes.label)) cells.bytes.setAttribute('aria-label', view.bytes.label);
    if (cells.strip && (!was || was.beatSummary !== view.beatSummary)) cells.strip.setAttribute('aria-label', view.beatSummary);
  }
}
