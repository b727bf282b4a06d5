// The one seam between the UI and the app. Electron (window.heartwire over IPC) and the
// browser (WebSocket to `heartwire web`) both implement it, so nothing above this folder
// knows which one it runs on.
import type { CommandArgs, CommandName, CommandResult, Snapshot, UpdateBatch } from '../../../shared/contract';

export type TransportKind = 'electron' | 'browser';
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** why we are not connected (e.g. "no token"), for the status bar */
  detail?: string;
  /** epoch ms of the next reconnect attempt while disconnected */
  retryAt?: number;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Runs one command; rejects with CommandFailure (kind/field/message) on any error. */
  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  onUpdate(listener: (batch: UpdateBatch) => void): () => void;
  /** Full state pushed on (re)connect; the store replaces everything with it. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  getSnapshot(): Promise<Snapshot>;
  readonly connection: ConnectionInfo;
  onConnection(listener: (info: ConnectionInfo) => void): () => void;
  /** Begin connecting (idempotent). */
  start(): void;
  /** Stop for good: no timers, no sockets left. */
  close(): void;
}

/** A tiny typed listener set; `emit` isolates listeners from each other's exceptions. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const l of [...this.set]) {
      try {
        l(value);
      } catch (e) {
        console.error('heartwire: listener failed', e);
      }
    }
  }

  clear(): void {
    this.set.clear();
  }

  get size(): number {
    return this.set.size;
  }
}

/** What every transport shares: its listener sets, connection state and snapshot fetch. */
export abstract class TransportBase implements Transport {
  abstract readonly kind: TransportKind;
  protected readonly updates = new Listeners<UpdateBatch>();
  protected readonly snapshots = new Listeners<Snapshot>();
  protected readonly connections = new Listeners<ConnectionInfo>();
  private info: ConnectionInfo = { status: 'connecting' };

  abstract call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  abstract start(): void;
  abstract close(): void;

  get connection(): ConnectionInfo {
    return this.info;
  }

  getSnapshot(): Promise<Snapshot> {
    return this.call('getSnapshot', {});
  }

  onUpdate(listener: (batch: UpdateBatch) => void): () => void {
    return this.updates.add(listener);
  }

  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    return this.snapshots.add(listener);
  }

  onConnection(listener: (info: ConnectionInfo) => void): () => void {
    return this.connections.add(listener);
  }

  protected setInfo(info: ConnectionInfo): void {
    this.info = info;
    this.connections.emit(info);
  }

  protected clearListeners(): void {
    this.updates.clear();
    this.snapshots.clear();
    this.connections.clear();
  }
}
