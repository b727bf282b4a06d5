// Wire formats (DESIGN.md §2 framed, §3 plain). Pure TypeScript: Uint8Array only,
// no Buffer, so the codec runs unchanged in Node, the renderer and tests.
// The decoder runs for every heartbeat of every connection, so the hot path avoids
// allocation: whole frames in a chunk are delivered as subarray views and only a
// partial tail is copied into a reusable, growable buffer.
import { DEFAULT_MAX_FRAME_BYTES } from './contract';

export const FRAME_HELLO = 0x01,
  FRAME_PING = 0x02,
  FRAME_PONG = 0x03,
  FRAME_DATA = 0x04,
  FRAME_BYE = 0x05;
export const HEADER_BYTES = 5; // u32 length + u8 type
export const PING_PAYLOAD_BYTES = 12; // u32 seq + u64 t (µs)
/** A whole PING/PONG frame: header + 12-byte payload. */
export const PING_FRAME_BYTES = HEADER_BYTES + PING_PAYLOAD_BYTES;
/** Human-readable frame type names (for logs). */
export const FRAME_NAMES: Readonly<Record<number, string>> = {
  [FRAME_HELLO]: 'HELLO',
  [FRAME_PING]: 'PING',
  [FRAME_PONG]: 'PONG',
  [FRAME_DATA]: 'DATA',
  [FRAME_BYE]: 'BYE',
};

export type ProtocolErrorCode = 'frame-too-large' | 'zero-length' | 'unknown-type' | 'bad-payload';

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

export interface HelloPayload {
  v: 1;
  name: string;
  interval: number;
  timeout: number;
  [k: string]: unknown;
}

const TWO_32 = 0x1_0000_0000;
const utf8Encoder = new TextEncoder();
// fatal: invalid UTF-8 in HELLO is a bad payload, not silently replaced text.
const utf8DecoderStrict = new TextDecoder('utf-8', { fatal: true });
const utf8DecoderLoose = new TextDecoder('utf-8');

function isKnownType(type: number): boolean {
  return type >= FRAME_HELLO && type <= FRAME_BYE;
}

function writeU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = (value >>> 16) & 0xff;
  target[offset + 2] = (value >>> 8) & 0xff;
  target[offset + 3] = value & 0xff;
}

function readU32(source: Uint8Array, offset: number): number {
  return (
    ((source[offset] << 24) | (source[offset + 1] << 16) | (source[offset + 2] << 8) | source[offset + 3]) >>> 0
  );
}

// ---------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------

/** Whole frame: u32 BE length (type + payload) | u8 type | payload. */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`frame type out of range: ${type}`);
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  writeU32(out, 0, payload.length + 1);
  out[4] = type;
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Whole HELLO frame carrying `h` as UTF-8 JSON. */
export function encodeHello(h: HelloPayload): Uint8Array {
  return encodeFrame(FRAME_HELLO, utf8Encoder.encode(JSON.stringify(h)));
}

function badPayload(message: string): ProtocolError {
  return new ProtocolError('bad-payload', message);
}

/**
 * Parses and validates a HELLO payload. Extra keys are kept. Throws
 * ProtocolError('bad-payload') on invalid UTF-8, non-JSON, a non-object, `v` other
 * than 1, a non-string `name`, or a non-finite/negative `interval`/`timeout`.
 */
export function decodeHello(payload: Uint8Array): HelloPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8DecoderStrict.decode(payload));
  } catch {
    throw badPayload('HELLO payload is not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badPayload('HELLO payload is not a JSON object');
  }
  const h = parsed as Record<string, unknown>;
  if (h.v !== 1) throw badPayload(`HELLO has unsupported or missing version: ${JSON.stringify(h.v)}`);
  if (typeof h.name !== 'string') throw badPayload('HELLO name must be a string');
  for (const key of ['interval', 'timeout'] as const) {
    const value = h[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw badPayload(`HELLO ${key} must be a non-negative number`);
    }
  }
  return h as HelloPayload;
}

