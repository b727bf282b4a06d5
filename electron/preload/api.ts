// The contract as a domain API over IPC: one method per command (generated from
// COMMAND_NAMES, so it cannot drift from the contract) plus onUpdate. Renderer code
// never sees ipcRenderer or an IPC event object.
import type { IpcRendererEvent } from 'electron';
import { COMMAND_NAMES, type CommandError, type CommandName, type CommandOutcome, type HeartwireApi, type UpdateBatch } from '../../shared/contract';
import { CommandFailure } from '../../shared/command-failure';
import { COMMAND_CHANNEL, UPDATE_CHANNEL } from '../../shared/ipc-channels';

/** The slice of ipcRenderer the API uses (injected so it is testable without Electron). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

/**
 * The contextBridge copies a thrown Error with its message only (custom fields are
 * dropped), so the failure's message carries the CommandError as JSON; the renderer's
 * transport (renderer/src/transport/to-failure.ts) turns it back into kind/field.
 */
export function bridgeableFailure(error: CommandError): CommandFailure {
  const failure = new CommandFailure(error);
  failure.message = JSON.stringify(failure.toCommandError());
  return failure;
}

function isOutcome(v: unknown): v is CommandOutcome<CommandName> {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (o.ok === true && 'result' in o) || (o.ok === false && typeof o.error === 'object' && o.error !== null);
}

async function invokeCommand(ipc: IpcRendererLike, name: CommandName, args: unknown): Promise<unknown> {
  let outcome: unknown;
  try {
    outcome = await ipc.invoke(COMMAND_CHANNEL, name, args ?? {});
  } catch (err) {
    // Main rejected the call itself (e.g. untrusted frame) or IPC failed.
    throw bridgeableFailure({ kind: 'internal', message: err instanceof Error ? err.message : String(err) });
  }
  if (!isOutcome(outcome)) throw bridgeableFailure({ kind: 'internal', message: `malformed reply to ${name}` });
  if (outcome.ok) return outcome.result;
  throw bridgeableFailure(outcome.error);
}

export function createHeartwireApi(ipc: IpcRendererLike): HeartwireApi {
  const api: Record<string, unknown> = {};
  for (const name of COMMAND_NAMES) {
    api[name] = (args: unknown) => invokeCommand(ipc, name, args);
  }
  api.onUpdate = (listener: (batch: UpdateBatch) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onUpdate needs a listener function');
    // Wrap so the listener gets the batch only, never the IPC event (it exposes sender/ports).
    const handler = (_event: IpcRendererEvent, batch: unknown): void => listener(batch as UpdateBatch);
    ipc.on(UPDATE_CHANNEL, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(UPDATE_CHANNEL, handler);
    };
  };
  return Object.freeze(api) as HeartwireApi;
}
