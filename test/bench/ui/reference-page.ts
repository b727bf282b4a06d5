// The UI scenario's baseline: a reference page that shows what the app's default view shows
// of the same data — the same fake window.heartwire, the same batches, the same refresh grid
// (SLOTS) — with the least work a browser page can do for it: no framework, no store beyond
// plain arrays, every figure written as a text node's data only when its text changed, one
// canvas for the chart (its canvases desynchronized, as the app's). It is to the UI what the
// `floor` server is to the engine: the platform's own cost of this screen on this machine,
// measured by the same harness in the same run, so the app's figure reads as a ratio.
//
// What it shows, as in the app at 1440×900: the first `rows` peers of the table (name,
// state, a 60-beat strip as a CSS gradient, last/p50/p99/jitter RTT, loss, φ, reconnects,
// bytes in/out) refreshed with the table slot; the newest `logRows` events (time, peer, type,
// detail) with the log slot; the last minute of RTT of the first `charted` peers (one line
// each, max per pixel column, grid and axis labels) with the chart slot; and the status bar
// (up, down, beats/s, loop lag) with the log.
//
// installReferencePage runs in the page (serialised with toString): it must not close over
// anything outside itself, so its formatters are small local copies of the renderer's
// (lib/format, the beat strip's gradient) rather than imports.
import type { HeartwireApi, LogEvent, PeerInfo, UpdateBatch } from '../../../shared/contract';

export interface ReferenceConfig {
  /** table rows in view in the app's default layout */
  rows: number;
  /** event-log rows in view */
  logRows: number;
  /** peers charted */
  charted: number;
  /** chart canvas size in CSS px (the app's plot, axes included) */
  chartW: number;
  chartH: number;
  /** samples kept per peer (the app's history) */
  history: number;
  windowMs: number;
  slots: { table: { ms: number; phase: number }; chart: { ms: number; phase: number }; log: { ms: number; phase: number } };
  /**
   * 'dom': every figure is a text node. 'canvas': the same boxes are laid out, but the
   * table's, the log's and the status bar's text (and the strips) are drawn on a canvas over
   * each region — what the screen costs when no live text is DOM text.
   */
  text: 'dom' | 'canvas';
}

