// Shared plumbing for scenarios: a server child plus a load-client child, always torn
// down (client first, then server) whatever happens in between.
import { BenchChild, stopAll } from '../lib/children';
import type { LoadClientConfig, LoadMode, LoadReady, LoadStats } from '../load-client';
import type { ServerChildConfig, ServerImpl, ServerReady, ServerReport } from '../server-child';
import { engineAvailable, monitorAvailable } from '../servers/engine';

export interface Pair {
  server: BenchChild<ServerReady>;
  client: BenchChild<LoadReady>;
  mark(): Promise<void>;
  report(): Promise<ServerReport>;
  clientStats(): Promise<LoadStats>;
}

export interface PairOptions {
  server: ServerChildConfig;
  /** connections, or computed from the server's fd headroom */
  n: number | ((server: ServerReady) => number);
  profileDir?: string | null;
  connectDeadlineMs?: number;
  reconnect?: boolean;
  label?: string;
  /** peers other than the server's default load mode (e.g. real HeartbeatClients) */
  peerMode?: LoadMode;
}

export const IMPL_COLUMN: Record<ServerImpl, string> = {
  heartwire: 'heartwire',
  'heartwire-plain': 'hw-plain',
  classic: 'classic',
  sweep: 'sweep',
  floor: 'floor',
  echo: 'echo',
  monitor: 'monitor',
};

export function loadModeFor(impl: ServerImpl): LoadMode {
  if (impl === 'heartwire' || impl === 'monitor') return 'framed';
  if (impl === 'echo') return 'echo';
  return 'text';
}

export const isHeartwire = (impl: ServerImpl): boolean => impl === 'heartwire' || impl === 'heartwire-plain';

/** Why an implementation cannot run right now, or null. */
export function unavailable(impl: ServerImpl): string | null {
  if (isHeartwire(impl) && !engineAvailable()) return 'electron/core/heartbeat/server.ts not present yet';
  if (impl === 'monitor' && !monitorAvailable()) return 'electron/core/monitor.ts not present yet';
  return null;
}

let profileSeq = 0;

export async function withPair<T>(opts: PairOptions, fn: (pair: Pair) => Promise<T>): Promise<T> {
  const label = opts.label ?? opts.server.impl;
  // One directory per child: with the tsx loader Node profiles two threads, and a fixed
  // --cpu-prof-name would let the loader thread's profile overwrite the main thread's.
  const nodeArgs = opts.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}/${label}-${typeof opts.n === 'number' ? opts.n : 'max'}-${process.pid}-${++profileSeq}`]
    : [];
  let server: BenchChild<ServerReady> | undefined;
  let client: BenchChild<LoadReady> | undefined;
  try {
    server = await BenchChild.start<ServerReady>('server-child.ts', opts.server, { nodeArgs, label: `server:${label}` });
    const clientN = typeof opts.n === 'function' ? opts.n(server.ready) : opts.n;
    const clientCfg: LoadClientConfig = {
      port: server.ready.port,
      n: clientN,
      mode: opts.peerMode ?? loadModeFor(opts.server.impl),
      intervalMs: opts.server.intervalMs,
      timeoutMs: opts.server.timeoutMs,
      timeoutMode: opts.server.timeoutMode,
      connectDeadlineMs: opts.connectDeadlineMs ?? 60_000,
      reconnect: opts.reconnect ?? false,
      ...(server.ready.echoPort !== undefined ? { echo: { port: server.ready.echoPort, n: clientN } } : {}),
    };
    client = await BenchChild.start<LoadReady>('load-client.ts', clientCfg, {
      label: `client:${label}`,
      readyTimeoutMs: (opts.connectDeadlineMs ?? 60_000) + 60_000,
    });
    const s = server;
    const c = client;
    return await fn({
      server: s,
      client: c,
      mark: async () => {
        await s.request('mark');
      },
      report: () => s.request<ServerReport>('report', {}, 60_000),
      clientStats: () => c.request<LoadStats>('stats'),
    });
  } finally {
    await stopAll(client, server);
  }
}

export const seconds = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));
