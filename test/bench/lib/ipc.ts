// Child side of the bench IPC: a request/response loop over process.send. A child
// dies with its parent (IPC disconnect), so no load loop outlives the harness.
export type Handler = (msg: Record<string, unknown>) => unknown | Promise<unknown>;

export interface Request {
  id: number;
  cmd: string;
  [k: string]: unknown;
}

/** Config is passed as one JSON argv argument. */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('bench child: missing JSON config argument');
  return JSON.parse(raw) as T;
}

export function serveIpc(handlers: Record<string, Handler>): void {
  if (!process.send) throw new Error('bench child must be started with an IPC channel');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const msg = raw as Request;
    const handler = handlers[msg.cmd];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        const result = await handler(msg);
        process.send?.({ id: msg.id, ok: true, result });
      } catch (err) {
        process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
}

export function sendReady(info: Record<string, unknown>): void {
  process.send?.({ type: 'ready', info });
}

export function sendFatal(err: unknown): void {
  const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  if (process.send) process.send({ type: 'fatal', message }, () => process.exit(1));
  else process.exit(1);
}
