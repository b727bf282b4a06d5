// Scenario 1 — cost per heartbeat at 1 000 / 5 000 / 10 000 connections, 1 s interval:
// server CPU µs per heartbeat round trip, event-loop delay p50/p99, memory per connection,
// Heartwire against the classic, sweep and floor baselines measured in the same run.
import type { BenchOptions } from '../lib/options';
import { verdict, type Row, type ScenarioResult, type Table } from '../lib/report';
import { ratio } from '../lib/stats';
import type { ServerImpl, ServerReport } from '../server-child';
import { IMPL_COLUMN, isHeartwire, seconds, unavailable, withPair } from './common';

const ALL: ServerImpl[] = ['floor', 'classic', 'sweep', 'heartwire', 'heartwire-plain'];
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 5000;

export interface CostMeasurement {
  impl: ServerImpl;
  n: number;
  connected: number;
  cpuUsPerHeartbeat: number | null;
  heartbeatsPerConnPerS: number;
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  rssPerConnKB: number;
  heapPerConnKB: number;
  falseTimeouts: number;
  clientSeenCloses: number;
  report: ServerReport;
}

export async function measureCost(
  impl: ServerImpl,
  n: number,
  o: Pick<BenchOptions, 'warmupS' | 'durationS' | 'profileDir'>,
): Promise<CostMeasurement> {
  return withPair(
    { server: { impl, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, timeoutMode: 'fixed' }, n, profileDir: o.profileDir },
    async (pair) => {
      const connected = pair.client.ready.connected;
      await seconds(o.warmupS);
      const before = await pair.clientStats();
      await pair.mark();
      await seconds(o.durationS);
      const r = await pair.report();
      const after = await pair.clientStats();
      const cpu = r.cpuUserUs + r.cpuSystemUs;
      const perConn = (bytes: number): number => (connected > 0 ? bytes / connected / 1024 : 0);
      return {
        impl,
        n,
        connected,
        cpuUsPerHeartbeat: r.heartbeats > 0 ? cpu / r.heartbeats : null,
        heartbeatsPerConnPerS: connected > 0 ? r.heartbeats / connected / (r.elapsedMs / 1000) : 0,
        eldP50Ms: r.eldP50Ms,
        eldP99Ms: r.eldP99Ms,
        eldMaxMs: r.eldMaxMs,
        rssPerConnKB: perConn(r.rss - pair.server.ready.baseRss),
        heapPerConnKB: perConn(r.heapUsed - pair.server.ready.baseHeap),
        falseTimeouts: r.timeouts,
        clientSeenCloses: after.closedByServer - before.closedByServer,
        report: r,
      };
    },
  );
}

