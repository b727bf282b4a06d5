// THE one API contract (DESIGN.md §6): every transport (Electron IPC, WebSocket,
// REST) carries exactly these commands, results and pushed events. Pure types
// plus a few constants; no runtime dependencies.

export type Protocol = 'framed' | 'plain';
export type TimeoutMode = 'fixed' | 'adaptive';
export type Direction = 'in' | 'out' | 'both';
export type PeerDirection = 'inbound' | 'outbound';
export type PeerState = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'stopped';
export type KillMode = 'fin' | 'rst';

/** Typed reason carried by every close (DESIGN.md §4). `error:<code>` carries a Node error code. */
export type CloseReason =
  | 'heartbeat-timeout'
  | 'peer-closed'
  | 'peer-reset'
  | 'protocol-error'
  | 'killed-fin'
  | 'killed-rst'
  | 'local-stop'
  | `error:${string}`;

export const DEFAULT_INTERVAL_MS = 1000;
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export interface HeartbeatConfig {
  protocol: Protocol;
  intervalMs: number;
  timeoutMs: number;
  timeoutMode: TimeoutMode;
}

export interface LatencyFault {
  ms: number;
  jitterMs?: number;
  direction?: Direction;
}
export interface BandwidthFault {
  bytesPerSec: number;
  direction?: Direction;
}
export interface Faults {
  latency?: LatencyFault;
  bandwidth?: BandwidthFault;
  freeze?: boolean;
  dropHeartbeats?: { probability: number };
  slice?: { maxBytes: number };
  stopPinging?: boolean;
}

export interface PeerStats {
  rttLastMs: number | null;
  rttMinMs: number | null;
  rttP50Ms: number | null;
  rttP95Ms: number | null;
  rttP99Ms: number | null;
  srttMs: number | null;
  rttvarMs: number | null;
  jitterMs: number | null;
  pingsSent: number;
  pongsReceived: number;
  lossPct: number;
  phi: number;
  bytesIn: number;
  bytesOut: number;
  dataBytesIn: number;
  dataBytesOut: number;
  reconnects: number;
  /** epoch ms of the current connection, null while not connected */
  connectedSince: number | null;
}

export interface PeerInfo {
  id: string;
  name: string;
  direction: PeerDirection;
  serverId?: string;
  /** "ip:port" of our end ("" before a socket exists) */
  local: string;
  /** "ip:port" of the other end */
  remote: string;
  protocol: Protocol;
  intervalMs: number;
  timeoutMs: number;
  timeoutMode: TimeoutMode;
  state: PeerState;
  closeReason?: CloseReason;
  faults: Faults;
  stats: PeerStats;
}

export interface ServerInfo {
  id: string;
  host: string;
  port: number;
  protocol: Protocol;
  intervalMs: number;
  timeoutMs: number;
  timeoutMode: TimeoutMode;
  /** live inbound connections */
  connections: number;
  listening: boolean;
}

export type LogEventType =
  | 'server-started'
  | 'server-stopped'
  | 'connected'
  | 'closed'
  | 'reconnecting'
  | 'fault-set'
  | 'fault-cleared'
  | 'killed'
  | 'peer-added'
  | 'peer-removed'
  | 'error';

export interface LogEvent {
  seq: number;
  /** epoch ms */
  t: number;
  peer?: string;
  server?: string;
  type: LogEventType;
  reason?: CloseReason;
  attempt?: number;
  delayMs?: number;
  faults?: Faults;
  mode?: KillMode;
  message?: string;
}

/** One RTT sample: [epoch ms, rtt ms]. */
export type Sample = [number, number];

/** Pushed at most ~10 times a second: everything that changed since the last batch. */
export interface UpdateBatch {
  /** monotonically increasing batch number */
  seq: number;
  t: number;
  /** peers whose info changed (full objects, replace by id) */
  peers: PeerInfo[];
  /** ids of peers removed since the last batch */
  removedPeers: string[];
  servers: ServerInfo[];
  removedServers: string[];
  /** new RTT samples per peer id */
  samples: Record<string, Sample[]>;
  /** beats since the last batch per peer id: 'a' answered, 'l' late, 'm' missed */
  beats: Record<string, string>;
  events: LogEvent[];
  /** main-process health for the status bar */
  health: { eventLoopLagMs: number; heartbeatsPerSec: number };
}

export interface Snapshot {
  servers: ServerInfo[];
  peers: PeerInfo[];
  /** recent samples per peer id (bounded history) */
  samples: Record<string, Sample[]>;
  events: LogEvent[];
  config: AppConfig;
}

export interface AppConfig {
  /** how many RTT samples per peer are kept */
  historyPerPeer: number;
  /** how many log events are kept */
  eventLogSize: number;
}

export interface SessionExport {
  exportedAt: number;
  peers: PeerInfo[];
  servers: ServerInfo[];
  samples: Record<string, Sample[]>;
  events: LogEvent[];
}

// ---- Commands --------------------------------------------------------------

export interface StartServerArgs {
  port: number;
  host?: string;
  protocol?: Protocol;
  interval?: number;
  timeout?: number;
  timeoutMode?: TimeoutMode;
}
export interface ConnectArgs {
  host: string;
  port: number;
  name?: string;
  protocol?: Protocol;
  interval?: number;
  timeout?: number;
  timeoutMode?: TimeoutMode;
}
export interface SendDataArgs {
  id: string;
  text?: string;
  base64?: string;
}

/** Every command: its argument and its result. Transports are generic over this map. */
export interface Commands {
  startServer: { args: StartServerArgs; result: ServerInfo };
  stopServer: { args: { id: string }; result: { ok: true } };
  connect: { args: ConnectArgs; result: PeerInfo };
  removePeer: { args: { id: string }; result: { ok: true } };
  kill: { args: { id: string; mode: KillMode }; result: { ok: true } };
  setFaults: { args: { id: string; faults: Faults }; result: PeerInfo };
  clearFaults: { args: { id: string }; result: PeerInfo };
  reconnect: { args: { id: string }; result: { ok: true } };
  setConfig: { args: Partial<AppConfig>; result: AppConfig };
  sendData: { args: SendDataArgs; result: { bytes: number } };
  getSnapshot: { args: Record<string, never>; result: Snapshot };
  exportSession: { args: Record<string, never>; result: SessionExport };
}
export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandResult<K extends CommandName> = Commands[K]['result'];

export const COMMAND_NAMES: readonly CommandName[] = [
  'startServer',
  'stopServer',
  'connect',
  'removePeer',
  'kill',
  'setFaults',
  'clearFaults',
  'reconnect',
  'setConfig',
  'sendData',
  'getSnapshot',
  'exportSession',
];

/** Error kinds every transport maps to its own form (HTTP status, IPC error). */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'internal';

export interface CommandError {
  kind: ErrorKind;
  message: string;
  /** for 'invalid': the offending argument, dotted path (e.g. "faults.latency.ms") */
  field?: string;
}

/** What a command returns over any transport: a result or a typed error. */
export type CommandOutcome<K extends CommandName> =
  | { ok: true; result: CommandResult<K> }
  | { ok: false; error: CommandError };

/** The API every UI sees: one method per command plus the pushed update stream. */
export type HeartwireApi = {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>>;
} & {
  onUpdate(listener: (batch: UpdateBatch) => void): () => void;
};
