// Drives the built renderer in Debian's Chromium: serves out/renderer on 127.0.0.1, injects
// the fake window.heartwire, pushes one UpdateBatch per tick from Node and reads Chrome's
// own main-thread accounting after each batch's frame. The baselines (reference-page.ts)
// are measured the same way, from a directory of their own.
//
// Why Performance.getMetrics deltas: TaskDuration is the renderer main thread's cumulative
// busy time as Blink counts it (every task: script, microtasks, style, layout, paint
// recording, GC in tasks), with ScriptDuration / LayoutDuration / RecalcStyleDuration as
// sub-totals. Reading it after each batch's frame (two rAFs later) gives contiguous windows
// that together cover ALL main-thread time of the run — including work the UI defers on
// purpose (the table re-renders at most every 250 ms, the beat strips paint every 250 ms),
// which lands in a later window rather than being missed. It needs no trace parsing and
// adds ~0.1 ms of CDP work per window, which the idle windows (no batch) measure. A
// performance.now() stopwatch around the push would see only the synchronous store update,
// not React's commit, the chart's rAF or the layout that follows.
import { CHROMIUM, launchChromium } from '../../helpers/chromium';
import { type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FAKE, installFakeHeartwire, type BenchHooks, type FakeConfig } from './fake-heartwire';
import { startStaticServer, type StaticServer } from './static-server';
import { summarizeTrace, type TraceEvent, type TraceSummary } from './trace-summary';
import { installReferencePage, type ReferenceConfig } from './reference-page';
import { SLOTS } from '../../../renderer/src/hooks/use-throttled';

export { CHROMIUM };
const STEP_TIMEOUT_MS = 15_000;
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'cc', 'v8.execute'];
const LOAD_TIMEOUT_MS = 60_000;

export interface PhaseSpec {
  label: string;
  /** peers ticked for the chart (the first N rows; the app's default is 3) */
  charted: number;
  warmupS: number;
  durationS: number;
  /** heap samples (forced GC) spread over the measured run, including start and end */
  heapPoints: number;
  /** a CPU profile of this many seconds, after the measured run, into profileDir … */
  profileS?: number;
  profileDir?: string | null;
  /** … always, or only when the measured p95 missed the target */
  profileAlways?: boolean;
  /** development aid: CSS added after load (e.g. to hide a panel and see what it costs) */
  extraCss?: string;
  /** a Chrome trace of this many seconds (always, after the run), summarised per event name */
  traceS?: number;
  /**
   * Load the reference page (reference-page.ts) instead of the app, laid out like the app
   * of the phase before it (rows, log rows and chart size measured there), with its live
   * text as DOM text or drawn on canvases.
   */
  reference?: ReferenceConfig['text'];
}

/** What the app shows in its default layout: the reference page copies it. */
export interface AppGeometry {
  rows: number;
  logRows: number;
  chartW: number;
  chartH: number;
}

/** Which of the UI's refresh passes (renderer SLOTS) fell in a window, if any. */
export type Pass = 'table' | 'chart' | 'log' | 'none';

export interface Window {
  /** set for measured windows: see passIn */
  pass?: Pass;
  taskMs: number;
  /** the main thread's CPU time (ThreadTime): unlike taskMs, not inflated when the OS runs another process */
  cpuMs: number;
  /** handling the harness's own DevTools commands (evaluate, getMetrics), part of taskMs */
  devtoolsMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
}

export interface HeapPoint {
  /** seconds since the measured run started */
  s: number;
  usedBytes: number;
  /** ArrayBuffer backing stores (the sample rings live there), outside usedBytes */
  backingBytes: number;
  nodes: number;
  jsListeners: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  top: { fn: string; where: string; selfMs: number; pct: number }[];
}

