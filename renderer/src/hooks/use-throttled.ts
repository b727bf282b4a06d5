// Renders a fast-changing store value at most every `ms`: the table's numbers and the log are
// read by humans, 4 updates a second is plenty and it spares layout/paint with 100 peers ×
// 10 batches/s. Subscribes outside React, so the component does not even re-render on the
// batches in between (a plain useStore + throttle would still re-render on every batch).
// Every throttled value with the same `ms` is flushed by ONE shared timer on a fixed grid,
// so the table, the beat strips and the controls change in the same frame: one style/layout/
// paint pass every 250 ms instead of one per component at scattered times. A `phase` puts a
// flush half a period later (the log and the chart use GRID_PHASE_B): the two heavy passes
// then land in different frames, ~125 ms apart, instead of stacking in one long frame.

import { useEffect, useRef, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';

interface Clock {
  timer: ReturnType<typeof setTimeout> | undefined;
  due: Set<() => void>;
}

const clocks = new Map<string, Clock>();

/** The UI's shared refresh period (table, log, controls, beat strips, live chart). */
export const GRID_MS = 250;
/** The second slot on the 250 ms grid: half a period after the table's. */
export const GRID_PHASE_B = 125;

/**
 * Runs `flush` at the next wall-clock time ≡ `phase` (mod `ms`), together with every other
 * flush due then.
 */
export function scheduleOnGrid(ms: number, flush: () => void, phase = 0): void {
  const key = `${ms}/${phase}`;
  let c = clocks.get(key);
  if (!c) clocks.set(key, (c = { timer: undefined, due: new Set() }));
  c.due.add(flush);
  if (c.timer !== undefined) return;
  const clock = c;
  clock.timer = setTimeout(() => {
    clock.timer = undefined;
    const due = [...clock.due];
    clock.due.clear();
    for (const f of due) f();
  }, ms - ((Date.now() - phase) % ms + ms) % ms);
}

export function cancelOnGrid(ms: number, flush: () => void, phase = 0): void {
  clocks.get(`${ms}/${phase}`)?.due.delete(flush);
}

/**
 * The store's `selector(state)`, re-read at most every `ms`. `urgent(next, prev)` marks
 * changes to show at once (e.g. the user picked another peer).
 */
export function useThrottledStore<S, T>(store: StoreApi<S>, selector: (s: S) => T, ms: number, urgent?: (next: S, prev: S) => boolean, phase = 0): T {
  const [shown, setShown] = useState<{ v: T }>(() => ({ v: selector(store.getState()) }));
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const urgentRef = useRef(urgent);
  urgentRef.current = urgent;
  useEffect(() => {
    let live = true;
    const flush = () => {
      if (!live) return;
      const v = selectorRef.current(store.getState());
      setShown((prev) => (Object.is(prev.v, v) ? prev : { v }));
    };
    const unsub = store.subscribe((s, prev) => {
      if (Object.is(selectorRef.current(s), selectorRef.current(prev))) return;
      if (urgentRef.current?.(s, prev)) {
        cancelOnGrid(ms, flush, phase);
        flush();
      } else scheduleOnGrid(ms, flush, phase);
    });
    flush(); // whatever changed between the first render and this effect
    return () => {
      live = false;
      unsub();
      cancelOnGrid(ms, flush, phase);
    };
  }, [store, ms, phase]);
  return shown.v;
}
