// The Electron IPC surface, shared by main (electron/main/ipc.ts) and preload so
// both sides agree on channel names and payloads (as GitHub Desktop's ipc-shared.ts).
// Pure types and constants: no electron import here.
import type { CommandName, CommandOutcome, UpdateBatch } from './contract';

/** renderer → main, via invoke: `(name, args)` → `CommandOutcome`. */
export const COMMAND_CHANNEL = 'heartwire:command';
/** main → renderer, via send: one `UpdateBatch` per message. */
export const UPDATE_CHANNEL = 'heartwire:update';

/** Invoke channels: the arguments the renderer sends and what main answers. */
export interface IpcInvokeChannels {
  [COMMAND_CHANNEL]: { args: [name: CommandName, args: unknown]; result: CommandOutcome<CommandName> };
}

/** Push channels: main → renderer payloads. */
export interface IpcPushChannels {
  [UPDATE_CHANNEL]: UpdateBatch;
}

export type IpcInvokeChannel = keyof IpcInvokeChannels;
export type IpcPushChannel = keyof IpcPushChannels;
