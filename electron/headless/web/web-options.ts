// Options of `heartwire web` (issue 3): parsed without side effects so they can be tested
// without starting anything.
import { CliUsageError, parseFlags, parseHost, parsePort, type FlagSpecs } from '../cli-options';
import { generateToken } from './auth';

export const WEB_USAGE = `Usage: heartwire web [--host 127.0.0.1] [--port 7071] [--token T] [--no-demo] [--json]

Runs the monitor headless: browser UI, WebSocket stream, REST API (/api/...) and /metrics.

Options:
  --host HOST   address to bind (default 127.0.0.1)
  --port N      port to listen on (default 7071; 0 = any free port)
  --token T     access token (default: $HEARTWIRE_TOKEN, else random)
  --no-demo     do not start the demo server and its three peers
  --json        machine-readable output: one JSON object per line, the first
                {"event":"listening","port":N,"token":T}
  -h, --help    show this help`;

export const DEFAULT_WEB_PORT = 7071;

export interface WebCliOptions {
  host: string;
  port: number;
  token: string;
  demo: boolean;
  json: boolean;
  help: boolean;
}

export type ParseResult = { ok: true; options: WebCliOptions } | { ok: false; message: string; flag: string };

const TOKEN_RE = /^[\x21-\x7e]+$/; // visible ASCII: safe in a header and (encoded) in a URL

/** Parses argv (after "web"). Pure: the environment is passed in. Errors name the flag. */
export function parseWebArgs(argv: string[], env: NodeJS.ProcessEnv = {}): ParseResult {
  try {
    const { values } = parseFlags(argv, WEB_FLAGS, false);
    const host = values.host === undefined ? '127.0.0.1' : parseHost('--host', String(values.host));
    const port = values.port === undefined ? DEFAULT_WEB_PORT : parsePort('--port', String(values.port), true);
    let token: string;
    if (values.token !== undefined) {
      token = String(values.token);
      if (!TOKEN_RE.test(token)) return bad('--token', '--token must be non-empty printable ASCII without spaces');
    } else if (env.HEARTWIRE_TOKEN) {
      token = env.HEARTWIRE_TOKEN;
      if (!TOKEN_RE.test(token)) return bad('HEARTWIRE_TOKEN', 'HEARTWIRE_TOKEN must be printable ASCII without spaces');
    } else {
      token = generateToken();
    }
    return {
      ok: true,
      options: { host, port, token, demo: !values['no-demo'], json: !!values.json, help: !!values.help },
    };
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    const flag = /(--?[a-z][\w-]*)/i.exec(err.message)?.[1] ?? /"([^"]*)"/.exec(err.message)?.[1] ?? '';
    return { ok: false, message: err.message, flag };
  }
}

const WEB_FLAGS: FlagSpecs = {
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  'no-demo': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function bad(flag: string, message: string): ParseResult {
  return { ok: false, message, flag };
}
