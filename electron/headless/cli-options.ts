// Flag parsing and validation for the `heartwire` subcommands, on node:util parseArgs.
// Every failure becomes ONE line naming the offending flag (the caller prints it and
// exits 2). Reusable: `heartwire web` or any later subcommand builds on these helpers.
import { parseArgs } from 'node:util';
import {
  DEFAULT_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  type Protocol,
  type TimeoutMode,
} from '../../shared/contract';
import { parseHostPort } from '../core/heartbeat/address';

/** A bad command line; `message` is one line naming the flag. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export type ParseResult<T> = { ok: true; options: T } | { ok: false; message: string };

type FlagSpec = { type: 'string' | 'boolean'; short?: string };
export type FlagSpecs = Record<string, FlagSpec>;
type Values = Record<string, string | boolean | undefined>;

const MAX_MS = 24 * 60 * 60 * 1000; // well inside setTimeout's range

/** parseArgs with one-line, flag-naming errors. */
export function parseFlags(
  argv: string[],
  options: FlagSpecs,
  allowPositionals: boolean,
): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    throw new CliUsageError(describeParseError(err));
  }
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const flag = /'(-{1,2}[^'\s=]*)/.exec(msg)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? msg}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']*)'/.exec(msg)?.[1];
      return `unexpected argument "${arg ?? msg}"`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (!flag) return msg;
      if (/argument missing/.test(msg)) return `${flag} needs a value`;
      if (/ambiguous/.test(msg)) return `${flag} needs a value (write ${flag}=VALUE for a value starting with "-")`;
      if (/does not take an argument/.test(msg)) return `${flag} does not take a value`;
      return `${flag}: ${msg}`;
    default:
      return msg.split('\n')[0];
  }
}

/** A positive integer (ms, counts); `min`/`max` bound it. */
export function parsePositiveInt(flag: string, raw: string, min = 1, max = MAX_MS): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new CliUsageError(`${flag} must be a positive integer (got "${raw}")`);
  if (n < min) throw new CliUsageError(`${flag} must be at least ${min} (got "${raw}")`);
  if (n > max) throw new CliUsageError(`${flag} must be at most ${max} (got "${raw}")`);
  return n;
}

/** A TCP port; 0 ("any free port") only where `allowZero`. */
export function parsePort(flag: string, raw: string, allowZero: boolean): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(n) || n < min || n > 65535) {
    throw new CliUsageError(`${flag} must be an integer from ${min} to 65535 (got "${raw}")`);
  }
  return n;
}

export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new CliUsageError(`${flag} must be one of ${choices.join(', ')} (got "${raw}")`);
}

/** A host name or IP literal (brackets around IPv6 are accepted and removed). */
export function parseHost(flag: string, raw: string): string {
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (host === '' || /\s/.test(host)) throw new CliUsageError(`${flag} must be a host name or IP address (got "${raw}")`);
  return host;
}

// ---- heartbeat flags shared by serve and connect ----------------------------

export const PROTOCOLS: readonly Protocol[] = ['framed', 'plain'];
export const TIMEOUT_MODES: readonly TimeoutMode[] = ['fixed', 'adaptive'];

