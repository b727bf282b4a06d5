import { describe, expect, it } from 'vitest';
import { checkMs, checkPort, checkProbability, checkRate, checkTimeoutVsInterval, errorText } from '../../../renderer/src/lib/form-checks';
import { isTypingTarget, shortcutFor } from '../../../renderer/src/lib/shortcuts';
import { filterPeers } from '../../../renderer/src/lib/peer-filter';
import { peer } from '../../helpers/contract-fixtures';

describe('form checks', () => {
  it('rejects bad ports with a message naming the field', () => {
    expect(checkPort('7070')).toEqual({ ok: true, value: 7070 });
    const big = checkPort('70000');
    expect(big).toMatchObject({ ok: false, field: 'port' });
    expect(!big.ok && big.message).toMatch(/^Port/);
    expect(checkPort('abc')).toMatchObject({ ok: false, field: 'port' });
    expect(checkPort('0').ok).toBe(false);
    expect(checkPort('0', 'port', true).ok).toBe(true);
    expect(checkPort('1.5').ok).toBe(false);
  });

  it('checks intervals, timeouts, rates and probabilities', () => {
    expect(checkMs('', 'interval', 'Interval', 10)).toEqual({ ok: true, value: undefined });
    expect(checkMs('5', 'interval', 'Interval', 10)).toMatchObject({ ok: false, field: 'interval' });
    expect(checkTimeoutVsInterval(3000, 1000, 1000, 5000)).toMatchObject({ ok: false, field: 'timeout' });
    expect(checkTimeoutVsInterval(undefined, undefined, 1000, 5000).ok).toBe(true);
    expect(checkRate('', 'b', 'Bandwidth')).toEqual({ ok: true, value: null });
    expect(checkRate('0', 'b', 'Bandwidth').ok).toBe(false);
    expect(checkProbability('1.5', 'p', 'Drop probability').ok).toBe(false);
    expect(checkProbability('0.25', 'p', 'Drop probability')).toEqual({ ok: true, value: 0.25 });
  });

  it('names the field of a command error', () => {
    expect(errorText('faults.latency.ms', 'must be <= 60000')).toBe('Latency (faults.latency.ms): must be <= 60000');
    expect(errorText('port', 'port must be an integer')).toBe('port must be an integer');
    expect(errorText(undefined, 'boom')).toBe('boom');
  });
});

describe('shortcuts', () => {
  const input = { tagName: 'INPUT', type: 'text' };
  it('maps keys to actions', () => {
    expect(shortcutFor({ key: '/' })).toBe('focusFilter');
    expect(shortcutFor({ key: 'k' })).toBe('killRst');
    expect(shortcutFor({ key: 'f' })).toBe('freeze');
    expect(shortcutFor({ key: 'r' })).toBe('reconnect');
    expect(shortcutFor({ key: ' ' })).toBe('pauseChart');
    expect(shortcutFor({ key: '?' })).toBe('help');
    expect(shortcutFor({ key: 'x' })).toBeUndefined();
  });

  it('never fires while typing, with modifiers, or on a focused button (space)', () => {
    expect(shortcutFor({ key: 'k', target: input })).toBeUndefined();
    expect(shortcutFor({ key: 'f', target: { tagName: 'TEXTAREA' } })).toBeUndefined();
    expect(shortcutFor({ key: 'r', ctrlKey: true })).toBeUndefined();
    expect(shortcutFor({ key: ' ', target: { tagName: 'BUTTON' } })).toBeUndefined();
    expect(shortcutFor({ key: 'k', target: { tagName: 'INPUT', type: 'checkbox' } })).toBe('killRst');
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON', closest: (s: string) => (s.includes('dialog') ? {} : null) })).toBe(true);
  });
});

describe('peer filter', () => {
  const peers = [peer('a', { name: 'steady' }), peer('b', { name: 'laggy', state: 'reconnecting' }), peer('c', { name: 'api', remote: '10.0.0.5:80', state: 'closed' })];
  it('filters by text and by state group', () => {
    expect(filterPeers(peers, 'LAG', 'all').map((p) => p.id)).toEqual(['b']);
    expect(filterPeers(peers, '10.0.0', 'all').map((p) => p.id)).toEqual(['c']);
    expect(filterPeers(peers, '', 'down').map((p) => p.id)).toEqual(['b', 'c']);
    expect(filterPeers(peers, '', 'up').map((p) => p.id)).toEqual(['a']);
    expect(filterPeers(peers, '', 'closed').map((p) => p.id)).toEqual(['c']);
  });
});
