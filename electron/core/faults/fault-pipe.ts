// Pipe implementation that applies a peer's byte faults (DESIGN §5) on our side of
// one socket. Outbound: write → lane (latency, bandwidth, freeze) → slicer → socket.
// Inbound: socket 'data' → lane (latency, bandwidth, freeze) → deliver. With no
// fault set and nothing queued, bytes bypass every stage: 'data' is wired straight
// to deliver and write() goes straight to socket.write.
import type { Socket } from 'node:net';
import type { Faults } from '../../../shared/contract';
import type { Pipe } from '../heartbeat/pipe';
import { Lane, type LaneConfig } from './lane';
import { Slicer } from './slicer';
import { appliesTo, normalizeFaults } from './normalize';

/** Inbound bytes queued (e.g. under latency) above which we stop reading the socket. */
export const INBOUND_HIGH_WATER_BYTES = 4 * 1024 * 1024;

export interface FaultPipeOptions {
  faults?: Faults;
  /** uniform [0,1) source for jitter; default Math.random */
  random?: () => number;
  /** called once when the pipe is destroyed (by its owner or because the socket closed) */
  onDestroy?: (pipe: FaultPipe) => void;
}

export class FaultPipe implements Pipe {
  private readonly inLane: Lane;
  private readonly outLane: Lane;
  private readonly slicer: Slicer;
  private current: Faults = {};
  private inFast = true;
  private outFast = true;
  private pausedByUs = false;
  private dead = false;
  /** Waiting to tell the session that everything read before the peer's FIN was delivered. */
  private inboundDone: (() => void) | null = null;
  /** end() was called: flushing outbound bytes, then FIN. */
  private ending = false;

  constructor(
    private readonly socket: Socket,
    private readonly deliver: (chunk: Buffer) => void,
    private readonly opts: FaultPipeOptions = {},
  ) {
    const random = opts.random ?? Math.random;
    this.inLane = new Lane({ sink: this.deliverOut, onChange: this.refresh, random });
    this.outLane = new Lane({ sink: this.toSlicer, onChange: this.refresh, random });
    this.slicer = new Slicer(this.writeSocket, this.refresh);
    socket.on('data', deliver);
    socket.once('close', this.onSocketClose);
    this.setFaults(opts.faults ?? {});
  }

  get faults(): Faults {
    return normalizeFaults(this.current);
  }
  get destroyed(): boolean {
    return this.dead;
  }
  /** Outbound bytes accepted by write() but not yet handed to the socket. */
  get bufferedBytes(): number {
    return this.outLane.queuedBytes + this.slicer.queuedBytes;
  }
  /** Inbound bytes read from the socket but not yet delivered. */
  get inboundBufferedBytes(): number {
    return this.inLane.queuedBytes;
  }
  /** True while the socket is paused by this pipe (freeze, inbound pacing, high water). */
  get readingPaused(): boolean {
    return this.pausedByUs;
  }
  /** Timers/immediates currently armed by this pipe (0 once destroyed). */
  get pendingTimers(): number {
    return (this.inLane.timerArmed ? 1 : 0) + (this.outLane.timerArmed ? 1 : 0) + (this.slicer.scheduled ? 1 : 0);
  }

  /** Replace the fault set live; queued bytes keep their order. */
  setFaults(faults: Faults): void {
    if (this.dead) return;
    const f = normalizeFaults(faults);
    this.current = f;
    const frozen = f.freeze === true;
    const laneConfig = (dir: 'in' | 'out'): LaneConfig => {
      const lat = f.latency && appliesTo(f.latency.direction, dir) ? f.latency : undefined;
      const ms = lat ? Math.max(0, finite(lat.ms)) : 0;
      const jitterMs = lat ? Math.max(0, finite(lat.jitterMs ?? 0)) : 0;
      const bw = f.bandwidth && appliesTo(f.bandwidth.direction, dir) ? f.bandwidth.bytesPerSec : undefined;
      return {
        latency: ms > 0 || jitterMs > 0 ? { ms, jitterMs } : null,
        bytesPerSec: bw !== undefined && Number.isFinite(bw) && bw > 0 ? bw : null,
        frozen,
      };
    };
    const max = f.slice ? Math.floor(finite(f.slice.maxBytes)) : 0;
    // Leave passthrough before any stage can queue bytes.
    this.outFast = false;
    this.setInboundListener(false);
    // Slicer first: on unfreeze its backlog must go out before what the lane releases.
    this.slicer.configure(max >= 1 ? max : null, frozen);
    if (this.dead) return;
    this.outLane.configure(laneConfig('out'));
    if (this.dead) return;
    this.inLane.configure(laneConfig('in'));
    if (this.dead) return;
    this.refresh();
  }

