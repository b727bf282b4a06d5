// Protocol / interval / timeout / mode fields shared by "Start server" and "Connect to…".
// `prefix` keeps the labels of the two forms distinct ("Server protocol" vs "Protocol").
import type { Protocol, TimeoutMode } from '../../../shared/contract';
import { DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS } from '../../../shared/contract';
import { checkMs, checkTimeoutVsInterval, type Check } from '../lib/form-checks';

export interface HeartbeatValues {
  protocol: Protocol;
  interval: string;
  timeout: string;
  mode: TimeoutMode;
}

export const EMPTY_HEARTBEAT: HeartbeatValues = { protocol: 'framed', interval: '', timeout: '', mode: 'fixed' };

export interface HeartbeatArgs {
  protocol: Protocol;
  interval?: number;
  timeout?: number;
  timeoutMode: TimeoutMode;
}

export function checkHeartbeat(v: HeartbeatValues): Check<HeartbeatArgs> {
  const i = checkMs(v.interval, 'interval', 'Interval', 10);
  if (!i.ok) return i;
  const t = checkMs(v.timeout, 'timeout', 'Timeout', 10);
  if (!t.ok) return t;
  const rel = checkTimeoutVsInterval(i.value, t.value, DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS);
  if (!rel.ok) return rel;
  const out: HeartbeatArgs = { protocol: v.protocol, timeoutMode: v.mode };
  if (i.value !== undefined) out.interval = i.value;
  if (t.value !== undefined) out.timeout = t.value;
  return { ok: true, value: out };
}

export function HeartbeatFields({
  prefix,
  value,
  onChange,
  invalid,
}: {
  prefix: string;
  value: HeartbeatValues;
  onChange(v: HeartbeatValues): void;
  invalid?: string | null;
}) {
  // Short visible labels; the accessible name carries the prefix so the two forms' fields
  // stay distinguishable ("Server protocol" vs "Protocol").
  const label = (s: string) => (prefix ? `${prefix} ${s.toLowerCase()}` : s);
  return (
    <>
      <label>
        Protocol
        <select aria-label={label('Protocol')} value={value.protocol} onChange={(e) => onChange({ ...value, protocol: e.target.value as Protocol })}>
          <option value="framed">framed</option>
          <option value="plain">plain</option>
        </select>
      </label>
      <label>
        Mode
        <select aria-label={label('Timeout mode')} value={value.mode} onChange={(e) => onChange({ ...value, mode: e.target.value as TimeoutMode })}>
          <option value="fixed">fixed</option>
          <option value="adaptive">adaptive</option>
        </select>
      </label>
      <label>
        Interval (ms)
        <input
          aria-label={label('Interval (ms)')}
          inputMode="numeric"
          placeholder={String(DEFAULT_INTERVAL_MS)}
          value={value.interval}
          aria-invalid={invalid === 'interval' || undefined}
          onChange={(e) => onChange({ ...value, interval: e.target.value })}
        />
      </label>
      <label>
        Timeout (ms)
        <input
          aria-label={label('Timeout (ms)')}
          inputMode="numeric"
          placeholder={String(DEFAULT_TIMEOUT_MS)}
          value={value.timeout}
          aria-invalid={invalid === 'timeout' || undefined}
          onChange={(e) => onChange({ ...value, timeout: e.target.value })}
        />
      </label>
    </>
  );
}
