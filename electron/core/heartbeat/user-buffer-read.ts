// Reads of a socket into one shared buffer, without Node's Readable machinery: the
// `onread: { buffer, callback }` mode of net.Socket (Node ≥ 12.1), applied to a socket
// that already exists. A 'data' listener costs, per read, a fresh ArrayBuffer with a
// native backing store, a Buffer, and Readable's push/emit; with thousands of peers
// each sending a 17-byte PONG a second, that was about a sixth of the server's user
// time per heartbeat.
//
// net.Server has no onread option, so an accepted socket is switched after the fact,
// the way Node's own initSocketHandle() sets it up at construction (lib/net.js):
// socket[kBuffer] / socket[kBufferCb] make onStreamRead (lib/internal/
// stream_base_commons.js) call the callback instead of push(), and make pause()/
// resume() stop and start the handle; handle.useUserBuffer() makes libuv read into the
// buffer. EOF, errors, 'end' and 'close' are unchanged (they do not go through the
// callback). The two symbols are private to Node: they are found by identity on a
// socket built with a known onread, and if anything is missing,
// attachUserBufferReader() returns false and the caller keeps its 'data' listener.
import { Socket, type SocketConstructorOpts } from 'node:net';

/**
 * One buffer for every socket: the callback runs synchronously and the next read (of
 * any socket) overwrites it, so a reader must copy anything it keeps. Never released:
 * the native side holds a raw pointer into it.
 */
const SHARED = Buffer.alloc(64 * 1024);

/** Views SHARED[0, n) for small n, made once: most reads are one or two 17-byte frames. */
const VIEW_CACHE = 1024;
const views: (Buffer | undefined)[] = [];

/** The bytes just read: a view of the shared buffer, valid until the callback returns. */
function viewOf(n: number): Buffer {
  if (n > VIEW_CACHE) return SHARED.subarray(0, n);
  return (views[n] ??= SHARED.subarray(0, n));
}

interface Internals {
  kBuffer: symbol;
  kBufferCb: symbol;
}

/** Node's private kBuffer/kBufferCb symbols, or null when this Node lays sockets out differently. */
function findInternals(): Internals | null {
  try {
    const buffer = Buffer.alloc(1);
    const callback = (): void => {};
    // No handle: nothing is opened, the probe is only garbage afterwards. (The Socket
    // constructor takes onread as net.connect() does; @types/node only lists it there.)
    const probe = new Socket({ onread: { buffer, callback } } as SocketConstructorOpts);
    const own = probe as unknown as Record<symbol, unknown>;
    let kBuffer: symbol | null = null;
    let kBufferCb: symbol | null = null;
    for (const sym of Object.getOwnPropertySymbols(probe)) {
      if (own[sym] === buffer) kBuffer = sym;
      else if (own[sym] === callback) kBufferCb = sym;
    }
    return kBuffer !== null && kBufferCb !== null ? { kBuffer, kBufferCb } : null;
  } catch {
    return null;
  }
}

let internals: Internals | null | undefined;

interface UserBufferHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
}

/**
 * Makes `onBytes` (called with `this` = the socket) the socket's reader: each read
 * delivers its bytes as a view of a shared buffer, valid only during the call. Returns
 * false, changing nothing, when that is not possible (Node internals missing, no TCP
 * handle, already switched, or bytes already buffered by the stream); the caller then
 * reads with a 'data' listener. Must not be combined with 'data' listeners.
 */
export function attachUserBufferReader(socket: Socket, onBytes: (this: Socket, bytes: Buffer) => void): boolean {
  if (internals === undefined) internals = findInternals();
  const k = internals;
  if (k === null) return false;
  const s = socket as unknown as Record<symbol, unknown> & { _handle?: UserBufferHandle | null };
  const handle = s._handle;
  if (
    handle == null ||
    typeof handle.useUserBuffer !== 'function' ||
    s[k.kBuffer] !== null ||
    s[k.kBufferCb] !== null ||
    socket.destroyed ||
    socket.readableLength > 0 ||
    socket.readableEnded
  ) {
    return false;
  }
  try {
    handle.useUserBuffer(SHARED);
  } catch {
    return false;
  }
  s[k.kBuffer] = SHARED;
  s[k.kBufferCb] = readerFor(onBytes);
  return true;
}

/** One callback per distinct `onBytes` (not a closure per socket: thousands of them). */
const readers = new WeakMap<object, (this: Socket, nread: number) => void>();
function readerFor(onBytes: (this: Socket, bytes: Buffer) => void): (this: Socket, nread: number) => void {
  let reader = readers.get(onBytes);
  if (reader === undefined) {
    // onStreamRead calls socket[kBufferCb](nread, buffer); returning false would pause.
    reader = function userBufferRead(this: Socket, nread: number): void {
      onBytes.call(this, viewOf(nread));
    };
    readers.set(onBytes, reader);
  }
  return reader;
}
