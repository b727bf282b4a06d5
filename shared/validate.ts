// Argument schemas for every command of the contract (DESIGN.md §6). Every transport
// (IPC, WebSocket, REST) runs validateArgs before anything reaches the core, so the
// core can trust types and ranges. Unknown top-level keys are stripped (forward
// compatibility); unknown keys inside `faults` are rejected because a typo there
// would otherwise silently do nothing.
import { z } from 'zod';
import {
  COMMAND_NAMES,
  DEFAULT_INTERVAL_MS,
  type CommandArgs,
  type CommandName,
  type Faults,
} from './contract';

export const MAX_HOST_CHARS = 253;
export const MAX_NAME_CHARS = 64;
export const MAX_ID_CHARS = 64;
export const MAX_SEND_BYTES = 1024 * 1024;
export const MIN_INTERVAL_MS = 10;
export const MAX_INTERVAL_MS = 3_600_000;
export const MAX_TIMEOUT_MS = 86_400_000;
export const MAX_LATENCY_MS = 60_000;
export const MAX_HISTORY_PER_PEER = 100_000;
export const MAX_EVENT_LOG_SIZE = 100_000;

export type ValidationResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: { kind: 'invalid'; message: string; field: string } };

// ---- building blocks ---------------------------------------------------------
// Messages are written without the field name; validateArgs prefixes the dotted path,
// so the same block reads right wherever it is nested ("faults.latency.ms must be …").

const required = (msg: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : msg);

function num(msg: string, opts: { int?: boolean; min?: number; max?: number; gtMin?: boolean }) {
  let s = z.number({ error: required(msg) });
  if (opts.int) s = s.int({ error: msg });
  if (opts.min !== undefined) s = opts.gtMin ? s.gt(opts.min, { error: msg }) : s.min(opts.min, { error: msg });
  if (opts.max !== undefined) s = s.max(opts.max, { error: msg });
  return s;
}

function str(max: number) {
  const msg = `must be a non-empty string of at most ${max} characters`;
  return z.string({ error: required(msg) }).min(1, { error: msg }).max(max, { error: msg });
}

