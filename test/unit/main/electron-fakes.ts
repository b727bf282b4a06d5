// Minimal stand-ins for the Electron objects main touches; the binary cannot run in tests.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export interface FakeFrame {
  url: string;
  processId: number;
  routingId: number;
}

export class FakeSession {
  setPermissionRequestHandler = vi.fn();
  setPermissionCheckHandler = vi.fn();
  webRequest = { onHeadersReceived: vi.fn() };
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  id = nextId++;
  session = new FakeSession();
  mainFrame: FakeFrame = { url: '', processId: 1, routingId: 1 };
  destroyed = false;
  send = vi.fn();
  setWindowOpenHandler = vi.fn();
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  destroyed = false;
  loadFile = vi.fn(async (_file: string) => undefined);
  loadURL = vi.fn(async (_url: string) => undefined);
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = vi.fn(() => false);
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A navigation event as Electron 45 passes it: the details object carries url and preventDefault. */
export function navEvent(url: string): { url: string; preventDefault: ReturnType<typeof vi.fn> } {
  return { url, preventDefault: vi.fn() };
}
