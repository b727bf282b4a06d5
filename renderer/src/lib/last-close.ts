// The last close of each peer: its reason and when. PeerInfo.closeReason keeps the reason
// of an outbound peer after it reconnected, but not the time; the event log has both.
import type { CloseReason, LogEvent, PeerInfo } from '../../../shared/contract';
import { fmtClock, fmtDuration } from './format';

export interface LastClose {
  reason: CloseReason | undefined;
  /** epoch ms of the latest `closed` event, undefined when the log no longer holds it */
  t: number | undefined;
}

/** Latest `closed` event per peer id. `events` may be in any order. */
export function lastCloseTimes(events: readonly LogEvent[]): Map<string, { reason: CloseReason | undefined; t: number; seq: number }> {
  const out = new Map<string, { reason: CloseReason | undefined; t: number; seq: number }>();
  for (const e of events) {
    if (e.type !== 'closed' || !e.peer) continue;
    const prev = out.get(e.peer);
    if (!prev || e.seq > prev.seq) out.set(e.peer, { reason: e.reason, t: e.t, seq: e.seq });
  }
  return out;
}

export type CloseTimes = ReadonlyMap<string, { reason: CloseReason | undefined; t: number; seq: number }>;

const closeCache = new WeakMap<readonly LogEvent[], CloseTimes>();
/** the last array computed, to derive the next one from it */
let lastEvents: readonly LogEvent[] | null = null;
let lastTimes: CloseTimes = new Map();

/** Newest-first arrays are prepended at most this many events at a time to be derived incrementally. */
const MAX_PREPENDED = 256;

/**
 * lastCloseTimes, computed once per events array: the store replaces the array on every
 * change, so many table rows selecting their own close from the same state share one scan.
 * An array that is the previous one with new events in front (and its oldest dropped), as
 * the store makes it for every batch, is derived from the previous result by looking at the
 * new and the dropped events only; the same Map comes back when neither holds a close.
 */
export function cachedCloseTimes(events: readonly LogEvent[]): CloseTimes {
  let m = closeCache.get(events);
  if (!m) {
    m = (lastEvents && derivedCloseTimes(lastEvents, lastTimes, events)) ?? lastCloseTimes(events);
    closeCache.set(events, m);
    lastEvents = events;
    lastTimes = m;
  }
  return m;
}

/** `next` from `prev` when next = [k new events, ...prev's first next.length − k]; else null. */
function derivedCloseTimes(prev: readonly LogEvent[], times: CloseTimes, next: readonly LogEvent[]): CloseTimes | null {
  if (prev.length === 0 || next.length === 0) return null;
  let k = 0;
  while (k < next.length && k <= MAX_PREPENDED && next[k] !== prev[0]) k++;
  if (next[k] !== prev[0]) return null;
  const kept = next.length - k;
  if (kept > prev.length || next[next.length - 1] !== prev[kept - 1]) return null;
  // A dropped event that is some peer's latest close: that peer's entry would have to fall
  // back to an older close, which only a scan finds.
  for (let i = kept; i < prev.length; i++) {
    const e = prev[i];
    if (e.type === 'closed' && e.peer && times.get(e.peer)?.seq === e.seq) return null;
  }
  let out: Map<string, { reason: CloseReason | undefined; t: number; seq: number }> | null = null;
  for (let i = 0; i < k; i++) {
    const e = next[i];
    if (e.type !== 'closed' || !e.peer) continue;
    const had = (out ?? times).get(e.peer);
    if (had && had.seq >= e.seq) continue;
    out ??= new Map(times);
    out.set(e.peer, { reason: e.reason, t: e.t, seq: e.seq });
  }
  return out ?? times;
}

/**
 * The peer's last close, or null when it never closed. The log is bounded and drops its
 * oldest events first, so a logged close is never older than peer.closeReason: prefer it,
 * and fall back to the reason alone (time unknown).
 */
export function lastCloseOf(peer: Pick<PeerInfo, 'closeReason'>, logged: { reason?: CloseReason; t: number } | undefined): LastClose | null {
  if (logged) return { reason: logged.reason ?? peer.closeReason, t: logged.t };
  return peer.closeReason ? { reason: peer.closeReason, t: undefined } : null;
}

/** "killed-rst 12s ago" (or "killed-rst" when the time is unknown). */
export function describeLastClose(c: LastClose, now: number): string {
  const reason = c.reason ?? 'closed';
  if (c.t === undefined) return reason;
  return `${reason} ${fmtAgo(now - c.t)}`;
}

/** "last close: killed-rst 12s ago (14:03:27.512)", for tooltips. */
export function lastCloseTitle(c: LastClose, now: number): string {
  return `last close: ${describeLastClose(c, now)}${c.t === undefined ? '' : ` (${fmtClock(c.t)})`}`;
}

/** "12s ago"; a clock slightly behind the event reads "just now", never negative. */
export function fmtAgo(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return ms < 1000 ? 'just now' : `${fmtDuration(ms)} ago`;
}
