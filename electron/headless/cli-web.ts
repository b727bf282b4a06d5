// `heartwire web`: runs the MonitorService headless and serves the browser UI, the REST
// API, the WebSocket stream and /metrics (issue 3).
import { fileURLToPath } from 'node:url';
import { createWebHost, type WebHost } from './web/http-server';
import { WEB_USAGE, parseWebArgs } from './web/web-options';

export { WEB_USAGE, parseWebArgs };
export const STATIC_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export async function runWeb(argv: string[]): Promise<number> {
  const parsed = parseWebArgs(argv, process.env);
  if (!parsed.ok) {
    process.stderr.write(`heartwire web: ${parsed.message}\n${WEB_USAGE}\n`);
    return 2;
  }
  const opts = parsed.options;
  if (opts.help) {
    process.stdout.write(WEB_USAGE + '\n');
    return 0;
  }
  // A closed stdout (e.g. piped into `head -1`) must not crash the server.
  process.stdout.on('error', () => {});
  const out = new Output(opts.json);

  // Loaded only now, so `--help` and bad flags answer without loading the engine.
  const { MonitorService } = await import('../core/monitor');
  const monitor = new MonitorService();
  let host: WebHost;
  try {
    host = await createWebHost({
      monitor,
      host: opts.host,
      port: opts.port,
      token: opts.token,
      staticDir: STATIC_DIR,
      onError: (err) => out.error(`internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`),
    });
  } catch (err) {
    await monitor.dispose();
    out.error(listenErrorMessage(err, opts.host, opts.port), (err as NodeJS.ErrnoException).code);
    return 1;
  }

  out.event({ event: 'listening', port: host.port, token: host.token }, [
    `Heartwire web UI: ${host.url}`,
    `REST API: ${host.origin}/api/state (header "Authorization: Bearer ${host.token}")`,
    `Metrics: ${host.origin}/metrics`,
  ]);

  if (opts.demo) {
    try {
      await monitor.startDemo();
      const snap = monitor.snapshot();
      const servers = snap.servers.map((s) => ({ host: s.host, port: s.port }));
      const peers = snap.peers.filter((p) => p.direction === 'outbound').map((p) => p.name);
      out.event({ event: 'demo', servers, peers }, [
        `Demo: heartbeat server on ${servers.map((s) => `${s.host}:${s.port}`).join(', ')} with peers ${peers.join(', ')}`,
      ]);
    } catch (err) {
      out.error(`demo did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  out.note('Press Ctrl+C to stop.');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        out.error(`second ${signal}: exiting without cleanup`);
        process.exit(1);
      }
      stopping = true;
      out.event({ event: 'stopping', signal }, ['Stopping…']);
      void (async () => {
        let code = 0;
        try {
          await host.close();
          await monitor.dispose();
        } catch (err) {
          out.error(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
          code = 1;
        }
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        out.event({ event: 'stopped' }, ['Stopped.']);
        resolve(code);
      })();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function listenErrorMessage(err: unknown, host: string, port: number): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return `port ${port} on ${host} is already in use; choose another with --port N, or --port 0 for any free port`;
  }
  if (code === 'EACCES') return `no permission to listen on ${host}:${port} (try a port above 1023)`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `cannot bind to ${host}: address not available on this machine`;
  return `cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`;
}

/** Human lines, or one JSON object per line with --json (errors also go to stderr). */
class Output {
  constructor(private readonly json: boolean) {}

  event(obj: Record<string, unknown>, lines: string[]): void {
    process.stdout.write(this.json ? JSON.stringify(obj) + '\n' : lines.join('\n') + '\n');
  }

  note(line: string): void {
    if (!this.json) process.stdout.write(line + '\n');
  }

  error(message: string, code?: string): void {
    if (this.json) process.stdout.write(JSON.stringify({ event: 'error', message, ...(code ? { code } : {}) }) + '\n');
    process.stderr.write(`heartwire web: ${message}\n`);
  }
}