/**
 * Normalises a µs timestamp for the u64 field: fractional values (performance.now()
 * derived) are floored; negative, NaN or > 2^53-1 values are rejected because they
 * cannot round-trip exactly without BigInt.
 */
function checkMicros(tMicros: number): number {
  const t = Math.floor(tMicros);
  if (!(t >= 0 && t <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`ping time out of range: ${tMicros}`);
  return t;
}

/**
 * Zero-allocation PING: writes the WHOLE 17-byte frame (header + seq + t) at
 * `target[offset .. offset + PING_FRAME_BYTES)`. `seq` is taken mod 2^32.
 */
export function writePing(target: Uint8Array, offset: number, seq: number, tMicros: number): void {
  const t = checkMicros(tMicros);
  if (offset < 0 || offset + PING_FRAME_BYTES > target.length) throw new RangeError('writePing: target too small');
  writeU32(target, offset, PING_PAYLOAD_BYTES + 1);
  target[offset + 4] = FRAME_PING;
  writeU32(target, offset + 5, seq >>> 0);
  // u64 as hi/lo u32: exact for t < 2^53 without BigInt.
  writeU32(target, offset + 9, Math.floor(t / TWO_32));
  writeU32(target, offset + 13, t >>> 0);
}

/** Whole 17-byte PING frame. */
export function encodePing(seq: number, tMicros: number): Uint8Array {
  const out = new Uint8Array(PING_FRAME_BYTES);
  writePing(out, 0, seq, tMicros);
  return out;
}

function checkPingPayload(payload: Uint8Array): void {
  if (payload.length !== PING_PAYLOAD_BYTES) {
    throw badPayload(`PING/PONG payload must be ${PING_PAYLOAD_BYTES} bytes, got ${payload.length}`);
  }
}

/** `seq` of the PING/PONG payload at `bytes[offset ..]` (no length check: the caller checked). */
export function readPingSeqAt(bytes: Uint8Array, offset: number): number {
  return readU32(bytes, offset);
}

/** `t` (µs) of the PING/PONG payload at `bytes[offset ..]` (no length check: the caller checked). */
export function readPingTimeAt(bytes: Uint8Array, offset: number): number {
  return readU32(bytes, offset + 4) * TWO_32 + readU32(bytes, offset + 8);
}

/** `seq` of a PING/PONG payload. Throws ProtocolError('bad-payload') unless 12 bytes. */
export function readPingSeq(payload: Uint8Array): number {
  checkPingPayload(payload);
  return readU32(payload, 0);
}

/** `t` (µs) of a PING/PONG payload; exact up to 2^53-1. Throws 'bad-payload' unless 12 bytes. */
export function readPingTime(payload: Uint8Array): number {
  checkPingPayload(payload);
  return readU32(payload, 4) * TWO_32 + readU32(payload, 8);
}

/** Whole PONG frame echoing the PING payload byte for byte (payload is copied). */
export function encodePong(pingPayload: Uint8Array): Uint8Array {
  return encodeFrame(FRAME_PONG, pingPayload);
}

/** Whole DATA frame (an empty payload is valid: length 1). */
export function encodeData(bytes: Uint8Array): Uint8Array {
  return encodeFrame(FRAME_DATA, bytes);
}

/** Whole BYE frame with a UTF-8 reason. */
export function encodeBye(reason: string): Uint8Array {
  return encodeFrame(FRAME_BYE, utf8Encoder.encode(reason));
}

/** BYE reason text (lenient: invalid UTF-8 becomes U+FFFD; a BYE is informational). */
export function decodeBye(payload: Uint8Array): string {
  return utf8DecoderLoose.decode(payload);
}

// ---------------------------------------------------------------------------
// Incremental decoder
// ---------------------------------------------------------------------------

/** push() on top of pushTo(): the classic (type, payload view) callback. */
function deliverView(
  this: (type: number, payload: Uint8Array) => void,
  type: number,
  bytes: Uint8Array,
  start: number,
  end: number,
): void {
  this(type, bytes.subarray(start, end));
}

/** Whole frame size (header + body) of a valid header; throws the ProtocolError otherwise. */
function frameTotal(length: number, type: number, maxFrameBytes: number): number {
  if (length === 0) throw new ProtocolError('zero-length', 'frame length 0 (must be >= 1)');
  if (length - 1 > maxFrameBytes) {
    throw new ProtocolError('frame-too-large', `frame payload ${length - 1} bytes exceeds limit ${maxFrameBytes}`);
  }
  if (!isKnownType(type)) {
    throw new ProtocolError('unknown-type', `unknown frame type 0x${type.toString(16).padStart(2, '0')}`);
  }
  return length + 4;
}

/**
 * Stateless part of decoding, for connections that keep no decoder until they need
 * one: delivers the whole frames of `chunk` from `start` on (as FrameDecoder.pushTo
 * does) and returns where the first incomplete frame begins (`chunk.length` when
 * none). Only then is state needed: hand the rest to a FrameDecoder with the same
 * `start`. Throws a ProtocolError on an invalid header.
 */
export function pushWholeFrames<T>(
  chunk: Uint8Array,
  start: number,
  maxFrameBytes: number,
  onFrame: (this: T, type: number, bytes: Uint8Array, start: number, end: number) => void,
  ctx: T,
): number {
  const n = chunk.length;
  let i = start;
  while (n - i >= HEADER_BYTES) {
    const type = chunk[i + 4];
    const total = frameTotal(readU32(chunk, i), type, maxFrameBytes);
    if (n - i < total) break;
    onFrame.call(ctx, type, chunk, i + HEADER_BYTES, i + total);
    i += total;
  }
  return i;
}

/** Throws the RangeError FrameDecoder's constructor throws for an invalid limit. */
export function checkMaxFrameBytes(maxFrameBytes: number): void {
  if (!(maxFrameBytes >= 0) || !Number.isFinite(maxFrameBytes)) throw new RangeError('maxFrameBytes must be >= 0');
}

/** Buffers above this size are released once idle so one big frame doesn't pin memory. */
const RETAIN_BUFFER_BYTES = 64 * 1024;
const INITIAL_BUFFER_BYTES = 64;

/**
 * Incremental frame decoder for one connection. Accepts any split or coalescing.
 *
 * - Whole frames inside a chunk are delivered as subarray views of the chunk (no copy).
 * - Only a partial tail is copied into a reusable buffer that grows by doubling;
 *   frames completed from that buffer are delivered as views of it.
 *   Either way the payload view is valid only during the onFrame call: copy it to keep it.
 * - The header is validated as soon as its 5 bytes are known (even when the header
 *   itself arrives split), before any of the body is buffered.
 * - After a ProtocolError the decoder is poisoned: every later push() throws the same error.
 * - If onFrame throws, the exception propagates and the rest of that chunk is dropped.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private buf: Uint8Array | null = null;
  private bufLen = 0;
  /** Total frame size (header + body) of the buffered frame once its header is known; 0 before. */
  private frameTotal = 0;
  private frameType = 0;
  private error: ProtocolError | null = null;

  constructor(maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {
    checkMaxFrameBytes(maxFrameBytes);
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes buffered waiting for the rest of a frame. */
  get pending(): number {
    return this.bufLen;
  }

  /** The error that poisoned this decoder, if any. */
  get failed(): ProtocolError | null {
    return this.error;
  }

  push(chunk: Uint8Array, onFrame: (type: number, payload: Uint8Array) => void): void {
    this.pushTo(chunk, deliverView, onFrame);
  }

  /**
   * Allocation-free variant of push() for hot paths: each frame is reported as
   * `onFrame.call(ctx, type, bytes, start, end)` — its payload is `bytes[start, end)`,
   * valid only during the call — so no per-frame view object is created, and a method
   * plus its owner can be passed without binding a closure. Bytes before `from` are
   * not part of the stream (see pushWholeFrames).
   */
  pushTo<T>(
    chunk: Uint8Array,
    onFrame: (this: T, type: number, bytes: Uint8Array, start: number, end: number) => void,
    ctx: T,
    from = 0,
  ): void {
    if (this.error) throw this.error;
    const n = chunk.length;
    let i = from;

    // 1) Finish a frame that started in an earlier chunk.
    if (this.bufLen > 0) {
      if (this.frameTotal === 0) {
        // Header still incomplete: take just enough bytes to complete it.
        const take = Math.min(HEADER_BYTES - this.bufLen, n - i);
        this.append(chunk, i, take);
        i += take;
        if (this.bufLen < HEADER_BYTES) return;
        const buf = this.buf as Uint8Array;
        this.frameTotal = this.checkHeader(readU32(buf, 0), buf[4]);
        this.frameType = buf[4];
      }
      const take = Math.min(this.frameTotal - this.bufLen, n - i);
      this.append(chunk, i, take);
      i += take;
      if (this.bufLen < this.frameTotal) return;
      const buf = this.buf as Uint8Array;
      const total = this.frameTotal;
      const type = this.frameType;
      this.bufLen = 0;
      this.frameTotal = 0;
      if (buf.length > RETAIN_BUFFER_BYTES) this.buf = null; // drop after delivery (the bytes stay valid)
      onFrame.call(ctx, type, buf, HEADER_BYTES, total);
    }

    // 2) Whole frames straight from the chunk, zero-copy.
    while (n - i >= HEADER_BYTES) {
      const type = chunk[i + 4];
      const total = this.checkHeader(readU32(chunk, i), type);
      if (n - i < total) {
        this.frameTotal = total;
        this.frameType = type;
        break;
      }
      onFrame.call(ctx, type, chunk, i + HEADER_BYTES, i + total);
      i += total;
    }

    // 3) Keep the partial tail (a partial header, or a validated header plus part of the body).
    if (i < n) this.append(chunk, i, n - i);
  }

  /** Validates a header; returns the whole frame size. Poisons the decoder on error. */
  private checkHeader(length: number, type: number): number {
    try {
      return frameTotal(length, type, this.maxFrameBytes);
    } catch (err) {
      this.error = err as ProtocolError;
      this.buf = null;
      this.bufLen = 0;
      this.frameTotal = 0;
      throw err;
    }
  }

  private append(src: Uint8Array, start: number, count: number): void {
    if (count <= 0) return;
    const needed = this.bufLen + count;
    let buf = this.buf;
    if (buf === null || buf.length < needed) {
      let cap = buf === null ? INITIAL_BUFFER_BYTES : buf.length * 2;
      while (cap < needed) cap *= 2;
      const grown = new Uint8Array(cap);
      if (buf !== null && this.bufLen > 0) grown.set(buf.subarray(0, this.bufLen));
      this.buf = buf = grown;
    }
    buf.set(src.subarray(start, start + count), this.bufLen);
    this.bufLen = needed;
  }
}

// ---------------------------------------------------------------------------
// Plain text protocol (DESIGN §3)
// ---------------------------------------------------------------------------

export const PLAIN_PING: Uint8Array = utf8Encoder.encode('ping');
export const PLAIN_PONG: Uint8Array = utf8Encoder.encode('pong');

const CH_P = 0x70, // 'p'
  CH_I = 0x69, // 'i'
  CH_O = 0x6f, // 'o'
  CH_N = 0x6e, // 'n'
  CH_G = 0x67; // 'g'
// Private copies: the exported constants are mutable Uint8Arrays.
const HELD_PING = utf8Encoder.encode('ping');
const HELD_PONG = utf8Encoder.encode('pong');

/** Expected byte at position k (1..3) of a token whose second byte is `second`. */
function expectedAt(k: number, second: number, b: number): boolean {
  if (k === 1) return b === CH_I || b === CH_O;
  return second !== 0 && b === (k === 2 ? CH_N : CH_G);
}

/**
 * Finds the ASCII tokens `ping` / `pong` in a plain-protocol byte stream; every
 * other byte is application data, delivered in order.
 *
 * Matching is leftmost-greedy and case-sensitive. Because no proper suffix of
 * either token is a prefix of a token (every prefix starts with 'p', and 'p' occurs
 * only first), a failed partial match only ever turns the bytes already matched
 * into data and scanning resumes at the failing byte — no ambiguity remains:
 * `ppong` → data `p` + pong; `pipong` → data `pi` + pong; `pingpong` → ping, pong.
 * Inherent limit of the plain protocol: `ping`/`pong` inside application text
 * (e.g. `shipping`) is indistinguishable from a heartbeat and is taken as a token.
 *
 * A token prefix at the end of a chunk (`p`, `pi`, `pon`, …) is held (no data
 * emitted for it) until the next chunk decides; if it is not completed, it is
 * delivered as data before that chunk's bytes. Data is delivered as views into the
 * chunk where possible (valid during the call; copy to keep).
 */
export class PlainScanner {
  /** Bytes of a token prefix held from the previous chunk (0..3). */
  private held = 0;
  /** Second byte of the held prefix ('i' or 'o'), 0 when fewer than 2 bytes held. */
  private heldSecond = 0;

  /** Bytes held back as a possible token prefix. */
  get pending(): number {
    return this.held;
  }

  /** `ctx` (optional) is passed as `this` to both callbacks, so methods need no binding. */
  push<T = undefined>(
    chunk: Uint8Array,
    onToken: (this: T, token: 'ping' | 'pong') => void,
    onData: (this: T, bytes: Uint8Array) => void,
    ctx?: T,
  ): void {
    const n = chunk.length;
    let i = 0;

    // Resolve a prefix held from the previous chunk.
    if (this.held > 0) {
      while (this.held < 4 && i < n && expectedAt(this.held, this.heldSecond, chunk[i])) {
        if (this.held === 1) this.heldSecond = chunk[i];
        this.held++;
        i++;
      }
      if (this.held === 4) {
        const token = this.heldSecond === CH_I ? 'ping' : 'pong';
        this.held = 0;
        this.heldSecond = 0;
        onToken.call(ctx as T, token);
      } else if (i === n) {
        return; // still undecided
      } else {
        // Not a token: the held bytes are data; chunk[i] is rescanned below (it may be a 'p').
        const data = this.heldBytes();
        this.held = 0;
        this.heldSecond = 0;
        onData.call(ctx as T, data);
      }
    }

    let dataStart = i;
    while (i < n) {
      const p = chunk.indexOf(CH_P, i);
      if (p < 0) break;
      if (p + 4 <= n) {
        const second = chunk[p + 1];
        if ((second === CH_I || second === CH_O) && chunk[p + 2] === CH_N && chunk[p + 3] === CH_G) {
          if (p > dataStart) onData.call(ctx as T, chunk.subarray(dataStart, p));
          onToken.call(ctx as T, second === CH_I ? 'ping' : 'pong');
          i = dataStart = p + 4;
        } else {
          i = p + 1;
        }
        continue;
      }
      // Fewer than 4 bytes left from this 'p': is the rest a token prefix?
      let k = 1;
      while (p + k < n && expectedAt(k, chunk[p + 1], chunk[p + k])) k++;
      if (p + k === n) {
        if (p > dataStart) onData.call(ctx as T, chunk.subarray(dataStart, p));
        this.held = k;
        this.heldSecond = k >= 2 ? chunk[p + 1] : 0;
        return;
      }
      i = p + 1;
    }
    if (dataStart < n) onData.call(ctx as T, chunk.subarray(dataStart, n));
  }

  /** Delivers a held prefix as data (e.g. at end of stream) and clears it. */
  flush(onData: (bytes: Uint8Array) => void): void {
    if (this.held === 0) return;
    const data = this.heldBytes();
    this.held = 0;
    this.heldSecond = 0;
    onData(data);
  }

  /** Drops any held prefix. */
  reset(): void {
    this.held = 0;
    this.heldSecond = 0;
  }

  private heldBytes(): Uint8Array {
    const token = this.heldSecond === CH_O ? HELD_PONG : HELD_PING;
    return token.slice(0, this.held);
  }
}
