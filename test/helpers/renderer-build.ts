// Makes sure out/renderer/ (what `heartwire web` serves) is built and newer than its
// sources (renderer/, shared/, the vite config), building at most once even when several
// vitest workers or the UI benchmark ask at the same time: an exclusive lock directory;
// the loser waits, then re-checks. Used by the end-to-end tests and the UI benchmark.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newestMtime } from '../../electron/headless/start.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_OUT = join(ROOT, 'out/renderer');
const INDEX_HTML = join(RENDERER_OUT, 'index.html');
const SOURCES = ['renderer', 'shared', 'electron.vite.config.ts'];
const LOCK = join(ROOT, 'out/.renderer-build.lock');
const STALE_LOCK_MS = 120_000;
const BUILD_TIMEOUT_MS = 180_000;

/** Why a build is needed, or null when out/renderer is current. */
export function rendererStaleReason(): string | null {
  const built = statSync(INDEX_HTML, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return 'out/renderer/index.html is missing';
  const src = Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
  return src > built ? 'renderer sources are newer than out/renderer' : null;
}

function tryLock(): boolean {
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // A crashed run must not block every later one.
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      /* removed meanwhile */
    }
    return false;
  }
}

/** Builds when stale; returns what it did, for the log. */
export async function ensureRendererBuilt(log: (s: string) => void = () => {}): Promise<string> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  let reason = rendererStaleReason();
  if (reason === null) return 'out/renderer is current';
  while (reason !== null) {
    if (tryLock()) {
      try {
        reason = rendererStaleReason();
        if (reason === null) return 'built by another process meanwhile';
        log(`${reason}: npx electron-vite build …`);
        await promisify(execFile)('npx', ['electron-vite', 'build'], { cwd: ROOT, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 });
        if (!statSync(INDEX_HTML, { throwIfNoEntry: false })) throw new Error('electron-vite build produced no out/renderer/index.html');
        return `built (${reason})`;
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another process to build the renderer');
    await new Promise((r) => setTimeout(r, 250));
    reason = rendererStaleReason();
  }
  return 'built by another process';
}
