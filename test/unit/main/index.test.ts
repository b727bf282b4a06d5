// App lifecycle with Electron faked and the real MonitorService: first run starts the
// demo, a saved setup is restored, setup-changing commands are saved, quitting disposes.
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandOutcome, Snapshot } from '../../../shared/contract';
import type { FakeBrowserWindow } from './electron-fakes';

const state = vi.hoisted(() => ({
  userData: '',
  lock: true,
  app: null as unknown as FakeApp,
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  // resetModules gives every boot a fresh fake module, so windows are collected here
  windows: [] as FakeBrowserWindow[],
}));

interface FakeApp extends EventEmitter {
  quitCalls: number;
  quit(): void;
}

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const fakes = await import('./electron-fakes');
  const app = Object.assign(new Emitter(), {
    quitCalls: 0,
    requestSingleInstanceLock: () => state.lock,
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/opt/heartwire',
    getPath: () => state.userData,
    quit() {
      app.quitCalls++;
      app.emit('before-quit', { preventDefault: () => undefined });
    },
    exit: vi.fn(),
  });
  state.app = app as unknown as FakeApp;
  class BrowserWindow extends fakes.FakeBrowserWindow {
    constructor(options: Record<string, unknown>) {
      super(options);
      state.windows.push(this);
    }
  }
  return {
    app,
    BrowserWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    powerMonitor: new Emitter(),
    ipcMain: {
      handle: (ch: string, fn: (event: unknown, ...args: unknown[]) => unknown) => state.handlers.set(ch, fn),
      removeHandler: (ch: string) => state.handlers.delete(ch),
    },
  };
});

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function boot(): Promise<FakeBrowserWindow> {
  vi.resetModules();
  state.handlers.clear();
  state.windows = [];
  await import('../../../electron/main/index');
  const win = await until(() => state.windows[0]);
  win.webContents.mainFrame.url = new URL('file:///opt/heartwire/out/renderer/index.html').href;
  return win;
}

function command(win: FakeBrowserWindow, name: string, args: unknown): Promise<CommandOutcome<never>> {
  const handler = state.handlers.get('heartwire:command');
  if (!handler) throw new Error('no IPC handler');
  return Promise.resolve(handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, name, args)) as Promise<CommandOutcome<never>>;
}

async function snapshot(win: FakeBrowserWindow): Promise<Snapshot> {
  const outcome = (await command(win, 'getSnapshot', {})) as CommandOutcome<'getSnapshot'>;
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result;
}

async function quit(): Promise<void> {
  const before = state.app.quitCalls;
  state.app.quit();
  // before-quit cleans up asynchronously, then quits a second time.
  await until(() => state.app.quitCalls >= before + 2, 8000);
}

beforeEach(async () => {
  state.userData = await mkdtemp(join(tmpdir(), 'heartwire-userdata-'));
  state.lock = true;
});
afterEach(async () => {
  await rm(state.userData, { recursive: true, force: true });
});

describe('main lifecycle', () => {
  it('first run: starts the demo, registers IPC before the window, quits cleanly', async () => {
    const win = await boot();
    const snap = await until(async () => {
      const s = await snapshot(win);
      return s.peers.filter((p) => p.direction === 'outbound').length === 3 ? s : false;
    });
    expect(snap.servers).toHaveLength(1);
    expect(state.app.listenerCount('window-all-closed')).toBe(1);
    await quit();
    expect(state.handlers.has('heartwire:command')).toBe(false);
  }, 20_000);

  it('restores a saved setup and saves changes made through IPC', async () => {
    const file = join(state.userData, 'setup.json');
    await writeFile(file, JSON.stringify({ version: 1, servers: [{ port: 0, host: '127.0.0.1' }], peers: [] }));
    const win = await boot();
    const snap = await snapshot(win);
    expect(snap.servers).toHaveLength(1);
    expect(snap.peers.filter((p) => p.direction === 'outbound')).toHaveLength(0); // no demo
    const port = snap.servers[0].port;

    const connected = await command(win, 'connect', { host: '127.0.0.1', port, name: 'saved-peer' });
    expect(connected.ok).toBe(true);
    // Saved on quit at the latest (debounced otherwise).
    await quit();
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.peers.map((p: { name?: string }) => p.name)).toContain('saved-peer');
  }, 20_000);

  it('a corrupt setup file is kept aside and the demo starts', async () => {
    const file = join(state.userData, 'setup.json');
    await writeFile(file, '{ not json');
    const win = await boot();
    await until(async () => (await snapshot(win)).peers.length >= 3);
    expect(await readFile(file + '.corrupt', 'utf8')).toBe('{ not json');
    await quit();
  }, 20_000);

  it('a second instance quits at once and focuses nothing', async () => {
    state.lock = false;
    vi.resetModules();
    state.windows = [];
    await import('../../../electron/main/index');
    await until(() => state.app.quitCalls > 0);
    expect(state.windows).toHaveLength(0);
  });
});
