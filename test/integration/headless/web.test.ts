// `heartwire web` end to end: the real MonitorService behind the web host (REST, /metrics,
// WebSocket), and the real CLI process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { MonitorService } from '../../../electron/core/monitor';
import { createWebHost, type WebHost } from '../../../electron/headless/web/http-server';
import type { PeerInfo, ServerInfo } from '../../../shared/contract';
import { parsePromText, samplesNamed } from '../../helpers/prom-text';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(ROOT, 'electron/headless/bin.mjs');
const TOKEN = 'integration-token';

let monitor: MonitorService;
let host: WebHost;

beforeAll(async () => {
  monitor = new MonitorService({ batchIntervalMs: 100 });
  host = await createWebHost({ monitor, port: 0, token: TOKEN, staticDir: mkdtempSync(path.join(tmpdir(), 'hw-int-')) });
});
afterAll(async () => {
  await host?.close();
  await monitor?.dispose();
});

async function api(p: string, method = 'GET', json?: unknown, token: string | null = TOKEN, base = host.origin) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (json !== undefined) {
    body = typeof json === 'string' ? json : JSON.stringify(json);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + p, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* /metrics is text */
  }
  return { status: res.status, body: parsed as any, text, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function peerState(id: string): Promise<PeerInfo | undefined> {
  const { body } = await api('/api/state');
  return (body.peers as PeerInfo[]).find((p) => p.id === id);
}

describe('REST API on the real MonitorService', () => {
  let server: ServerInfo;
  let peer: PeerInfo;

  it('rejects missing/wrong tokens, unknown routes and wrong methods', async () => {
    expect((await api('/api/state', 'GET', undefined, null)).status).toBe(401);
    expect((await api('/api/state', 'GET', undefined, 'nope')).status).toBe(401);
    expect((await api('/metrics', 'GET', undefined, null)).status).toBe(401);
    expect((await api('/api/nothing')).status).toBe(404);
    const wrong = await api('/api/servers', 'GET');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await api('/api/state')).body).toEqual({ servers: [], peers: [] });
  });

  it('starts a server: 201, then 409 on the same port, 400 on a bad port', async () => {
    const created = await api('/api/servers', 'POST', { port: 0, interval: 50, timeout: 1000 });
    expect(created.status).toBe(201);
    server = created.body;
    expect(server.port).toBeGreaterThan(0);
    expect(server).toMatchObject({ host: '127.0.0.1', intervalMs: 50, listening: true });

    const clash = await api('/api/servers', 'POST', { port: server.port });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatch(/in use/);

    const bad = await api('/api/servers', 'POST', { port: 70000 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('port');
    expect((await api('/api/servers', 'POST', '{"port":')).body).toMatchObject({ field: 'body' });
  });

  it('connects a peer (201) and it gets connected with RTT samples', async () => {
    const created = await api('/api/peers', 'POST', { host: '127.0.0.1', port: server.port, name: 'itest', interval: 50, timeout: 1000 });
    expect(created.status).toBe(201);
    peer = created.body;
    expect(peer).toMatchObject({ name: 'itest', direction: 'outbound', intervalMs: 50 });
    await waitFor('peer connected', async () => (await peerState(peer.id))?.state === 'connected');
    const samples = await waitFor('samples', async () => {
      const r = await api(`/api/peers/${peer.id}/samples?since=0`);
      return r.body.samples.length >= 3 && r.body.samples;
    });
    expect(samples[0]).toHaveLength(2);
    const lastT = samples[samples.length - 1][0];
    const later = await api(`/api/peers/${peer.id}/samples?since=${lastT}`);
    expect(later.body.samples.every(([t]: [number]) => t > lastT)).toBe(true);
    expect((await api('/api/peers/p-nope/samples')).status).toBe(404);
    expect((await api(`/api/peers/${peer.id}/samples?since=x`)).body.field).toBe('since');
  });

  it('validates peer arguments', async () => {
    const r = await api('/api/peers', 'POST', { host: '127.0.0.1', port: 0 });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('port');
    expect((await api('/api/peers', 'POST', [])).body.field).toBe('body');
  });

  it('sets, rejects and clears faults', async () => {
    const set = await api(`/api/peers/${peer.id}/faults`, 'PUT', { latency: { ms: 5 }, slice: { maxBytes: 4 } });
    expect(set.status).toBe(200);
    expect(set.body.faults).toMatchObject({ latency: { ms: 5 }, slice: { maxBytes: 4 } });
    // PUT replaces the whole set
    const replaced = await api(`/api/peers/${peer.id}/faults`, 'PUT', { dropHeartbeats: { probability: 0.1 } });
    expect(replaced.body.faults.latency).toBeUndefined();
    expect(replaced.body.faults.dropHeartbeats).toEqual({ probability: 0.1 });

    const bad = await api(`/api/peers/${peer.id}/faults`, 'PUT', { latency: { ms: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('latency.ms');
    expect(bad.body.error).not.toMatch(/^faults\./);
    const unknownFault = await api(`/api/peers/${peer.id}/faults`, 'PUT', { warp: true });
    expect(unknownFault.status).toBe(400);
    expect(unknownFault.body.field).toBe('warp');

    const cleared = await api(`/api/peers/${peer.id}/faults`, 'DELETE');
    expect(cleared.status).toBe(200);
    expect(cleared.body.faults).toEqual({});
    expect((await api('/api/peers/p-nope/faults', 'PUT', { freeze: true })).status).toBe(404);
    expect((await api(`/api/peers/${peer.id}/faults`, 'POST', {})).status).toBe(405);
  });

  it('sends data', async () => {
    const r = await api(`/api/peers/${peer.id}/data`, 'POST', { text: 'hello' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ bytes: 5 });
    const b = await api(`/api/peers/${peer.id}/data`, 'POST', { base64: Buffer.from([1, 2, 3]).toString('base64') });
    expect(b.body).toEqual({ bytes: 3 });
    expect((await api(`/api/peers/${peer.id}/data`, 'POST', '{text')).status).toBe(400);
    const big = await api(`/api/peers/${peer.id}/data`, 'POST', { text: 'x'.repeat(3 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it('serves /metrics as Prometheus text with the per-peer RTT histogram', async () => {
    const p = await waitFor('rtt histogram', async () => {
      const r = await api('/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      const parsed = parsePromText(r.text);
      const count = samplesNamed(parsed, 'heartwire_rtt_seconds_count', { peer: peer.id, name: 'itest' });
      return count.length === 1 && count[0].value > 0 && parsed;
    });
    expect(p.types.get('heartwire_rtt_seconds')).toBe('histogram');
    expect(samplesNamed(p, 'heartwire_rtt_seconds_bucket', { peer: peer.id, le: '+Inf' })).toHaveLength(1);
    expect(samplesNamed(p, 'heartwire_peer_up', { peer: peer.id })[0].value).toBe(1);
    expect(samplesNamed(p, 'heartwire_peer_state', { peer: peer.id, state: 'connected' })[0].value).toBe(1);
    expect(samplesNamed(p, 'heartwire_bytes_sent_total', { peer: peer.id })[0].value).toBeGreaterThan(0);
    expect(samplesNamed(p, 'heartwire_heartbeat_timeouts_total', { peer: peer.id })[0].value).toBe(0);
    expect(samplesNamed(p, 'heartwire_reconnects_total', { peer: peer.id })).toHaveLength(1);
    expect(p.types.has('process_resident_memory_bytes') || p.types.has('process_cpu_seconds_total')).toBe(true);
  });

  it('kills, reconnects, and maps errors', async () => {
    expect((await api(`/api/peers/${peer.id}/kill`, 'POST', { mode: 'bogus' })).body.field).toBe('mode');
    expect((await api('/api/peers/p-nope/kill', 'POST', { mode: 'fin' })).status).toBe(404);
    const k = await api(`/api/peers/${peer.id}/kill`, 'POST', { mode: 'rst' });
    expect(k.status).toBe(200);
    expect(k.body).toEqual({ ok: true });
    await waitFor('reconnected after kill', async () => {
      const p = await peerState(peer.id);
      return p?.state === 'connected' && p.stats.reconnects >= 1;
    });
    const r = await api(`/api/peers/${peer.id}/reconnect`, 'POST');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
    expect((await api('/api/peers/p-nope/reconnect', 'POST')).status).toBe(404);
  });

  it('lists events with since/next and exports the session', async () => {
    const all = await api('/api/events?since=0');
    expect(all.status).toBe(200);
    expect(all.body.events.length).toBeGreaterThan(0);
    const types = all.body.events.map((e: { type: string }) => e.type);
    expect(types).toContain('server-started');
    expect(types).toContain('killed');
    const after = await api(`/api/events?since=${all.body.next}`);
    expect(after.body.events.every((e: { seq: number }) => e.seq > all.body.next)).toBe(true);

    const exp = await api('/api/export');
    expect(exp.status).toBe(200);
    expect(exp.body.peers.some((p: PeerInfo) => p.id === peer.id)).toBe(true);
    expect(exp.body.samples[peer.id].length).toBeGreaterThan(0);
    expect(typeof exp.body.exportedAt).toBe('number');
    expect((await api('/api/health')).body).toMatchObject({ ok: true, servers: 1 });
  });

  it('removes the peer (and its metric series) and stops the server', async () => {
    const rm = await api(`/api/peers/${peer.id}`, 'DELETE');
    expect(rm.status).toBe(200);
    expect(rm.body).toEqual({ ok: true });
    expect((await api(`/api/peers/${peer.id}`, 'DELETE')).status).toBe(404);
    await waitFor('series removed', async () => {
      const parsed = parsePromText((await api('/metrics')).text);
      return parsed.samples.every((s) => s.labels.peer !== peer.id);
    });
    const stop = await api(`/api/servers/${server.id}`, 'DELETE');
    expect(stop.status).toBe(200);
    expect(stop.body).toEqual({ ok: true });
    expect((await api(`/api/servers/${server.id}`, 'DELETE')).status).toBe(404);
    const state = await api('/api/state');
    expect(state.body.servers).toEqual([]);
  });
});

describe('WebSocket on the real MonitorService', () => {
  function open(headers: Record<string, string> = {}, token = TOKEN): Promise<{ ws: WebSocket; msgs: any[] } | number> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${token}`, { headers });
      const msgs: unknown[] = [];
      ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
      ws.once('open', () => resolve({ ws, msgs }));
      ws.once('unexpected-response', (_q, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  it('rejects a wrong token and a foreign Origin at upgrade', async () => {
    expect(await open({}, 'wrong')).toBe(401);
    expect(await open({ Origin: 'http://attacker.example' })).toBe(403);
    expect(await open({ Origin: `http://localhost:${host.port}` })).toBe(403); // Host is 127.0.0.1:port
    const ok = await open({ Origin: `http://127.0.0.1:${host.port}` });
    expect(typeof ok).toBe('object');
    if (typeof ok === 'object') ok.ws.close();
  });

  it('streams the snapshot, then batched updates (≤ ~10/s), and runs commands', async () => {
    const c = await open();
    if (typeof c === 'number') throw new Error(`upgrade failed ${c}`);
    const { ws, msgs } = c;
    await waitFor('snapshot', () => msgs.length > 0);
    expect(msgs[0].type).toBe('snapshot');
    expect(msgs[0].snapshot).toHaveProperty('peers');

    const send = (id: number, name: string, args: unknown) => ws.send(JSON.stringify({ type: 'command', id, name, args }));
    const result = (id: number) => waitFor(`result ${id}`, () => msgs.find((m) => m.type === 'result' && m.id === id));

    send(1, 'startServer', { port: 0, interval: 20, timeout: 1000 });
    const srv = (await result(1)).outcome;
    expect(srv.ok).toBe(true);
    send(2, 'connect', { host: '127.0.0.1', port: srv.result.port, name: 'ws-peer', interval: 20, timeout: 1000 });
    const conn = (await result(2)).outcome;
    expect(conn).toMatchObject({ ok: true, result: { name: 'ws-peer' } });
    send(3, 'connect', { host: '127.0.0.1', port: 99999 });
    expect((await result(3)).outcome).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'port' } });
    ws.send('not json at all');
    await waitFor('invalid result', () => msgs.find((m) => m.type === 'result' && m.id === null && m.outcome.error.kind === 'invalid'));

    // Samples arrive in update batches, at most ~10 per second.
    await waitFor('samples in updates', () =>
      msgs.some((m) => m.type === 'update' && (m.batch.samples[conn.result.id]?.length ?? 0) > 0),
    );
    const start = msgs.length;
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const elapsed = (Date.now() - t0) / 1000;
    const updates = msgs.slice(start).filter((m) => m.type === 'update');
    expect(updates.length).toBeGreaterThan(3);
    expect(updates.length / elapsed).toBeLessThanOrEqual(12);
    const seqs = updates.map((m) => m.batch.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // 20 ms pings → several samples per batch
    const perBatch = updates.map((m) => m.batch.samples[conn.result.id]?.length ?? 0);
    expect(Math.max(...perBatch)).toBeGreaterThan(1);

    expect(ws.readyState).toBe(WebSocket.OPEN);
    send(4, 'removePeer', { id: conn.result.id });
    expect((await result(4)).outcome).toEqual({ ok: true, result: { ok: true } });
    send(5, 'stopServer', { id: srv.result.id });
    expect((await result(5)).outcome.ok).toBe(true);
    ws.close();
  });
});

// ---- the CLI process ---------------------------------------------------------------

interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, 'web', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => err, exited };
}

async function stopCli(p: Proc): Promise<number | null> {
  if (p.child.exitCode === null) p.child.kill('SIGTERM');
  return p.exited;
}

describe('heartwire web (process)', () => {
  it('prints {"event":"listening",...} first and serves the API with that token', async () => {
    const p = startCli(['--port', '0', '--json', '--no-demo']);
    try {
      await waitFor('listening line', () => p.lines.length > 0, 20_000);
      const first = JSON.parse(p.lines[0]);
      expect(Object.keys(first)).toEqual(['event', 'port', 'token']);
      expect(first.event).toBe('listening');
      expect(first.port).toBeGreaterThan(0);
      expect(first.token).toMatch(/^[0-9a-f]{32}$/);
      const base = `http://127.0.0.1:${first.port}`;
      const state = await api('/api/state', 'GET', undefined, first.token, base);
      expect(state.status).toBe(200);
      expect(state.body).toEqual({ servers: [], peers: [] });
      expect((await api('/api/state', 'GET', undefined, 'x', base)).status).toBe(401);
      const page = await fetch(base + `/?token=${first.token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      expect(await stopCli(p)).toBe(0);
    }
    expect(p.lines.map((l) => JSON.parse(l).event)).toEqual(['listening', 'stopping', 'stopped']);
  });

  it('with the demo, the three demo peers are connected within 3 s', async () => {
    const p = startCli(['--port', '0', '--json'], { HEARTWIRE_TOKEN: 'demo-token' });
    try {
      await waitFor('listening line', () => p.lines.length > 0, 20_000);
      const first = JSON.parse(p.lines[0]);
      expect(first).toMatchObject({ event: 'listening', token: 'demo-token' });
      const base = `http://127.0.0.1:${first.port}`;
      const t0 = Date.now();
      const peers = await waitFor(
        'demo peers connected',
        async () => {
          const { body } = await api('/api/state', 'GET', undefined, 'demo-token', base);
          const out = (body.peers as PeerInfo[]).filter((x) => x.direction === 'outbound' && x.state === 'connected');
          return out.length === 3 && out;
        },
        3000,
      );
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(peers.map((x) => x.name).sort()).toEqual(['flaky', 'laggy', 'steady']);
      const demo = p.lines.map((l) => JSON.parse(l)).find((e) => e.event === 'demo');
      expect(demo.servers[0].port).toBeGreaterThanOrEqual(7070);
    } finally {
      expect(await stopCli(p)).toBe(0);
    }
  });

  it('exits 1 with a clear message when the port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const p = startCli(['--port', String(port), '--no-demo']);
      expect(await p.exited).toBe(1);
      expect(p.stderr()).toMatch(new RegExp(`port ${port} .*already in use`));
      expect(p.stderr()).toContain('--port 0');
    } finally {
      blocker.close();
    }
  });

  it('exits 2 naming a bad flag', async () => {
    const p = startCli(['--prot', '80']);
    const q = startCli(['--port', 'eighty']);
    expect(await Promise.all([p.exited, q.exited])).toEqual([2, 2]);
    expect(p.stderr()).toContain('--prot');
    expect(q.stderr()).toContain('--port');
  });
});
