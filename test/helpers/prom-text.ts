// A small, strict checker for the Prometheus text exposition format (0.0.4): parses every
// line, throws on anything malformed, and checks histogram invariants.
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface PromText {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: PromSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SAMPLE_RE = new RegExp(`^(${NAME})(\\{.*\\})?[ \\t]+(\\S+)(?:[ \\t]+(-?\\d+))?$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePromText(text: string): PromText {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: PromSample[] = [];
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`).exec(line);
      if (!m) {
        if (/^# (HELP|TYPE)/.test(line)) throw new Error(`bad comment ${where}`);
        return; // plain comment
      }
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3] ?? '')) throw new Error(`bad type ${where}`);
        if (types.has(m[2])) throw new Error(`duplicate TYPE ${where}`);
        types.set(m[2], m[3]);
      } else help.set(m[2], m[3] ?? '');
      return;
    }
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`bad sample ${where}`);
    const value = parseValue(m[3]);
    if (value === null) throw new Error(`bad value ${where}`);
    const labels = m[2] ? parseLabels(m[2].slice(1, -1), where) : {};
    const family = familyOf(m[1], types);
    if (!types.has(family)) throw new Error(`sample before its TYPE ${where}`);
    samples.push({ name: m[1], labels, value });
  });
  checkHistograms(types, samples);
  return { types, help, samples };
}

/** Like Prometheus (Go's ParseFloat): Inf/NaN spellings are case-insensitive — prom-client
 *  writes "Nan" for a NaN gauge. */
function parseValue(s: string): number | null {
  if (/^\+?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  if (/^nan$/i.test(s)) return NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : null;
}

function parseLabels(body: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) throw new Error(`bad labels ${where}`);
    const name = body.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name "${name}" ${where}`);
    if (name in labels) throw new Error(`duplicate label ${name} ${where}`);
    if (body[eq + 1] !== '"') throw new Error(`unquoted label value ${where}`);
    let j = eq + 2;
    let value = '';
    for (; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === '\\') {
        const next = body[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`bad escape ${where}`);
      } else if (body[j] === '\n') throw new Error(`raw newline in label ${where}`);
      else value += body[j];
    }
    if (j >= body.length) throw new Error(`unterminated label value ${where}`);
    labels[name] = value;
    i = j + 1;
    if (body[i] === ',') i++;
    else if (i < body.length) throw new Error(`expected , between labels ${where}`);
  }
  return labels;
}

function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
    }
  }
  return name;
}

/** Buckets non-decreasing in `le`, a +Inf bucket equal to _count, per label set. */
function checkHistograms(types: Map<string, string>, samples: PromSample[]): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
    for (const s of samples) {
      if (s.name !== `${family}_bucket` && s.name !== `${family}_count`) continue;
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      const g = groups.get(key) ?? { buckets: [] };
      groups.set(key, g);
      if (s.name.endsWith('_count')) g.count = s.value;
      else {
        if (le === undefined) throw new Error(`${family}_bucket without le`);
        g.buckets.push([parseValue(le) ?? NaN, s.value]);
      }
    }
    for (const [key, g] of groups) {
      g.buckets.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < g.buckets.length; i++) {
        if (g.buckets[i][1] < g.buckets[i - 1][1]) throw new Error(`${family}${key}: buckets not cumulative`);
      }
      const inf = g.buckets.find(([le]) => le === Infinity);
      if (!inf) throw new Error(`${family}${key}: no +Inf bucket`);
      if (g.count !== inf[1]) throw new Error(`${family}${key}: +Inf bucket ${inf[1]} != count ${g.count}`);
    }
  }
}

export function samplesNamed(p: PromText, name: string, labels: Record<string, string> = {}): PromSample[] {
  return p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
