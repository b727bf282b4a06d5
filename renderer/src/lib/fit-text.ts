// Text cut to a width in script, so a column need not clip it. A clip is a paint chunk of
// its own, and rows whose content alternates between clips made every event-log refresh
// re-layerize the page (about 1.2 ms more per refresh in software Chromium); cut to fit,
// the rows need no clip but their own.

/** Width in CSS px of `text` in one font. */
export type Measure = (text: string) => number;

const ELLIPSIS = '…';

/** The longest start of `text` that, followed by "…", fits `maxPx` (the text itself if it fits). */
export function fitEnd(text: string, maxPx: number, measure: Measure): string {
  if (!(maxPx > 0) || measure(text) <= maxPx) return text;
  // Binary search on the number of characters kept.
  let lo = 0;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(text.slice(0, mid).trimEnd() + ELLIPSIS) <= maxPx) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? ELLIPSIS : text.slice(0, lo).trimEnd() + ELLIPSIS;
}

/**
 * Cut in the middle, keeping the last `tail` characters: names that differ only at the end
 * ("in:127.0.0.1:50980") stay told apart. Falls back to cutting the end when even the tail
 * does not fit.
 */
export function fitMiddle(text: string, maxPx: number, measure: Measure, tail = 6): string {
  if (!(maxPx > 0) || measure(text) <= maxPx) return text;
  const end = text.slice(-tail);
  const room = maxPx - measure(ELLIPSIS + end);
  if (room <= 0 || text.length <= tail) return fitEnd(text, maxPx, measure);
  const head = fitEnd(text.slice(0, -tail), room + measure(ELLIPSIS), measure);
  return head.endsWith(ELLIPSIS) ? head + end : head + ELLIPSIS + end;
}

const measures = new Map<string, Measure>();
/** Cached widths per string */
const MAX_CACHED = 4000;

/** A Measure for a CSS font shorthand, by a canvas's measureText, with widths cached. */
export function canvasMeasure(font: string): Measure {
  const known = measures.get(font);
  if (known) return known;
  const ctx = document.createElement('canvas').getContext('2d');
  const widths = new Map<string, number>();
  const measure: Measure = (text) => {
    let w = widths.get(text);
    if (w === undefined) {
      if (!ctx) return 0;
      if (widths.size >= MAX_CACHED) widths.clear();
      ctx.font = font;
      w = ctx.measureText(text).width;
      widths.set(text, w);
    }
    return w;
  };
  measures.set(font, measure);
  return measure;
}
