// Late-bound access to Heartwire's engine. The bench is written against ENGINE-API.md
// and MONITOR-API.md; the modules are imported by URL at run time so the harness runs
// (reporting "not available") while they are still being written.
import { existsSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CloseReason, Faults, Protocol, TimeoutMode } from '../../../shared/contract';
import type { PipeFactory } from '../../../electron/core/heartbeat/pipe';

export interface SessionLike extends EventEmitter {
  readonly socket: Socket;
  readonly closed: boolean;
  readonly counters: { pingsSent: number; pongsReceived: number };
  setDropProbability(p: number): void;
}

export interface HeartbeatServerLike extends EventEmitter {
  listen(): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
  readonly sessions: ReadonlySet<SessionLike>;
}

export interface ServerCtorOptions {
  host?: string;
  port: number;
  protocol: Protocol;
  intervalMs: number;
  timeoutMs: number;
  timeoutMode: TimeoutMode;
  pipeFactory?: PipeFactory;
}

export interface PeerFaultsLike {
  readonly pipeFactory: PipeFactory;
  attachSession(s: SessionLike): void;
}

export interface EngineModules {
  HeartbeatServer: new (opts: ServerCtorOptions) => HeartbeatServerLike;
}
export interface FaultModules {
  PeerFaults: new (initial?: Faults) => PeerFaultsLike;
}

const url = (rel: string): URL => new URL(rel, import.meta.url);
const SERVER = url('../../../electron/core/heartbeat/server.ts');
const PEER_FAULTS = url('../../../electron/core/faults/peer-faults.ts');
const MONITOR = url('../../../electron/core/monitor.ts');
const RENDERER = url('../../../renderer');

export const engineAvailable = (): boolean => existsSync(fileURLToPath(SERVER));
export const faultsAvailable = (): boolean => existsSync(fileURLToPath(PEER_FAULTS));
export const monitorAvailable = (): boolean => existsSync(fileURLToPath(MONITOR));
export const rendererAvailable = (): boolean => existsSync(fileURLToPath(RENDERER));

export async function loadEngine(): Promise<EngineModules> {
  return (await import(SERVER.href)) as EngineModules;
}
export async function loadFaults(): Promise<FaultModules> {
  return (await import(PEER_FAULTS.href)) as FaultModules;
}
export async function loadMonitor(): Promise<Record<string, unknown>> {
  return (await import(MONITOR.href)) as Record<string, unknown>;
}

export type { CloseReason };
