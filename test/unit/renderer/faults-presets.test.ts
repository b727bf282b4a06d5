import { describe, expect, it } from 'vitest';
import { applyThrottle, mergeFaults, toggleFreeze, toggleStopPinging, withDropProbability } from '../../../renderer/src/lib/faults';
import { THROTTLE_PRESETS, findPreset } from '../../../renderer/src/lib/presets';

describe('presets', () => {
  it('has the named link profiles with their documented values', () => {
    expect(findPreset('3G')).toMatchObject({ latencyMs: 100, jitterMs: 30, bytesPerSec: 750_000 });
    expect(findPreset('DSL')).toMatchObject({ latencyMs: 25, jitterMs: 5, bytesPerSec: 1_000_000 });
    expect(findPreset('Satellite')).toMatchObject({ latencyMs: 300, jitterMs: 50, bytesPerSec: 250_000 });
    expect(findPreset('Lossy Wi-Fi')?.dropProbability).toBeGreaterThan(0);
    expect(new Set(THROTTLE_PRESETS.map((p) => p.name)).size).toBe(THROTTLE_PRESETS.length);
  });

  it('every preset yields faults the validator accepts (ranges of shared/validate.ts)', () => {
    for (const p of THROTTLE_PRESETS) {
      const f = applyThrottle({}, { latencyMs: p.latencyMs, jitterMs: p.jitterMs, bytesPerSec: p.bytesPerSec, direction: p.direction, dropProbability: p.dropProbability });
      expect(f.latency!.ms).toBeGreaterThanOrEqual(0);
      expect(f.latency!.ms).toBeLessThanOrEqual(60_000);
      if (f.bandwidth) expect(f.bandwidth.bytesPerSec).toBeGreaterThanOrEqual(1);
      if (f.dropHeartbeats) expect(f.dropHeartbeats.probability).toBeLessThanOrEqual(1);
    }
  });
});

describe('fault merging (setFaults replaces the set)', () => {
  const current = { freeze: true, dropHeartbeats: { probability: 0.2 }, slice: { maxBytes: 10 } };

  it('throttle keeps the other faults', () => {
    const f = applyThrottle(current, { latencyMs: 100, jitterMs: 30, bytesPerSec: 750_000, direction: 'both', dropProbability: null });
    expect(f).toEqual({ ...current, latency: { ms: 100, jitterMs: 30, direction: 'both' }, bandwidth: { bytesPerSec: 750_000, direction: 'both' } });
  });

  it('throttle with zeros / blank bandwidth removes latency and bandwidth only', () => {
    const withThrottle = { ...current, latency: { ms: 5 }, bandwidth: { bytesPerSec: 9 } };
    expect(applyThrottle(withThrottle, { latencyMs: 0, jitterMs: 0, bytesPerSec: null, direction: 'both', dropProbability: null })).toEqual(current);
  });

  it('toggles freeze and stop-pinging without touching the rest', () => {
    const unfrozen = toggleFreeze(current);
    expect(unfrozen.freeze).toBeUndefined();
    expect(unfrozen.dropHeartbeats).toEqual({ probability: 0.2 });
    expect(toggleFreeze(unfrozen).freeze).toBe(true);
    expect(toggleStopPinging(current)).toEqual({ ...current, stopPinging: true });
    expect(toggleStopPinging({ stopPinging: true })).toEqual({});
  });

  it('drop probability 0 removes the fault', () => {
    expect(withDropProbability(current, 0)).toEqual({ freeze: true, slice: { maxBytes: 10 } });
    expect(withDropProbability({}, 0.5)).toEqual({ dropHeartbeats: { probability: 0.5 } });
    expect(mergeFaults(undefined, { freeze: true })).toEqual({ freeze: true });
  });
});
