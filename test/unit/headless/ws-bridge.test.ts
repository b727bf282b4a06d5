import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createWebHost, type WebHost } from '../../../electron/headless/web/http-server';
import { FakeMonitor, emptyBatch, fakePeer } from './fake-monitor';

const TOKEN = 'ws-token';
let monitor: FakeMonitor;
let host: WebHost;

beforeEach(async () => {
  monitor = new FakeMonitor();
  host = await createWebHost({ monitor, port: 0, token: TOKEN, staticDir: mkdtempSync(path.join(tmpdir(), 'hw-ws-')) });
});
afterEach(async () => {
  await host.close();
});

interface Conn {
  ws: WebSocket;
  messages: { type: string; [k: string]: unknown }[];
  next(pred?: (m: { type: string; [k: string]: unknown }) => boolean, timeoutMs?: number): Promise<{ type: string; [k: string]: unknown }>;
}

async function connect(query = `?token=${TOKEN}`, headers: Record<string, string> = {}): Promise<Conn> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
  const messages: Conn['messages'] = [];
  let cursor = 0;
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    async next(pred = () => true, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < messages.length) {
          const m = messages[cursor++];
          if (pred(m)) return m;
        }
        if (Date.now() > deadline) throw new Error('no matching message');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

function upgradeStatus(query: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', (e) => reject(e));
  });
}

describe('WebSocket bridge (fake monitor)', () => {
  it('rejects a missing or wrong token (401) and a foreign Origin (403)', async () => {
    expect(await upgradeStatus('')).toBe(401);
    expect(await upgradeStatus('?token=nope')).toBe(401);
    expect(await upgradeStatus(`?token=${TOKEN}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`?token=${TOKEN}`, { Origin: `http://127.0.0.1:${host.port}` })).toBe(101);
    expect(await upgradeStatus('', { Authorization: `Bearer ${TOKEN}` })).toBe(101);
  });

  it('sends the snapshot first, then update batches', async () => {
    monitor.peers = [fakePeer('p1')];
    monitor.samples = { p1: [[100, 1]] };
    monitor.events = [{ seq: 7, t: 1, type: 'connected', peer: 'p1' }];
    const c = await connect();
    const first = await c.next();
    expect(first.type).toBe('snapshot');
    expect((first.snapshot as { peers: { id: string }[] }).peers[0].id).toBe('p1');

    // The first update overlaps the snapshot: already-sent samples/events are trimmed.
    monitor.emit(
      emptyBatch(1, {
        samples: { p1: [[100, 1], [200, 2]] },
        events: [
          { seq: 7, t: 1, type: 'connected', peer: 'p1' },
          { seq: 8, t: 2, type: 'fault-set', peer: 'p1' },
        ],
      }),
    );
    monitor.emit(emptyBatch(2, { samples: { p1: [[300, 3]] } }));
    const u1 = await c.next((m) => m.type === 'update');
    const b1 = u1.batch as { seq: number; samples: unknown; events: { seq: number }[] };
    expect(b1.seq).toBe(1);
    expect(b1.samples).toEqual({ p1: [[200, 2]] });
    expect(b1.events.map((e) => e.seq)).toEqual([8]);
    const u2 = await c.next((m) => m.type === 'update');
    expect((u2.batch as { seq: number; samples: unknown }).samples).toEqual({ p1: [[300, 3]] });
    c.ws.close();
  });

  it('runs commands and answers bad messages without closing', async () => {
    monitor.respond = (name, args) => ({ ok: true, result: { name, args } }) as never;
    const c = await connect();
    await c.next((m) => m.type === 'snapshot');

    c.ws.send('{not json');
    const bad = await c.next((m) => m.type === 'result');
    expect(bad).toMatchObject({ id: null, outcome: { ok: false, error: { kind: 'invalid' } } });

    c.ws.send(JSON.stringify({ type: 'nope', id: 3 }));
    expect(await c.next((m) => m.type === 'result')).toMatchObject({ id: 3, outcome: { ok: false, error: { kind: 'invalid', field: 'type' } } });

    c.ws.send(JSON.stringify({ type: 'command', id: 4, name: 42 }));
    expect(await c.next((m) => m.type === 'result')).toMatchObject({ id: 4, outcome: { ok: false, error: { field: 'name' } } });

    c.ws.send(JSON.stringify({ type: 'command', id: 5, name: 'kill', args: { id: 'p1', mode: 'rst' } }));
    expect(await c.next((m) => m.type === 'result')).toEqual({
      type: 'result',
      id: 5,
      outcome: { ok: true, result: { name: 'kill', args: { id: 'p1', mode: 'rst' } } },
    });
    expect(monitor.calls).toEqual([{ name: 'kill', args: { id: 'p1', mode: 'rst' } }]);

    monitor.respond = () => {
      throw new Error('boom');
    };
    c.ws.send(JSON.stringify({ type: 'command', id: 6, name: 'getSnapshot' }));
    expect(await c.next((m) => m.type === 'result')).toMatchObject({ id: 6, outcome: { ok: false, error: { kind: 'internal' } } });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('a client that does not read gets merged updates, not an unbounded queue', async () => {
    const c = await connect();
    await c.next((m) => m.type === 'snapshot');
    // Stop reading: the server's send buffer fills (TCP windows), then updates get merged.
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const pad = 'x'.repeat(64 * 1024);
    for (let i = 1; i <= 300; i++) {
      monitor.emit(emptyBatch(i, { peers: [fakePeer('p1', { name: pad })], samples: { p1: [[i, i]] } }));
    }
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const last = await c.next((m) => m.type === 'update' && (m.batch as { seq: number }).seq === 300, 5000);
    const updates = c.messages.filter((m) => m.type === 'update');
    // Far fewer than 300 messages arrived, yet every sample did (merged, in order).
    expect(updates.length).toBeLessThan(300);
    const samples = updates.flatMap((m) => (m.batch as { samples: { p1?: [number, number][] } }).samples.p1 ?? []);
    expect(samples.map(([t]) => t)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(last.type).toBe('update');
    c.ws.close();
  });

  it('close() closes clients and unsubscribes from the monitor', async () => {
    const c = await connect();
    await c.next((m) => m.type === 'snapshot');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    await host.close();
    expect(await closed).toBe(1001);
    expect(monitor.listenerCount).toBe(0);
  });
});