/** Top-level argument object: unknown keys are stripped, not rejected. */
function args<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.object(shape, { error: 'must be an object' });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const msg = `must be one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return z.enum(values, { error: required(msg) });
}

const bool = z.boolean({ error: required('must be true or false') });

const port = num('must be an integer between 1 and 65535', { int: true, min: 1, max: 65535 });
const listenPort = num('must be an integer between 0 and 65535 (0 = any free port)', { int: true, min: 0, max: 65535 });
const host = str(MAX_HOST_CHARS);
const id = str(MAX_ID_CHARS);
const interval = num(`must be a number of milliseconds between ${MIN_INTERVAL_MS} and ${MAX_INTERVAL_MS}`, {
  min: MIN_INTERVAL_MS,
  max: MAX_INTERVAL_MS,
});
const timeout = num(`must be a number of milliseconds between ${MIN_INTERVAL_MS} and ${MAX_TIMEOUT_MS}`, {
  min: MIN_INTERVAL_MS,
  max: MAX_TIMEOUT_MS,
});
const protocol = oneOf(['framed', 'plain']);
const timeoutMode = oneOf(['fixed', 'adaptive']);
const direction = oneOf(['in', 'out', 'both']);
const latencyMs = num(`must be a number of milliseconds between 0 and ${MAX_LATENCY_MS}`, { min: 0, max: MAX_LATENCY_MS });

const FAULT_KEYS = ['latency', 'bandwidth', 'freeze', 'dropHeartbeats', 'slice', 'stopPinging'] as const;

const faultsSchema = z.strictObject(
  {
    latency: z
      .strictObject({ ms: latencyMs, jitterMs: latencyMs.optional(), direction: direction.optional() }, { error: required('must be an object { ms, jitterMs?, direction? }') })
      .optional(),
    bandwidth: z
      .strictObject(
        {
          bytesPerSec: num('must be a number ≥ 1', { min: 1, max: Number.MAX_SAFE_INTEGER }),
          direction: direction.optional(),
        },
        { error: required('must be an object { bytesPerSec, direction? }') },
      )
      .optional(),
    freeze: bool.optional(),
    dropHeartbeats: z
      .strictObject({ probability: num('must be a number between 0 and 1', { min: 0, max: 1 }) }, { error: required('must be an object { probability }') })
      .optional(),
    slice: z
      .strictObject({ maxBytes: num('must be an integer ≥ 1', { int: true, min: 1, max: Number.MAX_SAFE_INTEGER }) }, { error: required('must be an object { maxBytes }') })
      .optional(),
    stopPinging: bool.optional(),
  },
  { error: required('must be an object') },
);

/** timeout ≥ interval; when interval is omitted the default interval applies. */
function checkTimeout(a: { interval?: number; timeout?: number }, ctx: z.RefinementCtx): void {
  if (a.timeout === undefined) return;
  const iv = a.interval ?? DEFAULT_INTERVAL_MS;
  if (a.timeout < iv) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeout'],
      message:
        a.interval === undefined
          ? `must be ≥ interval (the default interval is ${DEFAULT_INTERVAL_MS} ms)`
          : `must be ≥ interval (${a.interval} ms)`,
    });
  }
}

const heartbeatFields = {
  protocol: protocol.optional(),
  interval: interval.optional(),
  timeout: timeout.optional(),
  timeoutMode: timeoutMode.optional(),
};

// No command takes a bare non-object: `undefined`/`null` mean "no arguments".
const noArgs = z.preprocess((v) => (v === undefined || v === null ? {} : v), args({}));

const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextEncoder();

/** Decoded size of a valid padded base64 string. */
export function base64DecodedBytes(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

const sendDataSchema = args({
    id,
    text: z.string({ error: 'must be a string' }).optional(),
    base64: z.string({ error: 'must be a string' }).optional(),
  }).superRefine((a, ctx) => {
    if (a.text === undefined && a.base64 === undefined) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'is required (give exactly one of text or base64)' });
      return;
    }
    if (a.text !== undefined && a.base64 !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['base64'], message: 'must not be given together with text (give exactly one)' });
      return;
    }
    if (a.text !== undefined) {
      // Cheap bound first: a UTF-16 unit encodes to at most 3 bytes.
      const tooBig = a.text.length > MAX_SEND_BYTES || utf8.encode(a.text).length > MAX_SEND_BYTES;
      if (a.text.length === 0) ctx.addIssue({ code: 'custom', path: ['text'], message: 'must not be empty' });
      else if (tooBig) ctx.addIssue({ code: 'custom', path: ['text'], message: `must be at most ${MAX_SEND_BYTES} bytes (UTF-8)` });
    } else if (a.base64 !== undefined) {
      const b = a.base64;
      if (b.length === 0) ctx.addIssue({ code: 'custom', path: ['base64'], message: 'must not be empty' });
      else if (b.length > Math.ceil(MAX_SEND_BYTES / 3) * 4 + 4 || !base64Re.test(b))
        ctx.addIssue({
          code: 'custom',
          path: ['base64'],
          message: base64Re.test(b) ? `must decode to at most ${MAX_SEND_BYTES} bytes` : 'must be valid base64 (A–Z a–z 0–9 + /, padded with =)',
        });
      else if (base64DecodedBytes(b) > MAX_SEND_BYTES)
        ctx.addIssue({ code: 'custom', path: ['base64'], message: `must decode to at most ${MAX_SEND_BYTES} bytes` });
    }
  });

/** One schema per command of the contract. */
export const commandSchemas: { [K in CommandName]: z.ZodType<CommandArgs<K>> } = {
  startServer: args({ port: listenPort, host: host.optional(), ...heartbeatFields }).superRefine(checkTimeout),
  stopServer: args({ id }),
  connect: args({ host, port, name: str(MAX_NAME_CHARS).optional(), ...heartbeatFields }).superRefine(checkTimeout),
  removePeer: args({ id }),
  kill: args({ id, mode: oneOf(['fin', 'rst']) }),
  setFaults: args({ id, faults: faultsSchema }) as z.ZodType<{ id: string; faults: Faults }>,
  clearFaults: args({ id }),
  reconnect: args({ id }),
  setConfig: args({
    historyPerPeer: num(`must be an integer between 1 and ${MAX_HISTORY_PER_PEER}`, { int: true, min: 1, max: MAX_HISTORY_PER_PEER }).optional(),
    eventLogSize: num(`must be an integer between 1 and ${MAX_EVENT_LOG_SIZE}`, { int: true, min: 1, max: MAX_EVENT_LOG_SIZE }).optional(),
  }),
  sendData: sendDataSchema,
  getSnapshot: noArgs as unknown as z.ZodType<Record<string, never>>,
  exportSession: noArgs as unknown as z.ZodType<Record<string, never>>,
};

/** The faults schema on its own (used e.g. when restoring a saved setup). */
export const faultsArgSchema: z.ZodType<Faults> = faultsSchema;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && (COMMAND_NAMES as readonly string[]).includes(name);
}

function fail(field: string, message: string): ValidationResult<never> {
  return { ok: false, error: { kind: 'invalid', message, field } };
}

function firstIssue(issues: readonly z.core.$ZodIssue[], prefix: string): ValidationResult<never> {
  const iss = issues[0];
  const path = [prefix, ...iss.path.map(String)].filter((p) => p !== '').join('.');
  if (iss.code === 'unrecognized_keys') {
    const key = String(iss.keys[0]);
    const field = path ? `${path}.${key}` : key;
    const known = path.endsWith('faults') ? ` (known faults: ${FAULT_KEYS.join(', ')})` : '';
    return fail(field, `${field} is not a known ${path.endsWith('faults') ? 'fault' : 'key'}${known}`);
  }
  if (path === '') return fail('args', `args ${iss.message}`);
  return fail(path, `${path} ${iss.message}`);
}

/** Validates a value against any schema, naming the field in the message (dotted from `prefix`). */
export function validateWith<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): ValidationResult<T> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : firstIssue(r.error.issues, prefix);
}

/**
 * Validates the arguments of a command. On failure `error.field` is the dotted path of
 * the first bad argument (`command` for an unknown command name, `args` when the
 * arguments are not an object).
 */
export function validateArgs<K extends CommandName>(name: K, args: unknown): ValidationResult<CommandArgs<K>>;
export function validateArgs(name: string, args: unknown): ValidationResult<CommandArgs<CommandName>>;
export function validateArgs(name: string, args: unknown): ValidationResult<CommandArgs<CommandName>> {
  if (!isCommandName(name)) {
    return fail('command', `command ${JSON.stringify(String(name)).slice(0, 80)} is unknown (expected one of ${COMMAND_NAMES.join(', ')})`);
  }
  const schema = commandSchemas[name] as z.ZodType<CommandArgs<CommandName>>;
  return validateWith(schema, args);
}
