import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../../electron/core/monitor/event-log';

describe('EventLog', () => {
  it('numbers events from 1 and stamps the time', () => {
    const log = new EventLog(10, () => 1234);
    const e = log.append({ type: 'peer-added', peer: 'p1' });
    expect(e).toEqual({ seq: 1, t: 1234, type: 'peer-added', peer: 'p1' });
    expect(log.append({ type: 'connected', peer: 'p1', t: 99 }).seq).toBe(2);
    expect(log.all().map((x) => x.t)).toEqual([1234, 99]);
    expect(log.lastSeq).toBe(2);
  });

  it('stays bounded and keeps the newest', () => {
    const log = new EventLog(5);
    for (let i = 0; i < 1000; i++) log.append({ type: 'error', message: String(i) });
    expect(log.count).toBe(5);
    expect(log.all().map((e) => e.seq)).toEqual([996, 997, 998, 999, 1000]);
  });

  it('since() pages with a cursor and never repeats', () => {
    const log = new EventLog(4);
    expect(log.since(0)).toEqual({ events: [], next: 0 });
    for (let i = 0; i < 3; i++) log.append({ type: 'error' });
    const a = log.since(0);
    expect(a.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(a.next).toBe(3);
    expect(log.since(a.next).events).toEqual([]);
    for (let i = 0; i < 6; i++) log.append({ type: 'error' });
    // 4..9 were logged, only 6..9 kept
    const b = log.since(a.next);
    expect(b.events.map((e) => e.seq)).toEqual([6, 7, 8, 9]);
    expect(b.next).toBe(9);
    expect(log.since(7).events.map((e) => e.seq)).toEqual([8, 9]);
    expect(log.since(100).events).toEqual([]);
  });

  it('resize keeps the newest events and continues numbering', () => {
    const log = new EventLog(6);
    for (let i = 0; i < 6; i++) log.append({ type: 'error' });
    log.resize(2);
    expect(log.all().map((e) => e.seq)).toEqual([5, 6]);
    log.resize(4);
    log.append({ type: 'error' });
    log.append({ type: 'error' });
    log.append({ type: 'error' });
    expect(log.all().map((e) => e.seq)).toEqual([6, 7, 8, 9]);
  });
});
