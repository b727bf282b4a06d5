// Session export as CSV: one row per RTT sample and per log event, in time order, so a
// spreadsheet can plot RTT and see the faults and closes on the same time axis.
import type { SessionExport } from '../../../shared/contract';
import { describeEventDetail } from './format';

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  // Defuse spreadsheet formulas in user-controlled text (peer names, messages).
  if (/^[=+\-@\t\r]/.test(s) && typeof v !== 'number') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',');
}

export const CSV_HEADER = ['time_iso', 't_ms', 'kind', 'peer_id', 'peer_name', 'rtt_ms', 'event', 'detail'] as const;

export function sessionToCsv(session: SessionExport): string {
  const names = new Map(session.peers.map((p) => [p.id, p.name] as const));
  const rows: { t: number; order: number; fields: unknown[] }[] = [];
  let order = 0;
  for (const [peerId, samples] of Object.entries(session.samples)) {
    for (const [t, rtt] of samples) {
      rows.push({ t, order: order++, fields: [iso(t), t, 'sample', peerId, names.get(peerId) ?? '', rtt, '', ''] });
    }
  }
  for (const e of session.events) {
    const peerName = e.peer ? (names.get(e.peer) ?? '') : '';
    rows.push({
      t: e.t,
      order: order++,
      fields: [iso(e.t), e.t, 'event', e.peer ?? e.server ?? '', peerName, '', e.type, describeEventDetail(e)],
    });
  }
  rows.sort((a, b) => a.t - b.t || a.order - b.order);
  return [csvRow(CSV_HEADER), ...rows.map((r) => csvRow(r.fields))].join('\r\n') + '\r\n';
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : '';
}

export function exportFileName(ext: 'json' | 'csv', now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  return `heartwire-session-${stamp}.${ext}`;
}