export function costTable(n: number, ms: CostMeasurement[], skipped: Map<ServerImpl, string>): Table {
  const impls = ALL.filter((i) => ms.some((m) => m.impl === i));
  const columns = impls.map((i) => IMPL_COLUMN[i]);
  const by = (i: ServerImpl): CostMeasurement | undefined => ms.find((m) => m.impl === i);
  const vals = (f: (m: CostMeasurement) => number | null): Record<string, number | null> =>
    Object.fromEntries(impls.map((i) => [IMPL_COLUMN[i], by(i) ? f(by(i) as CostMeasurement) : null]));
  const hw = by('heartwire');
  const cpuVsClassic = ratio(hw?.cpuUsPerHeartbeat, by('classic')?.cpuUsPerHeartbeat);
  const cpuVsFloor = ratio(hw?.cpuUsPerHeartbeat, by('floor')?.cpuUsPerHeartbeat);
  const memVsFloor = ratio(hw?.rssPerConnKB, by('floor')?.rssPerConnKB);
  const cpuVals = vals((m) => m.cpuUsPerHeartbeat);
  const rows: Row[] = [
    {
      figure: 'CPU per heartbeat',
      unit: 'µs',
      values: cpuVals,
      ratio: { value: cpuVsClassic, of: 'classic' },
      target: '≤ 1.0× classic',
      verdict: verdict(cpuVsClassic === null ? null : cpuVsClassic <= 1.0),
    },
    {
      figure: 'CPU per heartbeat',
      unit: 'µs',
      values: cpuVals,
      ratio: { value: cpuVsFloor, of: 'floor' },
      target: '≤ 1.25× floor',
      verdict: verdict(cpuVsFloor === null ? null : cpuVsFloor <= 1.25),
    },
    { figure: 'event-loop delay p50', unit: 'ms', values: vals((m) => m.eldP50Ms) },
    {
      figure: 'event-loop delay p99',
      unit: 'ms',
      values: vals((m) => m.eldP99Ms),
      ...(n >= 10_000
        ? { target: '< 20 ms @10k', verdict: verdict(hw ? hw.eldP99Ms < 20 : null) }
        : {}),
    },
    { figure: 'event-loop delay max', unit: 'ms', values: vals((m) => m.eldMaxMs) },
    {
      figure: 'RSS per connection',
      unit: 'KiB',
      values: vals((m) => m.rssPerConnKB),
      ratio: { value: memVsFloor, of: 'floor' },
      target: '≤ 1.5× floor',
      verdict: verdict(memVsFloor === null ? null : memVsFloor <= 1.5),
    },
    {
      figure: 'heap per connection',
      unit: 'KiB',
      values: vals((m) => m.heapPerConnKB),
      ratio: { value: ratio(hw?.heapPerConnKB, by('floor')?.heapPerConnKB), of: 'floor' },
    },
    {
      figure: 'heartbeats per conn per s',
      unit: '',
      values: vals((m) => m.heartbeatsPerConnPerS),
      target: '≈ 1 (sanity)',
      verdict: verdict(hw ? hw.heartbeatsPerConnPerS > 0.9 && hw.heartbeatsPerConnPerS < 1.1 : null),
    },
    {
      figure: 'false timeouts',
      unit: '',
      values: vals((m) => m.falseTimeouts + (m.impl === 'floor' ? m.clientSeenCloses : 0)),
      target: '0',
      verdict: verdict(hw ? hw.falseTimeouts === 0 && hw.clientSeenCloses === 0 : null),
    },
    { figure: 'connections', unit: '', values: vals((m) => m.connected) },
  ];
  const notes = [...skipped].map(([i, why]) => `${IMPL_COLUMN[i]} not measured: ${why}`);
  const plain = by('heartwire-plain');
  if (plain) {
    notes.push(
      `hw-plain (Heartwire, plain protocol): ${ratio(plain.cpuUsPerHeartbeat, by('classic')?.cpuUsPerHeartbeat)?.toFixed(2) ?? '—'}× classic, ` +
        `${ratio(plain.cpuUsPerHeartbeat, by('floor')?.cpuUsPerHeartbeat)?.toFixed(2) ?? '—'}× floor CPU per heartbeat`,
    );
  }
  return { title: `${n} connections, interval ${INTERVAL_MS} ms (CPU = user+system of the server process)`, columns, rows, notes };
}

export async function runCost(o: BenchOptions, log: (s: string) => void): Promise<ScenarioResult> {
  // Quick runs skip the plain-protocol row unless asked for.
  const dflt = o.quick ? ALL.filter((i) => i !== 'heartwire-plain') : ALL;
  const impls = dflt.filter((i) => !o.impls || o.impls.includes(i) || o.impls.includes(IMPL_COLUMN[i]));
  const skipped = new Map<ServerImpl, string>();
  for (const i of impls) {
    const why = unavailable(i);
    if (why) skipped.set(i, why);
  }
  const tables: Table[] = [];
  const raw: CostMeasurement[] = [];
  for (const n of o.sizes) {
    const ms: CostMeasurement[] = [];
    for (const impl of impls) {
      if (skipped.has(impl)) continue;
      log(`cost: ${impl} @ ${n} …`);
      try {
        const m = await measureCost(impl, n, o);
        ms.push(m);
        log(
          `  ${impl}: ${m.cpuUsPerHeartbeat?.toFixed(2) ?? '—'} µs/hb, eld p99 ${m.eldP99Ms.toFixed(1)} ms, ` +
            `${m.rssPerConnKB.toFixed(2)} KiB/conn, ${m.connected} conns, ${m.heartbeatsPerConnPerS.toFixed(2)} hb/conn/s` +
            (isHeartwire(impl) ? `, closes ${JSON.stringify(m.report.closes)}` : ''),
        );
      } catch (err) {
        skipped.set(impl, `error: ${(err as Error).message}`);
        log(`  ${impl}: ERROR ${(err as Error).message}`);
      }
    }
    raw.push(...ms);
    tables.push(costTable(n, ms, skipped));
  }
  const hwMissing = skipped.get('heartwire');
  return {
    id: 'cost',
    title: 'Cost per heartbeat',
    status: 'ok',
    ...(hwMissing ? { reason: `Heartwire not measured: ${hwMissing}` } : {}),
    params: { sizes: o.sizes, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, warmupS: o.warmupS, durationS: o.durationS, raw },
    tables,
  };
}
