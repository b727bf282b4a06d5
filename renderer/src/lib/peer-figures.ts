// What the peer table's live columns show, as plain data: the figures (text and tone) and
// the beat strip's runs. The table draws them on a canvas (components/figure-canvas) and
// puts the same text in each cell's accessible name, so both come from here. And what
// re-renders a row's DOM part (sameShownPeer): everything else.
import type { PeerInfo, PeerStats } from '../../../shared/contract';
import { describeFaults, fmtBytes, fmtMs, fmtPct, fmtPhi } from './format';

/** How a figure is coloured: app.css `.peer-table .pt-cell.warn/.bad` before it was drawn. */
export type Tone = 'plain' | 'warn' | 'bad';

export interface Figure {
  text: string;
  tone: Tone;
}

/** The number columns, in table order: header label, tooltip, width class. */
export const FIGURE_COLUMNS = [
  { key: 'last', label: 'Last', title: 'last RTT (ms)', cls: 'c-rtt' },
  { key: 'p50', label: 'p50', title: 'median RTT (ms)', cls: 'c-rtt' },
  { key: 'p99', label: 'p99', title: '99th percentile RTT (ms)', cls: 'c-rtt' },
  { key: 'jitter', label: 'Jitter', title: 'RTT jitter (ms)', cls: 'c-rtt' },
  { key: 'loss', label: 'Loss %', title: 'pings without a pong (%)', cls: 'c-loss' },
  { key: 'phi', label: 'φ', title: 'phi-accrual suspicion', cls: 'c-phi' },
  { key: 'reconn', label: 'Reconn', title: 'reconnects', cls: 'c-reconn' },
] as const;

export type FigureKey = (typeof FIGURE_COLUMNS)[number]['key'];

const plain = (text: string): Figure => ({ text, tone: 'plain' });

/** The number columns' figures for one peer, in FIGURE_COLUMNS order. */
export function peerFigures(s: PeerStats): Figure[] {
  return [
    plain(fmtMs(s.rttLastMs)),
    plain(fmtMs(s.rttP50Ms)),
    plain(fmtMs(s.rttP99Ms)),
    plain(fmtMs(s.jitterMs)),
    { text: fmtPct(s.lossPct), tone: s.lossPct > 0 ? 'warn' : 'plain' },
    { text: fmtPhi(s.phi), tone: s.phi >= 8 ? 'bad' : s.phi >= 3 ? 'warn' : 'plain' },
    plain(String(s.reconnects)),
  ];
}

/** The In/out cell: two short lines, and the exact counts for its tooltip. */
export function bytesFigure(s: PeerStats): { down: string; up: string; label: string; title: string } {
  const down = fmtBytes(s.bytesIn);
  const up = fmtBytes(s.bytesOut);
  return { down, up, label: `in ${down}, out ${up}`, title: `in ${s.bytesIn} B, out ${s.bytesOut} B` };
}

/** A run of equal beat outcomes: slots [from, to) of the strip, code 1 answered, 2 late, 3 missed. */
export interface Run {
  from: number;
  to: number;
  code: 1 | 2 | 3;
}

/**
 * The strip's runs, right-aligned in `slots` (the newest beat in the last slot); slots with
 * no beat yet are not in any run (the strip's grey base shows there).
 */
export function stripRuns(cells: Uint8Array, slots: number): Run[] {
  const shown = cells.length > slots ? cells.subarray(cells.length - slots) : cells;
  const offset = slots - shown.length;
  const runs: Run[] = [];
  for (let i = 0; i < shown.length; i++) {
    const c = shown[i];
    if (c !== 1 && c !== 2 && c !== 3) continue;
    const last = runs[runs.length - 1];
    if (last && last.code === c && last.to === offset + i) last.to++;
    else runs.push({ from: offset + i, to: offset + i + 1, code: c });
  }
  return runs;
}

/** The strip in words: its tooltip and accessible name. */
export function stripSummary(cells: Uint8Array): string {
  let a = 0;
  let l = 0;
  let m = 0;
  for (const c of cells) {
    if (c === 1) a++;
    else if (c === 2) l++;
    else if (c === 3) m++;
  }
  return `last ${cells.length} beats: ${a} answered, ${l} late, ${m} missed`;
}

/**
 * Whether a row shows the same DOM for both: every field of the peer but its stats (drawn,
 * not rendered), faults by what they read as. The store replaces the object when any
 * field changes, stats included.
 */
export function sameShownPeer(a: PeerInfo, b: PeerInfo): boolean {
  if (a === b) return true;
  // for…in, not Object.keys: the table asks this of every peer twice a second.
  let fields = 0;
  for (const k in b) {
    fields++;
    const key = k as keyof PeerInfo;
    if (key === 'stats' || a[key] === b[key]) continue;
    if (key === 'faults' && describeFaults(a.faults) === describeFaults(b.faults)) continue;
    return false;
  }
  for (const _k in a) fields--;
  return fields === 0;
}
