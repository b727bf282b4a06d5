// Electron window: the preload exposes the contract as window.heartwire (HeartwireApi).
// IPC cannot drop, so the connection is "connected" once the first snapshot arrived;
// a failed snapshot fetch is retried with backoff.
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  HeartwireApi,
} from '../../../shared/contract';
import { toCommandFailure } from './to-failure';
import { TransportBase } from './transport';
import { backoffDelay } from './backoff';

export interface ElectronTransportOptions {
  retryBaseMs?: number;
  retryCapMs?: number;
}

export class ElectronTransport extends TransportBase {
  readonly kind = 'electron' as const;
  private unsubscribe: (() => void) | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private closed = false;

  constructor(
    private readonly api: HeartwireApi,
    private readonly opts: ElectronTransportOptions = {},
  ) {
    super();
  }

  start(): void {
    if (this.unsubscribe || this.closed) return;
    // Subscribe before fetching so nothing that happens meanwhile is lost.
    this.unsubscribe = this.api.onUpdate((batch) => this.updates.emit(batch));
    void this.fetchSnapshot();
  }

  private async fetchSnapshot(): Promise<void> {
    try {
      const snap = await this.getSnapshot();
      if (this.closed) return;
      this.attempt = 0;
      this.snapshots.emit(snap);
      this.setInfo({ status: 'connected' });
    } catch (e) {
      if (this.closed) return;
      const delay = backoffDelay(this.attempt++, this.opts.retryBaseMs ?? 250, this.opts.retryCapMs ?? 5000);
      this.setInfo({ status: 'disconnected', detail: toCommandFailure(e).message, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => void this.fetchSnapshot(), delay);
    }
  }

  async call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
    const fn = this.api[name] as unknown as ((a: CommandArgs<K>) => Promise<CommandResult<K>>) | undefined;
    if (typeof fn !== 'function') throw toCommandFailure({ kind: 'invalid', message: `unknown command ${name}`, field: 'command' });
    try {
      return await fn.call(this.api, args);
    } catch (e) {
      throw toCommandFailure(e);
    }
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.clearListeners();
  }
}
