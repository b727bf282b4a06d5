// Smoke test of the benchmark harness (npm run bench is not part of npm test): one tiny
// cost measurement end to end — server child, load-client child, IPC report — and the
// shape of the table it produces.
import { describe, expect, it } from 'vitest';
import { costTable, measureCost } from '../../bench/scenarios/cost';
import { renderTable } from '../../bench/lib/report';

describe('bench harness smoke', () => {
  it('measures 20 classic connections for 1 s and reports a cost table', async () => {
    const m = await measureCost('classic', 20, { warmupS: 1.2, durationS: 1, profileDir: null });
    expect(m.connected).toBe(20);
    expect(m.report.heartbeats).toBeGreaterThan(0);
    expect(m.cpuUsPerHeartbeat).toBeGreaterThan(0);
    expect(m.report.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(m.falseTimeouts).toBe(0);
    expect(Number.isFinite(m.eldP99Ms)).toBe(true);
    expect(Number.isFinite(m.rssPerConnKB)).toBe(true);

    const table = costTable(20, [m], new Map());
    expect(table.columns).toEqual(['classic']);
    const cpu = table.rows.find((r) => r.figure === 'CPU per heartbeat');
    expect(cpu?.values.classic).toBe(m.cpuUsPerHeartbeat);
    // Heartwire was not measured here, so no verdict can be claimed.
    expect(cpu?.verdict).toBe('n/a');
    expect(renderTable(table)).toContain('CPU per heartbeat (µs)');
  }, 60_000);
});