export interface PhaseResult {
  label: string;
  charted: number;
  chartLabel: string;
  following: boolean;
  batches: number;
  wallS: number;
  /** ticks that started more than one interval late (the page or the machine fell behind) */
  lateTicks: number;
  idle: Window[];
  windows: Window[];
  heap: HeapPoint[];
  delivered: number;
  tableUpdated: boolean;
  profile: ProfileSummary | null;
  trace: (TraceSummary & { file: string; batches: number }) | null;
  /** measured in the app (null for the reference page) */
  geometry: AppGeometry | null;
}

type Metrics = Record<string, number>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`ui bench: ${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await withTimeout(cdp.send('Performance.getMetrics'), STEP_TIMEOUT_MS, 'Performance.getMetrics');
  const out: Metrics = {};
  for (const m of list) out[m.name] = m.value;
  return out;
}

function delta(a: Metrics, b: Metrics): Window {
  const d = (k: string) => Math.max(0, ((b[k] ?? 0) - (a[k] ?? 0)) * 1000);
  return { taskMs: d('TaskDuration'), scriptMs: d('ScriptDuration'), layoutMs: d('LayoutDuration'), styleMs: d('RecalcStyleDuration'), cpuMs: d('ThreadTime'), devtoolsMs: d('DevToolsCommandDuration') };
}

const pad = (n: number) => String(n).padStart(3, '0');

/** A pass's work (timer, render, frame) lands this long after its slot's wall-clock time. */
const PASS_LAG_MS = 10;

/**
 * The refresh pass whose slot time (+ PASS_LAG_MS) falls in the wall-clock window
 * [fromMs, toMs): the app runs its passes on a fixed wall-clock grid (SLOTS), so the
 * harness can tell which one each window carried without any hook in the app. Slots are
 * 125 ms apart and windows ~100 ms long, so a window holds at most one.
 */
export function passIn(fromMs: number, toMs: number): Pass {
  let found: Pass = 'none';
  let at = Infinity;
  for (const [name, slot] of Object.entries(SLOTS) as [Exclude<Pass, 'none'>, { ms: number; phase: number }][]) {
    // The first slot time t ≥ fromMs − lag (t ≡ phase mod ms).
    const from = fromMs - PASS_LAG_MS;
    const t = from + ((((slot.phase - from) % slot.ms) + slot.ms) % slot.ms);
    if (t + PASS_LAG_MS < toMs && t < at) {
      at = t;
      found = name;
    }
  }
  return found;
}

/** The init script: the fake API plus a no-op for the `__name` helper tsx adds to function source. */
function initScript(cfg: FakeConfig): string {
  return `var __name = (f) => f;\n(${installFakeHeartwire.toString()})(${JSON.stringify(cfg)});`;
}

/** A fresh 1440×900 page with the fake API, loaded from `url`; page errors are collected. */
async function loadPage(browser: Browser, url: string, cfg: FakeConfig): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript({ content: initScript(cfg) });
  await page.goto(url, { timeout: LOAD_TIMEOUT_MS });
  return { context, page, errors };
}

async function openApp(browser: Browser, url: string, spec: PhaseSpec, cfg: FakeConfig): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; chartLabel: string; following: boolean; geometry: AppGeometry }> {
  const { context, page, errors } = await loadPage(browser, url, cfg);
  // The snapshot (100 × 3 600 samples) is applied: the table counts every peer and shows its
  // rows (windowed: only those in view are in the DOM).
  await page.waitForFunction(
    (n) => document.querySelector('.peers-panel .count')?.textContent === String(n) && document.querySelectorAll('.peer-row').length > 0,
    cfg.peers,
    { timeout: LOAD_TIMEOUT_MS },
  );
  if (errors.length) throw new Error(`page error: ${errors[0]}`);
  const status = await page.getByTestId('connection-status').innerText();
  if (!/IPC connected/.test(status)) throw new Error(`the app did not take the fake Electron transport (status: ${status})`);
  for (let i = 3; i < spec.charted; i++) await page.getByRole('checkbox', { name: `Chart peer-${pad(i)}`, exact: true }).check();
  const chartLabel = `RTT chart of ${spec.charted} peer${spec.charted === 1 ? '' : 's'}`;
  await page.getByRole('img', { name: chartLabel, exact: true }).waitFor();
  // Following live: not paused, and the 1-minute window (the default) is on.
  const following =
    (await page.getByRole('button', { name: 'Pause chart' }).count()) === 1 &&
    (await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '1 min' }).getAttribute('aria-pressed')) === 'true';
  if (spec.extraCss) await page.addStyleTag({ content: spec.extraCss });
  // A string, not a function: tsx would wrap the inner helper in its `__name`, which the app page lacks.
  const geometry = (await page.evaluate(`(() => {
    const inView = (rowSel, boxSel) => {
      const box = document.querySelector(boxSel)?.getBoundingClientRect();
      if (!box) return 0;
      return [...document.querySelectorAll(rowSel)].filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > box.top && b.top < box.bottom;
      }).length;
    };
    const canvas = document.querySelector('.chart-panel canvas');
    return { rows: inView('.peer-row', '.table-scroll'), logRows: inView('.event', '.event-scroll'), chartW: canvas?.clientWidth ?? 0, chartH: canvas?.clientHeight ?? 0 };
  })()`)) as AppGeometry;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, page, cdp, chartLabel, following, geometry };
}

/** The reference page, laid out like the app (see reference-page.ts). */
async function openReference(browser: Browser, url: string, cfg: FakeConfig): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession }> {
  const { context, page, errors } = await loadPage(browser, url, cfg);
  await page.waitForFunction(() => document.body.dataset.ready === 'yes', undefined, { timeout: LOAD_TIMEOUT_MS });
  if (errors.length) throw new Error(`reference page error: ${errors[0]}`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, page, cdp };
}

/** The reference page's HTML for one phase: its script is the page's whole program. */
export function referenceHtml(ref: ReferenceConfig): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Heartwire UI benchmark: reference page</title></head><body><script>var __name = (f) => f;\n(${installReferencePage.toString()})(${JSON.stringify(ref)});</script></body></html>`;
}

