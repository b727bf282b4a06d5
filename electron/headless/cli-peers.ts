// `heartwire serve` and `heartwire connect`: the heartbeat engine as terminal peers.
// Human-readable lines by default; with --json one JSON object per line so scripts
// (and the integration tests) can follow events.
import { HeartbeatClient } from '../core/heartbeat/client';
import { formatAddress } from '../core/heartbeat/address';
import { HeartbeatServer } from '../core/heartbeat/server';
import type { HeartbeatSession } from '../core/heartbeat/session';
import {
  CONNECT_USAGE,
  SERVE_USAGE,
  parseConnectArgs,
  parseServeArgs,
  type ParseResult,
  type HeartbeatFlags,
} from './cli-options';

export type PeerEventName = 'listening' | 'connected' | 'rtt' | 'closed' | 'reconnecting' | 'data' | 'error';

type Fields = Record<string, string | number | boolean | undefined>;

/** Writes one event per line: JSON, or a timestamped human-readable line. */
class EventOutput {
  constructor(private readonly json: boolean) {}

  event(event: PeerEventName, fields: Fields, human: string): void {
    const t = Date.now();
    const line = this.json
      ? JSON.stringify({ event, t, ...fields })
      : `${new Date(t).toISOString().slice(11, 23)} ${human}`;
    // JSON: every event on stdout (one stream to parse); human: errors on stderr.
    const stream = event === 'error' && !this.json ? process.stderr : process.stdout;
    stream.write(line + '\n');
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function preview(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

function describe(o: HeartbeatFlags): string {
  return `${o.protocol}, interval ${o.intervalMs} ms, timeout ${o.timeoutMs} ms ${o.timeoutMode}`;
}

/** Resolves on the first SIGINT/SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

function watchSession(out: EventOutput, s: HeartbeatSession, peer: string): void {
  s.on('rtt', (rttMs) => out.event('rtt', { peer, rttMs: round3(rttMs) }, `rtt ${peer} ${rttMs.toFixed(2)} ms`));
  s.on('data', (bytes) =>
    out.event('data', { peer, bytes: bytes.length, text: preview(bytes) }, `data ${peer} ${bytes.length} bytes: ${JSON.stringify(preview(bytes))}`),
  );
}

/**
 * Parses a peer command's flags: a bad flag prints one line and gives exit code 2, --help
 * prints the usage and gives 0; otherwise returns the options to run with.
 */
function prepare<T extends { help: boolean }>(
  command: string,
  parsed: ParseResult<T>,
  usage: string,
): { options: T } | { exitCode: number } {
  if (!parsed.ok) {
    process.stderr.write(`heartwire ${command}: ${parsed.message} (see heartwire ${command} --help)\n`);
    return { exitCode: 2 };
  }
  if (parsed.options.help) {
    process.stdout.write(usage + '\n');
    return { exitCode: 0 };
  }
  process.stdout.on('error', () => {}); // a closed pipe (| head) must not crash the peer
  return { options: parsed.options };
}

export async function runServe(argv: string[]): Promise<number> {
  const prepared = prepare('serve', parseServeArgs(argv), SERVE_USAGE);
  if ('exitCode' in prepared) return prepared.exitCode;
  const o = prepared.options;
  const out = new EventOutput(o.json);
  const server = new HeartbeatServer({
    host: o.host,
    port: o.port,
    protocol: o.protocol,
    intervalMs: o.intervalMs,
    timeoutMs: o.timeoutMs,
    timeoutMode: o.timeoutMode,
    name: o.name ?? 'heartwire-serve',
  });
  server.on('session', (s) => {
    const peer = s.remote;
    out.event('connected', { peer }, `connected ${peer}`);
    watchSession(out, s, peer);
    s.on('closed', (reason) => out.event('closed', { peer, reason }, `closed ${peer} (${reason})`));
  });
  server.on('error', (err) => out.event('error', { message: err.message }, `error: ${err.message}`));

  let addr: { host: string; port: number };
  try {
    addr = await server.listen();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    out.event('error', { message: e.message, code: e.code }, `cannot listen on ${formatAddress(o.host, o.port)}: ${e.message}`);
    return 1;
  }
  out.event(
    'listening',
    { host: addr.host, port: addr.port },
    `listening on ${formatAddress(addr.host, addr.port)} (${describe(o)})`,
  );
  await untilSignal();
  await server.close();
  return 0;
}

export async function runConnect(argv: string[]): Promise<number> {
  const prepared = prepare('connect', parseConnectArgs(argv), CONNECT_USAGE);
  if ('exitCode' in prepared) return prepared.exitCode;
  const o = prepared.options;
  const out = new EventOutput(o.json);
  const target = formatAddress(o.host, o.port);
  const client = new HeartbeatClient({
    host: o.host,
    port: o.port,
    protocol: o.protocol,
    intervalMs: o.intervalMs,
    timeoutMs: o.timeoutMs,
    timeoutMode: o.timeoutMode,
    name: o.name ?? 'heartwire-connect',
  });
  let peer = target;
  client.on('session', (s) => {
    peer = s.remote || target;
    const note = o.protocol === 'plain' ? ' (plain: answering pings, no RTT on this side)' : '';
    out.event('connected', { peer, local: s.local }, `connected ${peer} from ${s.local}${note}`);
    watchSession(out, s, peer);
  });
  client.on('closed', (reason) => {
    out.event('closed', { peer, reason }, `closed ${peer} (${reason})`);
    peer = target;
  });
  client.on('reconnecting', ({ attempt, delayMs }) =>
    out.event('reconnecting', { peer: target, attempt, delayMs }, `reconnecting to ${target} in ${delayMs} ms (attempt ${attempt})`),
  );
  const signal = untilSignal();
  client.start();
  await signal;
  await client.stop();
  return 0;
}
