// Scenario 7 — stream cost: what one UpdateBatch costs when 1 000 peers changed. A
// MonitorService hosts a framed server with 1 000 inbound peers pinging every 100 ms,
// so every ~100 ms batch carries ~1 000 changed peers and ~1 000 RTT samples. Figures
// are per batch, normalised to 1 000 changed peers. No target is set for this one.
import type { BenchOptions } from '../lib/options';
import type { Row, ScenarioResult } from '../lib/report';
import type { StreamStats } from '../servers/monitor';
import { seconds, unavailable, withPair } from './common';

const PEERS = 1000;
const INTERVAL_MS = 100;

export async function runStream(o: BenchOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const base = { id: 'stream', title: 'Stream cost (update batch for 1 000 changed peers)', params: { peers: PEERS, intervalMs: INTERVAL_MS } };
  const missing = unavailable('monitor');
  if (missing) return { ...base, status: 'not-run', reason: `not run yet: ${missing}`, tables: [] };
  log(`stream: MonitorService with ${PEERS} inbound peers at ${INTERVAL_MS} ms …`);
  const s = await withPair({ server: { impl: 'monitor', intervalMs: INTERVAL_MS, timeoutMs: 5000, timeoutMode: 'fixed' }, n: PEERS, label: 'monitor-stream' }, async (pair) => {
    await seconds(2);
    return pair.server.request<StreamStats>('stream', { ms: Math.max(2000, o.durationS * 500) }, 120_000);
  });
  const v = (x: number | null): Record<string, number | null> => ({ monitor: x });
  const rows: Row[] = [
    { figure: 'batches measured', unit: '', values: v(s.batches) },
    { figure: 'changed peers per batch (p50)', unit: '', values: v(s.peersPerBatchP50) },
    { figure: 'RTT samples per batch (p50)', unit: '', values: v(s.samplesPerBatchP50) },
    { figure: 'JSON bytes per batch (p50)', unit: 'B', values: v(s.jsonBytesP50) },
    { figure: 'JSON bytes per 1000 changed peers', unit: 'KiB', values: v(s.jsonBytesPer1000Peers === null ? null : s.jsonBytesPer1000Peers / 1024), target: 'report' },
    { figure: 'JSON encode per 1000 changed peers', unit: 'ms', values: v(s.jsonEncodeMsPer1000Peers), target: 'report' },
    { figure: 'JSON encode per batch p50 / p99', unit: 'ms', values: v(s.jsonEncodeMsP50), note: `p99 ${s.jsonEncodeMsP99?.toFixed(2)} ms` },
    { figure: 'V8 serialize bytes per 1000 peers (IPC proxy)', unit: 'KiB', values: v(s.v8BytesPer1000Peers === null ? null : s.v8BytesPer1000Peers / 1024) },
    { figure: 'V8 serialize per 1000 peers', unit: 'ms', values: v(s.v8EncodeMsPer1000Peers) },
    { figure: 'monitor process CPU (incl. encoding)', unit: '% core', values: v(s.processCpuPct) },
  ];
  return { ...base, status: 'ok', params: { ...base.params, raw: s }, tables: [{ title: `${PEERS} inbound peers, interval ${INTERVAL_MS} ms, batches every ~100 ms`, columns: ['monitor'], rows }] };
}
