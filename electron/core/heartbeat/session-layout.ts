// Where a heartbeat session keeps its numbers: one block of a shared Float64 slab (see
// RingPool) per session — slots below, then (framed) the outstanding-ping rings — and
// one block of a shared Float32 slab for its RTT and phi windows. Fields of their own
// would cost a boxed number per double and an object per statistic, for each of
// thousands of connections.
import { FloatBlockPool, PHI_STATE, RTT_ESTIMATOR_STATE, RTT_WINDOW_STATE } from '../../../shared/stats';

/** Heartbeat inter-arrival times kept per session for phi (128 bytes as 32-bit floats). */
export const SESSION_PHI_WINDOW = 32;
/**
 * RTT samples kept per session for percentiles: the last minute at the default 1 s
 * interval (p99 = the largest, p95 the 4th largest). The whole window costs 256 bytes
 * per connection; per-connection memory is what limits how many peers one process
 * watches, and the 'rtt' event carries every sample for longer histories.
 */
export const SESSION_RTT_WINDOW = 64;
/**
 * Both windows of a session live in one block of a shared slab (no typed array, no
 * ArrayBuffer, no native backing store per session); a closed session moves its samples
 * into an array of its own and its block goes to the next session.
 */
export const WINDOW_FLOATS = SESSION_RTT_WINDOW + SESSION_PHI_WINDOW;
export const windowPool = new FloatBlockPool(WINDOW_FLOATS);

// A session's numbers live in one Float64 block (see RingPool), not in fields: a double
// field costs a boxed number per session, and the statistics objects (rtt, estimator,
// phiDetector) exist only once read, as views of the same block. Slots:
export const S_LAST_RECV = 0;
export const S_PAUSED_AT_RECV = 1;
/** exact due time of the next ping (Infinity: this side does not ping) */
export const S_NEXT_PING = 2;
/** when the deadline is checked next (Infinity: not armed) */
export const S_CHECK_AT = 3;
/** plain server: send time of the one outstanding 'ping', -1 when none */
export const S_PLAIN_PING_AT = 4;
/** ping seq of the last PING sent, and of the oldest one that may still be outstanding */
export const S_SEQ = 5;
export const S_OLDEST = 6;
/** adaptive probes sent since the last frame from the peer (see probeDueMs) */
export const S_PROBES = 7;
/** fault: probability of dropping a received PING/PONG */
export const S_DROP_P = 8;
/** both ends' ports (-1: unknown) */
export const S_LOCAL_PORT = 9;
export const S_REMOTE_PORT = 10;
/** Date.now() when the session started */
export const S_STARTED = 11;
export const S_RTT = 12;
export const S_EST = S_RTT + RTT_WINDOW_STATE;
export const S_PHI = S_EST + RTT_ESTIMATOR_STATE;
/** scalars per session; framed sessions' outstanding-ping rings follow them */
export const SESSION_SCALARS = S_PHI + PHI_STATE;

/**
 * The listener table of a session's EventEmitter. Node's own is a null-prototype
 * literal, which V8 keeps in dictionary mode (~180 bytes per emitter); an instance of a
 * function whose prototype is an empty null-prototype object behaves the same for
 * EventEmitter (own string keys only, nothing inherited) and stays a small fast object.
 */
export const EventsTable = function EventsTable(): void {} as unknown as new () => object;
EventsTable.prototype = Object.create(null) as object;
