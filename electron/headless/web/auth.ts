// Token handling for the web host: random tokens, constant-time comparison, and the
// Origin rule that keeps other sites' pages off the WebSocket.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function generateToken(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** Constant-time equality. Both sides are hashed first so neither the content nor the
 *  length of the expected token leaks through timing. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : null;
}

export function isAuthorized(req: IncomingMessage, token: string): boolean {
  return tokensEqual(bearerToken(req.headers.authorization), token);
}

/** Same-origin rule for browser requests: an Origin header, when present, must be
 *  http(s)://<Host header>. Non-browser clients send no Origin and pass. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  const o = origin.toLowerCase();
  const h = host.toLowerCase();
  return o === `http://${h}` || o === `https://${h}`;
}
