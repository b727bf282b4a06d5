// The cost table over several rounds: figures are medians per implementation, ratios are
// taken between those medians, false timeouts add up, and the rounds are listed.
import { describe, expect, it } from 'vitest';
import { costTable, type CostMeasurement } from '../../bench/scenarios/cost';
import type { ServerImpl, ServerReport } from '../../bench/server-child';

function m(impl: ServerImpl, round: number, cpu: number, rss: number, falseTimeouts = 0): CostMeasurement {
  return {
    impl,
    n: 1000,
    round,
    connected: 1000,
    cpuUsPerHeartbeat: cpu,
    heartbeatsPerConnPerS: 1,
    eldP50Ms: 0.2,
    eldP99Ms: 3,
    eldMaxMs: 9,
    rssPerConnKB: rss,
    heapPerConnKB: 1,
    falseTimeouts,
    clientSeenCloses: 0,
    report: {} as ServerReport,
  };
}

describe('costTable over rounds', () => {
  const ms = [
    m('floor', 1, 40, 4),
    m('classic', 1, 50, 6),
    m('sweep', 1, 45, 5),
    m('heartwire', 1, 60, 5),
    m('classic', 2, 70, 6),
    m('heartwire', 2, 44, 5.5, 1),
    m('floor', 2, 50, 4.4),
    m('heartwire', 3, 46, 6),
    m('floor', 3, 45, 7),
    m('classic', 3, 55, 6),
  ];
  const t = costTable(1000, ms, new Map());
  const row = (figure: string, i = 0) => t.rows.filter((r) => r.figure === figure)[i];

  it('shows the median over rounds and judges the ratio of medians', () => {
    const cpu = row('CPU per heartbeat');
    expect(cpu.values).toMatchObject({ floor: 45, classic: 55, sweep: 45, heartwire: 46 });
    expect(cpu.ratio?.value).toBeCloseTo(46 / 55);
    expect(cpu.verdict).toBe('PASS');
    expect(row('CPU per heartbeat', 1).ratio?.value).toBeCloseTo(46 / 45);
    expect(row('RSS per connection').ratio?.value).toBeCloseTo(5.5 / 4.4);
  });

  it('counts a false timeout in any round', () => {
    const f = row('false timeouts');
    expect(f.values.heartwire).toBe(1);
    expect(f.verdict).toBe('MISS');
  });

  it('lists every round of the judged implementations', () => {
    const note = t.notes?.find((n) => n.startsWith('median of 3 rounds'));
    expect(note).toContain('heartwire 60.0 / 44.0 / 46.0');
    expect(note).toContain('floor 4.00 / 4.40 / 7.00');
  });
});
