// Parent side: spawns bench children (server, load client) with an IPC channel and
// the fd soft limit raised to the hard limit, and kills every child on exit or error.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface ChildOptions {
  /** extra node flags (e.g. --cpu-prof) */
  nodeArgs?: string[];
  /** how long to wait for the child's ready message */
  readyTimeoutMs?: number;
  label?: string;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class BenchChild<Ready = Record<string, unknown>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited = false;
  readonly exitPromise: Promise<number | null>;

  private constructor(
    readonly proc: ChildProcess,
    readonly label: string,
    readonly ready: Ready,
  ) {
    this.exitPromise = new Promise((resolve) => {
      if (proc.exitCode !== null) resolve(proc.exitCode);
      else proc.once('exit', (code) => resolve(code));
    });
    proc.on('message', (raw) => {
      const m = raw as { id?: number; ok?: boolean; result?: unknown; error?: string };
      if (typeof m.id !== 'number') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.label}: ${m.error}`));
    });
    proc.once('exit', (code, signal) => {
      this.exited = true;
      live.delete(proc);
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`${label} exited (${code ?? signal}) with a request pending`));
      }
      this.pending.clear();
    });
  }

  /** Spawns `script` (relative to test/bench) with `config` and waits for its ready message. */
  static start<R>(script: string, config: object, opts: ChildOptions = {}): Promise<BenchChild<R>> {
    hookExit();
    const label = opts.label ?? script;
    const nodeArgs = [...(opts.nodeArgs ?? []), '--expose-gc', '--import', 'tsx', join(BENCH_DIR, script), JSON.stringify(config)];
    // sh raises the soft fd limit to the hard one (Node cannot call setrlimit) then execs node,
    // keeping the pid and the inherited IPC fd.
    const proc = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', process.execPath, ...nodeArgs], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(proc);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${label}: not ready within ${opts.readyTimeoutMs ?? 60_000} ms`));
      }, opts.readyTimeoutMs ?? 60_000);
      const onMessage = (raw: unknown): void => {
        const m = raw as { type?: string; info?: R; message?: string };
        if (m.type === 'ready') {
          cleanup();
          resolve(new BenchChild<R>(proc, label, m.info as R));
        } else if (m.type === 'fatal') {
          cleanup();
          proc.kill('SIGKILL');
          reject(new Error(`${label}: ${m.message}`));
        }
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`${label} exited early (code ${code})`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
      };
      proc.on('message', onMessage);
      proc.on('exit', onExit);
    });
  }

  request<T = unknown>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: '${cmd}' timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ id, cmd, ...args });
    });
  }

  /** Asks the child to exit (so --cpu-prof profiles get written), SIGKILL after graceMs. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.request('stop', {}, graceMs).catch(() => undefined);
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(t);
  }
}

/** Stops children in order, never throwing. */
export async function stopAll(...children: (BenchChild<unknown> | undefined | null)[]): Promise<void> {
  for (const c of children) if (c) await c.stop().catch(() => undefined);
}
