// Scenario 6 — UI throughput in Chromium. Needs the renderer (being written); until it
// exists this reports "not run yet" rather than a number.
import type { BenchOptions } from '../lib/options';
import type { ScenarioResult } from '../lib/report';
import { rendererAvailable } from '../servers/engine';

export async function runUi(_o: BenchOptions): Promise<ScenarioResult> {
  return {
    id: 'ui',
    title: 'UI throughput in Chromium',
    status: 'not-run',
    reason: rendererAvailable()
      ? 'not run yet: the renderer exists but this harness has no Chromium driver for it yet'
      : 'not run yet: renderer/ does not exist yet',
    params: {},
    tables: [],
  };
}
