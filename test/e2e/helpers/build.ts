// Makes sure out/renderer/ (what `heartwire web` serves) is built and newer than every
// source it comes from, building at most once even when several vitest workers ask at
// the same time (an exclusive lock directory; the loser waits, then re-checks).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INDEX_HTML = join(ROOT, 'out/renderer/index.html');
// The renderer bundles renderer/ and the parts of shared/ it imports.
const SOURCES = ['renderer', 'shared', 'electron.vite.config.ts'];
const LOCK = join(ROOT, 'out/.e2e-build.lock');
const STALE_LOCK_MS = 120_000;
const BUILD_TIMEOUT_MS = 110_000;

function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why a build is needed, or null when out/renderer is current. */
export function rendererStaleReason(): string | null {
  let built: number;
  try {
    built = statSync(INDEX_HTML).mtimeMs;
  } catch {
    return 'out/renderer/index.html is missing';
  }
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

export async function ensureRendererBuilt(): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (rendererStaleReason() !== null) {
    if (tryLock()) {
      try {
        // Re-check under the lock: another worker may have just finished.
        if (rendererStaleReason() === null) return;
        await promisify(execFile)('npx', ['electron-vite', 'build'], { cwd: ROOT, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 });
        // Sources edited while it ran still leave a usable build for this run.
        if (!statSync(INDEX_HTML, { throwIfNoEntry: false })) throw new Error('electron-vite build produced no out/renderer/index.html');
        return;
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another worker to build the renderer');
    await new Promise((r) => setTimeout(r, 200));
  }
}
