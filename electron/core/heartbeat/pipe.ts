// The byte path between a socket and its heartbeat session. By default bytes go
// straight through; the fault layer (electron/core/faults) supplies a Pipe that
// delays, paces, slices or holds them. Keeping this seam tiny keeps the
// unfaulted hot path free of any fault cost.
import type { Socket } from 'node:net';

export interface Pipe {
  /** Bytes from the session toward the peer. */
  write(chunk: Buffer): void;
  /** The session is gone: drop timers and queued bytes; never touch the socket again. */
  destroy(): void;
  /**
   * Optional, for pipes that hold bytes. The peer sent FIN: call `done` once every
   * byte already read has been delivered, so a fault never loses the peer's last DATA.
   */
  finishInbound?(done: () => void): void;
  /**
   * Optional, for pipes that hold bytes. Graceful local close: stop delivering, write
   * out every queued byte in order, then end the socket (FIN after the last byte).
   */
  end?(): void;
}

/**
 * Builds the pipe for one socket. `deliver` hands received bytes to the session;
 * the factory owns the socket's 'data' listener (and may pause/resume the socket
 * for freeze and inbound bandwidth pacing).
 */
export type PipeFactory = (socket: Socket, deliver: (chunk: Buffer) => void) => Pipe;

/**
 * No faults: read and write the socket directly. A class (methods on the prototype)
 * rather than an object of closures: one exists per connection. `deliver` becomes the
 * socket's 'data' listener as is, so it is called with `this` = the socket — a
 * session can pass one shared function for all its sockets (see HeartbeatSession).
 */
export class DirectPipe implements Pipe {
  /** @param attached `deliver` is already the socket's 'data' listener (don't add it again) */
  constructor(
    private readonly socket: Socket,
    private readonly deliver: (chunk: Buffer) => void,
    attached = false,
  ) {
    if (!attached) socket.on('data', deliver);
  }

  write(chunk: Buffer): void {
    this.socket.write(chunk);
  }

  destroy(): void {
    this.socket.off('data', this.deliver);
  }
}

/** No faults: read and write the socket directly. */
export const directPipe: PipeFactory = (socket, deliver) => new DirectPipe(socket, deliver);
