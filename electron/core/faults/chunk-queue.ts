// FIFO of byte chunks with a due time each. Head-indexed array (compacted now and
// then) so shift is O(1) even with thousands of queued chunks.

export interface QueuedChunk {
  buf: Buffer;
  /** monotonic ms before which the chunk must not leave (latency); 0 = now */
  due: number;
}

export class ChunkQueue {
  private items: QueuedChunk[] = [];
  private head = 0;
  private byteCount = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  get bytes(): number {
    return this.byteCount;
  }
  get empty(): boolean {
    return this.head === this.items.length;
  }

  push(buf: Buffer, due: number): void {
    this.items.push({ buf, due });
    this.byteCount += buf.length;
  }

  peek(): QueuedChunk | undefined {
    return this.items[this.head];
  }

  shift(): QueuedChunk | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as unknown as QueuedChunk; // let the buffer be collected
    this.head++;
    this.byteCount -= item.buf.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Replace the head's bytes with its unsent tail (after a partial send). */
  consumeHead(n: number): void {
    const item = this.items[this.head];
    item.buf = item.buf.subarray(n);
    this.byteCount -= n;
  }

  /** Make every queued chunk due now (latency removed). */
  releaseAll(): void {
    for (let i = this.head; i < this.items.length; i++) this.items[i].due = 0;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.byteCount = 0;
  }
}
