// The slice of MonitorService the web host uses. Declared structurally so the host can be
// tested with a small fake and never depends on the monitor's internals.
import type { CommandName, CommandOutcome, LogEvent, Sample, Snapshot, UpdateBatch } from '../../../shared/contract';

export interface WebMonitor {
  dispatch(name: string, args: unknown): Promise<CommandOutcome<CommandName>>;
  onUpdate(listener: (batch: UpdateBatch) => void): () => void;
  snapshot(): Snapshot;
  samplesSince(peerId: string, sinceMs: number): Sample[] | undefined;
  eventsSince(seq: number): { events: LogEvent[]; next: number };
  /** MonitorService's cumulative counters (optional so small fakes can leave it out) */
  readonly metrics?: { readonly closesByReason: Readonly<Record<string, number>> };
}
