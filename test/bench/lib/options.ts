// Command-line flags for `npm run bench -- …`. Defaults are the full run (~22 min here);
// --quick shrinks every count and duration for a ~4-minute run.

export interface BenchOptions {
  quick: boolean;
  only: string[] | null;
  /** cost: connection counts */
  sizes: number[];
  /** cost/scale: seconds of warm-up before measuring, and measured seconds */
  warmupS: number;
  durationS: number;
  /** cost: rounds of the judged implementations (floor, classic, Heartwire); figures are medians */
  costRounds: number;
  /** scale: measured seconds at the largest count */
  scaleDurationS: number;
  /** scale: cap on the connection count (quick runs), null = the fd limit */
  scaleCap: number | null;
  /** detection: frozen-peer trials per mode */
  trials: number;
  /** detection: also time the classic/sweep baselines (default: full run only) */
  detectionBaselines: boolean;
  /** detection: adaptive false-positive run under faults, seconds */
  fpDurationS: number;
  fpPeers: number;
  /** rtt: seconds per measurement round */
  rttDurationS: number;
  /** rtt: idle rounds, each with fresh processes and connections (so fresh timer phases) */
  rttRounds: number;
  /** stall: healthy peers */
  stallPeers: number;
  /** ui: measured seconds with the default chart selection (heap flatness is judged over it) */
  uiDurationS: number;
  /** which servers to measure in cost (default all) */
  impls: string[] | null;
  /** write --cpu-prof profiles of the server children here */
  profileDir: string | null;
  out: string;
}

const SCENARIOS = ['cost', 'scale', 'detection', 'rtt', 'stall', 'ui', 'stream'];

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(a.slice(2), argv[++i]);
    else flags.set(a.slice(2), 'true');
  }
  const quick = flags.get('quick') === 'true';
  const num = (k: string, full: number, q: number): number => {
    const v = flags.get(k);
    if (v === undefined) return quick ? q : full;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number`);
    return n;
  };
  const list = (k: string): string[] | null => (flags.has(k) ? (flags.get(k) as string).split(',').filter(Boolean) : null);
  const only = list('only');
  for (const s of only ?? []) if (!SCENARIOS.includes(s)) throw new Error(`--only: unknown scenario ${s} (${SCENARIOS.join(', ')})`);
  const sizes = list('sizes')?.map(Number) ?? (quick ? [2000] : [1000, 5000, 10_000]);
  if (sizes.some((n) => !(n > 0))) throw new Error('--sizes must be positive counts');
  const profile = flags.get('profile');
  return {
    quick,
    only,
    sizes,
    warmupS: num('warmup', 3, 1.5),
    durationS: num('duration', 10, 4),
    costRounds: Math.round(num('cost-rounds', 3, 1)),
    scaleDurationS: num('scale-duration', 10, 3),
    scaleCap: flags.has('scale-cap') ? num('scale-cap', 0, 0) : quick ? 5000 : null,
    trials: Math.round(num('trials', 100, 30)),
    detectionBaselines: quick ? flags.get('detection-baselines') === 'true' : flags.get('detection-baselines') !== 'false',
    fpDurationS: num('fp-duration', 120, 10),
    fpPeers: Math.round(num('fp-peers', 50, 30)),
    rttDurationS: num('rtt-duration', 6, 3),
    rttRounds: Math.round(num('rtt-rounds', 5, 2)),
    stallPeers: Math.round(num('stall-peers', 1000, 1000)),
    uiDurationS: num('ui-duration', 300, 60),
    impls: list('impls'),
    profileDir: profile === undefined ? null : profile === 'true' ? 'test-artifacts/bench-prof' : profile,
    out: flags.get('out') ?? 'bench-results.json',
  };
}

export const scenarioIds = SCENARIOS;