  write(chunk: Buffer): void {
    if (this.outFast) {
      // After the peer's FIN Node has ended our side, while inbound bytes may still be delivered.
      if (!this.socket.writableEnded) this.socket.write(chunk);
      return;
    }
    if (this.dead) return;
    // Queued bytes outlive this call: copy, so a caller reusing its buffer cannot corrupt them.
    this.outLane.push(Buffer.from(chunk));
  }

  finishInbound(done: () => void): void {
    if (this.dead || this.inLane.empty) {
      done();
      return;
    }
    this.inboundDone = done;
  }

  end(): void {
    if (this.dead) return;
    this.ending = true;
    // The session is closed: nothing more is delivered to it.
    this.inLane.destroy();
    this.socket.off('data', this.deliver);
    this.socket.off('data', this.onData);
    this.inFast = false;
    this.refresh();
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    this.inLane.destroy();
    this.outLane.destroy();
    this.slicer.destroy();
    this.socket.off('data', this.deliver);
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onSocketClose);
    // Hand the socket back unpaused: a socket left paused by a freeze would never read
    // the peer's FIN, so a graceful close of it would hang. This is the last touch.
    if (this.pausedByUs && !this.socket.destroyed) this.socket.resume();
    this.pausedByUs = false;
    this.inFast = false;
    this.outFast = false;
    this.opts.onDestroy?.(this);
  }

  /** Recompute passthrough and socket pause state after any change. */
  private readonly refresh = (): void => {
    if (this.dead) return;
    if (this.ending) {
      this.endWhenFlushed();
      return;
    }
    if (this.inboundDone !== null && this.inLane.empty) {
      const done = this.inboundDone;
      this.inboundDone = null;
      done(); // the session finishes and destroys this pipe
      return;
    }
    const inLane = this.inLane;
    this.setInboundListener(!inLane.active && inLane.empty);
    this.outFast = !this.outLane.active && this.outLane.empty && !this.slicer.active && this.slicer.empty;
    const frozen = this.current.freeze === true;
    const wantPause = frozen || inLane.blockedOnTokens || inLane.queuedBytes >= INBOUND_HIGH_WATER_BYTES;
    if (wantPause !== this.pausedByUs) {
      this.pausedByUs = wantPause;
      if (wantPause) this.socket.pause();
      else this.socket.resume();
    }
  };

  private endWhenFlushed(): void {
    if (!this.outLane.empty || !this.slicer.empty) return;
    const socket = this.socket;
    this.destroy();
    if (!socket.destroyed) socket.end();
  }

  private setInboundListener(fast: boolean): void {
    if (fast === this.inFast) return;
    if (fast) {
      this.socket.off('data', this.onData);
      this.socket.on('data', this.deliver);
    } else {
      this.socket.off('data', this.deliver);
      this.socket.on('data', this.onData);
    }
    this.inFast = fast;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.inLane.push(chunk);
  };

  private readonly deliverOut = (chunk: Buffer): void => {
    this.deliver(chunk);
  };

  private readonly toSlicer = (chunk: Buffer): void => {
    if (this.slicer.active || !this.slicer.empty) this.slicer.push(chunk);
    else this.writeSocket(chunk);
  };

  private readonly writeSocket = (chunk: Buffer): void => {
    const s = this.socket;
    // The owner ended or destroyed the socket while bytes were queued: nothing can carry them.
    if (this.dead || s.destroyed || s.writableEnded) return;
    s.write(chunk);
  };

  private readonly onSocketClose = (): void => {
    // Still delivering what the peer sent before its FIN: the session destroys us when done.
    if (this.inboundDone !== null) return;
    this.destroy();
  };
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
