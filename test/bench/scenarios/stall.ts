// Scenario 5 — event-loop stall: the server's loop is blocked for 2 s while 1 000 healthy
// peers keep answering; with timeout 1.5 s nobody may be convicted (DESIGN §4: read
// what is already in the socket buffers before closing for a timeout).
import type { BenchOptions } from '../lib/options';
import { verdict, type Row, type ScenarioResult } from '../lib/report';
import type { ServerImpl } from '../server-child';
import { IMPL_COLUMN, seconds, unavailable, withPair } from './common';

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1500;
const STALL_MS = 2000;
const IMPLS: ServerImpl[] = ['heartwire', 'heartwire-plain', 'classic', 'sweep'];

interface StallResult {
  /** over the whole run (warm-up included): every peer was healthy */
  falseTimeouts: number;
  /** of which after the stall began */
  afterStall: number;
  peerSeenCloses: number;
  connected: number;
  closes: Record<string, number>;
}

async function stallOnce(impl: ServerImpl, peers: number): Promise<StallResult> {
  return withPair({ server: { impl, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, timeoutMode: 'fixed' }, n: peers, label: `${impl}-stall` }, async (pair) => {
    await seconds(3);
    const s0 = await pair.server.request<{ timeouts: number }>('stats');
    await pair.server.request('stall', { ms: STALL_MS }, STALL_MS + 30_000);
    await seconds((TIMEOUT_MS + 2 * INTERVAL_MS) / 1000);
    const s1 = await pair.server.request<{ timeouts: number; closes: Record<string, number> }>('stats');
    const c1 = await pair.clientStats();
    return {
      falseTimeouts: s1.timeouts,
      afterStall: s1.timeouts - s0.timeouts,
      peerSeenCloses: c1.closedByServer,
      connected: pair.client.ready.connected,
      closes: s1.closes,
    };
  });
}

export async function runStall(o: BenchOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const results = new Map<ServerImpl, StallResult>();
  const notes: string[] = [];
  // Quick runs: Heartwire framed and the classic baseline only.
  for (const impl of o.quick ? IMPLS.filter((i) => i === 'heartwire' || i === 'classic') : IMPLS) {
    const missing = unavailable(impl);
    if (missing) {
      notes.push(`${IMPL_COLUMN[impl]} not measured: ${missing}`);
      continue;
    }
    log(`stall: ${impl}, ${o.stallPeers} peers, ${STALL_MS} ms stall …`);
    results.set(impl, await stallOnce(impl, o.stallPeers));
  }
  const impls = IMPLS.filter((i) => results.has(i));
  const columns = impls.map((i) => IMPL_COLUMN[i]);
  const vals = (f: (r: StallResult) => number): Record<string, number | null> =>
    Object.fromEntries(impls.map((i) => [IMPL_COLUMN[i], f(results.get(i) as StallResult)]));
  const hw = results.get('heartwire');
  const rows: Row[] = [
    {
      figure: 'false timeouts (whole run)',
      unit: 'peers',
      values: vals((r) => Math.max(r.falseTimeouts, r.peerSeenCloses)),
      target: '0',
      verdict: verdict(hw ? hw.falseTimeouts === 0 && hw.peerSeenCloses === 0 : null),
    },
    { figure: 'of which after the stall', unit: 'peers', values: vals((r) => r.afterStall) },
    { figure: 'healthy peers', unit: '', values: vals((r) => r.connected) },
  ];
  for (const [impl, r] of results) notes.push(`${IMPL_COLUMN[impl]} closes: ${JSON.stringify(r.closes)}`);
  return {
    id: 'stall',
    title: 'Event-loop stall',
    status: 'ok',
    params: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, stallMs: STALL_MS, peers: o.stallPeers, raw: Object.fromEntries(results) },
    tables: [{ title: `${STALL_MS} ms busy loop in the server, interval ${INTERVAL_MS} ms, timeout ${TIMEOUT_MS} ms`, columns, rows, notes }],
  };
}
