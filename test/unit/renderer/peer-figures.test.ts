// What the table's drawn columns show: the figures with their tones, the bytes cell and the
// beat strip's runs (right-aligned, newest at the right edge).
import { describe, expect, it } from 'vitest';
import type { PeerInfo, PeerStats } from '../../../shared/contract';
import { FIGURE_COLUMNS, bytesFigure, peerFigures, sameShownPeer, stripRuns, stripSummary } from '../../../renderer/src/lib/peer-figures';

const SLOTS = 60;

function stats(over: Partial<PeerStats> = {}): PeerStats {
  return {
    rttLastMs: 0.4321,
    rttP50Ms: 12.34,
    rttP99Ms: 250.6,
    jitterMs: null,
    lossPct: 0,
    phi: 0.5,
    reconnects: 2,
    bytesIn: 1234,
    bytesOut: 999,
    ...over,
  } as PeerStats;
}

describe('peerFigures', () => {
  it('formats one figure per number column, in column order', () => {
    const f = peerFigures(stats());
    expect(f.map((x) => x.text)).toEqual(['0.43', '12.3', '251', '–', '0', '0.5', '2']);
    expect(f).toHaveLength(FIGURE_COLUMNS.length);
    expect(f.every((x) => x.tone === 'plain')).toBe(true);
  });

  it('marks loss as a warning and φ as a warning from 3 and bad from 8', () => {
    const tone = (over: Partial<PeerStats>, key: string) => peerFigures(stats(over))[FIGURE_COLUMNS.findIndex((c) => c.key === key)].tone;
    expect(tone({ lossPct: 0.5 }, 'loss')).toBe('warn');
    expect(tone({ phi: 2.9 }, 'phi')).toBe('plain');
    expect(tone({ phi: 3 }, 'phi')).toBe('warn');
    expect(tone({ phi: 8 }, 'phi')).toBe('bad');
  });

  it('gives the bytes cell short lines, a name and the exact counts', () => {
    expect(bytesFigure(stats())).toEqual({ down: '1.2 kB', up: '999 B', label: 'in 1.2 kB, out 999 B', title: 'in 1234 B, out 999 B' });
  });
});

describe('stripRuns', () => {
  it('puts each run of equal outcomes at its slots, newest in the last slot', () => {
    expect(stripRuns(Uint8Array.from([1, 1, 2, 3]), SLOTS)).toEqual([
      { from: SLOTS - 4, to: SLOTS - 2, code: 1 },
      { from: SLOTS - 2, to: SLOTS - 1, code: 2 },
      { from: SLOTS - 1, to: SLOTS, code: 3 },
    ]);
  });

  it('covers a full strip without gaps or overlaps, and keeps only the newest beats', () => {
    const cells = Uint8Array.from({ length: SLOTS + 5 }, (_, i) => 1 + ((i * 7) % 3));
    const runs = stripRuns(cells, SLOTS);
    expect(runs[0].from).toBe(0);
    expect(runs[runs.length - 1].to).toBe(SLOTS);
    for (let i = 1; i < runs.length; i++) expect(runs[i].from).toBe(runs[i - 1].to);
    expect(runs[runs.length - 1].code).toBe(cells[cells.length - 1]);
  });

  it('leaves slots with no beat (or an unknown code) out of every run', () => {
    const cells = new Uint8Array(SLOTS).fill(1);
    cells[0] = 9;
    cells[30] = 0;
    expect(stripRuns(cells, SLOTS)).toEqual([
      { from: 1, to: 30, code: 1 },
      { from: 31, to: SLOTS, code: 1 },
    ]);
    expect(stripRuns(new Uint8Array(0), SLOTS)).toEqual([]);
  });

  it('sums the outcomes in words', () => {
    expect(stripSummary(Uint8Array.from([1, 1, 2, 3, 0]))).toBe('last 5 beats: 2 answered, 1 late, 1 missed');
  });
});

describe('sameShownPeer', () => {
  const peer: PeerInfo = {
    id: 'p1',
    name: 'steady',
    direction: 'outbound',
    local: '127.0.0.1:5000',
    remote: '127.0.0.1:7070',
    protocol: 'framed',
    intervalMs: 500,
    timeoutMs: 1500,
    timeoutMode: 'fixed',
    state: 'connected',
    faults: {},
    stats: stats(),
  } as PeerInfo;

  it('ignores the stats (drawn on the canvas) and faults that read the same', () => {
    expect(sameShownPeer(peer, { ...peer, stats: stats({ rttLastMs: 99 }) })).toBe(true);
    expect(sameShownPeer(peer, { ...peer, faults: {} })).toBe(true);
  });

  it('sees every change the row shows as DOM: state, close reason, faults, name, remote', () => {
    expect(sameShownPeer(peer, { ...peer, state: 'closed' })).toBe(false);
    expect(sameShownPeer(peer, { ...peer, closeReason: 'peer-reset' })).toBe(false);
    expect(sameShownPeer(peer, { ...peer, faults: { freeze: true } } as PeerInfo)).toBe(false);
    expect(sameShownPeer(peer, { ...peer, name: 'other' })).toBe(false);
    expect(sameShownPeer(peer, { ...peer, remote: '127.0.0.1:7071' })).toBe(false);
    // a field present on one side only (closeReason cleared)
    const closed = { ...peer, closeReason: 'peer-reset' } as PeerInfo;
    const { closeReason: _gone, ...reopened } = closed;
    expect(sameShownPeer(closed, reopened as PeerInfo)).toBe(false);
  });
});
