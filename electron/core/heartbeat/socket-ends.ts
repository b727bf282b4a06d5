// Both ends of a socket, read once and kept raw (formatted on demand by the session),
// and, at EOF, whether the other end is still there (a FIN) or gone (an RST).
import type { Socket } from 'node:net';

/** What the socket handle's getsockname/getpeername fill in (Node internals). */
interface SockName {
  address?: string;
  port?: number;
}
interface SocketHandle {
  getsockname?(out: SockName): number;
  getpeername?(out: SockName): number;
}
const scratchName: SockName = {};
export const ends: { localIp: string; localPort: number | undefined; remoteIp: string; remotePort: number | undefined } = {
  localIp: '',
  localPort: undefined,
  remoteIp: '',
  remotePort: undefined,
};
// Every server-side session shares its local ip, and most share a remote ip: keep one
// string per distinct ip instead of one per connection.
let lastIpA = '';
let lastIpB = '';
function internIp(ip: string | undefined): string {
  if (ip === undefined) return '';
  if (ip === lastIpA) return lastIpA;
  if (ip === lastIpB) return lastIpB;
  lastIpB = lastIpA;
  lastIpA = ip;
  return ip;
}

/**
 * Both ends of `socket` into `ends`, read once at construction (a reset socket may lose
 * its handle, after which Node can no longer tell the addresses). Read from the handle
 * into a shared scratch object: socket.localAddress/remoteAddress would leave a cached
 * {address, family, port} object per end on every socket. Falls back to the public
 * getters when the handle is not the usual TCP wrap.
 */
export function captureEnds(socket: Socket): void {
  const h = (socket as unknown as { _handle?: SocketHandle | null })._handle;
  const o = scratchName;
  if (h && typeof h.getsockname === 'function' && typeof h.getpeername === 'function') {
    o.address = undefined;
    o.port = undefined;
    if (h.getsockname(o) === 0 && o.address !== undefined) {
      ends.localIp = internIp(o.address);
      ends.localPort = o.port;
    } else {
      ends.localIp = internIp(socket.localAddress);
      ends.localPort = socket.localPort;
    }
    o.address = undefined;
    o.port = undefined;
    if (h.getpeername(o) === 0 && o.address !== undefined) {
      ends.remoteIp = internIp(o.address);
      ends.remotePort = o.port;
    } else {
      ends.remoteIp = internIp(socket.remoteAddress);
      ends.remotePort = socket.remotePort;
    }
    return;
  }
  ends.localIp = internIp(socket.localAddress);
  ends.localPort = socket.localPort;
  ends.remoteIp = internIp(socket.remoteAddress);
  ends.remotePort = socket.remotePort;
}

/**
 * Whether an EOF Node reported was really a reset. libuv reports EOF, without reading the
 * pending ECONNRESET, when an RST arrives right behind data (POLLHUP after a partial read):
 * a peer killed with RST just after its PONG or DATA would look like a FIN. The two
 * differ in the kernel: after a FIN the socket is in CLOSE_WAIT and still has a peer;
 * after an RST it is closed and getpeername fails (ENOTCONN). False when the handle is
 * not the usual TCP wrap (nothing to tell by).
 */
export function eofWasReset(socket: Socket): boolean {
  const h = (socket as unknown as { _handle?: SocketHandle | null })._handle;
  if (!h || typeof h.getpeername !== 'function') return false;
  return h.getpeername(scratchName) !== 0;
}
