// Pure formatters for the table, log and status bar. `–` marks "no value yet".
import type { CloseReason, Faults, LogEvent, PeerState } from '../../../shared/contract';

export const NONE = '–';

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return Math.round(v).toString();
}

export function fmtPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  if (v === 0) return '0';
  return v < 10 ? v.toFixed(1) : Math.round(v).toString();
}

export function fmtPhi(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  return v < 10 ? v.toFixed(1) : Math.round(v).toString();
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Decimal units (kB = 1000 B), matching how link rates are quoted. */
export function fmtBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  let n = v;
  let u = 0;
  while (Math.abs(n) >= 1000 && u < UNITS.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(n)} B` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ${UNITS[u]}`;
}

export function fmtRate(bytesPerSec: number): string {
  return `${fmtBytes(bytesPerSec)}/s`;
}

function pad(n: number, w = 2): string {
  return n.toString().padStart(w, '0');
}

/** Local wall-clock time with milliseconds: 14:03:27.512 */
export function fmtClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NONE;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${pad(m % 60)}m`;
}

export const STATE_LABEL: Record<PeerState, string> = {
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  closed: 'closed',
  stopped: 'stopped',
};

export function isUp(state: PeerState): boolean {
  return state === 'connected';
}

export function fmtReason(reason: CloseReason | undefined): string {
  return reason ?? '';
}

/** One-line summary of a fault set, e.g. "latency 100±30ms in · 750 kB/s · frozen". */
export function describeFaults(f: Faults | undefined): string {
  if (!f) return '';
  const parts: string[] = [];
  if (f.latency) {
    const dir = f.latency.direction && f.latency.direction !== 'both' ? ` ${f.latency.direction}` : '';
    parts.push(`latency ${f.latency.ms}${f.latency.jitterMs ? `±${f.latency.jitterMs}` : ''}ms${dir}`);
  }
  if (f.bandwidth) {
    const dir = f.bandwidth.direction && f.bandwidth.direction !== 'both' ? ` ${f.bandwidth.direction}` : '';
    parts.push(`${fmtRate(f.bandwidth.bytesPerSec)}${dir}`);
  }
  if (f.freeze) parts.push('frozen');
  if (f.dropHeartbeats) parts.push(`drop ${Math.round(f.dropHeartbeats.probability * 100)}% beats`);
  if (f.slice) parts.push(`slice ${f.slice.maxBytes} B`);
  if (f.stopPinging) parts.push('not pinging');
  return parts.join(' · ');
}

export function hasFaults(f: Faults | undefined): boolean {
  return describeFaults(f) !== '';
}

/** The typed text of a log line after its type, e.g. "peer-reset" or "attempt 3 in 1200 ms". */
export function describeEventDetail(e: LogEvent): string {
  switch (e.type) {
    case 'closed':
      return e.reason ?? e.message ?? '';
    case 'reconnecting': {
      const parts: string[] = [];
      if (e.attempt !== undefined) parts.push(`attempt ${e.attempt}`);
      if (e.delayMs !== undefined) parts.push(`in ${Math.round(e.delayMs)} ms`);
      if (e.reason) parts.push(`after ${e.reason}`);
      return parts.join(' ') || (e.message ?? '');
    }
    case 'killed':
      return e.mode ? e.mode.toUpperCase() : (e.message ?? '');
    case 'fault-set':
      return describeFaults(e.faults) || (e.message ?? '');
    default:
      return e.message ?? e.reason ?? '';
  }
}

/** "closed — peer-reset" */
export function describeEvent(e: LogEvent): string {
  const detail = describeEventDetail(e);
  return detail ? `${e.type} — ${detail}` : e.type;
}
