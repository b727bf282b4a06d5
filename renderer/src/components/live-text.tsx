// A short text that changes every refresh (the status bar's beats/s and loop lag), drawn on
// a canvas in the surrounding text's font and colour. Why: in software Chromium a frame
// that repaints anything costs ~3 ms more than one that does not (traced: paint, layerize,
// commit), and these two figures were the only DOM text left that changed on a timer — a
// canvas's new content reaches the compositor without a paint. Its text is its accessible
// name (role img), an attribute that no style rule reads.
import { useLayoutEffect, useRef } from 'react';
import { useColorScheme } from '../hooks/use-color-scheme';
import { liveContext } from '../lib/live-canvas';

export function LiveText({ text }: { text: string }) {
  const scheme = useColorScheme();
  const ref = useRef<HTMLCanvasElement>(null);
  /** the font and colour read for this theme, and the widest text so far (the width only grows) */
  const state = useRef<{ scheme: string; font: string; color: string; width: number } | null>(null);

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let s = state.current;
    if (!s || s.scheme !== scheme) {
      const cs = getComputedStyle(canvas);
      s = state.current = { scheme, font: `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`, color: cs.color, width: s?.width ?? 0 };
    }
    const ctx = liveContext(canvas);
    if (!ctx) return;
    ctx.font = s.font;
    const needed = Math.ceil(ctx.measureText(text).width);
    // Growing moves what follows it (a layout); a figure that only shrinks keeps its room.
    if (needed > s.width) {
      s.width = needed;
      canvas.style.width = `${needed}px`;
    }
    const dpr = window.devicePixelRatio || 1;
    const h = canvas.clientHeight;
    const w = Math.ceil(s.width * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== Math.ceil(h * dpr)) canvas.height = Math.ceil(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, s.width, h);
    ctx.font = s.font;
    ctx.fillStyle = s.color;
    ctx.textBaseline = 'middle';
    ctx.fillText(text, 0, h / 2);
  }, [text, scheme]);

  return <canvas ref={ref} className="live-text" role="img" aria-label={text} />;
}
