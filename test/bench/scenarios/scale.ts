// Scenario 2 — scale: the largest connection count the fd limit allows (server and load
// client are separate processes, each with its own limit, raised soft→hard), Heartwire
// heartbeating at 1 s with no false timeout over a short run.
import type { BenchOptions } from '../lib/options';
import { verdict, type ScenarioResult } from '../lib/report';
import type { ServerReady } from '../server-child';
import { seconds, unavailable, withPair } from './common';

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 5000;
/** fds kept free in the server for the listener, IPC, profiler output, … */
const SERVER_FD_MARGIN = 64;

export async function runScale(o: BenchOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const base = { id: 'scale', title: 'Scale to the fd limit' };
  const missing = unavailable('heartwire');
  if (missing) return { ...base, status: 'not-run', reason: missing, params: {}, tables: [] };
  let target = 0;
  let allowed = 0;
  let serverReady: ServerReady | null = null;
  const pick = (r: ServerReady): number => {
    serverReady = r;
    allowed = Math.max(1, (r.fdLimit?.soft ?? 1024) - r.openFds - SERVER_FD_MARGIN);
    target = o.scaleCap ? Math.min(allowed, o.scaleCap) : allowed;
    log(`scale: server fd limit ${JSON.stringify(r.fdLimit)}, ${r.openFds} open → ${allowed} allowed, running ${target} …`);
    return target;
  };
  const res = await withPair(
    { server: { impl: 'heartwire', intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, timeoutMode: 'fixed' }, n: pick, connectDeadlineMs: 180_000, profileDir: o.profileDir, label: 'heartwire-scale' },
    async (pair) => {
      const ready = pair.client.ready;
      await seconds(o.warmupS);
      const before = await pair.clientStats();
      await pair.mark();
      await seconds(o.scaleDurationS);
      const r = await pair.report();
      const after = await pair.clientStats();
      return { ready, r, seen: after.closedByServer - before.closedByServer, live: after.live };
    },
  );
  const { ready, r } = res;
  const hbRate = ready.connected > 0 ? r.heartbeats / ready.connected / (r.elapsedMs / 1000) : 0;
  const cpuPerHb = r.heartbeats > 0 ? (r.cpuUserUs + r.cpuSystemUs) / r.heartbeats : null;
  const sr = serverReady as ServerReady | null;
  const all = ready.connected >= target && ready.failed === 0;
  return {
    ...base,
    status: 'ok',
    params: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, serverFdLimit: sr?.fdLimit, clientFdLimit: ready.fdLimit, connectErrors: ready.errors, raw: res },
    tables: [
      {
        title: `Heartwire framed, interval ${INTERVAL_MS} ms, ${o.scaleDurationS} s measured; fd limit server ${sr?.fdLimit?.soft}/${sr?.fdLimit?.hard}, client ${ready.fdLimit?.soft}/${ready.fdLimit?.hard} (soft/hard)`,
        columns: ['heartwire'],
        rows: [
          { figure: 'connections allowed by the fd limit', unit: '', values: { heartwire: allowed } },
          {
            figure: 'connections established',
            unit: '',
            values: { heartwire: ready.connected },
            target: target < allowed ? `= ${target} (capped: --quick)` : '= allowed',
            verdict: verdict(all),
            note: `connect took ${(ready.connectMs / 1000).toFixed(1)} s${ready.failed ? `, ${ready.failed} failed ${JSON.stringify(ready.errors)}` : ''}`,
          },
          { figure: 'false timeouts', unit: '', values: { heartwire: r.timeouts + res.seen }, target: '0', verdict: verdict(r.timeouts === 0 && res.seen === 0) },
          { figure: 'heartbeats per conn per s', unit: '', values: { heartwire: hbRate }, target: '≥ 0.95', verdict: verdict(hbRate >= 0.95) },
          { figure: 'CPU per heartbeat', unit: 'µs', values: { heartwire: cpuPerHb } },
          { figure: 'server CPU', unit: '% of a core', values: { heartwire: ((r.cpuUserUs + r.cpuSystemUs) / 1000 / r.elapsedMs) * 100 } },
          { figure: 'event-loop delay p99', unit: 'ms', values: { heartwire: r.eldP99Ms } },
          { figure: 'RSS per connection', unit: 'KiB', values: { heartwire: sr ? (r.rss - sr.baseRss) / Math.max(1, ready.connected) / 1024 : null } },
        ],
      },
    ],
  };
}
