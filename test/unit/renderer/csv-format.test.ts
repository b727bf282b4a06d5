import { describe, expect, it } from 'vitest';
import type { SessionExport } from '../../../shared/contract';
import { CSV_HEADER, csvField, csvRow, exportFileName, sessionToCsv } from '../../../renderer/src/lib/csv';
import { describeEvent, describeFaults, fmtBytes, fmtMs, fmtPct } from '../../../renderer/src/lib/format';
import { event, peer } from '../../helpers/contract-fixtures';

describe('csv', () => {
  it('escapes commas, quotes and newlines per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField(NaN)).toBe('');
    expect(csvRow(['x', 'y,z', 3])).toBe('x,"y,z",3');
  });

  it('defuses spreadsheet formulas in text but not negative numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField(-3)).toBe('-3');
  });

  it('exports samples and events in time order with peer names', () => {
    const session: SessionExport = {
      exportedAt: 0,
      peers: [peer('p1', { name: 'edge, "eu"' })],
      servers: [],
      samples: { p1: [[2000, 1.25], [4000, 2.5]] },
      events: [event(1, { t: 3000, peer: 'p1', type: 'closed', reason: 'peer-reset' })],
    };
    const lines = sessionToCsv(session).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('1970-01-01T00:00:02.000Z,2000,sample,p1,"edge, ""eu""",1.25,,');
    expect(lines[2]).toBe('1970-01-01T00:00:03.000Z,3000,event,p1,"edge, ""eu""",,closed,peer-reset');
    expect(lines[3]).toContain(',4000,sample,');
  });

  it('names files with a filesystem-safe timestamp', () => {
    expect(exportFileName('csv', Date.UTC(2025, 0, 2, 3, 4, 5))).toBe('heartwire-session-2025-01-02T03-04-05Z.csv');
  });
});

describe('formatters', () => {
  it('formats RTT, percentages and bytes compactly', () => {
    expect(fmtMs(null)).toBe('–');
    expect(fmtMs(0.456)).toBe('0.46');
    expect(fmtMs(42.34)).toBe('42.3');
    expect(fmtMs(312.7)).toBe('313');
    expect(fmtPct(0)).toBe('0');
    expect(fmtPct(2.345)).toBe('2.3');
    expect(fmtBytes(999)).toBe('999 B');
    expect(fmtBytes(750_000)).toBe('750 kB');
    expect(fmtBytes(1_500_000)).toBe('1.5 MB');
  });

  it('describes events with typed reasons and faults', () => {
    expect(describeEvent(event(1, { type: 'closed', reason: 'peer-reset' }))).toBe('closed — peer-reset');
    expect(describeEvent(event(2, { type: 'killed', mode: 'rst' }))).toBe('killed — RST');
    expect(describeEvent(event(3, { type: 'reconnecting', attempt: 2, delayMs: 480.2 }))).toBe('reconnecting — attempt 2 in 480 ms');
    expect(describeEvent(event(4, { type: 'connected' }))).toBe('connected');
    expect(
      describeFaults({ latency: { ms: 100, jitterMs: 30, direction: 'in' }, bandwidth: { bytesPerSec: 750_000 }, freeze: true, dropHeartbeats: { probability: 0.2 }, stopPinging: true }),
    ).toBe('latency 100±30ms in · 750 kB/s · frozen · drop 20% beats · not pinging');
  });
});
