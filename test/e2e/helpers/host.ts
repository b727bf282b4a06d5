// Spawns the real `heartwire web` CLI (demo on by default) in its own process group and
// reads its first --json line for the port and token.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ROOT } from './build';

export interface SpawnedHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  /** the demo server's port (demo hosts only; from the `demo` line) */
  demoPort: number | null;
  /** REST call with the bearer token */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** recent stderr/stdout lines, for failure messages */
  output(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function spawnWebHost(extraArgs: string[] = []): Promise<SpawnedHost> {
  const child = spawn(process.execPath, [join(ROOT, 'electron/headless/bin.mjs'), 'web', '--port', '0', '--json', ...extraArgs], {
    cwd: ROOT,
    detached: true, // own process group: stop() kills it and anything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutToken(process.env),
  });
  const lines: string[] = [];
  const keep = (l: string) => {
    lines.push(l);
    if (lines.length > 200) lines.shift();
  };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => d.split('\n').forEach((l) => l && keep(`[stderr] ${l}`)));
  const rl = createInterface({ input: child.stdout! });
  const demo = extraArgs.includes('--no-demo') ? null : waitForEvent(rl, 'demo');
  rl.on('line', keep);

  try {
    const first = await withTimeout(
      new Promise<Record<string, unknown>>((resolve, reject) => {
        rl.once('line', (l) => {
          try {
            resolve(JSON.parse(l) as Record<string, unknown>);
          } catch {
            reject(new Error(`first line is not JSON: ${l}`));
          }
        });
        child.once('exit', (code) => reject(new Error(`heartwire web exited with ${code} before listening:\n${lines.join('\n')}`)));
      }),
      START_TIMEOUT_MS,
      'heartwire web did not print its listening line',
    );
    if (first.event !== 'listening' || typeof first.port !== 'number' || typeof first.token !== 'string') {
      throw new Error(`unexpected first line: ${JSON.stringify(first)}`);
    }
    const port = first.port;
    const token = first.token;
    let demoPort: number | null = null;
    if (demo) {
      const ev = await withTimeout(demo, START_TIMEOUT_MS, 'demo did not start');
      demoPort = (ev.servers as { port: number }[])[0]?.port ?? null;
    }
    const origin = `http://127.0.0.1:${port}`;
    return {
      url: `${origin}/?token=${encodeURIComponent(token)}`,
      origin,
      port,
      token,
      demoPort,
      api: (path, init) => fetch(origin + path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init?.headers } }),
      output: () => lines.join('\n'),
      stop: () => stopGroup(child),
    };
  } catch (e) {
    await stopGroup(child);
    throw e;
  }
}

function waitForEvent(rl: ReturnType<typeof createInterface>, event: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onLine = (l: string) => {
      try {
        const o = JSON.parse(l) as Record<string, unknown>;
        if (o.event === event) {
          rl.off('line', onLine);
          resolve(o);
        }
      } catch {
        /* not JSON */
      }
    };
    rl.on('line', onLine);
  });
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pgid = child.pid;
  try {
    process.kill(-pgid, 'SIGTERM'); // graceful: the CLI stops its servers and peers
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** A random token per host: an inherited HEARTWIRE_TOKEN must not leak in. */
function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.HEARTWIRE_TOKEN;
  return copy;
}
