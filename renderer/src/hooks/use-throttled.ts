// Renders a fast-changing store value at most once per slot: the table's numbers and the
// log are read by humans, a few updates a second is plenty and it spares layout/paint with
// 100 peers × 10 batches/s. Subscribes outside React, so the component does not even
// re-render on the batches in between (a plain useStore + throttle would still re-render on
// every batch).
// Every pass runs on a shared wall-clock grid (SLOTS): passes of one slot (the table's
// figures and strips, the controls) change in the same frame, and the heavy passes of
// different slots (table, chart, log) are 125 ms apart, so two of them never stack in one
// frame: a frame carries one pass's work at most.

import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { StoreApi } from 'zustand/vanilla';

interface Clock {
  timer: ReturnType<typeof setTimeout> | undefined;
  due: Set<() => void>;
}

const clocks = new Map<string, Clock>();

/** A place on the grid: the pass runs at the wall-clock times ≡ `phase` (mod `ms`). */
export interface Slot {
  ms: number;
  phase: number;
}

/**
 * The UI's refresh plan, one heavy pass per 125 ms slot: the table (figures, beat strips,
 * controls) and the event log (with the status bar) twice a second, the live chart four times.
 */
export const SLOTS = {
  table: { ms: 500, phase: 0 },
  chart: { ms: 250, phase: 125 },
  log: { ms: 500, phase: 250 },
} as const satisfies Record<string, Slot>;

/** Runs `flush` at the slot's next time, together with every other flush due then. */
export function scheduleOnGrid({ ms, phase }: Slot, flush: () => void): void {
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
    // Render the slot's React updates now, in this task: left to React's scheduler they
    // would commit in a later task, after a strip painter's animation frame, and the slot
    // would cost two frames (two style/layout/paint/commit passes) instead of one.
    flushSync(() => {
      for (const f of due) f();
    });
  }, ms - ((Date.now() - phase) % ms + ms) % ms);
}

export function cancelOnGrid({ ms, phase }: Slot, flush: () => void): void {
  clocks.get(`${ms}/${phase}`)?.due.delete(flush);
}

/**
 * Calls `paint` in `slot` after a store change that `changed(next, prev)` says matters,
 * without rendering anything: for canvases that draw from the store themselves. In a
 * microtask after the slot's task, so a slot that also renders (and paints in a layout
 * effect) paints once, after that render.
 */
export function useSlotPaint<S>(store: StoreApi<S>, slot: Slot, changed: (next: S, prev: S) => boolean, paint: () => void): void {
  const changedRef = useRef(changed);
  changedRef.current = changed;
  const paintRef = useRef(paint);
  paintRef.current = paint;
  const { ms, phase } = slot;
  useEffect(() => {
    let live = true;
    const flush = () =>
      queueMicrotask(() => {
        if (live) paintRef.current();
      });
    const unsub = store.subscribe((s, prev) => {
      if (changedRef.current(s, prev)) scheduleOnGrid({ ms, phase }, flush);
    });
    return () => {
      live = false;
      unsub();
      cancelOnGrid({ ms, phase }, flush);
    };
  }, [store, ms, phase]);
}

/**
 * The store's `selector(state)`, re-read at most once per `slot`. `urgent(next, prev)` marks
 * changes to show at once (e.g. the user picked another peer). `same(shown, next)` decides at
 * the slot whether a changed value re-renders (the selector's identity decides on every
 * store change, so keep it cheap).
 */
export function useThrottledStore<S, T>(
  store: StoreApi<S>,
  selector: (s: S) => T,
  slot: Slot,
  urgent?: (next: S, prev: S) => boolean,
  same: (shown: T, next: T) => boolean = Object.is,
): T {
  const { ms, phase } = slot;
  const [shown, setShown] = useState<{ v: T }>(() => ({ v: selector(store.getState()) }));
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const urgentRef = useRef(urgent);
  urgentRef.current = urgent;
  const sameRef = useRef(same);
  sameRef.current = same;
  const shownRef = useRef(shown.v);
  shownRef.current = shown.v;
  useEffect(() => {
    let live = true;
    const flush = () => {
      if (!live) return;
      const v = selectorRef.current(store.getState());
      // Decided here, not in a state updater: an update that React bails out of stays queued
      // on the component (holding its value) until the component renders again — with a
      // table that keeps its rows for minutes, that queue grew by a peers object twice a
      // second (bench ui heap: +17 MiB in 5 min).
      if (sameRef.current(shownRef.current, v)) return;
      shownRef.current = v;
      setShown({ v });
    };
    const unsub = store.subscribe((s, prev) => {
      if (Object.is(selectorRef.current(s), selectorRef.current(prev))) return;
      if (urgentRef.current?.(s, prev)) {
        cancelOnGrid({ ms, phase }, flush);
        flush();
      } else scheduleOnGrid({ ms, phase }, flush);
    });
    flush(); // whatever changed between the first render and this effect
    return () => {
      live = false;
      unsub();
      cancelOnGrid({ ms, phase }, flush);
    };
  }, [store, ms, phase]);
  return shown.v;
}
