// `npm run bench [-- --quick] [--only cost,rtt] [--sizes 1000,5000] [--duration 10] …`
// Runs each scenario against baselines in the same run on the same machine and prints
// ratios, so a loaded machine moves both sides of every comparison. Writes the same
// tables to bench-results.json. Not part of `npm test`.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseOptions, scenarioIds, type BenchOptions } from './lib/options';
import { renderScenario, summarize, type ScenarioResult } from './lib/report';
import { runCost } from './scenarios/cost';
import { runDetection } from './scenarios/detection';
import { runRtt } from './scenarios/rtt';
import { runScale } from './scenarios/scale';
import { runStall } from './scenarios/stall';
import { runStream } from './scenarios/stream';
import { runUi } from './scenarios/ui';

type Runner = (o: BenchOptions, log: (s: string) => void) => Promise<ScenarioResult>;

const RUNNERS: Record<string, { title: string; run: Runner }> = {
  cost: { title: 'Cost per heartbeat', run: runCost },
  scale: { title: 'Scale to the fd limit', run: runScale },
  detection: { title: 'Detection time of a frozen peer', run: runDetection },
  rtt: { title: 'RTT accuracy', run: runRtt },
  stall: { title: 'Event-loop stall', run: runStall },
  ui: { title: 'UI throughput in Chromium', run: runUi },
  stream: { title: 'Stream cost (update batch for 1 000 changed peers)', run: runStream },
};

/** 1-minute load average and a short busy-loop probe, to say how noisy the machine was. */
function machineNoise(): { loadavg1: number; cores: number; probeSlowdown: number } {
  const probe = (): number => {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < 2e7; i++) x = (x + i * 7) % 1_000_003;
    if (x < 0) console.log(x);
    return performance.now() - t;
  };
  const samples = [probe(), probe(), probe(), probe(), probe()].sort((a, b) => a - b);
  return { loadavg1: loadavg()[0], cores: cpus().length, probeSlowdown: samples[4] / samples[0] };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const ids = o.only ?? scenarioIds;
  const log = (s: string): void => console.error(`[bench] ${s}`);
  const started = Date.now();
  const noiseBefore = machineNoise();
  log(`machine: ${noiseBefore.cores} cores, load ${noiseBefore.loadavg1.toFixed(2)}; scenarios: ${ids.join(', ')}${o.quick ? ' (quick)' : ''}`);
  const results: ScenarioResult[] = [];
  for (const id of ids) {
    const r = RUNNERS[id];
    const t0 = Date.now();
    let res: ScenarioResult;
    try {
      res = await r.run(o, log);
    } catch (err) {
      res = { id, title: r.title, status: 'error', reason: (err as Error).stack ?? String(err), params: {}, tables: [] };
    }
    res.durationMs = Date.now() - t0;
    results.push(res);
    console.log(renderScenario(res));
  }
  const noiseAfter = machineNoise();
  const sum = summarize(results);
  const doc = {
    when: new Date(started).toISOString(),
    node: process.version,
    options: o,
    machine: { before: noiseBefore, after: noiseAfter },
    durationS: (Date.now() - started) / 1000,
    summary: sum,
    scenarios: results,
  };
  writeFileSync(o.out, JSON.stringify(doc, null, 2));
  console.log(
    `\nSummary: ${sum.pass} PASS, ${sum.miss} MISS${sum.notRun.length ? `; not run: ${sum.notRun.join('; ')}` : ''}` +
      `\nMachine load ${noiseBefore.loadavg1.toFixed(2)} → ${noiseAfter.loadavg1.toFixed(2)} (1-min avg on ${noiseBefore.cores} cores); ` +
      `CPU probe spread ${noiseBefore.probeSlowdown.toFixed(2)}×/${noiseAfter.probeSlowdown.toFixed(2)}× (1.0 = quiet). ` +
      `Written ${o.out} in ${doc.durationS.toFixed(0)} s.`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
