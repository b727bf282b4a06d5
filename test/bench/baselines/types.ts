// The one shape every server under test has, so the server child can measure
// baselines and Heartwire the same way.
import type { Faults, TimeoutMode } from '../../../shared/contract';

export interface BenchServerOptions {
  port?: number;
  intervalMs: number;
  timeoutMs: number;
  timeoutMode?: TimeoutMode;
  /** keep every RTT sample (rtt scenario only: listeners cost CPU) */
  recordRtt?: boolean;
  /** Heartwire only: faults applied to every accepted peer through electron/core/faults */
  faults?: Faults;
}

export interface BenchServerStats {
  /** open connections */
  connections: number;
  /** heartbeat round trips completed (pongs received) since start */
  heartbeats: number;
  /** connections this server closed because it believed the peer dead */
  timeouts: number;
  /** closes by reason (Heartwire reasons; baselines use 'timeout' / 'peer') */
  closes: Record<string, number>;
}

export interface BenchServer {
  readonly port: number;
  stats(): BenchServerStats;
  /** RTT samples (ms) since the last call; only with recordRtt */
  takeRttSamples?(): number[];
  /** MonitorService only: measure the pushed update batches for `ms` */
  stream?(ms: number): Promise<unknown>;
  close(): Promise<void>;
}

export type BenchServerFactory = (opts: BenchServerOptions) => Promise<BenchServer>;
