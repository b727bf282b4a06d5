// Which ping group (50 ms slot of a 1 s interval) each server session pings in, on a
// manual scheduler: the first sessions take different groups, and once there are many,
// consecutively accepted sessions share a group in runs (memory locality) while the
// groups stay about equally full.
import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../../electron/core/heartbeat/scheduler';
import type { HeartbeatSession } from '../../../electron/core/heartbeat/session';
import { Cleanup, rawConnect, startServer, waitFor } from './heartbeat-helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const INTERVAL = 1000;
const GROUP_MS = 50;

/** A server on a manual scheduler whose clock stands at 0 until ping groups are read. */
async function manualServer() {
  let now = 0;
  const sched = new Scheduler({ manual: true, clock: () => now });
  const srv = await startServer(cleanup, { intervalMs: INTERVAL, timeoutMs: 5 * INTERVAL, scheduler: sched });
  /** Opens `n` raw peers one after the other (so sessions are created in that order). */
  const open = async (n: number): Promise<HeartbeatSession[]> => {
    const first = srv.sessions.length;
    for (let i = 0; i < n; i++) {
      await rawConnect(cleanup, srv.port);
      await waitFor(() => srv.sessions.length === first + i + 1, 2000, `session ${first + i}`);
    }
    return srv.sessions.slice(first);
  };
  /** Group index (0…19) of each session's next ping, by stepping one interval group by group. */
  const groups = (sessions: HeartbeatSession[]): number[] => {
    const base = now;
    const sent = sessions.map((s) => s.counters.pingsSent);
    const out: number[] = sessions.map(() => -1);
    for (let g = 0; g < INTERVAL / GROUP_MS; g++) {
      now = base + (g + 1) * GROUP_MS;
      sched.advance(now);
      sessions.forEach((s, i) => {
        if (out[i] < 0 && s.counters.pingsSent > sent[i]) out[i] = g;
      });
    }
    return out;
  };
  return { open, groups };
}

describe('ping groups', () => {
  it('a few sessions ping in different groups; many share groups in runs of consecutive sessions', async () => {
    const { open, groups } = await manualServer();
    const sessions = await open(120);
    const g = groups(sessions);
    expect(g.every((x) => x >= 0)).toBe(true);
    // The first sessions are spread: no two of the first eight share a group.
    expect(new Set(g.slice(0, 8)).size).toBe(8);
    // Later ones come in runs: most neighbours share their group.
    let same = 0;
    for (let i = 60; i < 119; i++) if (g[i] === g[i + 1]) same++;
    expect(same).toBeGreaterThan(30);
    // Every group is used, none holds more than twice its share.
    const counts = new Array<number>(INTERVAL / GROUP_MS).fill(0);
    for (const x of g) counts[x]++;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual((2 * 120 * GROUP_MS) / INTERVAL);
  });

  it('runs shrink again when sessions close: a new handful is spread over different groups', async () => {
    const { open, groups } = await manualServer();
    const many = await open(60);
    for (const s of many) s.close();
    const few = await open(6);
    expect(new Set(groups(few)).size).toBe(6);
  });
});
