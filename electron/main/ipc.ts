// THE only user of ipcMain and of webContents.send (DESIGN §6/§7, like GitHub Desktop's
// ipc-shared.ts): one invoke channel for every command, checked against the sender
// frame, and one typed push channel for update batches.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { CommandName, CommandOutcome, UpdateBatch } from '../../shared/contract';
import {
  COMMAND_CHANNEL,
  UPDATE_CHANNEL,
  type IpcInvokeChannel,
  type IpcInvokeChannels,
  type IpcPushChannel,
  type IpcPushChannels,
} from '../../shared/ipc-channels';

/** The part of MonitorService the IPC layer needs (dispatch validates with shared/validate). */
export interface IpcMonitor {
  dispatch(name: string, args: unknown): Promise<CommandOutcome<CommandName>>;
  onUpdate(listener: (batch: UpdateBatch) => void): () => void;
}

export interface IpcOptions {
  monitor: IpcMonitor;
  /** the main window, or null while there is none */
  getWindow: () => BrowserWindow | null;
  /** true for the app's own page URL (see app-url.ts) */
  isAppUrl: (url: string) => boolean;
  /** called after every command from a trusted sender (e.g. to schedule a setup save) */
  onCommand?: (name: string, outcome: CommandOutcome<CommandName>) => void;
}

/** Typed push: the only place main → renderer messages are sent. */
export function send<K extends IpcPushChannel>(wc: WebContents, channel: K, payload: IpcPushChannels[K]): boolean {
  if (wc.isDestroyed()) return false;
  wc.send(channel, payload);
  return true;
}

/** Same arity as the channel's arguments, each still unchecked. */
type Unchecked<T extends unknown[]> = { [I in keyof T]: unknown };

/**
 * Typed handle: the only place an invoke channel is registered. Arguments arrive from
 * the renderer unchecked, so they are typed `unknown` here and validated by dispatch.
 */
export function handle<K extends IpcInvokeChannel>(
  channel: K,
  fn: (event: IpcMainInvokeEvent, ...args: Unchecked<IpcInvokeChannels[K]['args']>) => Promise<IpcInvokeChannels[K]['result']>,
): () => void {
  ipcMain.handle(channel, fn as (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>);
  return () => ipcMain.removeHandler(channel);
}

/** Only the main frame of the main window, showing the app's own page, may command the monitor. */
export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null, isAppUrl: (url: string) => boolean): boolean {
  if (!win || win.isDestroyed()) return false;
  const wc = win.webContents;
  // Wrappers are normally identical; compare ids too in case Electron hands out a new one.
  if (event.sender !== wc && event.sender?.id !== wc.id) return false;
  const frame = event.senderFrame;
  const main = wc.mainFrame;
  if (!frame || !main) return false;
  // WebFrameMain wrappers are cached per frame, but compare ids too in case a wrapper is recreated.
  const sameFrame = frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return sameFrame && isAppUrl(frame.url);
}

/** Registers the command handler and the update push; returns a function that undoes both. */
export function registerIpc(opts: IpcOptions): () => void {
  const { monitor, getWindow, isAppUrl, onCommand } = opts;

  const removeHandler = handle(COMMAND_CHANNEL, async (event, name, args) => {
    if (!isTrustedSender(event, getWindow(), isAppUrl)) {
      // A rejection, not an outcome: an untrusted frame gets no information about the monitor.
      throw new Error('heartwire: command rejected (untrusted sender frame)');
    }
    const outcome = await dispatchSafely(monitor, name, args);
    onCommand?.(typeof name === 'string' ? name : '', outcome);
    return outcome;
  });

  const unsubscribe = monitor.onUpdate((batch) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) send(win.webContents, UPDATE_CHANNEL, batch);
  });

  return () => {
    removeHandler();
    unsubscribe();
  };
}

/** dispatch never throws by contract; if it ever does, the renderer still gets a typed outcome. */
async function dispatchSafely(monitor: IpcMonitor, name: unknown, args: unknown): Promise<CommandOutcome<CommandName>> {
  if (typeof name !== 'string') {
    return { ok: false, error: { kind: 'invalid', message: 'command name must be a string', field: 'command' } };
  }
  try {
    return await monitor.dispatch(name, args ?? {});
  } catch (err) {
    return { ok: false, error: { kind: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}
