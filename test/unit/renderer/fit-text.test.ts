// Cutting text to a column's width in script (the event log's peer and detail columns).
import { describe, expect, it } from 'vitest';
import { fitEnd, fitMiddle, type Measure } from '../../../renderer/src/lib/fit-text';

/** 7 px per character, the ellipsis included: widths are easy to reason about. */
const mono: Measure = (t) => t.length * 7;

describe('fitEnd', () => {
  it('keeps text that fits', () => {
    expect(fitEnd('closed', 42, mono)).toBe('closed');
    expect(fitEnd('', 10, mono)).toBe('');
  });

  it('keeps the longest start that fits with the ellipsis', () => {
    const out = fitEnd('attempt 3 in 1250 ms', 70, mono); // 10 characters
    expect(out).toBe('attempt 3…');
    expect(mono(out)).toBeLessThanOrEqual(70);
    expect(mono(fitEnd('attempt 3 in 1250 ms', 77, mono))).toBeLessThanOrEqual(77);
  });

  it('does not end on a space before the ellipsis', () => {
    expect(fitEnd('write EPIPE now', 49, mono)).toBe('write…');
  });

  it('gives the ellipsis alone when nothing else fits, and leaves text alone without a width', () => {
    expect(fitEnd('heartbeat-timeout', 7, mono)).toBe('…');
    expect(fitEnd('heartbeat-timeout', 0, mono)).toBe('heartbeat-timeout');
  });
});

describe('fitMiddle', () => {
  it('keeps the end of a long name, which tells names apart', () => {
    const out = fitMiddle('in:127.0.0.1:50980', 98, mono); // 14 characters
    expect(out).toBe('in:127.…:50980');
    expect(mono(out)).toBeLessThanOrEqual(98);
    expect(fitMiddle('in:127.0.0.1:50981', 98, mono)).not.toBe(out);
  });

  it('keeps names that fit, and cuts the end when even the tail does not fit', () => {
    expect(fitMiddle('peer-013', 130, mono)).toBe('peer-013');
    expect(fitMiddle('in:127.0.0.1:50980', 35, mono)).toBe('in:1…');
  });
});
