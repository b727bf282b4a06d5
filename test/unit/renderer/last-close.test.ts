import { describe, expect, it } from 'vitest';
import { describeLastClose, fmtAgo, lastCloseOf, lastCloseTimes, lastCloseTitle } from '../../../renderer/src/lib/last-close';
import { fmtClock, fmtDuration } from '../../../renderer/src/lib/format';
import { event, peer } from '../../helpers/contract-fixtures';

describe('last close', () => {
  const events = [
    // newest first, as the store keeps them
    event(9, { t: 9_000, peer: 'a', type: 'connected' }),
    event(8, { t: 8_000, peer: 'a', type: 'reconnecting', reason: 'killed-rst' }),
    event(7, { t: 7_000, peer: 'a', type: 'closed', reason: 'killed-rst' }),
    event(6, { t: 6_000, peer: 'b', type: 'closed', reason: 'peer-reset' }),
    event(2, { t: 2_000, peer: 'a', type: 'closed', reason: 'heartbeat-timeout' }),
  ];

  it('finds the newest closed event per peer, whatever the order', () => {
    const m = lastCloseTimes([...events].reverse());
    expect(m.get('a')).toMatchObject({ reason: 'killed-rst', t: 7_000 });
    expect(m.get('b')).toMatchObject({ reason: 'peer-reset', t: 6_000 });
    expect(m.has('c')).toBe(false);
    expect(m.get('a')?.seq).toBe(7);
  });

  it('keeps showing an outbound peer’s last close after it reconnected', () => {
    const p = peer('a', { state: 'connected', closeReason: 'killed-rst' });
    const c = lastCloseOf(p, lastCloseTimes(events).get('a'));
    expect(c).toEqual({ reason: 'killed-rst', t: 7_000 });
    expect(describeLastClose(c!, 19_000)).toBe('killed-rst 12s ago');
    expect(lastCloseTitle(c!, 19_000)).toBe(`last close: killed-rst 12s ago (${fmtClock(7_000)})`);
  });

  it('falls back to the peer’s reason when the log no longer holds the close', () => {
    const c = lastCloseOf(peer('a', { closeReason: 'peer-closed' }), undefined);
    expect(c).toEqual({ reason: 'peer-closed', t: undefined });
    expect(describeLastClose(c!, 0)).toBe('peer-closed');
    expect(lastCloseTitle(c!, 0)).toBe('last close: peer-closed');
    expect(lastCloseOf(peer('x'), undefined)).toBeNull();
  });

  it('never reads negative: a clock behind the event says "just now"', () => {
    expect(fmtAgo(-400)).toBe('just now');
    expect(fmtAgo(999)).toBe('just now');
    expect(fmtAgo(61_000)).toBe('1m 01s ago');
    expect(fmtDuration(0)).toBe('0s');
  });
});
