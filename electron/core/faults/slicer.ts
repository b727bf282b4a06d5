// Last outbound stage: writes queued bytes to the socket, at most maxBytes per
// socket.write and one write per event-loop turn (setImmediate) so that, with
// Nagle off, TCP sends each piece as its own segment. Without a slice fault it
// only drains what is already queued (keeping order), writing whole chunks.
import { ChunkQueue } from './chunk-queue';

export class Slicer {
  private readonly queue = new ChunkQueue();
  private maxBytes: number | null = null;
  private frozen = false;
  private immediate: NodeJS.Immediate | null = null;
  private dead = false;

  constructor(
    private readonly write: (chunk: Buffer) => void,
    private readonly onIdle: () => void,
  ) {}

  get queuedBytes(): number {
    return this.queue.bytes;
  }
  get empty(): boolean {
    return this.queue.empty;
  }
  get active(): boolean {
    return this.maxBytes !== null;
  }
  get scheduled(): boolean {
    return this.immediate !== null;
  }

  configure(maxBytes: number | null, frozen: boolean): void {
    if (this.dead) return;
    this.maxBytes = maxBytes;
    this.frozen = frozen;
    if (frozen) {
      this.unschedule();
      return;
    }
    if (maxBytes === null) this.drainNow();
    else this.schedule();
  }

  push(buf: Buffer): void {
    if (this.dead || buf.length === 0) return;
    this.queue.push(buf, 0);
    if (!this.frozen) this.schedule();
  }

  destroy(): void {
    this.dead = true;
    this.unschedule();
    this.queue.clear();
  }

  /** Slice removed: write the backlog in order at once. */
  private drainNow(): void {
    this.unschedule();
    while (!this.dead && !this.frozen) {
      const item = this.queue.shift();
      if (item === undefined) break;
      this.write(item.buf);
    }
    if (!this.dead && this.queue.empty) this.onIdle();
  }

  private schedule(): void {
    if (this.immediate === null && !this.queue.empty) this.immediate = setImmediate(this.tick);
  }

  private unschedule(): void {
    if (this.immediate !== null) {
      clearImmediate(this.immediate);
      this.immediate = null;
    }
  }

  private readonly tick = (): void => {
    this.immediate = null;
    if (this.dead || this.frozen) return;
    const head = this.queue.peek();
    if (head === undefined) return;
    const max = this.maxBytes ?? head.buf.length;
    if (head.buf.length > max) {
      const piece = head.buf.subarray(0, max);
      this.queue.consumeHead(max);
      this.write(piece);
    } else {
      this.queue.shift();
      this.write(head.buf);
    }
    if (this.dead) return;
    if (this.queue.empty) this.onIdle();
    else this.schedule();
  };
}
