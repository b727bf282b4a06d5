// Windowed rendering of a fixed-row-height list inside a scroller: re-renders only when the
// first visible row or the viewport height changes, not on every scrolled pixel.
import { useLayoutEffect, useState, type RefObject } from 'react';
import { firstVisibleRow, rowWindow, type RowRange } from '../lib/row-window';

interface View {
  first: number;
  height: number;
}

/** Before the first measure (and where there is no layout): enough rows for a tall panel. */
const UNMEASURED_HEIGHT = 1200;

/**
 * @param offsetTop px of scroller content above the first row (e.g. a table header)
 */
export function useRowWindow(ref: RefObject<HTMLElement | null>, count: number, rowH: number, overscan: number, offsetTop = 0): RowRange {
  const [view, setView] = useState<View>({ first: 0, height: UNMEASURED_HEIGHT });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => {
      const next = { first: firstVisibleRow(el.scrollTop, rowH, offsetTop), height: el.clientHeight };
      setView((v) => (v.first === next.first && v.height === next.height ? v : next));
    };
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(read);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, [ref, rowH, offsetTop]);
  return rowWindow(view.first, view.height, count, rowH, overscan);
}
