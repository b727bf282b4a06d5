// Where the renderer main thread's time goes, from a Chrome trace: self time per trace
// event name on CrRendererMain (complete 'X' events and B/E pairs, nested by time).
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** thread (CPU) time, when the trace has it */
  tdur?: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

export interface TraceSummary {
  wallMs: number;
  busyMs: number;
  /** CPU time of the top-level tasks (tdur): unlike wall time, not inflated by preemption */
  cpuMs: number;
  top: { name: string; selfMs: number; count: number }[];
}

export function summarizeTrace(events: readonly TraceEvent[], topN = 15): TraceSummary {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // The page's renderer is the main thread with the most events.
  let best: { pid: number; tid: number; n: number } | null = null;
  for (const m of mains) {
    const n = events.reduce((a, e) => a + (e.pid === m.pid && e.tid === m.tid && (e.ph === 'X' || e.ph === 'B') ? 1 : 0), 0);
    if (!best || n > best.n) best = { pid: m.pid, tid: m.tid, n };
  }
  if (!best) return { wallMs: 0, busyMs: 0, cpuMs: 0, top: [] };
  const spans: { name: string; start: number; end: number }[] = [];
  let cpu = 0;
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.pid !== best.pid || e.tid !== best.tid) continue;
    if (e.ph === 'X' && typeof e.dur === 'number') {
      spans.push({ name: e.name, start: e.ts, end: e.ts + e.dur });
      if (e.name === 'ThreadControllerImpl::RunTask' && typeof e.tdur === 'number') cpu += e.tdur;
    }
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) spans.push({ name: b.name, start: b.ts, end: e.ts });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const self = new Map<string, { us: number; count: number }>();
  const stack: { name: string; start: number; end: number; child: number }[] = [];
  let busy = 0;
  const close = (until: number) => {
    while (stack.length && stack[stack.length - 1].end <= until) {
      const s = stack.pop()!;
      const e = self.get(s.name) ?? { us: 0, count: 0 };
      e.us += s.end - s.start - s.child;
      e.count++;
      self.set(s.name, e);
      if (stack.length) stack[stack.length - 1].child += s.end - s.start;
      else busy += s.end - s.start;
    }
  };
  for (const sp of spans) {
    close(sp.start);
    // Clip children that overrun their parent (clock rounding).
    const parent = stack[stack.length - 1];
    const end = parent ? Math.min(sp.end, parent.end) : sp.end;
    stack.push({ name: sp.name, start: sp.start, end, child: 0 });
  }
  close(Infinity);
  const first = spans[0]?.start ?? 0;
  const last = spans.reduce((m, s) => Math.max(m, s.end), first);
  const top = [...self.entries()]
    .map(([name, v]) => ({ name, selfMs: v.us / 1000, count: v.count }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, topN);
  return { wallMs: (last - first) / 1000, busyMs: busy / 1000, cpuMs: cpu / 1000, top };
}
