import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, buildNeeded, electronUnavailableReason, explain } from '../../../electron/headless/start.mjs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heartwire-start-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('electronUnavailableReason', () => {
  const pkg = (): ((id: string) => string) => () => join(dir, 'package.json');

  it('reports a missing binary when path.txt is absent (download blocked)', () => {
    expect(electronUnavailableReason({ resolvePackage: pkg(), env: { DISPLAY: ':0' }, platform: 'linux' })).toMatch(/Electron binary is not installed/);
  });

  it('reports a missing dist folder', async () => {
    await writeFile(join(dir, 'path.txt'), 'electron');
    expect(electronUnavailableReason({ resolvePackage: pkg(), env: { DISPLAY: ':0' }, platform: 'linux' })).toMatch(/missing from node_modules\/electron\/dist/);
  });

  it('reports no display on Linux, and accepts a complete install with a display', async () => {
    await writeFile(join(dir, 'path.txt'), 'electron');
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'electron'), '');
    expect(electronUnavailableReason({ resolvePackage: pkg(), env: {}, platform: 'linux' })).toMatch(/no graphical display/);
    expect(electronUnavailableReason({ resolvePackage: pkg(), env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' })).toBeNull();
    expect(electronUnavailableReason({ resolvePackage: pkg(), env: {}, platform: 'darwin' })).toBeNull();
  });

  it('reports an uninstalled electron package', () => {
    const missing = (): string => {
      throw new Error('Cannot find module');
    };
    expect(electronUnavailableReason({ resolvePackage: missing })).toMatch(/electron package is not installed/);
  });

  it('explains in one paragraph and points at browser mode', () => {
    const text = explain('the Electron binary is not installed');
    expect(text).not.toContain('\n');
    expect(text).toMatch(/^Heartwire could not start its desktop window: the Electron binary is not installed\. Opening the same monitor in browser mode/);
  });
});

describe('buildNeeded', () => {
  async function touch(rel: string, mtimeSec: number): Promise<void> {
    const p = join(dir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, '');
    await utimes(p, mtimeSec, mtimeSec);
  }

  it('is "missing" without every output, "stale" when a source is newer, null when up to date', async () => {
    await touch('shared/contract.ts', 1000);
    await touch('renderer/src/app.tsx', 1000);
    expect(buildNeeded(dir)).toBe('missing');
    for (const out of BUILD_OUTPUTS) await touch(out, 2000);
    expect(buildNeeded(dir)).toBeNull();
    await touch('renderer/src/app.tsx', 3000);
    expect(buildNeeded(dir)).toBe('stale');
  });
});
