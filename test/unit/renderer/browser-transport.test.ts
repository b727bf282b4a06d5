import { afterEach, describe, expect, it } from 'vitest';
import { CommandFailure } from '../../../shared/command-failure';
import type { Snapshot, UpdateBatch } from '../../../shared/contract';
import {
  BrowserTransport,
  TOKEN_KEY,
  resolveToken,
  webSocketUrl,
  type WebSocketLike,
} from '../../../renderer/src/transport/browser-transport';
import type { ConnectionInfo } from '../../../renderer/src/transport/transport';
import { batch, snapshot, peer } from '../../helpers/contract-fixtures';

/** In-memory WebSocket: the test plays the server. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: { type: string; id: number; name: string; args: unknown }[] = [];
  closedByClient = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // server side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  drop(reason = '') {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason });
  }
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let transports: BrowserTransport[] = [];
afterEach(() => {
  for (const t of transports) t.close();
  transports = [];
});

function setup(opts: { snapshotTimeoutMs?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const t = new BrowserTransport({
    url: 'ws://h/ws?token=abc',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    retryBaseMs: 10,
    retryCapMs: 40,
    snapshotTimeoutMs: opts.snapshotTimeoutMs ?? 5000,
    random: () => 1,
  });
  transports.push(t);
  const snaps: Snapshot[] = [];
  const updates: UpdateBatch[] = [];
  const statuses: ConnectionInfo['status'][] = [];
  t.onSnapshot((s) => snaps.push(s));
  t.onUpdate((b) => updates.push(b));
  t.onConnection((c) => statuses.push(c.status));
  t.start();
  return { t, sockets, snaps, updates, statuses, last: () => sockets[sockets.length - 1] };
}

describe('BrowserTransport', () => {
  it('correlates concurrent commands with their results by id', async () => {
    const { t, last } = setup();
    last().open();
    const p1 = t.call('kill', { id: 'a', mode: 'rst' });
    const p2 = t.call('connect', { host: '127.0.0.1', port: 7070 });
    const [c1, c2] = last().sent;
    expect(c1).toMatchObject({ type: 'command', name: 'kill', args: { id: 'a', mode: 'rst' } });
    expect(c2.name).toBe('connect');
    expect(c1.id).not.toBe(c2.id);
    // answered out of order
    last().push({ type: 'result', id: c2.id, outcome: { ok: true, result: peer('n') } });
    last().push({ type: 'result', id: c1.id, outcome: { ok: true, result: { ok: true } } });
    await expect(p2).resolves.toEqual(peer('n'));
    await expect(p1).resolves.toEqual({ ok: true });
  });

  it('rejects with a CommandFailure carrying kind and field', async () => {
    const { t, last } = setup();
    last().open();
    const p = t.call('startServer', { port: 70000 });
    last().push({ type: 'result', id: last().sent[0].id, outcome: { ok: false, error: { kind: 'invalid', message: 'port out of range', field: 'port' } } });
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(CommandFailure);
    expect(err).toMatchObject({ kind: 'invalid', field: 'port', message: 'port out of range' });
  });

  it('dispatches snapshots and updates, ignores malformed messages', () => {
    const { last, snaps, updates } = setup();
    last().open();
    last().push({ type: 'snapshot', snapshot: snapshot({ peers: [peer('a')] }) });
    last().push('not json');
    last().push({ type: 'nonsense' });
    last().push({ type: 'result', id: null, outcome: { ok: false, error: { kind: 'invalid', message: 'bad' } } });
    last().push({ type: 'update', batch: batch(1) });
    last().push({ type: 'update', batch: batch(2) });
    expect(snaps).toHaveLength(1);
    expect(snaps[0].peers[0].id).toBe('a');
    expect(updates.map((b) => b.seq)).toEqual([1, 2]);
  });

  it('reconnects with backoff after a drop, fails pending calls, and gets a fresh snapshot', async () => {
    const { t, sockets, last, snaps, statuses } = setup({ snapshotTimeoutMs: 30 });
    last().open();
    last().push({ type: 'snapshot', snapshot: snapshot() });
    const pending = t.call('getSnapshot', {});
    last().drop('server restart');
    const err = await pending.catch((e) => e);
    expect(err).toBeInstanceOf(CommandFailure);
    expect(err.kind).toBe('internal');
    expect(t.connection.status).toBe('disconnected');
    await expect(t.call('reconnect', { id: 'a' })).rejects.toBeInstanceOf(CommandFailure);

    await until(() => sockets.length === 2);
    expect(last().url).toBe('ws://h/ws?token=abc');
    last().open();
    expect(t.connection.status).toBe('connected');
    // the host is slow to push: the transport asks for the snapshot itself
    await until(() => last().sent.some((m) => m.name === 'getSnapshot'));
    const req = last().sent.find((m) => m.name === 'getSnapshot')!;
    last().push({ type: 'result', id: req.id, outcome: { ok: true, result: snapshot({ peers: [peer('fresh')] }) } });
    await until(() => snaps.length === 2);
    expect(snaps[1].peers[0].id).toBe('fresh');
    expect(statuses).toContain('disconnected');
  });

  it('does not ask for a snapshot the host already pushed', async () => {
    const { last } = setup({ snapshotTimeoutMs: 20 });
    last().open();
    last().push({ type: 'snapshot', snapshot: snapshot() });
    await new Promise((r) => setTimeout(r, 60));
    expect(last().sent).toEqual([]);
  });

  it('keeps retrying while the host is down, and close() stops everything', async () => {
    const { t, sockets, last } = setup();
    last().drop();
    await until(() => sockets.length >= 2);
    last().drop();
    await until(() => sockets.length >= 3);
    t.close();
    const n = sockets.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(sockets.length).toBe(n);
    expect(t.connection.status).toBe('disconnected');
  });
});

describe('token and url', () => {
  it('takes ?token= and remembers it in sessionStorage', () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    expect(resolveToken('?token=s3cr%2Bt', storage)).toBe('s3cr+t');
    expect(mem.get(TOKEN_KEY)).toBe('s3cr+t');
    expect(resolveToken('', storage)).toBe('s3cr+t');
    expect(resolveToken('', undefined)).toBeNull();
  });

  it('builds the ws url for http and https', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 'a b')).toBe('ws://127.0.0.1:8080/ws?token=a%20b');
    expect(webSocketUrl({ protocol: 'https:', host: 'x' }, null)).toBe('wss://x/ws');
  });
});
