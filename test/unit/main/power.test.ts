import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  return { powerMonitor: new Emitter() };
});

const { watchPower } = await import('../../../electron/main/power');
const { powerMonitor } = (await import('electron')) as unknown as { powerMonitor: EventEmitter };

describe('power events', () => {
  it('reconnects every peer on resume (Electron powerMonitor by default)', () => {
    const monitor = { reconnectAll: vi.fn() };
    const stop = watchPower(monitor);
    powerMonitor.emit('resume');
    expect(monitor.reconnectAll).toHaveBeenCalledOnce();
    stop();
    expect(powerMonitor.listenerCount('resume')).toBe(0);
    expect(powerMonitor.listenerCount('unlock-screen')).toBe(0);
  });

  it('reconnects on unlock-screen, once for a resume+unlock pair', () => {
    const power = new EventEmitter();
    let now = 1000;
    const monitor = { reconnectAll: vi.fn() };
    const stop = watchPower(monitor, { power: power as never, now: () => now, coalesceMs: 2000 });
    power.emit('resume');
    now += 50;
    power.emit('unlock-screen');
    expect(monitor.reconnectAll).toHaveBeenCalledTimes(1);
    now += 5000;
    power.emit('unlock-screen');
    expect(monitor.reconnectAll).toHaveBeenCalledTimes(2);
    stop();
    power.emit('resume');
    expect(monitor.reconnectAll).toHaveBeenCalledTimes(2);
  });
});
