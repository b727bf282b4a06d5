// `npm start` on a machine without the Electron binary: one explanatory paragraph, then
// browser mode whose printed URL answers. The run is bounded and its process group killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const URL_RE = /http:\/\/127\.0\.0\.1:\d+\/\?token=[^\s]+/;

let child: ChildProcess | undefined;

async function stopGroup(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  try {
    process.kill(-p.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

afterEach(async () => {
  if (child) await stopGroup(child);
  child = undefined;
});

interface Run {
  p: ChildProcess;
  out: () => string;
  err: () => string;
  url?: string;
}

/** Spawns start.mjs in its own process group and waits (bounded) for the browser URL. */
async function runStart(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  // A fresh checkout builds once here; with out/ present (CI builds first) the build is skipped
  // so parallel test runs never rebuild out/ under each other.
  const built = OUTPUTS.every((p) => existsSync(join(ROOT, p)));
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', HEARTWIRE_SKIP_BUILD: built ? '1' : '0', ...extraEnv };
  if (!extraEnv.ELECTRON_OVERRIDE_DIST_PATH) delete env.ELECTRON_OVERRIDE_DIST_PATH;
  const p = spawn(process.execPath, ['electron/headless/start.mjs', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so the web child is killed with it
  });
  child = p;
  let out = '';
  let err = '';
  p.stdout!.on('data', (c) => (out += String(c)));
  p.stderr!.on('data', (c) => (err += String(c)));
  const deadline = Date.now() + (built ? 30_000 : 75_000);
  while (!URL_RE.test(out) && Date.now() < deadline && p.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  return { p, out: () => out, err: () => err, url: URL_RE.exec(out)?.[0] };
}

async function expectAnswers(url: string): Promise<void> {
  const page = await fetch(url, { signal: AbortSignal.timeout(5000) });
  expect(page.status).toBe(200);
  expect((await page.text()).toLowerCase()).toContain('<html');
  const token = new URL(url).searchParams.get('token');
  const state = await fetch(new URL('/api/state', url).href, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
  expect(state.status).toBe(200);
}

function paragraphOf(out: string): string | undefined {
  return out.split('\n').find((l) => l.startsWith('Heartwire could not start its desktop window:'));
}

// POSIX only: process groups and a shell-script stand-in for the Electron binary.
describe.skipIf(process.platform === 'win32')('npm start without a usable Electron', () => {
  it('explains why in one paragraph and serves the monitor in browser mode', async () => {
    const run = await runStart(['--port', '0']);
    const out = run.out();
    expect(run.url, `no URL printed.\nstdout:\n${out}\nstderr:\n${run.err()}`).toBeDefined();
    const paragraph = paragraphOf(out);
    expect(paragraph, out).toBeDefined();
    expect(paragraph).toMatch(/Electron binary|graphical display/);
    expect(paragraph).toMatch(/browser mode/);
    expect(out.indexOf(paragraph!)).toBeLessThan(out.indexOf(run.url!));
    expect(out.match(/could not start its desktop window/g)).toHaveLength(1);
    await expectAnswers(run.url!);
    await stopGroup(run.p);
    expect(run.p.exitCode !== null || run.p.signalCode !== null).toBe(true);
  }, 90_000);

  it('falls back when Electron exits at once with an error, quoting its last error line', async () => {
    const fake = await mkdtemp(join(tmpdir(), 'heartwire-fake-electron-'));
    try {
      await writeFile(join(fake, 'electron'), '#!/bin/sh\necho "Running as root without --no-sandbox is not supported." >&2\nexit 1\n');
      await chmod(join(fake, 'electron'), 0o755);
      const run = await runStart(['--port', '0'], { DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: fake });
      expect(run.url, run.out() + run.err()).toBeDefined();
      expect(paragraphOf(run.out())).toMatch(/Electron exited at once with exit code 1 \("Running as root without --no-sandbox is not supported\."\)/);
      await expectAnswers(run.url!);
    } finally {
      await rm(fake, { recursive: true, force: true });
    }
  }, 90_000);

  it('--browser goes straight to browser mode without the paragraph', async () => {
    const run = await runStart(['--browser', '--port', '0']);
    expect(run.url, run.out() + run.err()).toBeDefined();
    expect(paragraphOf(run.out())).toBeUndefined();
    await expectAnswers(run.url!);
  }, 90_000);
});