export const HEARTBEAT_FLAGS: FlagSpecs = {
  interval: { type: 'string' },
  timeout: { type: 'string' },
  'timeout-mode': { type: 'string' },
  protocol: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const HEARTBEAT_HELP = `  --interval MS           heartbeat interval in ms (default ${DEFAULT_INTERVAL_MS})
  --timeout MS            declare the peer dead after this many ms without a frame
                          (default ${DEFAULT_TIMEOUT_MS}, or 2 x interval if that is larger);
                          must be >= --interval
  --timeout-mode MODE     fixed | adaptive (default fixed); adaptive uses
                          interval + SRTT + 4*RTTVAR clamped to [2 x interval, timeout]
  --protocol PROTO        framed | plain (default framed); plain is the bare
                          "ping"/"pong" text heartbeat of hand-written Node examples
  --name NAME             name announced in HELLO (framed; default heartwire-<command>)
  --json                  one JSON object per line (fields: event, t, peer, rttMs,
                          reason, attempt, delayMs, port) instead of human-readable lines
  -h, --help              show this help and exit`;

export interface HeartbeatFlags {
  intervalMs: number;
  timeoutMs: number;
  timeoutMode: TimeoutMode;
  protocol: Protocol;
  name: string | undefined;
  json: boolean;
  help: boolean;
}

export function readHeartbeatFlags(values: Values): HeartbeatFlags {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const intervalRaw = str('interval');
  const timeoutRaw = str('timeout');
  const intervalMs = intervalRaw === undefined ? DEFAULT_INTERVAL_MS : parsePositiveInt('--interval', intervalRaw);
  const timeoutMs =
    timeoutRaw === undefined ? Math.max(DEFAULT_TIMEOUT_MS, 2 * intervalMs) : parsePositiveInt('--timeout', timeoutRaw);
  if (timeoutMs < intervalMs) {
    throw new CliUsageError(`--timeout must be at least --interval (got ${timeoutMs} < ${intervalMs})`);
  }
  const modeRaw = str('timeout-mode');
  const protoRaw = str('protocol');
  return {
    intervalMs,
    timeoutMs,
    timeoutMode: modeRaw === undefined ? 'fixed' : parseChoice('--timeout-mode', modeRaw, TIMEOUT_MODES),
    protocol: protoRaw === undefined ? 'framed' : parseChoice('--protocol', protoRaw, PROTOCOLS),
    name: str('name'),
    json: values.json === true,
    help: values.help === true,
  };
}

// ---- serve / connect ---------------------------------------------------------

export interface ServeOptions extends HeartbeatFlags {
  host: string;
  port: number;
}

export interface ConnectOptions extends HeartbeatFlags {
  host: string;
  port: number;
}

export const SERVE_DEFAULT_PORT = 7070;

export const SERVE_USAGE = `Usage: heartwire serve [options]

Run a heartbeat server in the terminal; every client is pinged and its RTT printed.

Options:
  --host HOST             address to listen on (default 127.0.0.1; ::1 for IPv6)
  --port PORT             TCP port, 0 for any free port (default ${SERVE_DEFAULT_PORT})
${HEARTBEAT_HELP}

Stops cleanly on SIGINT/SIGTERM (exit 0). Exit 2 on a bad option, 1 if it cannot listen.`;

export const CONNECT_USAGE = `Usage: heartwire connect HOST:PORT [options]

Connect to a heartbeat server and keep the link alive: RTT is printed for every
answered ping; on any close it reconnects with full-jitter exponential backoff
(base 250 ms, cap 30 s). HOST may be a name, an IPv4 address or [IPv6] (e.g. [::1]:7070).

Options:
${HEARTBEAT_HELP}

Stops cleanly on SIGINT/SIGTERM (exit 0). Exit 2 on a bad option.`;

/** --help wins over every other flag: nothing else is validated. */
function helpOnly(): HeartbeatFlags {
  return { ...readHeartbeatFlags({}), help: true };
}

function wrap<T>(fn: () => T): ParseResult<T> {
  try {
    return { ok: true, options: fn() };
  } catch (err) {
    if (err instanceof CliUsageError) return { ok: false, message: err.message };
    throw err;
  }
}

export function parseServeArgs(argv: string[]): ParseResult<ServeOptions> {
  return wrap(() => {
    const { values } = parseFlags(
      argv,
      { ...HEARTBEAT_FLAGS, host: { type: 'string' }, port: { type: 'string' } },
      false,
    );
    if (values.help === true) return { ...helpOnly(), host: '127.0.0.1', port: SERVE_DEFAULT_PORT };
    const hb = readHeartbeatFlags(values);
    const host = typeof values.host === 'string' ? parseHost('--host', values.host) : '127.0.0.1';
    const port = typeof values.port === 'string' ? parsePort('--port', values.port, true) : SERVE_DEFAULT_PORT;
    return { ...hb, host, port };
  });
}

export function parseConnectArgs(argv: string[]): ParseResult<ConnectOptions> {
  return wrap(() => {
    const { values, positionals } = parseFlags(argv, HEARTBEAT_FLAGS, true);
    if (values.help === true) return { ...helpOnly(), host: '', port: 0 };
    const hb = readHeartbeatFlags(values);
    if (positionals.length === 0) throw new CliUsageError('missing HOST:PORT (e.g. 127.0.0.1:7070 or [::1]:7070)');
    if (positionals.length > 1) throw new CliUsageError(`unexpected argument "${positionals[1]}"`);
    const target = parseHostPort(positionals[0]);
    if (!target) throw new CliUsageError(`HOST:PORT must look like 127.0.0.1:7070 or [::1]:7070 (got "${positionals[0]}")`);
    return { ...hb, ...target };
  });
}