async function heapPoint(cdp: CDPSession, s: number): Promise<HeapPoint> {
  // Two collections: the first may only schedule finalisation of what it found.
  await withTimeout(cdp.send('HeapProfiler.collectGarbage'), STEP_TIMEOUT_MS, 'collectGarbage');
  await withTimeout(cdp.send('HeapProfiler.collectGarbage'), STEP_TIMEOUT_MS, 'collectGarbage');
  const h = (await withTimeout(cdp.send('Runtime.getHeapUsage'), STEP_TIMEOUT_MS, 'getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  const m = await metrics(cdp);
  return { s, usedBytes: h.usedSize, backingBytes: h.backingStorageSize ?? 0, nodes: m.Nodes ?? 0, jsListeners: m.JSEventListeners ?? 0 };
}

const pushAndFrame = (page: Page) =>
  withTimeout(
    page.evaluate(() => {
      const w = window as unknown as BenchHooks;
      w.__benchPush();
      return w.__benchFrames();
    }),
    STEP_TIMEOUT_MS,
    'a batch and its frames',
  );

const frameOnly = (page: Page) => withTimeout(page.evaluate(() => (window as unknown as BenchHooks).__benchFrames()), STEP_TIMEOUT_MS, 'frames');

async function summarizeProfile(profile: CpuProfile, file: string): Promise<ProfileSummary> {
  const self = new Map<string, { fn: string; where: string; us: number }>();
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd] as const));
  const dt = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  let total = 0;
  for (const [id, us] of dt) {
    const nd = byId.get(id);
    if (!nd) continue;
    const cf = nd.callFrame;
    if (cf.functionName === '(idle)') continue;
    const file = cf.url ? cf.url.replace(/^.*\//, '') : '';
    const where = file ? `${file}:${cf.lineNumber + 1}:${cf.columnNumber + 1}` : '';
    const key = `${cf.functionName}|${where}`;
    const e = self.get(key) ?? { fn: cf.functionName || '(anonymous)', where, us: 0 };
    e.us += us;
    self.set(key, e);
    total += us;
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, 15)
    .map((e) => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, pct: total ? (100 * e.us) / total : 0 }));
  return { file, totalMs: total / 1000, top };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? 0;
}

