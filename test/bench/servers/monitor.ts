// Heartwire's MonitorService hosting one framed server, for the stream-cost scenario:
// every UpdateBatch it pushes is encoded the way the transports carry it — JSON text for
// the WebSocket bridge, V8 serialisation as a stand-in for Electron's structured clone.
import { serialize } from 'node:v8';
import type { UpdateBatch } from '../../../shared/contract';
import type { BenchServer, BenchServerOptions } from '../baselines/types';
import { percentile } from '../lib/stats';
import { loadMonitor } from './engine';

interface MonitorLike {
  api: { startServer(args: Record<string, unknown>): Promise<{ port: number }> };
  onUpdate(l: (b: UpdateBatch) => void): () => void;
  snapshot(): { peers: { state: string; stats: { pongsReceived: number } }[] };
  dispose(): Promise<void>;
}

export interface StreamStats {
  batches: number;
  peersPerBatchP50: number | null;
  samplesPerBatchP50: number | null;
  jsonBytesP50: number | null;
  jsonBytesPer1000Peers: number | null;
  jsonEncodeMsP50: number | null;
  jsonEncodeMsP99: number | null;
  jsonEncodeMsPer1000Peers: number | null;
  v8BytesPer1000Peers: number | null;
  v8EncodeMsPer1000Peers: number | null;
  processCpuPct: number;
}

export async function startMonitor(opts: BenchServerOptions): Promise<BenchServer & { stream(ms: number): Promise<StreamStats> }> {
  const mod = await loadMonitor();
  const Monitor = mod.MonitorService as new () => MonitorLike;
  const m = new Monitor();
  const info = await m.api.startServer({ port: opts.port ?? 0, protocol: 'framed', interval: opts.intervalMs, timeout: opts.timeoutMs, timeoutMode: 'fixed' });
  return {
    port: info.port,
    stats: () => {
      const peers = m.snapshot().peers;
      return {
        connections: peers.filter((p) => p.state === 'connected').length,
        heartbeats: peers.reduce((a, p) => a + p.stats.pongsReceived, 0),
        timeouts: 0,
        closes: {},
      };
    },
    close: () => m.dispose(),
    stream: (ms) =>
      new Promise((resolve) => {
        const rows: { peers: number; samples: number; jsonBytes: number; jsonMs: number; v8Bytes: number; v8Ms: number }[] = [];
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const off = m.onUpdate((batch) => {
          const a = performance.now();
          const json = JSON.stringify({ type: 'update', batch });
          const b = performance.now();
          const v8 = serialize(batch);
          const c = performance.now();
          let samples = 0;
          for (const k in batch.samples) samples += batch.samples[k].length;
          rows.push({ peers: batch.peers.length, samples, jsonBytes: Buffer.byteLength(json), jsonMs: b - a, v8Bytes: v8.length, v8Ms: c - b });
        });
        setTimeout(() => {
          off();
          const cpu = process.cpuUsage(cpu0);
          const big = rows.filter((r) => r.peers > 0);
          const per1000 = (f: (r: (typeof rows)[number]) => number): number | null =>
            percentile(big.map((r) => (f(r) / r.peers) * 1000), 50);
          resolve({
            batches: rows.length,
            peersPerBatchP50: percentile(rows.map((r) => r.peers), 50),
            samplesPerBatchP50: percentile(rows.map((r) => r.samples), 50),
            jsonBytesP50: percentile(rows.map((r) => r.jsonBytes), 50),
            jsonBytesPer1000Peers: per1000((r) => r.jsonBytes),
            jsonEncodeMsP50: percentile(rows.map((r) => r.jsonMs), 50),
            jsonEncodeMsP99: percentile(rows.map((r) => r.jsonMs), 99),
            jsonEncodeMsPer1000Peers: per1000((r) => r.jsonMs),
            v8BytesPer1000Peers: per1000((r) => r.v8Bytes),
            v8EncodeMsPer1000Peers: per1000((r) => r.v8Ms),
            processCpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100,
          });
        }, ms);
      }),
  };
}
