// Client-side checks for the forms, mirroring shared/validate.ts so the user gets the
// error before a round trip; `field` uses the command argument names (port, interval…).
export type Check<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

function fail(field: string, message: string): { ok: false; field: string; message: string } {
  return { ok: false, field, message };
}

const INT = /^\s*-?\d+\s*$/;
const NUM = /^\s*-?(\d+\.?\d*|\.\d+)\s*$/;

export function checkPort(raw: string, field = 'port', allowZero = false): Check<number> {
  const min = allowZero ? 0 : 1;
  if (!INT.test(raw)) return fail(field, `Port must be a whole number from ${min} to 65535 (got "${raw.trim()}")`);
  const n = Number(raw);
  if (n < min || n > 65535) return fail(field, `Port must be from ${min} to 65535 (got ${n})`);
  return { ok: true, value: n };
}

/** Optional integer ms field: blank → undefined (use the default). */
export function checkMs(raw: string, field: string, label: string, min: number, max = 3_600_000): Check<number | undefined> {
  if (raw.trim() === '') return { ok: true, value: undefined };
  if (!INT.test(raw)) return fail(field, `${label} must be a whole number of milliseconds (got "${raw.trim()}")`);
  const n = Number(raw);
  if (n < min || n > max) return fail(field, `${label} must be from ${min} to ${max} ms (got ${n})`);
  return { ok: true, value: n };
}

/** Required non-negative number (blank = 0). */
export function checkNumber(raw: string, field: string, label: string, min: number, max: number): Check<number> {
  if (raw.trim() === '') return { ok: true, value: 0 };
  if (!NUM.test(raw)) return fail(field, `${label} must be a number (got "${raw.trim()}")`);
  const n = Number(raw);
  if (n < min || n > max) return fail(field, `${label} must be from ${min} to ${max} (got ${n})`);
  return { ok: true, value: n };
}

/** Blank → null (unlimited). */
export function checkRate(raw: string, field: string, label: string): Check<number | null> {
  if (raw.trim() === '') return { ok: true, value: null };
  if (!INT.test(raw)) return fail(field, `${label} must be a whole number of bytes/s, or blank for unlimited (got "${raw.trim()}")`);
  const n = Number(raw);
  if (n < 1) return fail(field, `${label} must be at least 1 byte/s, or blank for unlimited`);
  return { ok: true, value: n };
}

export function checkProbability(raw: string, field: string, label: string): Check<number> {
  if (!NUM.test(raw)) return fail(field, `${label} must be a number from 0 to 1 (got "${raw.trim()}")`);
  const n = Number(raw);
  if (n < 0 || n > 1) return fail(field, `${label} must be from 0 to 1 (got ${n})`);
  return { ok: true, value: n };
}

export function checkHost(raw: string, field = 'host'): Check<string> {
  const h = raw.trim();
  if (!h) return fail(field, 'Host is required');
  if (/\s/.test(h) || h.length > 253) return fail(field, `Host "${h}" is not a valid host name or address`);
  return { ok: true, value: h };
}

/** timeout must be ≥ interval (shared/validate.ts rule). */
export function checkTimeoutVsInterval(interval: number | undefined, timeout: number | undefined, defInterval: number, defTimeout: number): Check<true> {
  const i = interval ?? defInterval;
  const t = timeout ?? defTimeout;
  if (t < i) return fail('timeout', `Timeout (${t} ms) must be at least the interval (${i} ms)`);
  return { ok: true, value: true };
}

const FIELD_LABELS: Record<string, string> = {
  port: 'Port',
  host: 'Host',
  name: 'Name',
  protocol: 'Protocol',
  interval: 'Interval',
  timeout: 'Timeout',
  timeoutMode: 'Timeout mode',
  'faults.latency.ms': 'Latency',
  'faults.latency.jitterMs': 'Jitter',
  'faults.latency.direction': 'Direction',
  'faults.bandwidth.bytesPerSec': 'Bandwidth',
  'faults.dropHeartbeats.probability': 'Drop probability',
  id: 'Peer',
};

export function fieldLabel(field: string | undefined): string | undefined {
  if (!field) return undefined;
  return FIELD_LABELS[field] ?? field;
}

/** "Port: must be …" — the message always names the field when there is one. */
export function errorText(field: string | undefined, message: string): string {
  const label = fieldLabel(field);
  if (!label) return message;
  return message.toLowerCase().includes(label.toLowerCase()) || message.includes(field ?? '\0') ? message : `${label} (${field}): ${message}`;
}
