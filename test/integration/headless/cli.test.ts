// `heartwire serve` / `heartwire connect` as real processes (through bin.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../electron/headless/bin.mjs', import.meta.url));
// tsx compiles on start-up; the machine is shared, so allow a generous first line.
const START_MS = 15_000;

interface Proc {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(child);
  let out = '';
  let err = '';
  const lines: Record<string, unknown>[] = [];
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    const parts = out.split('\n');
    for (const line of parts.slice(lines.length, -1)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stdout: () => out, stderr: () => err, exit };
}

async function waitForLine(p: Proc, pred: (l: Record<string, unknown>) => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = p.lines.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline || p.child.exitCode !== null) {
      throw new Error(`no "${what}" line within ${timeoutMs} ms; stdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

describe('heartwire serve / connect', () => {
  it('serve and connect talk: JSON listening, connected, rtt; the client reports closed and reconnects after the server dies', async () => {
    const serve = run(['serve', '--port', '0', '--json', '--interval', '50']);
    const listening = await waitForLine(serve, (l) => l.event === 'listening', START_MS, 'listening');
    const port = listening.port as number;
    expect(port).toBeGreaterThan(0);
    expect(typeof listening.t).toBe('number');

    const connect = run(['connect', `127.0.0.1:${port}`, '--json', '--interval', '50']);
    const connected = await waitForLine(connect, (l) => l.event === 'connected', START_MS, 'client connected');
    expect(connected.peer).toBe(`127.0.0.1:${port}`);
    const rtt = await waitForLine(connect, (l) => l.event === 'rtt', 5000, 'client rtt');
    expect(typeof rtt.rttMs).toBe('number');
    expect(rtt.rttMs as number).toBeGreaterThanOrEqual(0);
    expect(rtt.peer).toBe(`127.0.0.1:${port}`);
    const srvConnected = await waitForLine(serve, (l) => l.event === 'connected', 5000, 'server connected');
    expect(srvConnected.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    await waitForLine(serve, (l) => l.event === 'rtt' && typeof l.rttMs === 'number', 5000, 'server rtt');
    for (const l of [...serve.lines, ...connect.lines]) {
      expect(typeof l.event).toBe('string');
      expect(Math.abs((l.t as number) - Date.now())).toBeLessThan(60_000);
    }

    serve.child.kill('SIGTERM');
    expect(await withTimeout(serve.exit, 10_000, 'serve exit')).toBe(0);
    const closed = await waitForLine(connect, (l) => l.event === 'closed', 5000, 'client closed');
    expect(closed.reason).toBe('peer-closed');
    const reconnecting = await waitForLine(connect, (l) => l.event === 'reconnecting', 5000, 'reconnecting');
    expect(reconnecting.attempt).toBe(1);
    expect(typeof reconnecting.delayMs).toBe('number');

    connect.child.kill('SIGINT');
    expect(await withTimeout(connect.exit, 10_000, 'connect exit')).toBe(0);
  });

  it("the plain-protocol client answers a classic server's ping with pong and still reports connected/closed", async () => {
    let received = '';
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
      s.on('data', (b) => (received += b.toString()));
      const t = setInterval(() => s.write('ping'), 30);
      s.on('close', () => clearInterval(t));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const connect = run(['connect', `127.0.0.1:${port}`, '--protocol', 'plain', '--json', '--interval', '30']);
      await waitForLine(connect, (l) => l.event === 'connected', START_MS, 'connected');
      const deadline = Date.now() + 5000;
      while (!received.includes('pongpong') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received.replaceAll('pong', '')).toBe('');
      expect(received.length).toBeGreaterThanOrEqual(8);
      for (const s of sockets) s.end();
      const closed = await waitForLine(connect, (l) => l.event === 'closed', 5000, 'closed');
      expect(closed.reason).toBe('peer-closed');
      connect.child.kill('SIGTERM');
      expect(await withTimeout(connect.exit, 10_000, 'exit')).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('human-readable output by default', async () => {
    const serve = run(['serve', '--port', '0', '--interval', '100', '--timeout', '1000', '--timeout-mode', 'adaptive']);
    const deadline = Date.now() + START_MS;
    while (!serve.stdout().includes('listening on') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(serve.stdout()).toMatch(/listening on 127\.0\.0\.1:\d+ \(framed, interval 100 ms, timeout 1000 ms adaptive\)/);
    serve.child.kill('SIGINT');
    expect(await withTimeout(serve.exit, 10_000, 'exit')).toBe(0);
  });

  it('a bad flag or value exits 2 with a one-line message naming it', async () => {
    // Spawned together (start-up dominates); the full matrix is in test/unit/headless/cli-options.test.ts.
    const cases: [string[], RegExp][] = [
      [['serve', '--interval', 'abc'], /^heartwire serve: --interval must be a positive integer \(got "abc"\)/],
      [['serve', '--bogus'], /^heartwire serve: unknown option --bogus/],
      [['connect', '127.0.0.1:7070', '--timeout-mode', 'magic'], /^heartwire connect: --timeout-mode must be one of fixed, adaptive/],
      [['connect'], /^heartwire connect: missing HOST:PORT/],
    ];
    const ps = cases.map(([args]) => run(args));
    const codes = await withTimeout(Promise.all(ps.map((p) => p.exit)), START_MS * 2, 'exits');
    cases.forEach(([, message], i) => {
      expect(codes[i]).toBe(2);
      expect(ps[i].stderr()).toMatch(message);
      expect(ps[i].stderr().trim().split('\n')).toHaveLength(1);
      expect(ps[i].stdout()).toBe('');
    });
  });

  it('--help documents every option and exits 0', async () => {
    const serve = run(['serve', '--help']);
    const connect = run(['connect', '--help']);
    expect(await withTimeout(serve.exit, START_MS, 'serve exit')).toBe(0);
    expect(await withTimeout(connect.exit, START_MS, 'connect exit')).toBe(0);
    const common = ['--interval', '--timeout', '--timeout-mode', 'fixed', 'adaptive', '--protocol', 'framed', 'plain', '--json', '--help', '--name'];
    for (const opt of [...common, '--host', '--port']) expect(serve.stdout()).toContain(opt);
    for (const opt of [...common, 'HOST:PORT', '[::1]']) expect(connect.stdout()).toContain(opt);
  });

  it('connect works over IPv6 [::1]', async () => {
    const serve = run(['serve', '--host', '::1', '--port', '0', '--json', '--interval', '50']);
    const listening = await waitForLine(serve, (l) => l.event === 'listening', START_MS, 'listening');
    expect(listening.host).toBe('::1');
    const connect = run(['connect', `[::1]:${listening.port as number}`, '--json', '--interval', '50']);
    const rtt = await waitForLine(connect, (l) => l.event === 'rtt', START_MS, 'rtt');
    expect(rtt.peer).toBe(`[::1]:${listening.port as number}`);
    connect.child.kill('SIGTERM');
    serve.child.kill('SIGTERM');
    expect(await withTimeout(connect.exit, 10_000, 'connect exit')).toBe(0);
    expect(await withTimeout(serve.exit, 10_000, 'serve exit')).toBe(0);
  });
});
