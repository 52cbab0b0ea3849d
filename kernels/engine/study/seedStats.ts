/**
 * Figures over training seeds: mean, standard deviation and a 95 % t interval of the mean (seeds are few,
 * so the normal interval would be too narrow). With one seed there is no interval.
 */

export interface SeedSummary {
  mean: number;
  sd: number;
  /** 95 % interval of the mean (null with fewer than 2 values). */
  low: number | null;
  high: number | null;
  n: number;
  values: number[];
}

/** Two-sided 97.5 % quantiles of Student's t for 1–30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function seedSummary(values: readonly number[]): SeedSummary {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const t = n > 1 ? T975[Math.min(n - 2, T975.length - 1)] : 0;
  const half = n > 1 ? (t * sd) / Math.sqrt(n) : 0;
  return { mean, sd, low: n > 1 ? mean - half : null, high: n > 1 ? mean + half : null, n, values: [...values] };
}

/** "61.2 % ± 3.4 (95 % CI 57.8–64.6, 5 seeds)" for shares; the interval part is left out for one seed. */
export function formatSeedSummary(s: SeedSummary, digits = 1): string {
  const p = (v: number) => (100 * v).toFixed(digits);
  if (s.low === null || s.high === null) return `${p(s.mean)} %`;
  return `${p(s.mean)} % (95 % CI ${p(s.low)}–${p(s.high)}, ${s.n} seeds)`;
}
