// The wall clock, for "up for 12s" and "3s ago" texts: re-read in the table's slot of the
// refresh grid (hooks/use-throttled SLOTS), so a ticking text changes in the same frame as
// the table's numbers instead of costing a style/layout/paint/commit pass of its own, and
// only when it moved to the next `ms` step (the texts show whole seconds).
import { useEffect, useState } from 'react';
import { SLOTS, cancelOnGrid, scheduleOnGrid } from './use-throttled';

export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let live = true;
    const tick = () => {
      if (!live) return;
      const t = Date.now();
      setNow((prev) => (Math.floor(prev / ms) === Math.floor(t / ms) ? prev : t));
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
