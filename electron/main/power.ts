// Suspend/resume: sockets that slept through a suspend are usually dead without knowing
// it, so on resume (or unlock) every outbound peer reconnects at once instead of waiting
// for a heartbeat timeout and then a backoff.
import { powerMonitor } from 'electron';

export interface Reconnector {
  reconnectAll(): void;
}

type PowerEvents = Pick<typeof powerMonitor, 'on' | 'removeListener'>;

export interface PowerOptions {
  /** resume and unlock-screen often fire together; one reconnect per this window (ms) */
  coalesceMs?: number;
  now?: () => number;
  power?: PowerEvents;
}

/** Subscribes to resume/unlock-screen; returns the unsubscribe. */
export function watchPower(monitor: Reconnector, opts: PowerOptions = {}): () => void {
  const power = opts.power ?? powerMonitor;
  const coalesceMs = opts.coalesceMs ?? 2000;
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  const onWake = (): void => {
    const t = now();
    if (t - last < coalesceMs) return;
    last = t;
    monitor.reconnectAll();
  };
  power.on('resume', onWake);
  power.on('unlock-screen', onWake);
  return () => {
    power.removeListener('resume', onWake);
    power.removeListener('unlock-screen', onWake);
  };
}
