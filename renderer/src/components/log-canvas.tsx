// The live event log's rows drawn on one canvas over the rows in view. Live, newest first,
// every refresh (twice a second) shifts every row in view — at 30 events/s each refresh
// brings new text into all of them — and as DOM text that cost each row's layout, paint and
// raster per refresh (bench `ui`: log windows were the second most expensive). Lines that
// move twice a second cannot be selected anyway: a paused log (event-log.tsx) is DOM text
// again, selectable and searchable. Each drawn row keeps its whole text as its accessible
// name and tooltip (set here, on the list's row elements), so screen readers and tests read
// what is drawn.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useServices } from '../context';
import { SLOTS, useSlotPaint } from '../hooks/use-throttled';
import type { LogEvent, LogEventType } from '../../../shared/contract';
import { useColorScheme } from '../hooks/use-color-scheme';
import { cssVar } from '../lib/colors';
import { liveContext } from '../lib/live-canvas';
import type { AppState } from '../state/app-store';

/** What a drawn row shows: the texts already cut to their columns (event-log.tsx useRowFit). */
export interface LogLineView {
  event: LogEvent;
  /** the event's clock time, as drawn */
  time: string;
  /** the peer's (or server's) whole name: the row's accessible name and tooltip carry it */
  name: string;
  who: string;
  /** the detail cut to its column */
  detail: string;
  fullDetail: string;
  /** the whole line: the row's accessible name */
  label: string;
  /** the row's tooltip */
  title: string;
}

/** The row's columns (app.css `.event`): padding, time, peer, gaps; the type and detail take the rest. */
export interface LogColumns {
  padX: number;
  time: number;
  who: number;
  gap: number;
}

interface Palette {
  text: string;
  muted: string;
  tone: Partial<Record<LogEventType, string>>;
  time: string;
  bold: string;
  plain: string;
}

function readPalette(): Palette {
  const ui = cssVar('--font-ui', 'sans-serif');
  const small = cssVar('--fs-small', '11px');
  const bad = cssVar('--bad', '#dc2626');
  const ok = cssVar('--ok', '#16a34a');
  const warn = cssVar('--warn', '#c27c0e');
  return {
    text: cssVar('--text', '#1d2127'),
    muted: cssVar('--text-muted', '#69707a'),
    // app.css `.ev-<type> .ev-type`
    tone: { closed: bad, error: bad, killed: bad, connected: ok, 'server-started': ok, 'fault-cleared': ok, reconnecting: warn, 'fault-set': warn },
    // app.css `.event time`: the mono font at 10.5 px
    time: `400 10.5px ${cssVar('--font-mono', 'monospace')}`,
    bold: `600 ${small} ${ui}`,
    plain: `400 ${small} ${ui}`,
  };
}

const eventsMoved = (s: AppState, prev: AppState) => s.events !== prev.events;

/** Lines to draw, and the events array they were made from (the whole list, newest first). */
export interface LogLines {
  events: readonly LogEvent[];
  lines: LogLineView[];
}

interface Props {
  /** the lines of the rendered rows */
  rendered: LogLines;
  /** the newest lines for the same rows, drawn at the log's refresh without a render; null when a render is due */
  linesNow(): LogLines | null;
  /** after each paint, with the events drawn */
  onPainted(events: readonly LogEvent[]): void;
  /** index of the first line in the list */
  start: number;
  rowH: number;
  /** px: the list's width */
  width: number;
  columns: LogColumns;
  /** the list whose first `lines.length` children are the drawn rows */
  listRef: React.RefObject<HTMLElement | null>;
}

