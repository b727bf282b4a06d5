import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { createWebHost, type WebHost } from '../../../electron/headless/web/http-server';
import { resolveInside } from '../../../electron/headless/web/static-files';
import { FakeMonitor } from './fake-monitor';

let built: string;
let empty: string;
let host: WebHost;
let bare: WebHost;

beforeAll(async () => {
  built = mkdtempSync(path.join(tmpdir(), 'hw-built-'));
  empty = mkdtempSync(path.join(tmpdir(), 'hw-empty-'));
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>HW</title>');
  writeFileSync(path.join(built, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(built, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(path.join(built, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(tmpdir(), 'hw-secret.txt'), 'secret');
  host = await createWebHost({ monitor: new FakeMonitor(), port: 0, token: 't', staticDir: built });
  bare = await createWebHost({ monitor: new FakeMonitor(), port: 0, token: 't', staticDir: empty });
});
afterAll(async () => {
  await host.close();
  await bare.close();
  rmSync(built, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

/** Raw request so the path reaches the server unnormalized. */
function rawGet(port: number, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

describe('static files', () => {
  it('serves index and assets with the right content types', async () => {
    const index = await fetch(host.origin + '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await index.text()).toContain('<title>HW</title>');
    const js = await fetch(host.origin + '/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe('console.log(1)');
    expect((await fetch(host.origin + '/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(host.origin + '/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
    const head = await fetch(host.origin + '/assets/index-abc.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
  });

  it('falls back to index.html for client routes, 404 for missing assets', async () => {
    const spa = await fetch(host.origin + '/peers/abc?token=t');
    expect(spa.status).toBe(200);
    expect(await spa.text()).toContain('<title>HW</title>');
    expect((await fetch(host.origin + '/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside the directory', async () => {
    expect(resolveInside('/srv/x', '/../etc/passwd')).toBe(path.resolve('/srv/x/etc/passwd'));
    expect(resolveInside('/srv/x', '/%2e%2e/%2e%2e/etc/passwd')).toBe(path.resolve('/srv/x/etc/passwd'));
    expect(resolveInside('/srv/x', '/a%00b')).toBeNull();
    expect(resolveInside('/srv/x', '/%E0%A4%A')).toBeNull();
    const raw = await rawGet(host.port, `/../${path.basename(tmpdir())}/hw-secret.txt`);
    expect(raw).not.toContain('secret');
    const enc = await rawGet(host.port, '/%2e%2e/hw-secret.txt');
    expect(enc.split('\r\n')[0]).toMatch(/404/);
    expect(enc).not.toContain('secret');
  });

  it('shows a placeholder page telling how to build when the UI is not built', async () => {
    const res = await fetch(bare.origin + '/?token=t');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('not built');
    expect(text).toContain('npm run build');
    expect((await fetch(bare.origin + '/anything')).status).toBe(200);
  });
});
