import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWebHost, type WebHost } from '../../../electron/headless/web/http-server';
import { faultsField, matchRoute } from '../../../electron/headless/web/rest-routes';
import type { CommandName, CommandOutcome } from '../../../shared/contract';
import { FakeMonitor, fakePeer } from './fake-monitor';

const TOKEN = 'unit-token';
let monitor: FakeMonitor;
let host: WebHost;
let errors: unknown[];

beforeEach(async () => {
  monitor = new FakeMonitor();
  errors = [];
  host = await createWebHost({
    monitor,
    port: 0,
    token: TOKEN,
    staticDir: mkdtempSync(path.join(tmpdir(), 'hw-static-')),
    onError: (e) => errors.push(e),
  });
});
afterEach(async () => {
  await host.close();
});

function api(p: string, init: RequestInit & { json?: unknown; token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers.set('Content-Type', 'application/json');
  }
  return fetch(host.origin + p, { ...init, headers, body });
}

describe('route matching', () => {
  it('matches patterns and extracts ids', () => {
    expect(matchRoute('/api/peers/p%201/faults')?.params).toEqual({ id: 'p 1' });
    expect(matchRoute('/api/peers/p1/')?.route.pattern).toBe('/api/peers/:id');
    expect(matchRoute('/api/peers//kill')).toBeNull();
    expect(matchRoute('/api/nope')).toBeNull();
  });

  it('maps faults.* fields onto the body keys', () => {
    expect(faultsField('faults.latency.ms')).toBe('latency.ms');
    expect(faultsField('faults')).toBe('body');
    expect(faultsField('id')).toBe('id');
  });
});

