// The heartbeat strip's geometry: right-aligned cells, one path per outcome.
import { describe, expect, it } from 'vitest';
import { STRIP_BEATS, stripPaths } from '../../../renderer/src/components/beat-strip';

const rects = (d: string) => (d.match(/M/g) ?? []).length;

describe('stripPaths', () => {
  it('puts every beat in the path of its outcome, newest at the right edge', () => {
    const d = stripPaths(Uint8Array.from([1, 1, 2, 3]));
    expect(rects(d[0])).toBe(STRIP_BEATS - 4); // empty slots on the left
    expect(rects(d[1])).toBe(2);
    expect(rects(d[2])).toBe(1);
    expect(rects(d[3])).toBe(1);
    // the missed beat is the last cell: x = (60 - 1) * 2
    expect(d[3]).toBe(`M${(STRIP_BEATS - 1) * 2} 0h1.5v12h-1.5z`);
  });

  it('draws a full strip without empty slots and treats unknown codes as empty', () => {
    const cells = new Uint8Array(STRIP_BEATS).fill(1);
    cells[0] = 9;
    const d = stripPaths(cells);
    expect(rects(d[1])).toBe(STRIP_BEATS - 1);
    expect(rects(d[0])).toBe(1);
    expect(d[0].startsWith('M0 ')).toBe(true);
  });
});
