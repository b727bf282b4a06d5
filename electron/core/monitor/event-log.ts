// Bounded log of LogEvents with increasing sequence numbers (1, 2, …). Old events
// fall off the front once `capacity` is reached; seq numbers never restart, so a
// reader polling with eventsSince(cursor) can tell it missed some.
import type { LogEvent } from '../../../shared/contract';

export type NewLogEvent = Omit<LogEvent, 'seq' | 't'> & { t?: number };

export class EventLog {
  private ring: (LogEvent | undefined)[];
  private head = 0; // next write index
  private _count = 0;
  private nextSeq = 1;

  constructor(capacity: number, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.ring = new Array(capacity);
  }

  get capacity(): number {
    return this.ring.length;
  }

  get count(): number {
    return this._count;
  }

  /** seq of the newest event (0 when none was ever logged). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  append(e: NewLogEvent): LogEvent {
    const { t, ...rest } = e;
    const ev: LogEvent = { seq: this.nextSeq++, t: t ?? this.now(), ...rest };
    this.ring[this.head] = ev;
    this.head = (this.head + 1) % this.ring.length;
    if (this._count < this.ring.length) this._count++;
    return ev;
  }

  private at(i: number): LogEvent {
    const cap = this.ring.length;
    return this.ring[(this.head - this._count + i + cap) % cap] as LogEvent;
  }

  /** All kept events, oldest first. */
  all(): LogEvent[] {
    return this.since(0).events;
  }

  /**
   * Kept events with seq > `seq`, oldest first. `next` is the cursor to pass back
   * next time (the newest seq so far), so polling never repeats or skips a kept event.
   */
  since(seq: number): { events: LogEvent[]; next: number } {
    const oldest = this._count === 0 ? this.nextSeq : this.at(0).seq;
    // seqs are consecutive in the ring, so the start index is arithmetic.
    const start = Math.max(0, Math.min(this._count, Math.floor(seq) + 1 - oldest));
    const events: LogEvent[] = new Array(this._count - start);
    for (let i = start; i < this._count; i++) events[i - start] = this.at(i);
    return { events, next: this.lastSeq };
  }

  /** New capacity, keeping the newest events that fit. */
  resize(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    if (capacity === this.ring.length) return;
    const keep = Math.min(this._count, capacity);
    const ring: (LogEvent | undefined)[] = new Array(capacity);
    for (let i = 0; i < keep; i++) ring[i] = this.at(this._count - keep + i);
    this.ring = ring;
    this._count = keep;
    this.head = keep % capacity;
  }
}
