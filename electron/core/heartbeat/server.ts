// A heartbeat server: accepts any number of clients, one HeartbeatSession each.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { HeartbeatSession, kCloseHook, type SessionOptions } from './session';

export interface ServerOptions extends Omit<SessionOptions, 'role'> {
  /** default 127.0.0.1 */
  host?: string;
  /** 0 picks a free port */
  port: number;
}

export interface ServerEvents {
  session: [s: HeartbeatSession];
  error: [err: Error];
}

export class HeartbeatServer extends EventEmitter<ServerEvents> {
  readonly options: ServerOptions;
  private readonly server: net.Server;
  private readonly live = new Set<HeartbeatSession>();
  private _address: { host: string; port: number } | null = null;
  private closing: Promise<void> | null = null;

  constructor(opts: ServerOptions) {
    super();
    this.options = opts;
    this.server = net.createServer({ noDelay: true }, this.onConnection);
    this.server.on('error', (err) => {
      // Only after listen() resolved; listen() reports its own errors. Never throw.
      if (this._address !== null && this.listenerCount('error') > 0) this.emit('error', err);
    });
  }

  get sessions(): ReadonlySet<HeartbeatSession> {
    return this.live;
  }

  get address(): { host: string; port: number } | null {
    return this._address;
  }

  /** Resolves with the bound address; rejects with the Node error (EADDRINUSE, …). */
  listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        this.server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        const a = this.server.address();
        this._address = typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : { host, port: 0 };
        resolve(this._address);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      try {
        this.server.listen({ host, port: this.options.port });
      } catch (err) {
        this.server.off('error', onError);
        this.server.off('listening', onListening);
        reject(err as Error);
      }
    });
  }

  /** Stops listening and closes every session with 'local-stop'. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      if (!this.server.listening) {
        for (const s of [...this.live]) s.close('local-stop');
        this._address = null;
        resolve();
        return;
      }
      // net.Server's callback waits for every connection to close; sessions bound
      // their linger after FIN, so this settles even with a peer that never answers.
      this.server.close(() => resolve());
      for (const s of [...this.live]) s.close('local-stop');
      this._address = null;
    });
    return this.closing;
  }

  private readonly onConnection = (socket: net.Socket): void => {
    if (this.closing) {
      socket.destroy();
      return;
    }
    let session: HeartbeatSession;
    try {
      session = new HeartbeatSession(socket, { ...this.options, role: 'server' });
    } catch {
      socket.destroy();
      return;
    }
    this.live.add(session);
    // Removed before any 'closed' listener runs; a shared hook, not a closure per session.
    session[kCloseHook] = this.forget;
    this.emit('session', session);
  };

  private readonly forget = (s: HeartbeatSession): void => {
    this.live.delete(s);
  };
}
