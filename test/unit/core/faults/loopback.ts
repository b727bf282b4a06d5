// Test helpers: a real loopback TCP pair and bounded polling.
import net from 'node:net';

export interface SocketPair {
  /** client end (the one tests usually put a FaultPipe on) */
  a: net.Socket;
  /** accepted server end */
  b: net.Socket;
  close(): Promise<void>;
}

export async function socketPair(): Promise<SocketPair> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const a = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    a.once('connect', () => resolve());
    a.once('error', reject);
  });
  const b = await accepted;
  a.setNoDelay(true);
  b.setNoDelay(true);
  // Tests tear sockets down abruptly; errors then are expected noise.
  a.on('error', () => {});
  b.on('error', () => {});
  return {
    a,
    b,
    close: async () => {
      a.destroy();
      b.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects bytes (e.g. as a FaultPipe deliver callback or a 'data' listener). */
export class Collector {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  firstAt: number | null = null;
  lastAt: number | null = null;
  readonly push = (chunk: Buffer): void => {
    const now = performance.now();
    if (this.firstAt === null) this.firstAt = now;
    this.lastAt = now;
    this.chunks.push(Buffer.from(chunk));
    this.bytes += chunk.length;
  };
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Polls cond every few ms until true; throws after timeoutMs. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Numbered messages: u32 seq, u32 length, then `length` bytes derived from seq. */
export function message(seq: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(8 + size);
  b.writeUInt32BE(seq, 0);
  b.writeUInt32BE(size, 4);
  for (let i = 0; i < size; i++) b[8 + i] = (seq * 31 + i) & 0xff;
  return b;
}

/** Count of active Node timers (setTimeout/setInterval) in this process. */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
