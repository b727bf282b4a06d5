// Lets every baseline run on its own: `npx tsx test/bench/baselines/classic.ts --port 7001`.
import { pathToFileURL } from 'node:url';
import type { BenchServerFactory } from './types';

export function runIfMain(moduleUrl: string, factory: BenchServerFactory): void {
  const entry = process.argv[1];
  if (!entry || moduleUrl !== pathToFileURL(entry).href) return;
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  void factory({ port: arg('port', 0), intervalMs: arg('interval', 1000), timeoutMs: arg('timeout', 5000) }).then((s) => {
    console.log(`listening on 127.0.0.1:${s.port}`);
    setInterval(() => console.log(JSON.stringify(s.stats())), 1000);
  });
}
