// Stable colour per peer for the session: first come, first served around the palette, so
// removing a peer never repaints the others.
export const PALETTE_SIZE = 8;
const assigned = new Map<string, number>();
let next = 0;

export function colorIndex(peerId: string): number {
  let i = assigned.get(peerId);
  if (i === undefined) {
    i = next++ % PALETTE_SIZE;
    assigned.set(peerId, i);
  }
  return i;
}

/** CSS custom property holding the colour (themes define --series-0 … --series-7). */
export function colorVar(peerId: string): string {
  return `var(--series-${colorIndex(peerId)})`;
}

/** A CSS custom property's value (of the root unless `el`), or `fallback` where it is unset. */
export function cssVar(name: string, fallback = '', el: Element = document.documentElement): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function seriesColor(peerId: string): string {
  return cssVar(`--series-${colorIndex(peerId)}`) || '#888';
}