describe('REST routes (fake monitor)', () => {
  it('reports the URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  });

  it('401 without or with a wrong token, on /api and /metrics', async () => {
    for (const p of ['/api/state', '/api/nope', '/metrics']) {
      const none = await api(p, { token: null });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect((await api(p, { token: 'wrong' })).status).toBe(401);
    }
    expect(monitor.calls).toEqual([]);
  });

  it('GET /api/state returns servers and peers only', async () => {
    monitor.peers = [fakePeer('p1')];
    const res = await api('/api/state');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['peers', 'servers']);
    expect(body.peers[0].id).toBe('p1');
  });

  it('maps each route onto its command and arguments', async () => {
    const cases: [string, string, unknown, string, unknown, number][] = [
      ['POST', '/api/servers', { port: 0 }, 'startServer', { port: 0 }, 201],
      ['DELETE', '/api/servers/s1', undefined, 'stopServer', { id: 's1' }, 200],
      ['POST', '/api/peers', { host: '127.0.0.1', port: 1 }, 'connect', { host: '127.0.0.1', port: 1 }, 201],
      ['DELETE', '/api/peers/p1', undefined, 'removePeer', { id: 'p1' }, 200],
      ['POST', '/api/peers/p1/kill', { mode: 'rst' }, 'kill', { id: 'p1', mode: 'rst' }, 200],
      ['POST', '/api/peers/p1/reconnect', undefined, 'reconnect', { id: 'p1' }, 200],
      ['PUT', '/api/peers/p1/faults', { freeze: true }, 'setFaults', { id: 'p1', faults: { freeze: true } }, 200],
      ['DELETE', '/api/peers/p1/faults', undefined, 'clearFaults', { id: 'p1' }, 200],
      ['POST', '/api/peers/p1/data', { text: 'hi' }, 'sendData', { id: 'p1', text: 'hi' }, 200],
      ['GET', '/api/export', undefined, 'exportSession', {}, 200],
    ];
    for (const [method, p, json, name, args, status] of cases) {
      monitor.calls = [];
      const res = await api(p, { method, json });
      expect(res.status, `${method} ${p}`).toBe(status);
      expect(await res.json()).toEqual({ ok: true });
      expect(monitor.calls).toEqual([{ name, args }]);
    }
  });

  it('the path id wins over an id in the body', async () => {
    await api('/api/peers/p1/kill', { method: 'POST', json: { id: 'other', mode: 'fin' } });
    expect(monitor.calls[0].args).toEqual({ id: 'p1', mode: 'fin' });
  });

  it('maps error kinds to statuses and keeps the field', async () => {
    const reply = (kind: string, field?: string): CommandOutcome<CommandName> =>
      ({ ok: false, error: { kind, message: `${kind}!`, field } }) as CommandOutcome<CommandName>;
    monitor.respond = () => reply('invalid', 'port');
    let res = await api('/api/servers', { method: 'POST', json: { port: -1 } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid!', field: 'port' });

    monitor.respond = () =>
      ({ ok: false, error: { kind: 'invalid', message: 'faults.latency.ms must be >= 0', field: 'faults.latency.ms' } }) as never;
    res = await api('/api/peers/p1/faults', { method: 'PUT', json: { latency: { ms: -1 } } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'latency.ms must be >= 0', field: 'latency.ms' });

    monitor.respond = () => reply('not-found', 'id');
    expect((await api('/api/peers/zz', { method: 'DELETE' })).status).toBe(404);
    monitor.respond = () => reply('conflict');
    expect((await api('/api/servers', { method: 'POST', json: { port: 1 } })).status).toBe(409);
    monitor.respond = () => reply('internal');
    expect((await api('/api/servers', { method: 'POST', json: { port: 1 } })).status).toBe(500);
  });

  it('a throwing monitor gives 500 and the server keeps serving', async () => {
    monitor.respond = () => {
      throw new Error('boom');
    };
    const res = await api('/api/export');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(errors).toHaveLength(1);
    expect((await api('/api/state')).status).toBe(200);
  });

  it('400 body for malformed JSON or a non-object body', async () => {
    let res = await api('/api/peers', { method: 'POST', body: '{"host":', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'body' });
    res = await api('/api/peers', { method: 'POST', json: [1, 2] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'body' });
    res = await api('/api/peers/p1/faults', { method: 'PUT', json: 'freeze' });
    expect((await res.json()).field).toBe('body');
    expect(monitor.calls).toEqual([]);
  });

  it('413 for a body over 2 MiB', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024 + 10) });
    const res = await api('/api/peers/p1/data', { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expect(monitor.calls).toEqual([]);
    expect((await api('/api/state')).status).toBe(200);
  });

  it('404 for unknown routes, 405 with Allow for wrong methods', async () => {
    expect((await api('/api/nope')).status).toBe(404);
    expect((await api('/api')).status).toBe(404);
    const res = await api('/api/peers/p1/faults', { method: 'POST', json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('PUT, DELETE');
    expect((await api('/api/state', { method: 'DELETE' })).status).toBe(405);
    expect((await api('/metrics', { method: 'POST' })).status).toBe(405);
  });

  it('samples and events with since', async () => {
    monitor.peers = [fakePeer('p1')];
    monitor.samples = { p1: [[1000, 1.5], [2000, 2.5]] };
    monitor.events = [
      { seq: 1, t: 1, type: 'peer-added', peer: 'p1' },
      { seq: 2, t: 2, type: 'connected', peer: 'p1' },
    ];
    expect(await (await api('/api/peers/p1/samples?since=1500')).json()).toEqual({ samples: [[2000, 2.5]] });
    expect(await (await api('/api/peers/p1/samples')).json()).toEqual({ samples: [[1000, 1.5], [2000, 2.5]] });
    expect((await api('/api/peers/nope/samples')).status).toBe(404);
    const bad = await api('/api/peers/p1/samples?since=abc');
    expect(bad.status).toBe(400);
    expect((await bad.json()).field).toBe('since');
    const ev = await (await api('/api/events?since=1')).json();
    expect(ev.events.map((e: { seq: number }) => e.seq)).toEqual([2]);
    expect(ev.next).toBe(2);
    expect((await api('/api/events?since=-3')).status).toBe(400);
  });

  it('health reports counts', async () => {
    monitor.peers = [fakePeer('p1')];
    const body = await (await api('/api/health')).json();
    expect(body).toMatchObject({ ok: true, peers: 1, servers: 0, wsClients: 0 });
  });

  it('/ws without an upgrade is 426; unknown static paths do not need a token', async () => {
    expect((await fetch(host.origin + '/ws')).status).toBe(426);
    expect((await fetch(host.origin + '/', { method: 'POST' })).status).toBe(405);
  });
});
