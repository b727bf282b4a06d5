// The heartbeat strip's gradient: right-aligned runs of outcomes, newest at the right edge.
import { describe, expect, it } from 'vitest';
import { STRIP_BEATS, stripGradient } from '../../../renderer/src/components/beat-strip';

const ANSWERED = 'var(--beat-answered, #2e7d32)';
const LATE = 'var(--beat-late, #f9a825)';
const MISSED = 'var(--beat-missed, #c62828)';

/** The colour stops of a gradient, as [colour, from %, to %]. */
function stops(g: string): [string, number, number][] {
  const body = g.replace(/^linear-gradient\(to right, /, '').replace(/\)$/, '');
  return body.split(/, (?![^(]*\))/).map((s) => {
    const m = /^(.*) ([\d.]+)% ([\d.]+)%$/.exec(s);
    if (!m) throw new Error(`bad stop ${s}`);
    return [m[1], Number(m[2]), Number(m[3])];
  });
}

const at = (i: number) => +((i * 100) / STRIP_BEATS).toFixed(3);

describe('stripGradient', () => {
  it('puts each run of equal outcomes at its slots, newest at the right edge, empty slots transparent', () => {
    const s = stops(stripGradient(Uint8Array.from([1, 1, 2, 3])));
    expect(s).toEqual([
      ['transparent', 0, at(STRIP_BEATS - 4)],
      [ANSWERED, at(STRIP_BEATS - 4), at(STRIP_BEATS - 2)],
      [LATE, at(STRIP_BEATS - 2), at(STRIP_BEATS - 1)],
      [MISSED, at(STRIP_BEATS - 1), 100],
    ]);
  });

  it('covers the strip without gaps or overlaps', () => {
    const cells = Uint8Array.from({ length: STRIP_BEATS }, (_, i) => 1 + ((i * 7) % 3));
    const s = stops(stripGradient(cells));
    expect(s[0][1]).toBe(0);
    expect(s[s.length - 1][2]).toBe(100);
    for (let i = 1; i < s.length; i++) expect(s[i][1]).toBe(s[i - 1][2]);
  });

  it('writes a single run twice (a gradient needs two stops) and treats unknown codes as no beat', () => {
    expect(stops(stripGradient(new Uint8Array(STRIP_BEATS).fill(1)))).toEqual([
      [ANSWERED, 0, 100],
      [ANSWERED, 0, 100],
    ]);
    const cells = new Uint8Array(STRIP_BEATS).fill(1);
    cells[0] = 9;
    expect(stops(stripGradient(cells))[0]).toEqual(['transparent', 0, at(1)]);
    expect(stops(stripGradient(new Uint8Array(0)))).toEqual([
      ['transparent', 0, 100],
      ['transparent', 0, 100],
    ]);
  });
});
