// Result model and the stdout tables: one table per scenario (figure, Heartwire, each
// baseline, ratio, target, PASS/MISS), the same data serialised to bench-results.json.

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface Row {
  figure: string;
  unit: string;
  /** by column name (see Table.columns); null = not measured */
  values: Record<string, number | null>;
  /** e.g. { value: 0.82, of: 'heartwire/classic' } */
  ratio?: { value: number | null; of: string };
  target?: string;
  verdict?: Verdict;
  note?: string;
}

export interface Table {
  title: string;
  columns: string[];
  rows: Row[];
  notes?: string[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  status: 'ok' | 'not-run' | 'error';
  reason?: string;
  params: Record<string, unknown>;
  tables: Table[];
  durationMs?: number;
}

export function verdict(pass: boolean | null): Verdict {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';
}

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (Number.isInteger(v) && a < 1e7) return String(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

export function renderTable(t: Table): string {
  const header = ['figure', ...t.columns, 'ratio', 'target', 'result'];
  const lines: string[][] = t.rows.map((r) => [
    `${r.figure}${r.unit ? ` (${r.unit})` : ''}`,
    ...t.columns.map((c) => fmt(r.values[c])),
    r.ratio ? `${fmt(r.ratio.value)}× ${r.ratio.of}` : '',
    r.target ?? '',
    r.verdict ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmtLine = (cells: string[]): string =>
    '  ' + cells.map((c, i) => pad(c, widths[i], i > 0 && i <= t.columns.length)).join('  ');
  const out = [`  ${t.title}`, fmtLine(header), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmtLine)];
  for (const r of t.rows) if (r.note) out.push(`    * ${r.figure}: ${r.note}`);
  for (const n of t.notes ?? []) out.push(`    note: ${n}`);
  return out.join('\n');
}

export function renderScenario(s: ScenarioResult): string {
  const head = `\n== ${s.id}: ${s.title} ==${s.durationMs ? ` (${(s.durationMs / 1000).toFixed(0)} s)` : ''}`;
  if (s.status !== 'ok' && s.tables.length === 0) return `${head}\n  ${s.status.toUpperCase()}: ${s.reason ?? ''}`;
  const body = s.tables.map(renderTable).join('\n\n');
  return `${head}\n${s.reason ? `  ${s.status.toUpperCase()}: ${s.reason}\n` : ''}${body}`;
}

/** Counts of verdicts over all scenarios. */
export function summarize(results: ScenarioResult[]): { pass: number; miss: number; notRun: string[] } {
  let pass = 0;
  let miss = 0;
  const notRun: string[] = [];
  for (const s of results) {
    if (s.status !== 'ok') notRun.push(`${s.id} (${s.status}: ${s.reason ?? ''})`);
    for (const t of s.tables)
      for (const r of t.rows) {
        if (r.verdict === 'PASS') pass++;
        else if (r.verdict === 'MISS') miss++;
      }
  }
  return { pass, miss, notRun };
}
