// The REST API (issue 3): a route table mapping HTTP requests onto monitor commands, and
// command outcomes onto HTTP statuses. Authentication happens before this (http-server).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandName, ErrorKind } from '../../../shared/contract';
import type { WebMonitor } from './monitor-port';
import { HttpError, readJsonBody, sendJson } from './http-util';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  monitor: WebMonitor;
  extra: ApiExtras;
}

/** Things the API reports that the monitor does not know (for /api/health). */
export interface ApiExtras {
  startedAt: number;
  wsClients(): number;
}

export interface Reply {
  status: number;
  body: unknown;
}

type Handler = (ctx: RouteContext) => Promise<Reply>;

interface Route {
  /** e.g. "/api/peers/:id/faults" */
  pattern: string;
  methods: Partial<Record<Method, Handler>>;
}

export function statusForKind(kind: ErrorKind | string): number {
  switch (kind) {
    case 'invalid':
      return 400;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    default:
      return 500;
  }
}

/** Runs a command through monitor.dispatch (which validates) and maps its outcome. */
async function run(ctx: RouteContext, name: CommandName, args: unknown, okStatus = 200, mapField = (f: string) => f): Promise<Reply> {
  const outcome = await ctx.monitor.dispatch(name, args);
  if (outcome.ok) return { status: okStatus, body: outcome.result };
  const { kind, message, field } = outcome.error;
  if (field === undefined) throw new HttpError(statusForKind(kind), message);
  const mapped = mapField(field);
  // Messages start with the field's dotted path; keep them naming what the caller sent.
  const text = mapped !== field && message.startsWith(field) ? mapped + message.slice(field.length) : message;
  throw new HttpError(statusForKind(kind), text, mapped);
}

/** Body as a plain object: empty → {}, anything but an object → 400 body. */
async function objectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req);
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'body must be a JSON object', 'body');
  }
  return body as Record<string, unknown>;
}

/** The faults route's body IS the `faults` argument: name the body's own keys. */
export function faultsField(field: string): string {
  if (field === 'faults') return 'body';
  return field.startsWith('faults.') ? field.slice('faults.'.length) : field;
}

function numberParam(query: URLSearchParams, name: string, fallback: number, integer: boolean): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new HttpError(400, `${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}`, name);
  }
  return n;
}

export const ROUTES: Route[] = [
  {
    pattern: '/api/state',
    methods: {
      GET: async ({ monitor }) => {
        const { servers, peers } = monitor.snapshot();
        return { status: 200, body: { servers, peers } };
      },
    },
  },
  {
    pattern: '/api/health',
    methods: {
      GET: async ({ monitor, extra }) => {
        const { servers, peers } = monitor.snapshot();
        return {
          status: 200,
          body: {
            ok: true,
            uptimeMs: Date.now() - extra.startedAt,
            servers: servers.length,
            peers: peers.length,
            wsClients: extra.wsClients(),
          },
        };
      },
    },
  },
  {
    pattern: '/api/servers',
    methods: { POST: async (ctx) => run(ctx, 'startServer', await objectBody(ctx.req), 201) },
  },
  {
    pattern: '/api/servers/:id',
    methods: { DELETE: async (ctx) => run(ctx, 'stopServer', { id: ctx.params.id }) },
  },
  {
    pattern: '/api/peers',
    methods: { POST: async (ctx) => run(ctx, 'connect', await objectBody(ctx.req), 201) },
  },
  {
    pattern: '/api/peers/:id',
    methods: { DELETE: async (ctx) => run(ctx, 'removePeer', { id: ctx.params.id }) },
  },
  {
    pattern: '/api/peers/:id/kill',
    methods: { POST: async (ctx) => run(ctx, 'kill', { ...(await objectBody(ctx.req)), id: ctx.params.id }) },
  },
  {
    pattern: '/api/peers/:id/reconnect',
    methods: {
      POST: async (ctx) => {
        await objectBody(ctx.req); // a body is allowed but ignored; still reject junk
        return run(ctx, 'reconnect', { id: ctx.params.id });
      },
    },
  },
  {
    pattern: '/api/peers/:id/faults',
    methods: {
      PUT: async (ctx) => run(ctx, 'setFaults', { id: ctx.params.id, faults: await objectBody(ctx.req) }, 200, faultsField),
      DELETE: async (ctx) => run(ctx, 'clearFaults', { id: ctx.params.id }),
    },
  },
  {
    pattern: '/api/peers/:id/data',
    methods: { POST: async (ctx) => run(ctx, 'sendData', { ...(await objectBody(ctx.req)), id: ctx.params.id }) },
  },
  {
    pattern: '/api/peers/:id/samples',
    methods: {
      GET: async ({ monitor, params, query }) => {
        const since = numberParam(query, 'since', 0, false);
        const samples = monitor.samplesSince(params.id, since);
        if (samples === undefined) throw new HttpError(404, `no peer with id "${params.id}"`, 'id');
        return { status: 200, body: { samples } };
      },
    },
  },
  {
    pattern: '/api/events',
    methods: {
      GET: async ({ monitor, query }) => {
        const since = numberParam(query, 'since', 0, true);
        const { events, next } = monitor.eventsSince(since);
        return { status: 200, body: { events, next } };
      },
    },
  },
  {
    pattern: '/api/export',
    methods: { GET: async (ctx) => run(ctx, 'exportSession', {}) },
  },
];

interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Finds the route for a path; null if none. Throws 400 for an undecodable segment. */
export function matchRoute(urlPath: string, routes: Route[] = ROUTES): Match | null {
  const parts = urlPath.split('/');
  if (parts.length > 2 && parts[parts.length - 1] === '') parts.pop(); // tolerate a trailing slash
  for (const route of routes) {
    const pat = route.pattern.split('/');
    if (pat.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pat.length && ok; i++) {
      if (pat[i].startsWith(':')) {
        if (parts[i] === '') ok = false;
        else params[pat[i].slice(1)] = decodeSegment(parts[i]);
      } else if (pat[i] !== parts[i]) ok = false;
    }
    if (ok) return { route, params };
  }
  return null;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'malformed path segment', 'id');
  }
}

/** Handles one authenticated /api request. Failures are thrown (HttpError for expected
 *  ones); the caller turns them into JSON replies with sendError. */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  monitor: WebMonitor,
  extra: ApiExtras,
): Promise<void> {
  const match = matchRoute(url.pathname);
  if (!match) throw new HttpError(404, `no route ${url.pathname}`);
  const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method;
  const handler = match.route.methods[method];
  if (!handler) {
    const allow = Object.keys(match.route.methods).join(', ');
    throw new HttpError(405, `${req.method} not allowed on ${match.route.pattern} (allowed: ${allow})`, undefined, { Allow: allow });
  }
  const reply = await handler({ req, params: match.params, query: url.searchParams, monitor, extra });
  sendJson(res, reply.status, reply.body);
}

/** Replies to a failed request: HttpError → its status and JSON body, anything else → 500. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, err.body, err.headers);
  } else {
    sendJson(res, 500, { error: 'internal error' });
  }
}
