// Scenario 3 — detection time of a frozen peer (it stops answering but keeps the socket
// open and keeps reading), timed from the peer's side: freeze → the server's close
// arrives. Trials run concurrently on independent connections, each frozen at a random
// moment within one interval. Fixed and adaptive Heartwire against the classic and
// sweep baselines; then adaptive's false positives under latency 20 ± 15 ms and
// dropHeartbeats 0.1 (Heartwire's fault layer).
//
// Heartwire's rows are Heartwire against Heartwire: the peers are real HeartbeatClients,
// which ping the server as well as answer it (framed protocol: both sides ping, and
// any received frame proves life). Frozen, such a peer goes quiet on both streams
// (stopPinging). The baselines keep their text peers, which only answer.
import type { Faults, TimeoutMode } from '../../../shared/contract';
import type { FreezeResult } from '../load-client';
import type { BenchOptions } from '../lib/options';
import { verdict, type Row, type ScenarioResult, type Table } from '../lib/report';
import { max, percentile } from '../lib/stats';
import type { ServerImpl } from '../server-child';
import { faultsAvailable } from '../servers/engine';
import { seconds, unavailable, withPair } from './common';

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 5000;
const ADAPTIVE_TARGET_MS = 3000;
const FP_FAULTS: Faults = { latency: { ms: 20, jitterMs: 15 }, dropHeartbeats: { probability: 0.1 } };

interface Variant {
  column: string;
  impl: ServerImpl;
  mode: TimeoutMode;
}

const VARIANTS: Variant[] = [
  { column: 'hw-fixed', impl: 'heartwire', mode: 'fixed' },
  { column: 'hw-adaptive', impl: 'heartwire', mode: 'adaptive' },
  { column: 'classic', impl: 'classic', mode: 'fixed' },
  { column: 'sweep', impl: 'sweep', mode: 'fixed' },
];

async function freezeTrials(v: Variant, trials: number): Promise<FreezeResult> {
  return withPair(
    {
      server: { impl: v.impl, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, timeoutMode: v.mode },
      n: trials,
      label: `${v.column}-detect`,
      ...(v.impl === 'heartwire' ? { peerMode: 'heartwire' as const } : {}),
    },
    async (pair) => {
      // Adaptive needs RTT samples before its deadline settles.
      await seconds(3);
      return pair.client.request<FreezeResult>(
        'freeze',
        { spreadMs: INTERVAL_MS, waitMs: TIMEOUT_MS + 3 * INTERVAL_MS },
        TIMEOUT_MS + 10 * INTERVAL_MS,
      );
    },
  );
}

