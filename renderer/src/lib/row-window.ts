// Fixed-row-height windowing: which rows of a long list are in (or near) the viewport.
// Pure, so it is tested in node; hooks/use-row-window.ts feeds it the scroll position.

/** Rows [start, end) to render; the rest are stood in for by spacers of the same height. */
export interface RowRange {
  start: number;
  end: number;
}

/**
 * @param firstVisible index of the first row at least partly in view
 * @param viewportH    the scroller's client height (px)
 * @param rowH         every row's height (px)
 * @param overscan     extra rows rendered above and below, so a scroll step shows no gap
 */
export function rowWindow(firstVisible: number, viewportH: number, count: number, rowH: number, overscan: number): RowRange {
  if (count <= 0 || rowH <= 0) return { start: 0, end: 0 };
  const first = Math.min(Math.max(0, firstVisible), count - 1);
  // +1: a row cut at the top leaves room for one more at the bottom.
  const inView = Math.ceil(Math.max(0, viewportH) / rowH) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + inView + overscan) };
}

/** Index of the first row at least partly in view, rows starting `offsetTop` px into the scroller. */
export function firstVisibleRow(scrollTop: number, rowH: number, offsetTop = 0): number {
  if (rowH <= 0) return 0;
  return Math.max(0, Math.floor((scrollTop - offsetTop) / rowH));
}

/**
 * The scrollTop that brings row `index` fully into view with the least movement (like
 * scrollIntoView({ block: 'nearest' })), or null when it already is. `stickyTop` is the
 * height of a sticky header covering the top of the viewport.
 */
export function scrollToReveal(index: number, scrollTop: number, viewportH: number, rowH: number, offsetTop = 0, stickyTop = 0): number | null {
  const top = offsetTop + index * rowH;
  const bottom = top + rowH;
  if (top - stickyTop < scrollTop) return Math.max(0, top - stickyTop);
  if (bottom > scrollTop + viewportH) return bottom - viewportH;
  return null;
}
