#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here, otherwise the same monitor in
// browser mode (`heartwire web` with the demo), with one paragraph saying why.
//
//   npm start                    build if out/ is missing or stale, then Electron (or browser mode)
//   npm start -- --browser       browser mode directly; other arguments go to `heartwire web`
//                                (e.g. npm start -- --browser --port 0)
//   npm run dev                  electron-vite dev (hot reload; needs the Electron binary)
//   browser-mode dev:            npm run build && npx heartwire web
//
// HEARTWIRE_SKIP_BUILD=1 skips the staleness check and build (tests, CI after `npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** What `electron-vite build` produces; all must exist for the desktop app. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/** What the build reads. */
const BUILD_INPUTS = ['shared', 'electron/main', 'electron/preload', 'electron/core', 'renderer', 'electron.vite.config.ts', 'package.json'];
/** Electron that dies within this long of starting is treated as "could not start". */
const EARLY_EXIT_MS = 4000;

/**
 * Newest mtime (ms) of a file or of any file under a directory (node_modules and dot
 * entries skipped); 0 if absent. Also the renderer-build check of the tests and benchmarks
 * (test/helpers/renderer-build.ts).
 */
export function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why a build is needed ('missing' | 'stale'), or null when out/ is complete and newer than every source. */
export function buildNeeded(root = ROOT) {
  const outputs = BUILD_OUTPUTS.map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return 'missing';
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const newestInput = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(root, p))));
  return newestInput > oldestOutput ? 'stale' : null;
}

function runBuild() {
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const res = spawnSync(process.execPath, [bin, 'build'], { cwd: ROOT, stdio: 'inherit' });
  return res.status === 0;
}

/**
 * Why the Electron binary cannot run here, or null if it looks runnable. Checks what the
 * `electron` package's index.js would need, WITHOUT requiring it first: that module
 * starts a download when its binary is missing.
 */
export function electronUnavailableReason({ env = process.env, platform = process.platform, resolvePackage } = {}) {
  let pkgDir;
  try {
    pkgDir = dirname((resolvePackage ?? ((id) => require.resolve(id)))('electron/package.json'));
  } catch {
    return 'the electron package is not installed (run npm install)';
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!env.ELECTRON_OVERRIDE_DIST_PATH) {
    if (!existsSync(pathFile)) return 'the Electron binary is not installed (its download did not run or is blocked on this machine)';
    const exe = readFileSync(pathFile, 'utf8').trim();
    if (!exe || !existsSync(join(pkgDir, 'dist', exe))) return 'the Electron binary is missing from node_modules/electron/dist';
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'there is no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  }
  return null;
}

export function explain(reason) {
  return (
    `Heartwire could not start its desktop window: ${reason}. ` +
    'Opening the same monitor in browser mode instead: open the URL printed below in a browser ' +
    '(npm start -- --browser goes there directly).'
  );
}

/**
 * Passes termination signals on to the child, once. A signal sent to the whole process
 * group (terminal Ctrl+C, `kill -- -PGID`) has already reached the child, and a second
 * one would make it skip its cleanup; so SIGINT from a terminal is not forwarded, and
 * other signals only if the child is still running a moment later.
 */
const FORWARD_GRACE_MS = 300;
function forwardSignals(child) {
  const handlers = {};
  const alive = () => child.exitCode === null && child.signalCode === null;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    handlers[signal] = () => {
      if (signal === 'SIGINT' && process.stdin.isTTY) return;
      setTimeout(() => {
        if (alive()) child.kill(signal);
      }, FORWARD_GRACE_MS);
    };
    process.on(signal, handlers[signal]);
  }
  return () => {
    for (const [signal, fn] of Object.entries(handlers)) process.off(signal, fn);
  };
}

/** Resolves with the exit code; never rejects. */
function runBrowserMode(webArgs) {
  const child = spawn(process.execPath, [join(ROOT, 'electron', 'headless', 'bin.mjs'), 'web', ...webArgs], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const unforward = forwardSignals(child);
  return new Promise((resolveExit) => {
    child.on('error', (err) => {
      unforward();
      process.stderr.write(`heartwire: could not start browser mode: ${err.message}\n`);
      resolveExit(1);
    });
    child.on('exit', (code, signal) => {
      unforward();
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Runs Electron. Resolves { started: true, code } when it ran (and has exited), or
 * { started: false, reason } when it failed to start or died at once with an error.
 */
function runElectron() {
  let exe;
  try {
    exe = require('electron'); // safe now: the binary is known to exist, so no download starts
  } catch (err) {
    return Promise.resolve({ started: false, reason: `the electron package failed to load (${err.message})` });
  }
  if (typeof exe !== 'string') return Promise.resolve({ started: false, reason: 'the electron package did not give a binary path' });
  const startedAt = Date.now();
  const child = spawn(exe, ['.'], { cwd: ROOT, stdio: ['inherit', 'inherit', 'pipe'] });
  const unforward = forwardSignals(child);
  let lastErrLine = '';
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    const lines = String(chunk).split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length) lastErrLine = lines[lines.length - 1];
  });
  return new Promise((resolveRun) => {
    child.on('error', (err) => {
      unforward();
      resolveRun({ started: false, reason: `the Electron binary could not be started (${err.code ?? err.message})` });
    });
    child.on('exit', (code, signal) => {
      unforward();
      const failed = code !== 0 && signal !== 'SIGINT' && signal !== 'SIGTERM';
      if (failed && Date.now() - startedAt < EARLY_EXIT_MS) {
        const how = code !== null ? `exit code ${code}` : `signal ${signal}`;
        resolveRun({ started: false, reason: `Electron exited at once with ${how}${lastErrLine ? ` ("${lastErrLine.slice(0, 200)}")` : ''}` });
        return;
      }
      resolveRun({ started: true, code: code ?? (signal ? 1 : 0) });
    });
  });
}

export async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: npm start [-- --browser] [heartwire web options]\n' +
      'Starts the Heartwire desktop app, or the browser UI (heartwire web) when Electron cannot run.\n');
    return 0;
  }
  const forceBrowser = argv.includes('--browser');
  const webArgs = argv.filter((a) => a !== '--browser');

  let buildFailed = false;
  if (process.env.HEARTWIRE_SKIP_BUILD !== '1') {
    const why = buildNeeded();
    if (why) {
      process.stdout.write(`heartwire: building the app (out/ is ${why === 'missing' ? 'missing' : 'older than the sources'})…\n`);
      buildFailed = !runBuild();
      if (buildFailed) process.stderr.write('heartwire: the build failed (see above).\n');
    }
  }

  if (!forceBrowser) {
    let reason = buildFailed ? 'the app could not be built (see the errors above)' : electronUnavailableReason();
    if (!reason) {
      const run = await runElectron();
      if (run.started) return run.code;
      reason = run.reason;
    }
    process.stdout.write(explain(reason) + '\n\n');
  }
  return runBrowserMode(webArgs);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
