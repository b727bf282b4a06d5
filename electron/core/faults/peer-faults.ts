// The fault state of ONE peer, living across its reconnects: every socket of the
// peer gets a FaultPipe bound to the current set (via pipeFactory), and every
// session attached gets the session-level faults (dropHeartbeats, stopPinging).
// set() replaces the whole set and applies it at once to all live pipes/sessions.
import type { Faults } from '../../../shared/contract';
import type { PipeFactory } from '../heartbeat/pipe';
import { FaultPipe } from './fault-pipe';
import { normalizeFaults } from './normalize';

/** What PeerFaults needs of a heartbeat session (HeartbeatSession satisfies it). */
export interface FaultableSession {
  setDropProbability(p: number): void;
  setPinging(enabled: boolean): void;
  readonly closed?: boolean;
  readonly pipe?: unknown;
  /** If present, used to forget the session when it closes. */
  once?(event: 'closed', listener: () => void): unknown;
}

export class PeerFaults {
  private current: Faults;
  private readonly random: () => number;
  private readonly livePipes = new Set<FaultPipe>();
  private readonly sessions = new Set<FaultableSession>();

  constructor(initial?: Faults, random: () => number = Math.random) {
    this.current = normalizeFaults(initial);
    this.random = random;
  }

  /** Current set: a normalized copy ({} when none). */
  get faults(): Faults {
    return normalizeFaults(this.current);
  }

  get active(): boolean {
    return Object.keys(this.current).length > 0;
  }

  /** Pipes of this peer's sockets that are still alive. */
  get pipes(): ReadonlySet<FaultPipe> {
    return this.livePipes;
  }

  /** REPLACE the whole set (PUT semantics) and apply it to every live pipe and session. */
  set(faults: Faults): void {
    this.current = normalizeFaults(faults);
    for (const pipe of [...this.livePipes]) {
      if (pipe.destroyed) this.livePipes.delete(pipe);
      else pipe.setFaults(this.current);
    }
    for (const s of [...this.sessions]) {
      if (s.closed === true) this.sessions.delete(s);
      else this.applyToSession(s);
    }
  }

  /** = set({}); a freeze clear releases held bytes. */
  clear(): void {
    this.set({});
  }

  /** Pass to HeartbeatServer/HeartbeatClient: each new socket gets a FaultPipe on the current set. */
  readonly pipeFactory: PipeFactory = (socket, deliver) => {
    const pipe = new FaultPipe(socket, deliver, {
      faults: this.current,
      random: this.random,
      onDestroy: (p) => this.livePipes.delete(p),
    });
    if (!pipe.destroyed) this.livePipes.add(pipe);
    return pipe;
  };

  /** Applies dropHeartbeats/stopPinging now and on every later set()/clear(). */
  attachSession(s: FaultableSession): void {
    if (s.closed === true) return;
    // A FaultPipe built elsewhere for this peer's socket should follow this peer's faults too.
    if (s.pipe instanceof FaultPipe && !s.pipe.destroyed && !this.livePipes.has(s.pipe)) {
      this.livePipes.add(s.pipe);
      s.pipe.setFaults(this.current);
    }
    if (!this.sessions.has(s)) {
      this.sessions.add(s);
      s.once?.('closed', () => this.sessions.delete(s));
    }
    this.applyToSession(s);
  }

  /** Stop forwarding to a session (also done automatically on its 'closed' event). */
  detachSession(s: FaultableSession): void {
    this.sessions.delete(s);
  }

  private applyToSession(s: FaultableSession): void {
    s.setDropProbability(this.current.dropHeartbeats?.probability ?? 0);
    s.setPinging(this.current.stopPinging !== true);
  }
}