export function installReferencePage(cfg: ReferenceConfig): void {
  const api = (window as unknown as { heartwire: HeartwireApi }).heartwire;
  const doc = document;
  // Desynchronized, as the app's timer-driven canvases are (renderer/src/lib/live-canvas.ts):
  // a changed canvas is handed to the compositor alone, without a main-frame commit.
  const LIVE: CanvasRenderingContext2DSettings = { desynchronized: true };
  const el = (tag: string, css: string, parent: HTMLElement): HTMLElement => {
    const e = doc.createElement(tag);
    e.style.cssText = css;
    parent.appendChild(e);
    return e;
  };
  // A figure: a text node whose data is written only when it changes — or, with canvas text,
  // an empty box whose text is drawn on its region's canvas (see paintRegion).
  interface Drawn {
    box: HTMLElement;
    text: string;
    dirty: boolean;
    x: number;
    y: number;
    w: number;
    h: number;
    font: string;
    color: string;
    right: boolean;
  }
  const drawn = new Map<HTMLElement, Drawn[]>();
  const field = (parent: HTMLElement, css: string): ((s: string) => void) => {
    const span = el('span', css, parent);
    if (cfg.text === 'canvas') {
      span.textContent = '\u00a0'; // gives the box its line's height
      let region = parent;
      while (!drawn.has(region) && region.parentElement) region = region.parentElement;
      const d: Drawn = { box: span, text: '', dirty: false, x: 0, y: 0, w: 0, h: 0, font: '', color: '', right: false };
      drawn.get(region)?.push(d);
      return (s: string) => {
        if (s !== d.text) {
          d.text = s;
          d.dirty = true;
        }
      };
    }
    const node = doc.createTextNode('');
    span.appendChild(node);
    let last = '';
    return (s: string) => {
      if (s !== last) node.data = last = s;
    };
  };
  const regionCanvas = new Map<HTMLElement, CanvasRenderingContext2D>();
  /** canvas text: a region (table, log, status bar) gets a canvas over it */
  const region = (e: HTMLElement) => {
    if (cfg.text === 'canvas') drawn.set(e, []);
    return e;
  };
  /** canvas text: boxes are measured once, after the first layout */
  const measureRegions = () => {
    for (const [r, list] of drawn) {
      const rb = r.getBoundingClientRect();
      const c = doc.createElement('canvas');
      c.width = Math.ceil(rb.width);
      c.height = Math.ceil(rb.height);
      c.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none';
      r.appendChild(c);
      regionCanvas.set(r, c.getContext('2d', LIVE)!);
      for (const d of list) {
        const b = d.box.getBoundingClientRect();
        const cs = getComputedStyle(d.box);
        d.x = b.left - rb.left + parseFloat(cs.paddingLeft);
        d.y = b.top - rb.top;
        d.w = b.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        d.h = b.height;
        d.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        d.color = cs.color;
        d.right = cs.textAlign === 'right';
      }
    }
  };
  const paintRegion = (r: HTMLElement) => {
    const g2 = regionCanvas.get(r);
    const list = drawn.get(r);
    if (!g2 || !list) return;
    g2.textBaseline = 'middle';
    for (const d of list) {
      if (!d.dirty) continue;
      d.dirty = false;
      g2.clearRect(d.x - 1, d.y, d.w + 2, d.h);
      g2.font = d.font;
      g2.fillStyle = d.color;
      g2.textAlign = d.right ? 'right' : 'left';
      g2.fillText(d.text, d.right ? d.x + d.w : d.x, d.y + d.h / 2, d.w);
    }
  };
  const fmtMs = (v: number | null | undefined) => (v == null ? '–' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : String(Math.round(v)));
  const fmt1 = (v: number) => (v === 0 ? '0' : v < 10 ? v.toFixed(1) : String(Math.round(v)));
  const fmtBytes = (v: number) => (v < 1000 ? `${v} B` : v < 1e6 ? `${(v / 1000).toFixed(v < 1e4 ? 1 : 0)} kB` : `${(v / 1e6).toFixed(v < 1e7 ? 1 : 0)} MB`);
  const two = (n: number, w = 2) => String(n).padStart(w, '0');
  const clock = (t: number) => {
    const d = new Date(t);
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${two(d.getMilliseconds(), 3)}`;
  };

  // ---- state: latest PeerInfo per peer, a sample ring and a beat ring per peer, the events
  const order: string[] = [];
  const peers = new Map<string, PeerInfo>();
  const ringT = new Map<string, Float64Array>();
  const ringV = new Map<string, Float64Array>();
  const ringAt = new Map<string, number>();
  const beats = new Map<string, Uint8Array>();
  const beatAt = new Map<string, number>();
  const events: LogEvent[] = [];
  let health = { heartbeatsPerSec: 0, eventLoopLagMs: 0 };
  const addPeer = (p: PeerInfo) => {
    if (!peers.has(p.id)) {
      order.push(p.id);
      ringT.set(p.id, new Float64Array(cfg.history));
      ringV.set(p.id, new Float64Array(cfg.history));
      ringAt.set(p.id, 0);
      beats.set(p.id, new Uint8Array(60));
      beatAt.set(p.id, 0);
    }
    peers.set(p.id, p);
  };
  const addSample = (id: string, t: number, v: number) => {
    const at = ringAt.get(id)!;
    ringT.get(id)![at % cfg.history] = t;
    ringV.get(id)![at % cfg.history] = v;
    ringAt.set(id, at + 1);
  };
  const apply = (b: UpdateBatch) => {
    for (const p of b.peers) addPeer(p);
    for (const id in b.samples) for (const [t, v] of b.samples[id]) addSample(id, t, v);
    for (const id in b.beats) {
      const at = beatAt.get(id) ?? 0;
      const ring = beats.get(id);
      if (!ring) continue;
      ring[at % 60] = b.beats[id] === 'a' ? 1 : b.beats[id] === 'l' ? 2 : 3;
      beatAt.set(id, at + 1);
    }
    for (const e of b.events) events.push(e);
    if (events.length > 2000) events.splice(0, events.length - 1000);
    if (b.health) health = b.health;
  };

  // ---- the page: chart canvas, table rows, log rows, status bar (fixed geometry)
  const body = doc.body;
  body.style.cssText = 'margin:0;font:13px system-ui,sans-serif;color:#1a1a1a;background:#f6f7f9;overflow:hidden';
  const chartBox = el('div', `position:absolute;left:8px;top:48px;width:${cfg.chartW}px;height:${cfg.chartH}px;background:#fff`, body);
  const canvas = doc.createElement('canvas');
  canvas.width = cfg.chartW;
  canvas.height = cfg.chartH;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `RTT of ${cfg.charted} peers`);
  chartBox.appendChild(canvas);
  const g = canvas.getContext('2d', LIVE)!;

  const tableTop = 48 + cfg.chartH + 50;
  const table = region(el('div', `position:absolute;left:8px;top:${tableTop}px;width:${cfg.chartW}px;height:${cfg.rows * 26}px;background:#fff;font-variant-numeric:tabular-nums`, body));
  table.setAttribute('role', 'table');
  const COLS = [58, 54, 54, 54, 54, 44, 50]; // last, p50, p99, jitter, loss, φ, reconn
  interface RowView {
    name: (s: string) => void;
    state: (s: string) => void;
    strip: HTMLElement;
    strip0: string;
    nums: ((s: string) => void)[];
    bin: (s: string) => void;
    bout: (s: string) => void;
  }
  const rowViews: RowView[] = [];
  for (let r = 0; r < cfg.rows; r++) {
    const row = el('div', `position:absolute;left:0;right:0;top:${r * 26}px;height:26px;line-height:25px;border-bottom:1px solid #e3e6ea;box-sizing:border-box;white-space:nowrap`, table);
    row.className = 'peer-row';
    row.setAttribute('role', 'row');
    const cell = 'display:inline-block;vertical-align:top;overflow:hidden;padding:0 4px;box-sizing:border-box;';
    const name = field(row, `${cell}width:190px;font-weight:600`);
    const state = field(row, `${cell}width:150px`);
    const strip = el('span', `${cell}width:64px;height:12px;margin-top:7px;background:#e3e6ea`, row);
    const nums = COLS.map((w) => field(row, `${cell}width:${w}px;text-align:right`));
    const bytes = el('span', `${cell}width:80px;font-size:10px;line-height:12px;text-align:right`, row);
    const bin = field(bytes, 'display:block');
    const bout = field(bytes, 'display:block');
    rowViews.push({ name, state, strip, strip0: '', nums, bin, bout });
  }

  const logTop = tableTop + cfg.rows * 26 + 50;
  const log = region(el('ol', `position:absolute;left:8px;top:${logTop}px;width:${cfg.chartW}px;height:${cfg.logRows * 20}px;margin:0;padding:0;list-style:none;background:#fff;font-size:12px`, body));
  const logViews: ((s: string) => void)[][] = [];
  for (let r = 0; r < cfg.logRows; r++) {
    const li = el('li', 'height:20px;line-height:19px;border-bottom:1px solid #eef0f2;white-space:nowrap;overflow:hidden;padding:0 10px', log);
    logViews.push([field(li, 'display:inline-block;width:98px;font-family:monospace;font-size:10.5px'), field(li, 'display:inline-block;width:136px;font-weight:600'), field(li, 'display:inline-block;width:120px;font-weight:600'), field(li, `display:inline-block;width:${cfg.chartW - 400}px`)]);
  }

  const bar = region(el('div', 'position:absolute;left:0;right:0;bottom:0;height:22px;line-height:22px;padding:0 10px;background:#fff;font-size:12px', body));
  const sbUp = field(bar, 'display:inline-block;width:70px');
  const sbDown = field(bar, 'display:inline-block;width:80px');
  const sbBeats = field(bar, 'display:inline-block;width:120px');
  const sbLag = field(bar, 'display:inline-block;width:120px');

  // ---- passes
  /** beat codes: 0 none yet, 1 answered, 2 late, 3 missed */
  const BEAT_COLORS = ['#e3e6ea', '#2e7d32', '#f9a825', '#c62828'];
  const stripCss = (ring: Uint8Array, at: number): string => {
    const stops: string[] = [];
    const n = Math.min(60, at);
    let from = 60 - n;
    let code = -1;
    for (let i = 60 - n; i <= 60; i++) {
      const c = i === 60 ? -2 : ring[(at - 60 + i) % 60];
      if (c === code) continue;
      if (code !== -1) stops.push(`${BEAT_COLORS[code]} ${((from * 100) / 60).toFixed(3)}% ${((i * 100) / 60).toFixed(3)}%`);
      code = c;
      from = i;
    }
    if (stops.length < 2) stops.push(stops[0] ?? '#e3e6ea 0% 100%');
    return `linear-gradient(to right, ${stops.join(', ')})`;
  };
  /** canvas text: the strip as 60 bars in the row's strip box */
  const paintStrip = (row: number, ring: Uint8Array, at: number) => {
    const g2 = regionCanvas.get(table);
    const box = stripBoxes[row];
    if (!g2 || !box) return;
    const w = box.w / 60;
    for (let i = 0; i < 60; i++) {
      const k = at - 60 + i;
      g2.fillStyle = BEAT_COLORS[k < 0 ? 0 : ring[k % 60]];
      g2.fillRect(box.x + i * w, box.y, w, box.h);
    }
  };
  const stripBoxes: { x: number; y: number; w: number; h: number }[] = [];
  const tablePass = () => {
    for (let r = 0; r < rowViews.length; r++) {
      const v = rowViews[r];
      const p = peers.get(order[r]);
      if (!p) continue;
      const s = p.stats;
      v.name(p.name ?? p.id);
      v.state(p.closeReason && p.state !== 'connected' ? `${p.state} ${p.closeReason}` : p.state);
      if (cfg.text === 'canvas') paintStrip(r, beats.get(p.id)!, beatAt.get(p.id)!);
      else {
        const css = stripCss(beats.get(p.id)!, beatAt.get(p.id)!);
        if (css !== v.strip0) v.strip.style.background = v.strip0 = css;
      }
      v.nums[0](fmtMs(s.rttLastMs));
      v.nums[1](fmtMs(s.rttP50Ms));
      v.nums[2](fmtMs(s.rttP99Ms));
      v.nums[3](fmtMs(s.jitterMs));
      v.nums[4](fmt1(s.lossPct));
      v.nums[5](fmt1(s.phi));
      v.nums[6](String(s.reconnects));
      v.bin(`↓ ${fmtBytes(s.bytesIn)}`);
      v.bout(`↑ ${fmtBytes(s.bytesOut)}`);
    }
    paintRegion(table);
  };
  const logPass = () => {
    for (let r = 0; r < logViews.length; r++) {
      const e = events[events.length - 1 - r];
      if (!e) continue;
      const v = logViews[r];
      v[0](clock(e.t));
      v[1](e.peer ? (peers.get(e.peer)?.name ?? e.peer) : '');
      v[2](e.type);
      v[3](e.type === 'closed' ? ` — ${e.reason}` : e.type === 'reconnecting' ? ` — attempt ${e.attempt} in ${e.delayMs} ms` : e.type === 'error' ? ` — ${e.message}` : '');
    }
    paintRegion(log);
    // The status bar, with the log as in the app (SLOTS: the log's pass is the lighter one).
    let up = 0;
    for (const p of peers.values()) if (p.state === 'connected') up++;
    sbUp(`${up} up`);
    sbDown(`${peers.size - up} down`);
    sbBeats(`${health.heartbeatsPerSec.toFixed(1)} beats/s`);
    sbLag(`loop lag ${health.eventLoopLagMs.toFixed(1)} ms`);
    paintRegion(bar);
  };
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e'];
  const chartPass = () => {
    const W = cfg.chartW;
    const H = cfg.chartH;
    const L = 50;
    const B = 24;
    const pw = W - L - 10;
    const ph = H - B - 10;
    const now = Date.now();
    const from = now - cfg.windowMs;
    const ids = order.slice(0, cfg.charted);
    // max per pixel column, per peer, over the window
    const cols: Float64Array[] = [];
    let ymax = 0;
    for (const id of ids) {
      const col = new Float64Array(pw).fill(NaN);
      const ts = ringT.get(id)!;
      const vs = ringV.get(id)!;
      const at = ringAt.get(id)!;
      for (let k = Math.max(0, at - cfg.history); k < at; k++) {
        const i = k % cfg.history;
        if (ts[i] < from) continue;
        const x = Math.floor(((ts[i] - from) / cfg.windowMs) * (pw - 1));
        if (!(col[x] >= vs[i])) col[x] = vs[i];
        if (vs[i] > ymax) ymax = vs[i];
      }
      cols.push(col);
    }
    const top = ymax > 0 ? ymax * 1.1 : 1;
    g.clearRect(0, 0, W, H);
    g.font = '11px system-ui,sans-serif';
    g.fillStyle = '#555';
    g.strokeStyle = '#e6e6e6';
    g.lineWidth = 1;
    g.beginPath();
    for (let k = 0; k <= 6; k++) {
      const y = 10 + Math.round((ph * k) / 6) + 0.5;
      g.moveTo(L, y);
      g.lineTo(L + pw, y);
      g.fillText(fmtMs(top * (1 - k / 6)), 6, y + 4);
    }
    const step = 5000;
    for (let t = Math.ceil(from / step) * step; t <= now; t += step) {
      const x = L + Math.round(((t - from) / cfg.windowMs) * pw) + 0.5;
      g.moveTo(x, 10);
      g.lineTo(x, 10 + ph);
      g.fillText(clock(t).slice(0, 8), x - 22, H - 6);
    }
    g.stroke();
    ids.forEach((_, s) => {
      const col = cols[s];
      g.strokeStyle = COLORS[s % COLORS.length];
      g.lineWidth = 1.5;
      g.beginPath();
      let pen = false;
      for (let x = 0; x < pw; x++) {
        const v = col[x];
        if (Number.isNaN(v)) continue;
        const y = 10 + ph - (v / top) * ph;
        if (pen) g.lineTo(L + x, y);
        else g.moveTo(L + x, y);
        pen = true;
      }
      g.stroke();
    });
  };

  // The same wall-clock grid as the app (hooks/use-throttled scheduleOnGrid).
  const every = (slot: { ms: number; phase: number }, pass: () => void) => {
    const arm = () => setTimeout(() => {
      pass();
      arm();
    }, slot.ms - ((((Date.now() - slot.phase) % slot.ms) + slot.ms) % slot.ms));
    arm();
  };

  if (cfg.text === 'canvas') {
    measureRegions();
    const tb = table.getBoundingClientRect();
    for (const v of rowViews) {
      const b = v.strip.getBoundingClientRect();
      stripBoxes.push({ x: b.left - tb.left, y: b.top - tb.top, w: b.width, h: b.height });
      v.strip.style.background = 'none';
    }
  }

  void api.getSnapshot({}).then((snap) => {
    for (const p of snap.peers) addPeer(p);
    for (const id in snap.samples) for (const [t, v] of snap.samples[id]) addSample(id, t, v);
    for (const e of snap.events) events.push(e);
    api.onUpdate(apply);
    tablePass();
    logPass();
    chartPass();
    every(cfg.slots.table, tablePass);
    every(cfg.slots.log, logPass);
    every(cfg.slots.chart, chartPass);
    body.dataset.ready = 'yes';
  });
}
