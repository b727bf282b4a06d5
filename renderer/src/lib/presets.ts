// Named link profiles for the Throttle dialog. Rates are bytes/s (decimal kB/MB, as links
// are quoted); latency is one-way delay added on our side, jitter is ± around it.
import type { Direction } from '../../../shared/contract';

export interface ThrottlePreset {
  name: string;
  latencyMs: number;
  jitterMs: number;
  /** null = no bandwidth limit */
  bytesPerSec: number | null;
  /** heartbeat loss the profile implies (0 = none) */
  dropProbability: number;
  direction: Direction;
}

export const THROTTLE_PRESETS: readonly ThrottlePreset[] = [
  { name: '3G', latencyMs: 100, jitterMs: 30, bytesPerSec: 750_000, dropProbability: 0, direction: 'both' },
  { name: 'DSL', latencyMs: 25, jitterMs: 5, bytesPerSec: 1_000_000, dropProbability: 0, direction: 'both' },
  { name: 'Satellite', latencyMs: 300, jitterMs: 50, bytesPerSec: 250_000, dropProbability: 0, direction: 'both' },
  { name: 'Lossy Wi-Fi', latencyMs: 15, jitterMs: 40, bytesPerSec: 2_500_000, dropProbability: 0.1, direction: 'both' },
  { name: 'Transatlantic', latencyMs: 40, jitterMs: 4, bytesPerSec: null, dropProbability: 0, direction: 'both' },
];

export function findPreset(name: string): ThrottlePreset | undefined {
  return THROTTLE_PRESETS.find((p) => p.name === name);
}