export async function runDetection(o: BenchOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const results = new Map<string, FreezeResult>();
  const notes: string[] = [];
  for (const v of VARIANTS) {
    if (!o.detectionBaselines && !v.column.startsWith('hw-')) continue;
    const missing = unavailable(v.impl);
    if (missing) {
      notes.push(`${v.column} not measured: ${missing}`);
      continue;
    }
    log(`detection: ${v.column}, ${o.trials} frozen peers …`);
    try {
      results.set(v.column, await freezeTrials(v, o.trials));
    } catch (err) {
      notes.push(`${v.column} failed: ${(err as Error).message}`);
    }
  }
  const columns = VARIANTS.map((v) => v.column).filter((c) => results.has(c));
  const vals = (f: (r: FreezeResult) => number | null): Record<string, number | null> =>
    Object.fromEntries(columns.map((c) => [c, f(results.get(c) as FreezeResult)]));
  const fixed = results.get('hw-fixed');
  const adaptive = results.get('hw-adaptive');
  const p99 = (r: FreezeResult | undefined): number | null => (r ? percentile(r.detectionsMs, 99) : null);
  const fixedP99 = p99(fixed);
  const adaptiveP99 = p99(adaptive);
  const rows: Row[] = [
    { figure: 'freeze → close p50', unit: 'ms', values: vals((r) => percentile(r.detectionsMs, 50)) },
    {
      figure: 'freeze → close p99 (fixed)',
      unit: 'ms',
      values: vals((r) => percentile(r.detectionsMs, 99)),
      target: `≤ ${TIMEOUT_MS + 50} ms (timeout + 50)`,
      verdict: verdict(fixed ? fixedP99 !== null && fixedP99 <= TIMEOUT_MS + 50 && fixed.unclosed === 0 : null),
    },
    {
      figure: 'freeze → close p99 (adaptive)',
      unit: 'ms',
      values: vals((r) => percentile(r.detectionsMs, 99)),
      target: `≤ ${ADAPTIVE_TARGET_MS} ms`,
      verdict: verdict(adaptive ? adaptiveP99 !== null && adaptiveP99 <= ADAPTIVE_TARGET_MS && adaptive.unclosed === 0 : null),
    },
    { figure: 'freeze → close max', unit: 'ms', values: vals((r) => max(r.detectionsMs)) },
    { figure: 'never closed', unit: 'peers', values: vals((r) => r.unclosed), target: '0' },
    { figure: 'trials', unit: '', values: vals((r) => r.frozen) },
  ];
  const tables: Table[] = [
    {
      title: `frozen peers, interval ${INTERVAL_MS} ms, timeout ${TIMEOUT_MS} ms (sweep has no timeout: 1–2 sweeps)`,
      columns,
      rows,
      notes,
    },
  ];

  // Adaptive false positives under latency + heartbeat drops.
  const fpRows: Row[] = [];
  const fpNotes: string[] = [];
  const hwMissing = unavailable('heartwire');
  if (hwMissing || !faultsAvailable()) {
    fpRows.push({ figure: 'false positives', unit: '', values: { 'hw-adaptive': null }, verdict: 'n/a', note: 'not run: ' + (hwMissing ?? 'electron/core/faults not present') });
  } else {
    log(`detection: adaptive false positives, ${o.fpPeers} peers for ${o.fpDurationS} s under ${JSON.stringify(FP_FAULTS)} …`);
    const fp = await withPair(
      {
        server: { impl: 'heartwire', intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, timeoutMode: 'adaptive', faults: FP_FAULTS },
        n: o.fpPeers,
        reconnect: true,
        label: 'hw-adaptive-fp',
        peerMode: 'heartwire',
      },
      async (pair) => {
        await seconds(3); // SRTT settles before counting
        await pair.mark();
        await seconds(o.fpDurationS);
        const r = await pair.report();
        const c = await pair.clientStats();
        return { r, c };
      },
    );
    const beats = fp.r.heartbeats;
    // Against a peer that only answers, a deadline under 3 s (needed for the 3 s detection
    // target) convicts on two consecutive dropped PONGs: ≈ p² of the ping rounds. These
    // peers ping too, so a conviction takes every frame of both streams in the deadline
    // lost; the p² row stays as the single-stream reference.
    const p = FP_FAULTS.dropHeartbeats!.probability;
    const rounds = (o.fpPeers * fp.r.elapsedMs) / INTERVAL_MS;
    const unavoidable = rounds * p * p;
    fpRows.push(
      {
        figure: 'false positives (heartbeat-timeout closes)',
        unit: '',
        values: { 'hw-adaptive': fp.r.timeouts, 'two-drop floor': unavoidable },
        target: 'report; ≈ two-drop floor',
        verdict: 'n/a',
        note: `ratio to the two-drop floor ${(fp.r.timeouts / Math.max(unavoidable, 1e-9)).toFixed(1)}×`,
      },
      { figure: 'false positives per 1000 ping rounds', unit: '', values: { 'hw-adaptive': (fp.r.timeouts / rounds) * 1000, 'two-drop floor': p * p * 1000 } },
      { figure: 'peer-seen closes (peer reconnects)', unit: '', values: { 'hw-adaptive': fp.c.closedByServer } },
      { figure: 'heartbeats counted', unit: '', values: { 'hw-adaptive': beats } },
      { figure: 'ping rounds (peers × s / interval)', unit: '', values: { 'hw-adaptive': rounds } },
    );
    fpNotes.push(`close reasons: ${JSON.stringify(fp.r.closes)}`);
    fpNotes.push('peers are HeartbeatClients (adaptive, pinging too); latency 20 ± 15 ms both directions and 10% of received PINGs/PONGs dropped, applied on the server side per peer');
  }
  tables.push({ title: `adaptive mode under faults, ${o.fpPeers} peers × ${o.fpDurationS} s`, columns: ['hw-adaptive', 'two-drop floor'], rows: fpRows, notes: fpNotes });

  return {
    id: 'detection',
    title: 'Detection time of a frozen peer',
    status: 'ok',
    params: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, trials: o.trials, fpDurationS: o.fpDurationS, fpPeers: o.fpPeers, fpFaults: FP_FAULTS, raw: Object.fromEntries(results) },
    tables,
  };
}
