// Small summary statistics for bench figures (nearest-rank percentiles on a sorted copy).

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (values: readonly number[]): number | null => percentile(values, 50);

/** The median with the two middle values averaged for an even count (median() takes the lower). */
export function middle(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function max(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** a / b, or null when either side is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !(b > 0) || !Number.isFinite(a)) return null;
  return a / b;
}
