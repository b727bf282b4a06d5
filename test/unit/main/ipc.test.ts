import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandName, CommandOutcome, UpdateBatch } from '../../../shared/contract';
import { FakeBrowserWindow, type FakeFrame } from './electron-fakes';

const ipcMain = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcMain.handlers.set(channel, fn);
  },
  removeHandler: (channel: string) => {
    ipcMain.handlers.delete(channel);
  },
}));
vi.mock('electron', () => ({ ipcMain }));

const { registerIpc } = await import('../../../electron/main/ipc');

const APP_PAGE = 'file:///opt/heartwire/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url.split('#')[0] === APP_PAGE;

class FakeMonitor {
  dispatch = vi.fn(async (name: string, args: unknown): Promise<CommandOutcome<CommandName>> => {
    if (name === 'stopServer') return { ok: false, error: { kind: 'not-found', message: 'no server s9' } };
    return { ok: true, result: { ok: true, echo: { name, args } } as never };
  });
  listeners = new Set<(b: UpdateBatch) => void>();
  onUpdate(l: (b: UpdateBatch) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(b: UpdateBatch): void {
    for (const l of this.listeners) l(b);
  }
}

function batch(seq: number): UpdateBatch {
  return { seq, t: 0, peers: [], removedPeers: [], servers: [], removedServers: [], samples: {}, beats: {}, events: [], health: { eventLoopLagMs: 0, heartbeatsPerSec: 0 } };
}

let monitor: FakeMonitor;
let win: FakeBrowserWindow;
let dispose: () => void;
let onCommand: ReturnType<typeof vi.fn<(name: string, outcome: CommandOutcome<CommandName>) => void>>;

function invoke(event: unknown, ...args: unknown[]): Promise<unknown> {
  const handler = ipcMain.handlers.get('heartwire:command');
  if (!handler) throw new Error('no handler');
  return Promise.resolve().then(() => handler(event, ...args));
}

function trustedEvent(): { sender: unknown; senderFrame: FakeFrame | null } {
  return { sender: win.webContents, senderFrame: win.webContents.mainFrame };
}

beforeEach(() => {
  dispose?.();
  ipcMain.handlers.clear();
  monitor = new FakeMonitor();
  win = new FakeBrowserWindow({});
  win.webContents.mainFrame = { url: APP_PAGE, processId: 4, routingId: 1 };
  onCommand = vi.fn<(name: string, outcome: CommandOutcome<CommandName>) => void>();
  dispose = registerIpc({ monitor, getWindow: () => win as never, isAppUrl, onCommand });
});

describe('command channel', () => {
  it('forwards a command from the app page to monitor.dispatch and returns its outcome', async () => {
    const args = { host: '127.0.0.1', port: 7070 };
    const outcome = await invoke(trustedEvent(), 'connect', args);
    expect(monitor.dispatch).toHaveBeenCalledWith('connect', args);
    expect(outcome).toEqual({ ok: true, result: { ok: true, echo: { name: 'connect', args } } });
    expect(onCommand).toHaveBeenCalledWith('connect', outcome);
  });

  it('passes error outcomes through unchanged', async () => {
    const outcome = await invoke(trustedEvent(), 'stopServer', { id: 's9' });
    expect(outcome).toEqual({ ok: false, error: { kind: 'not-found', message: 'no server s9' } });
  });

  it('maps a throwing dispatch to an internal outcome, and a non-string name to invalid', async () => {
    monitor.dispatch.mockRejectedValueOnce(new Error('boom'));
    expect(await invoke(trustedEvent(), 'getSnapshot', {})).toEqual({ ok: false, error: { kind: 'internal', message: 'boom' } });
    expect(await invoke(trustedEvent(), 42, {})).toEqual({ ok: false, error: { kind: 'invalid', message: 'command name must be a string', field: 'command' } });
    expect(monitor.dispatch).toHaveBeenCalledTimes(1);
  });

  it('sends missing args as {} so validation sees an object', async () => {
    await invoke(trustedEvent(), 'getSnapshot');
    expect(monitor.dispatch).toHaveBeenCalledWith('getSnapshot', {});
  });

  it('accepts the main frame even if Electron hands out a new wrapper for it', async () => {
    const frame = { ...win.webContents.mainFrame };
    await expect(invoke({ sender: win.webContents, senderFrame: frame }, 'getSnapshot', {})).resolves.toMatchObject({ ok: true });
  });

  it('rejects a sub-frame of the window', async () => {
    const sub: FakeFrame = { url: APP_PAGE, processId: 4, routingId: 7 };
    await expect(invoke({ sender: win.webContents, senderFrame: sub }, 'connect', { host: 'x', port: 1 })).rejects.toThrow(/untrusted sender/);
    expect(monitor.dispatch).not.toHaveBeenCalled();
    expect(onCommand).not.toHaveBeenCalled();
  });

  it('rejects the main frame once it shows a foreign page', async () => {
    win.webContents.mainFrame.url = 'https://evil.example/';
    await expect(invoke(trustedEvent(), 'getSnapshot', {})).rejects.toThrow(/untrusted sender/);
    expect(monitor.dispatch).not.toHaveBeenCalled();
  });

  it('rejects a destroyed frame, another webContents, and calls while there is no window', async () => {
    await expect(invoke({ sender: win.webContents, senderFrame: null }, 'getSnapshot', {})).rejects.toThrow(/untrusted/);
    const other = new FakeBrowserWindow({});
    other.webContents.mainFrame = { url: APP_PAGE, processId: 9, routingId: 1 };
    await expect(invoke({ sender: other.webContents, senderFrame: other.webContents.mainFrame }, 'getSnapshot', {})).rejects.toThrow(/untrusted/);
    win.destroyed = true;
    await expect(invoke(trustedEvent(), 'getSnapshot', {})).rejects.toThrow(/untrusted/);
    expect(monitor.dispatch).not.toHaveBeenCalled();
  });
});

describe('update push', () => {
  it("sends every batch on 'heartwire:update' to the window", () => {
    monitor.emit(batch(1));
    monitor.emit(batch(2));
    expect(win.webContents.send.mock.calls).toEqual([
      ['heartwire:update', batch(1)],
      ['heartwire:update', batch(2)],
    ]);
  });

  it('skips a destroyed window or webContents', () => {
    win.webContents.destroyed = true;
    monitor.emit(batch(1));
    win.webContents.destroyed = false;
    win.destroyed = true;
    monitor.emit(batch(2));
    expect(win.webContents.send).not.toHaveBeenCalled();
  });

  it('dispose removes the handler and the update subscription', () => {
    dispose();
    expect(ipcMain.handlers.has('heartwire:command')).toBe(false);
    expect(monitor.listeners.size).toBe(0);
    dispose = () => {};
  });
});

describe('ipc.ts is the only IPC user in main', () => {
  it('no other main module touches ipcMain or webContents.send', () => {
    const dir = fileURLToPath(new URL('../../../electron/main/', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'ipc.ts')) {
      const src = readFileSync(join(dir, file), 'utf8');
      expect(src, file).not.toMatch(/\bipcMain\b/);
      expect(src, file).not.toMatch(/\.send\(/);
    }
  });
});
