// Scenario 4 — RTT accuracy. Idle loopback: Heartwire's median RTT minus the median of
// a bare 12-byte echo measured the same way (same process layout, interval, Nagle off).
// Injected latency 50 ± 10 ms (outbound, Heartwire's fault layer): Heartwire's mean RTT
// against the bare echo sent through the very same fault layer, and against nominal.
import type { Faults } from '../../../shared/contract';
import type { BenchOptions } from '../lib/options';
import { verdict, type Row, type ScenarioResult } from '../lib/report';
import { mean, median, percentile } from '../lib/stats';
import type { ServerImpl } from '../server-child';
import { faultsAvailable } from '../servers/engine';
import { seconds, unavailable, withPair } from './common';

const INTERVAL_MS = 100;
const PEERS = 4;
const LATENCY: Faults = { latency: { ms: 50, jitterMs: 10, direction: 'out' } };

async function sampleRtt(impl: ServerImpl, durationS: number, faults?: Faults): Promise<number[]> {
  return withPair(
    {
      server: { impl, intervalMs: INTERVAL_MS, timeoutMs: 5000, timeoutMode: 'fixed', recordRtt: true, ...(faults ? { faults } : {}) },
      n: PEERS,
      label: `${impl}-rtt${faults ? '-latency' : ''}`,
    },
    async (pair) => {
      await seconds(1);
      await pair.server.request('rtt'); // drop warm-up samples
      await seconds(durationS);
      return pair.server.request<number[]>('rtt');
    },
  );
}

export async function runRtt(o: BenchOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const base = { id: 'rtt', title: 'RTT accuracy', params: { intervalMs: INTERVAL_MS, peers: PEERS, durationS: o.rttDurationS, latency: LATENCY } };
  const missing = unavailable('heartwire');
  if (missing) return { ...base, status: 'not-run', reason: missing, tables: [] };

  // Both sides sample at the same time, so machine noise moves both.
  log('rtt: idle echo ‖ heartwire …');
  const [e0, h0] = await Promise.all([sampleRtt('echo', o.rttDurationS), sampleRtt('heartwire', o.rttDurationS)]);
  const e0med = median(e0);
  const h0med = median(h0);
  const excessUs = h0med !== null && e0med !== null ? (h0med - e0med) * 1000 : null;
  const us = (v: number | null): number | null => (v === null ? null : v * 1000);
  const rows: Row[] = [
    { figure: 'idle: median RTT', unit: 'µs', values: { heartwire: us(h0med), echo: us(e0med) } },
    { figure: 'idle: p99 RTT', unit: 'µs', values: { heartwire: us(percentile(h0, 99)), echo: us(percentile(e0, 99)) } },
    { figure: 'idle: samples', unit: '', values: { heartwire: h0.length, echo: e0.length } },
    {
      figure: 'idle: median excess over bare echo',
      unit: 'µs',
      values: { heartwire: excessUs, echo: 0 },
      target: '≤ 25 µs',
      verdict: verdict(excessUs === null ? null : excessUs <= 25),
    },
  ];
  const notes: string[] = [];
  if (!faultsAvailable()) {
    notes.push('latency part not run: electron/core/faults/peer-faults.ts not present');
  } else {
    log('rtt: echo / heartwire under latency 50 ± 10 ms …');
    const [e1, h1] = await Promise.all([sampleRtt('echo', o.rttDurationS, LATENCY), sampleRtt('heartwire', o.rttDurationS, LATENCY)]);
    const e1mean = mean(e1);
    const h1mean = mean(h1);
    const errVsEcho = h1mean !== null && e1mean !== null ? h1mean - e1mean : null;
    const nominal = e0med !== null ? e0med + LATENCY.latency!.ms : null;
    const errVsNominal = h1mean !== null && nominal !== null ? h1mean - nominal : null;
    rows.push(
      { figure: 'latency: mean RTT', unit: 'ms', values: { heartwire: h1mean, echo: e1mean } },
      { figure: 'latency: samples', unit: '', values: { heartwire: h1.length, echo: e1.length } },
      {
        figure: 'latency: mean error vs bare echo on same faulted path',
        unit: 'ms',
        values: { heartwire: errVsEcho },
        target: '|err| ≤ 2 ms',
        verdict: verdict(errVsEcho === null ? null : Math.abs(errVsEcho) <= 2),
      },
      {
        figure: 'latency: mean error vs nominal (idle echo + 50 ms)',
        unit: 'ms',
        values: { heartwire: errVsNominal, echo: e1mean !== null && nominal !== null ? e1mean - nominal : null },
        target: '|err| ≤ 2 ms',
        verdict: verdict(errVsNominal === null ? null : Math.abs(errVsNominal) <= 2),
      },
    );
    notes.push('latency is uniform in [40, 60] ms on the server→peer direction (fault layer); expected mean 50 ms');
  }
  return {
    ...base,
    status: 'ok',
    tables: [{ title: `${PEERS} peers, interval ${INTERVAL_MS} ms, ${o.rttDurationS} s per measurement (Heartwire and echo sampled concurrently)`, columns: ['heartwire', 'echo'], rows, notes }],
  };
}
