// attachUserBufferReader over real loopback sockets: bytes arrive through the callback
// (not 'data'), and EOF, RST, pause/resume and the fallback cases behave as Node's own.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attachUserBufferReader } from '../../../electron/core/heartbeat/user-buffer-read';

const open: (net.Socket | net.Server)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if (x instanceof net.Socket) x.destroy();
    else await new Promise<void>((r) => x.close(() => r()));
  }
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

interface Accepted {
  server: net.Socket;
  client: net.Socket;
  /** what the callback saw, copied per call */
  reads: string[];
  attached: boolean;
}

/** A connected pair; the accepted (server) side is switched to the user-buffer reader. */
async function pair(): Promise<Accepted> {
  const reads: string[] = [];
  let attached = false;
  let accepted: net.Socket | null = null;
  const srv = net.createServer((s) => {
    accepted = s;
    open.push(s);
    s.on('error', () => {});
    attached = attachUserBufferReader(s, function (this: net.Socket, bytes: Buffer) {
      expect(this).toBe(s);
      reads.push(bytes.toString('latin1'));
    });
  });
  open.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  open.push(client);
  client.on('error', () => {});
  client.setNoDelay(true);
  await new Promise<void>((r) => client.once('connect', () => r()));
  await waitFor(() => accepted !== null, 'accept');
  return { server: accepted as unknown as net.Socket, client, reads, attached };
}

describe('attachUserBufferReader', () => {
  it("delivers every read to the callback, none as 'data'", async () => {
    const p = await pair();
    expect(p.attached).toBe(true);
    const data: Buffer[] = [];
    p.server.on('data', (d: Buffer) => data.push(d));
    p.client.write('first');
    await waitFor(() => p.reads.join('') === 'first', 'first read');
    p.client.write('second');
    await waitFor(() => p.reads.join('') === 'firstsecond', 'second read');
    expect(data).toEqual([]);
    expect(p.server.bytesRead).toBe(11);
  });

  it('a view is only valid during its call: the next read (of any socket) overwrites it', async () => {
    const a = await pair();
    const b = await pair();
    const kept: Buffer[] = [];
    // Keep the views themselves (not copies) from a third socket's reads.
    const c = await new Promise<{ views: Buffer[]; copies: string[] }>((resolve) => {
      const views: Buffer[] = [];
      const copies: string[] = [];
      const srv = net.createServer((s) => {
        open.push(s);
        attachUserBufferReader(s, (bytes: Buffer) => {
          views.push(bytes);
          copies.push(bytes.toString('latin1'));
        });
        resolve({ views, copies });
      });
      open.push(srv);
      srv.listen(0, '127.0.0.1', () => {
        const cl = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1', () => cl.write('AAAA'));
        open.push(cl);
      });
    });
    await waitFor(() => c.copies.length === 1, 'third socket read');
    kept.push(c.views[0]);
    a.client.write('BBBB');
    await waitFor(() => a.reads.length === 1, 'a read');
    b.client.write('CCCC');
    await waitFor(() => b.reads.length === 1, 'b read');
    expect(c.copies).toEqual(['AAAA']);
    expect(a.reads).toEqual(['BBBB']);
    expect(b.reads).toEqual(['CCCC']);
    expect(kept[0].toString('latin1')).toBe('CCCC'); // one shared buffer
  });

  it("EOF: 'end' then 'close' without error, and our side ends too", async () => {
    const p = await pair();
    const events: string[] = [];
    p.server.on('end', () => events.push('end'));
    p.server.on('close', (hadError: boolean) => events.push(`close:${hadError}`));
    const clientEnded = new Promise<void>((r) => p.client.once('end', () => r()));
    p.client.resume();
    p.client.end('bye');
    await waitFor(() => events.includes('close:false'), 'close');
    expect(p.reads.join('')).toBe('bye');
    expect(events).toEqual(['end', 'close:false']);
    await clientEnded; // allowHalfOpen is false: Node sent our FIN
  });

  it("RST: 'error' ECONNRESET, then 'close' with hadError", async () => {
    const p = await pair();
    const events: string[] = [];
    p.server.on('error', (e: NodeJS.ErrnoException) => events.push(`error:${e.code}`));
    p.server.on('close', (hadError: boolean) => events.push(`close:${hadError}`));
    p.client.write('x');
    await waitFor(() => p.reads.length === 1, 'read');
    p.client.resetAndDestroy();
    await waitFor(() => events.some((e) => e.startsWith('close')), 'close');
    expect(events).toEqual(['error:ECONNRESET', 'close:true']);
  });

  it('pause() stops reading (the kernel holds the bytes) and resume() delivers them', async () => {
    const p = await pair();
    p.server.pause();
    p.client.write('held');
    await sleep(50);
    expect(p.reads).toEqual([]);
    p.server.resume();
    await waitFor(() => p.reads.join('') === 'held', 'read after resume');
    // A FIN sent while paused is seen once resumed.
    const ended = new Promise<void>((r) => p.server.once('end', () => r()));
    p.server.pause();
    p.client.end('tail');
    await sleep(50);
    expect(p.reads.join('')).toBe('held');
    p.server.resume();
    await ended;
    expect(p.reads.join('')).toBe('heldtail');
  });

  it('declines (changing nothing) when already switched, when bytes are buffered, and without a handle', async () => {
    const p = await pair();
    expect(attachUserBufferReader(p.server, () => {})).toBe(false);

    // A socket whose stream already holds bytes keeps the 'data' path.
    const got: string[] = [];
    const srv = net.createServer((s) => {
      open.push(s);
      // Not flowing, but Node reads into the stream's buffer until its high-water mark.
      setTimeout(() => {
        expect(s.readableLength).toBeGreaterThan(0);
        expect(attachUserBufferReader(s, () => {})).toBe(false);
        s.on('data', (d: Buffer) => got.push(d.toString()));
      }, 50);
    });
    open.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const cl = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1', () => cl.write('early'));
    open.push(cl);
    await waitFor(() => got.join('') === 'early', "bytes through 'data'");

    expect(attachUserBufferReader(new net.Socket(), () => {})).toBe(false);
  });
});
