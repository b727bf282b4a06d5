// The server under test, in its own process. It measures itself over a window the
// parent opens with 'mark' and closes with 'report': CPU (process.cpuUsage delta),
// event-loop delay (monitorEventLoopDelay), heartbeats completed, false timeouts, and
// memory per connection (RSS/heap after a full GC, against the idle-listening baseline).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { startClassic } from './baselines/classic';
import { startEcho } from './baselines/echo';
import { startFloor } from './baselines/floor';
import { startSweep } from './baselines/sweep';
import type { BenchServer, BenchServerOptions } from './baselines/types';
import { childConfig, sendFatal, sendReady, serveIpc } from './lib/ipc';
import { fdLimit, fullGc, openFds } from './lib/proc';
import { startHeartwire } from './servers/heartwire';
import { startMonitor } from './servers/monitor';

export type ServerImpl = 'heartwire' | 'heartwire-plain' | 'classic' | 'sweep' | 'floor' | 'echo' | 'monitor';

export interface ServerChildConfig extends BenchServerOptions {
  impl: ServerImpl;
  /**
   * Also run the bare 12-byte echo reference (same options) in this process, on a port
   * of its own: the rtt scenario measures Heartwire and its reference side by side in
   * one server process against one load-client process. Its sockets stay quiet until
   * 'phaseEcho' gives them their send phases (see scenarios/rtt.ts).
   */
  companionEcho?: boolean;
}

export interface ServerReady {
  port: number;
  pid: number;
  fdLimit: { soft: number; hard: number } | null;
  openFds: number;
  baseRss: number;
  baseHeap: number;
  /** port of the companion echo (companionEcho only) */
  echoPort?: number;
}

export interface ServerReport {
  elapsedMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  heartbeats: number;
  /** server-declared deaths during the window */
  timeouts: number;
  connections: number;
  /** event-loop delay beyond the sampling timer's own period, ms */
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  rss: number;
  heapUsed: number;
  closes: Record<string, number>;
}

const ELD_RESOLUTION_MS = 10;

function start(cfg: ServerChildConfig): Promise<BenchServer> {
  switch (cfg.impl) {
    case 'classic':
      return startClassic(cfg);
    case 'sweep':
      return startSweep(cfg);
    case 'floor':
      return startFloor(cfg);
    case 'echo':
      return startEcho(cfg);
    case 'heartwire':
      return startHeartwire('framed', cfg);
    case 'heartwire-plain':
      return startHeartwire('plain', cfg);
    case 'monitor':
      return startMonitor(cfg);
  }
}

async function main(): Promise<void> {
  const cfg = childConfig<ServerChildConfig>();
  const server = await start(cfg);
  const echo = cfg.companionEcho ? await startEcho({ ...cfg, port: 0, phases: 'external' }) : null;
  fullGc();
  const base = process.memoryUsage();

  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let hb0 = 0;
  let to0 = 0;
  let eld: IntervalHistogram | null = null;

  serveIpc({
    mark: () => {
      eld?.disable();
      eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
      eld.enable();
      const s = server.stats();
      hb0 = s.heartbeats;
      to0 = s.timeouts;
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      return { connections: s.connections };
    },
    report: (): ServerReport => {
      const cpu = process.cpuUsage(cpu0);
      const elapsedMs = performance.now() - t0;
      const s = server.stats();
      eld?.disable();
      const excess = (ns: number): number => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
      const h = eld;
      fullGc();
      const mem = process.memoryUsage();
      return {
        elapsedMs,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        heartbeats: s.heartbeats - hb0,
        timeouts: s.timeouts - to0,
        connections: s.connections,
        eldP50Ms: h && h.count > 0 ? excess(h.percentile(50)) : 0,
        eldP99Ms: h && h.count > 0 ? excess(h.percentile(99)) : 0,
        eldMaxMs: h && h.count > 0 ? excess(h.max) : 0,
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        closes: s.closes,
      };
    },
    stats: () => server.stats(),
    /** Diagnostics: V8 heap spaces after a full GC (and a heap snapshot when m.snapshot names a file). */
    memory: (m) => {
      fullGc();
      if (typeof m.snapshot === 'string') writeHeapSnapshot(m.snapshot);
      return {
        ...process.memoryUsage(),
        spaces: getHeapSpaceStatistics().map((sp) => ({ name: sp.space_name, size: sp.space_size, used: sp.space_used_size })),
      };
    },
    rtt: () => server.takeRttSamples?.() ?? [],
    echoRtt: () => echo?.takeRttSamples?.() ?? [],
    /** Companion echo: socket i pings at phasesMs[i mod n] (mod interval, this process's performance.now()). */
    phaseEcho: (m) => {
      const phasesMs = (m.phasesMs as unknown[]).map(Number).filter(Number.isFinite);
      echo?.setPhases(phasesMs);
      return { sockets: phasesMs.length };
    },
    stream: (m) => {
      if (!server.stream) throw new Error(`${cfg.impl} has no update stream`);
      return server.stream(Number(m.ms));
    },
    /** Blocks this process's event loop (scenario 5). */
    stall: (m) => {
      const ms = Number(m.ms);
      const end = performance.now() + ms;
      while (performance.now() < end) {
        /* busy: the point is that nothing else runs */
      }
      return { stalledMs: ms };
    },
    stop: async () => {
      setTimeout(() => process.exit(0), 1000).unref();
      await Promise.all([server.close().catch(() => undefined), echo?.close().catch(() => undefined)]);
      setImmediate(() => process.exit(0));
      return {};
    },
  });

  const ready: ServerReady = {
    port: server.port,
    pid: process.pid,
    fdLimit: fdLimit(),
    openFds: openFds(),
    baseRss: base.rss,
    baseHeap: base.heapUsed,
    ...(echo ? { echoPort: echo.port } : {}),
  };
  sendReady(ready as unknown as Record<string, unknown>);
}

main().catch(sendFatal);