async function runPhase(browser: Browser, url: string, spec: PhaseSpec, cfg: FakeConfig, targetMs: number, log: (s: string) => void): Promise<PhaseResult> {
  const { context, page, cdp, chartLabel, following, geometry } = spec.reference
    ? { ...(await openReference(browser, url, cfg)), chartLabel: `reference page (${spec.reference} text), ${spec.charted} peers charted`, following: true, geometry: null }
    : await openApp(browser, url, spec, cfg);
  /** names this phase's profile and trace files */
  const slug = spec.reference ? `reference-${spec.reference}` : `${spec.charted}-charted`;
  try {
    // Idle windows first: what the harness itself (evaluate + frames + getMetrics) and the
    // app's own timers cost with no batch at all.
    const idle: Window[] = [];
    let prev = await metrics(cdp);
    for (let i = 0; i < 20; i++) {
      await sleep(cfg.batchMs / 2);
      await frameOnly(page);
      const cur = await metrics(cdp);
      idle.push(delta(prev, cur));
      prev = cur;
    }
    // What the first table row shows: its text, and the table's canvas where text is drawn
    // (the reference page's canvas mode).
    const firstRow = page.locator('.peer-row').first();
    const shownRow = async () => `${await firstRow.innerText()}|${await page.evaluate(() => (document.querySelector('.peer-row')?.parentElement?.querySelector(':scope > canvas') as HTMLCanvasElement | null)?.toDataURL() ?? '')}`;
    const rowBefore = await shownRow();

    const windows: Window[] = [];
    const heap: HeapPoint[] = [];
    let lateTicks = 0;
    // One batch per interval for `seconds` of wall time. Never bursts to catch up: on a
    // loaded machine the run keeps its duration and carries fewer batches (reported).
    // Heap points (forced GC) every `heapEveryS`; GC time is kept out of the windows.
    const tick = async (measure: boolean, seconds: number, heapEveryS = Infinity, t0 = performance.now()): Promise<number> => {
      let next = performance.now();
      let pushed = 0;
      const end = next + seconds * 1000;
      let nextHeap = t0 + heapEveryS * 1000;
      prev = await metrics(cdp);
      let prevAt = Date.now();
      while (performance.now() < end) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        else if (measure && wait < -cfg.batchMs) lateTicks++;
        next = Math.max(next + cfg.batchMs, performance.now());
        await pushAndFrame(page);
        pushed++;
        const cur = await metrics(cdp);
        const curAt = Date.now();
        if (measure) windows.push({ ...delta(prev, cur), pass: passIn(prevAt, curAt) });
        prev = cur;
        prevAt = curAt;
        if (performance.now() >= nextHeap && performance.now() < end - heapEveryS * 500) {
          heap.push(await heapPoint(cdp, (performance.now() - t0) / 1000));
          nextHeap += heapEveryS * 1000;
          prev = await metrics(cdp);
          prevAt = Date.now();
          next = Math.max(next, performance.now());
        }
      }
      return pushed;
    };
    log(`ui: ${spec.label}: warm-up ${spec.warmupS} s …`);
    await tick(false, spec.warmupS);
    const t0 = performance.now();
    heap.push(await heapPoint(cdp, 0));
    log(`ui: ${spec.label}: measuring ${spec.durationS} s …`);
    await tick(true, spec.durationS, spec.durationS / Math.max(1, spec.heapPoints - 1), t0);
    heap.push(await heapPoint(cdp, (performance.now() - t0) / 1000));
    const wallS = (performance.now() - t0) / 1000;
    const info = await withTimeout(page.evaluate(() => (window as unknown as BenchHooks).__benchInfo()), STEP_TIMEOUT_MS, 'info');
    const rowAfter = await shownRow();

    let profile: ProfileSummary | null = null;
    const missed = p95(windows.map((w) => w.taskMs)) > targetMs;
    if (spec.profileS && spec.profileDir && (spec.profileAlways || missed)) {
      log(`ui: ${spec.label}: CPU profile for ${spec.profileS} s …`);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await tick(false, spec.profileS);
      const { profile: p } = await withTimeout(cdp.send('Profiler.stop'), 30_000, 'Profiler.stop');
      mkdirSync(spec.profileDir, { recursive: true });
      const file = join(spec.profileDir, `ui-${slug}.cpuprofile`);
      writeFileSync(file, JSON.stringify(p));
      profile = await summarizeProfile(p as unknown as CpuProfile, file);
    }
    let trace: (TraceSummary & { file: string; batches: number }) | null = null;
    if (spec.traceS && spec.profileDir) {
      log(`ui: ${spec.label}: Chrome trace for ${spec.traceS} s …`);
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      let buf: Buffer;
      let traced = 0;
      try {
        traced = await tick(false, spec.traceS);
      } finally {
        buf = await withTimeout(browser.stopTracing(), 60_000, 'stopTracing');
      }
      mkdirSync(spec.profileDir, { recursive: true });
      const file = join(spec.profileDir, `ui-${slug}.trace.json`);
      writeFileSync(file, buf);
      const parsed = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] };
      trace = { ...summarizeTrace(parsed.traceEvents), file, batches: traced };
    }
    return {
      trace,
      label: spec.label,
      charted: spec.charted,
      chartLabel,
      following,
      batches: windows.length,
      wallS,
      lateTicks,
      idle,
      windows,
      heap,
      delivered: info.delivered,
      tableUpdated: rowAfter !== rowBefore,
      profile,
      geometry,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

export interface UiRun {
  browserVersion: string;
  phases: PhaseResult[];
}

/** Runs every phase in one browser; the browser and the server are closed whatever happens. */
export async function runUiBench(staticDir: string, specs: PhaseSpec[], log: (s: string) => void, cfg: FakeConfig = DEFAULT_FAKE, targetMs = Infinity): Promise<UiRun> {
  let server: StaticServer | undefined;
  let refServer: StaticServer | undefined;
  let browser: Browser | undefined;
  // The reference pages are files in a directory of their own, served the same way.
  const refDir = specs.some((s) => s.reference) ? mkdtempSync(join(tmpdir(), 'heartwire-ui-ref-')) : null;
  try {
    server = await startStaticServer(staticDir);
    if (refDir) refServer = await startStaticServer(refDir);
    browser = await launchChromium();
    const phases: PhaseResult[] = [];
    let geometry: AppGeometry | null = null;
    for (const spec of specs) {
      if (!spec.reference) {
        const r = await runPhase(browser, server.url, spec, cfg, targetMs, log);
        geometry = r.geometry ?? geometry;
        phases.push(r);
        continue;
      }
      if (!geometry || !refDir || !refServer) throw new Error('ui bench: a reference phase needs an app phase before it (its layout is copied)');
      const file = `reference-${spec.reference}-${spec.charted}.html`;
      // The static handler serves nothing but its placeholder from a directory without an index.
      writeFileSync(join(refDir, 'index.html'), '<!doctype html><title>reference pages</title>');
      const ref: ReferenceConfig = { ...geometry, charted: spec.charted, history: cfg.history, windowMs: 60_000, slots: SLOTS, text: spec.reference };
      writeFileSync(join(refDir, file), referenceHtml(ref));
      phases.push(await runPhase(browser, refServer.url + file, spec, cfg, Infinity, log));
    }
    return { browserVersion: browser.version(), phases };
  } finally {
    if (browser) await withTimeout(browser.close(), 15_000, 'closing Chromium').catch((e) => log(`ui: ${(e as Error).message}`));
    if (server) await server.close();
    if (refServer) await refServer.close();
    if (refDir) rmSync(refDir, { recursive: true, force: true });
  }
}
