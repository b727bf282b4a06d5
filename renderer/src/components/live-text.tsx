// A short text that changes every refresh (the status bar's beats/s and loop lag), drawn on
// a canvas in the surrounding text's font and colour. Why: in software Chromium a frame
// that repaints anything costs ~3 ms more than one that does not (traced: paint, layerize,
// commit), and these two figures were the only DOM text left that changed on a timer — a
// canvas's new content reaches the compositor without a paint. Its text is its accessible
// name (role img), an attribute that no style rule reads.
// It reads the store itself and redraws in the log's slot of the refresh grid, only when its
// text or tone changed: new health figures re-render nothing.
import { useCallback, useLayoutEffect, useRef } from 'react';
import { useServices } from '../context';
import { useColorScheme } from '../hooks/use-color-scheme';
import { SLOTS, useSlotPaint } from '../hooks/use-throttled';
import { cssVar } from '../lib/colors';
import { liveContext } from '../lib/live-canvas';
import type { AppState } from '../state/app-store';

/** `read` may depend on anything in the state; it decides at the slot whether to draw. */
const anyChange = () => true;

/** What a live figure shows; a warning is drawn in the warning colour. */
export interface LiveFigure {
  text: string;
  warn?: boolean;
}

interface Drawn {
  scheme: string;
  font: string;
  color: string;
  warnColor: string;
  /** the widest text so far (the canvas only grows: shrinking would move what follows) */
  width: number;
  shown: LiveFigure | null;
}

export function LiveText({ read }: { read: (s: AppState) => LiveFigure }) {
  const { store } = useServices();
  const scheme = useColorScheme();
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useRef<Drawn | null>(null);
  const readRef = useRef(read);
  readRef.current = read;

  const paint = useCallback(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const fig = readRef.current(store.getState());
    let d = drawn.current;
    if (d && d.scheme === scheme && d.shown?.text === fig.text && !d.shown.warn === !fig.warn) return;
    if (!d || d.scheme !== scheme) {
      const cs = getComputedStyle(canvas);
      d = drawn.current = {
        scheme,
        font: `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`,
        color: cs.color,
        warnColor: cssVar('--warn', cs.color),
        width: d?.width ?? 0,
        shown: null,
      };
    }
    const ctx = liveContext(canvas);
    if (!ctx) return;
    ctx.font = d.font;
    const needed = Math.ceil(ctx.measureText(fig.text).width);
    // Growing moves what follows it (a layout); a figure that only shrinks keeps its room.
    if (needed > d.width) {
      d.width = needed;
      canvas.style.width = `${needed}px`;
    }
    const dpr = window.devicePixelRatio || 1;
    const h = canvas.clientHeight;
    const w = Math.ceil(d.width * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== Math.ceil(h * dpr)) canvas.height = Math.ceil(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, d.width, h);
    ctx.font = d.font;
    ctx.fillStyle = fig.warn ? d.warnColor : d.color;
    ctx.textBaseline = 'middle';
    ctx.fillText(fig.text, 0, h / 2);
    if (d.shown?.text !== fig.text) canvas.setAttribute('aria-label', fig.text);
    d.shown = fig;
  }, [store, scheme]);

  // The first draw, and a theme change: at once.
  useLayoutEffect(paint, [paint]);
  // New figures: in the log's slot.
  useSlotPaint(store, SLOTS.log, anyChange, paint);

  return <canvas ref={ref} className="live-text" role="img" />;
}
