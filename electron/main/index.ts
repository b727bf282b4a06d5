// Electron main entry: app lifecycle only. One instance; the monitor starts from the
// saved setup (or the demo on first run); one window; quitting saves and disposes.
import { join } from 'node:path';
import { app, type BrowserWindow } from 'electron';
import { MonitorService } from '../core/monitor';
import { changesSetup, createSetupSaver, loadSetup } from '../core/persist';
import { isAppUrl, resolveAppLocation } from './app-url';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { watchPower } from './power';
import { createMainWindow } from './window';

/** How long quitting may wait for the final save and the monitor's shutdown. */
const SHUTDOWN_BUDGET_MS = 3000;

export async function runApp(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let win: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // The monitor lives with its window: closing it ends the app on every platform.
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  const loc = resolveAppLocation(app.getAppPath());
  const monitor = new MonitorService();
  const setupFile = join(app.getPath('userData'), 'setup.json');
  const saver = createSetupSaver({
    file: setupFile,
    getSetup: () => monitor.savedSetup(),
    onError: (err) => console.error('heartwire: could not save setup:', err),
  });
  await startMonitor(monitor, setupFile);

  // IPC before the window, so the renderer's first command finds its handler.
  const disposeIpc = registerIpc({
    monitor,
    getWindow: () => win,
    isAppUrl: (url) => isAppUrl(url, loc),
    onCommand: (name, outcome) => {
      if (outcome.ok && changesSetup(name)) saver.schedule();
    },
  });
  const disposePower = watchPower(monitor);
  installMenu(process.platform, Boolean(loc.devUrl));

  const openWindow = (): void => {
    const created = createMainWindow(loc);
    win = created;
    created.on('closed', () => {
      if (win === created) win = null;
    });
  };
  openWindow();
  app.on('activate', () => {
    if (!win) openWindow();
  });

  let shutdown: 'running' | 'stopping' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    disposePower();
    disposeIpc();
    const cleanup = (async () => {
      await saver.flush();
      await monitor.dispose();
    })().catch((err) => console.error('heartwire: error while shutting down:', err));
    void withTimeout(cleanup, SHUTDOWN_BUDGET_MS).then(() => {
      shutdown = 'done';
      app.quit();
    });
  });
}

/** Saved setup if there is one; the demo on first run (or after a corrupt file was set aside). */
async function startMonitor(monitor: MonitorService, setupFile: string): Promise<void> {
  try {
    const loaded = await loadSetup(setupFile);
    if (loaded.status === 'corrupt') console.warn(`heartwire: ${setupFile} was unreadable; kept as ${loaded.corruptCopy}`);
    if (loaded.status === 'ok') await monitor.restore(loaded.setup);
    else await monitor.startDemo();
  } catch (err) {
    // A port now taken or an unreadable file must not keep the window from opening.
    console.error('heartwire: could not restore the saved setup:', err);
  }
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

void runApp().catch((err) => {
  console.error('heartwire: failed to start:', err);
  app.exit(1);
});
