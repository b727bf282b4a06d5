import { describe, expect, it } from 'vitest';
import { MERGE_LIMITS, mergeBatches } from '../../../electron/headless/web/batch-merge';
import { trimOverlap } from '../../../electron/headless/web/ws-bridge';
import { emptyBatch, fakePeer } from './fake-monitor';

describe('mergeBatches', () => {
  it('means the same as applying both batches in order', () => {
    const a = emptyBatch(1, {
      peers: [fakePeer('p1', { state: 'connecting' }), fakePeer('p2')],
      samples: { p1: [[1, 1]], p2: [[1, 2]] },
      beats: { p1: 'a' },
      events: [{ seq: 1, t: 1, type: 'peer-added', peer: 'p1' }],
    });
    const b = emptyBatch(2, {
      peers: [fakePeer('p1', { state: 'connected' }), fakePeer('p3')],
      removedPeers: ['p2'],
      samples: { p1: [[2, 3]] },
      beats: { p1: 'lm' },
      events: [{ seq: 2, t: 2, type: 'connected', peer: 'p1' }],
      health: { eventLoopLagMs: 5, heartbeatsPerSec: 7 },
    });
    const m = mergeBatches(a, b);
    expect(m.seq).toBe(2);
    expect(m.peers.map((p) => [p.id, p.state])).toEqual([
      ['p1', 'connected'],
      ['p3', 'connected'],
    ]);
    expect(m.removedPeers).toEqual(['p2']);
    expect(m.samples).toEqual({ p1: [[1, 1], [2, 3]] });
    expect(m.beats).toEqual({ p1: 'alm' });
    expect(m.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(m.health).toEqual({ eventLoopLagMs: 5, heartbeatsPerSec: 7 });
  });

  it('stays bounded however many batches are merged', () => {
    let m = emptyBatch(0);
    for (let i = 1; i <= 500; i++) {
      m = mergeBatches(
        m,
        emptyBatch(i, {
          samples: { p1: Array.from({ length: 10 }, (_, k) => [i * 10 + k, 1] as [number, number]) },
          beats: { p1: 'aaaaaaaaaa' },
          events: Array.from({ length: 10 }, (_, k) => ({ seq: i * 10 + k, t: 0, type: 'connected' as const })),
        }),
      );
    }
    expect(m.samples.p1).toHaveLength(MERGE_LIMITS.samplesPerPeer);
    expect(m.samples.p1.at(-1)).toEqual([5009, 1]);
    expect(m.beats.p1).toHaveLength(MERGE_LIMITS.beatsPerPeer);
    expect(m.events).toHaveLength(MERGE_LIMITS.events);
    expect(m.events.at(-1)?.seq).toBe(5009);
  });

  it('trimOverlap drops what the snapshot already had', () => {
    const b = emptyBatch(3, {
      samples: { p1: [[10, 1], [20, 2]], p2: [[5, 1]] },
      events: [
        { seq: 4, t: 0, type: 'connected' },
        { seq: 5, t: 0, type: 'connected' },
      ],
    });
    const t = trimOverlap(b, { lastSampleT: { p1: 10, p2: 5 }, lastEventSeq: 4 });
    expect(t.samples).toEqual({ p1: [[20, 2]] });
    expect(t.events.map((e) => e.seq)).toEqual([5]);
  });
});
