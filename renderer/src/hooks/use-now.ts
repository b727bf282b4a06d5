// The wall clock, for "up for 12s" and "3s ago" texts: re-read in the table's slot of the
// refresh grid (hooks/use-throttled SLOTS), so a ticking text changes in the same frame as
// the table's numbers instead of costing a style/layout/paint/commit pass of its own, and
// only when it moved to the next `ms` step (the texts show whole seconds).
import { useEffect, useRef, useState } from 'react';
import { SLOTS, cancelOnGrid, scheduleOnGrid } from './use-throttled';

export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  const shown = useRef(now);
  useEffect(() => {
    let live = true;
    const tick = () => {
      if (!live) return;
      const t = Date.now();
      // Decided here, not in a state updater: an update React bails out of stays queued on
      // the component until it renders again (see use-throttled).
      if (Math.floor(shown.current / ms) !== Math.floor(t / ms)) setNow((shown.current = t));
      scheduleOnGrid(SLOTS.table, tick);
    };
    scheduleOnGrid(SLOTS.table, tick);
    return () => {
      live = false;
      cancelOnGrid(SLOTS.table, tick);
    };
  }, [ms]);
  return now;
}