export function LogCanvas({ rendered, linesNow, onPainted, start, rowH, width, columns, listRef }: Props) {
  const { store } = useServices();
  const scheme = useColorScheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // Re-read when the theme changes (the colours are CSS variables).
  const palette = useMemo(readPalette, [scheme]);
  /** type → its width in the bold font, for this palette */
  const typeWidths = useMemo(() => new Map<string, number>(), [palette]);
  /** what the canvas shows, and under which layout */
  const shownRef = useRef<{ events: readonly LogEvent[]; layout: unknown[]; lines: LogLineView[] } | null>(null);
  const propsRef = useRef({ rowH, width, columns, palette, typeWidths, linesNow, onPainted });
  propsRef.current = { rowH, width, columns, palette, typeWidths, linesNow, onPainted };

  const paint = useCallback((src: LogLines, start: number) => {
    const { rowH, width, columns, palette, typeWidths, onPainted } = propsRef.current;
    const canvas = canvasRef.current;
    if (!canvas || width <= 0) return;
    const layout = [start, src.lines.length, width, palette, rowH];
    const shown = shownRef.current;
    if (shown && shown.events === src.events && layout.every((v, i) => v === shown.layout[i])) return onPainted(shown.events);
    draw(canvas, src.lines, rowH, width, columns, palette, typeWidths);
    if (listRef.current) labelRows(listRef.current, src.lines);
    shownRef.current = { events: src.events, layout, lines: src.lines };
    onPainted(src.events);
  }, [listRef]);

  // A render (rows, window, width or theme changed): at once, with the newest events when
  // the rendered rows can show them (a render for another reason must not draw older lines).
  useLayoutEffect(() => paint(propsRef.current.linesNow() ?? rendered, start));
  // New events: in the log's slot, when the rendered rows can show them (else a render is due).
  useSlotPaint(store, SLOTS.log, eventsMoved, () => {
    const src = propsRef.current.linesNow();
    if (src) paint(src, start);
  });

  // Tooltips are written when the pointer comes to a row, not on every refresh: a changed
  // `title` restyles its element (the UA stylesheet has `abbr[title]`).
  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const onOver = (e: MouseEvent) => {
      const row = (e.target as Element).closest?.<HTMLElement>('li');
      const i = row ? Array.prototype.indexOf.call(list.children, row) : -1;
      const line = shownRef.current?.lines[i];
      if (row && line) row.title = line.title;
    };
    list.addEventListener('mouseover', onOver);
    return () => list.removeEventListener('mouseover', onOver);
  }, [listRef]);

  return <canvas ref={canvasRef} className="log-canvas" aria-hidden="true" style={{ top: start * rowH, width, height: rendered.lines.length * rowH }} />;
}

/** What each row element was last labelled with: a refresh writes only rows whose line changed. */
const rowLines = new WeakMap<Element, LogLineView>();

/** Each row's whole line as its accessible name, and data-* for tests: attributes no style rule reads (no restyle, layout or paint). */
function labelRows(list: HTMLElement, lines: LogLineView[]): void {
  const rows = list.children;
  for (let i = 0; i < lines.length && i < rows.length; i++) {
    const row = rows[i];
    const l = lines[i];
    if (rowLines.get(row) === l) continue;
    rowLines.set(row, l);
    row.setAttribute('aria-label', l.label);
    row.setAttribute('data-who', l.who);
    row.setAttribute('data-type', l.event.type);
    row.setAttribute('data-detail', l.fullDetail);
    // A row under the pointer keeps a tooltip: it follows the row's new line.
    if (row.hasAttribute('title')) row.setAttribute('title', l.title);
  }
}

function draw(canvas: HTMLCanvasElement, lines: LogLineView[], rowH: number, width: number, c: LogColumns, p: Palette, typeWidths: Map<string, number>): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.ceil(width * dpr);
  const h = Math.ceil(lines.length * rowH * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = liveContext(canvas);
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, lines.length * rowH);
  ctx.textBaseline = 'middle';
  // The text sits in a 15 px line box 2 px below the row's top (app.css `.event`); canvas
  // "middle" is the em box's, which lies 1 px above the line box's centre in these fonts.
  const mid = 2 + 8.5;
  const whoX = c.padX + c.time + c.gap;
  const whatX = whoX + c.who + c.gap;
  // The detail is cut to fit (useRowFit); the canvas's edge clips the rest, as the row did.
  const right = width - c.padX;
  // Grouped by font: setting a font is parsed each time.
  ctx.font = p.time;
  ctx.fillStyle = p.muted;
  lines.forEach((l, i) => ctx.fillText(l.time, c.padX, i * rowH + mid));
  ctx.font = p.bold;
  const typeW: number[] = [];
  lines.forEach((l, i) => {
    const y = i * rowH + mid;
    ctx.fillStyle = p.text;
    ctx.fillText(l.who, whoX, y);
    ctx.fillStyle = p.tone[l.event.type] ?? p.text;
    ctx.fillText(l.event.type, whatX, y);
    let tw = typeWidths.get(l.event.type);
    if (tw === undefined) typeWidths.set(l.event.type, (tw = ctx.measureText(l.event.type).width));
    typeW.push(tw);
  });
  ctx.font = p.plain;
  ctx.fillStyle = p.text;
  lines.forEach((l, i) => {
    if (!l.detail) return;
    const x = whatX + typeW[i];
    if (x < right) ctx.fillText(` — ${l.detail}`, x, i * rowH + mid);
  });
}
