// The UI benchmark tells which refresh pass each measured window carried from wall-clock
// times alone (the app runs its passes on a fixed grid, renderer SLOTS).
import { describe, expect, it } from 'vitest';
import { passIn } from '../../bench/ui/driver';

describe('passIn', () => {
  // On the grid: table at ≡ 0 (mod 500), chart at ≡ 125 (mod 250), log at ≡ 250 (mod 500).
  const base = 1_700_000_000_000; // a multiple of 500

  it('names the pass whose slot (plus a small lag) falls in the window', () => {
    expect(passIn(base - 50, base + 50)).toBe('table');
    expect(passIn(base + 100, base + 200)).toBe('chart');
    expect(passIn(base + 200, base + 300)).toBe('log');
    expect(passIn(base + 350, base + 450)).toBe('chart');
    expect(passIn(base + 400, base + 495)).toBe('none');
  });

  it('gives a slot to the window its work lands in, not the one that ends at the slot time', () => {
    // The table's slot at `base`: its work runs just after, in the window starting at base − 5.
    expect(passIn(base - 100, base - 5)).toBe('none');
    expect(passIn(base - 5, base + 95)).toBe('table');
  });

  it('covers every 125 ms slot once over a second of contiguous 100 ms windows', () => {
    const seen: string[] = [];
    for (let t = base; t < base + 1000; t += 100) seen.push(passIn(t, t + 100));
    expect(seen.filter((p) => p === 'table')).toHaveLength(2);
    expect(seen.filter((p) => p === 'log')).toHaveLength(2);
    expect(seen.filter((p) => p === 'chart')).toHaveLength(4);
    expect(seen.filter((p) => p === 'none')).toHaveLength(2);
  });
});
