/**
 * Confidence intervals for the ICBHI figures by the bootstrap over patients: cycles of one patient are not
 * independent (same chest, same device, same annotator), so patients — not cycles — are resampled with
 * replacement, and the interval is the percentile range of the resampled Se, Sp and score.
 */
import { Rng } from '../data/random';
import { classificationMetrics } from './metrics';

export interface Interval {
  /** The figure on the data as it is. */
  estimate: number | null;
  low: number | null;
  high: number | null;
}

export interface MetricIntervals {
  sensitivity: Interval;
  specificity: Interval;
  icbhiScore: Interval;
  /** Patients resampled (clusters). */
  patients: number;
  resamples: number;
  level: number;
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

/** Per-patient confusion counts: [normal→normal, normal→other, abnormal→exact, abnormal→other]. */
function patientCounts(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, patients: readonly string[]): Float64Array[] {
  const byPatient = new Map<string, Float64Array>();
  for (let i = 0; i < trueLabels.length; i++) {
    let c = byPatient.get(patients[i]);
    if (!c) byPatient.set(patients[i], (c = new Float64Array(4)));
    const t = trueLabels[i];
    if (t === 0) c[predicted[i] === 0 ? 0 : 1]++;
    else c[predicted[i] === t ? 2 : 3]++;
  }
  return [...byPatient.keys()].sort().map((p) => byPatient.get(p) as Float64Array);
}

function percentile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Se, Sp and ICBHI score with percentile intervals from resampling patients. `patients[i]` is the patient
 * of cycle i. Resamples in which a figure is undefined (no normal or no abnormal cycle drawn) are left out
 * of that figure's interval.
 */
export function bootstrapByPatient(
  trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, patients: readonly string[], opts: BootstrapOptions = {},
): MetricIntervals {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const rng = new Rng(`lungcam-bootstrap/${opts.seed ?? 1}`);
  const counts = patientCounts(trueLabels, predicted, patients);
  const m = classificationMetrics(trueLabels, predicted);
  const se: number[] = [];
  const sp: number[] = [];
  const score: number[] = [];
  const n = counts.length;
  for (let b = 0; b < resamples && n > 0; b++) {
    let nn = 0, nRight = 0, ab = 0, abRight = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[rng.int(0, n - 1)];
      nRight += c[0];
      nn += c[0] + c[1];
      abRight += c[2];
      ab += c[2] + c[3];
    }
    const s = ab > 0 ? abRight / ab : null;
    const p = nn > 0 ? nRight / nn : null;
    if (s !== null) se.push(s);
    if (p !== null) sp.push(p);
    if (s !== null && p !== null) score.push((s + p) / 2);
  }
  const interval = (estimate: number | null, values: number[]): Interval => {
    const sorted = Float64Array.from(values).sort();
    return { estimate, low: percentile(sorted, (1 - level) / 2), high: percentile(sorted, 1 - (1 - level) / 2) };
  };
  return {
    sensitivity: interval(m.sensitivity, se),
    specificity: interval(m.specificity, sp),
    icbhiScore: interval(m.sensitivity !== null && m.specificity !== null ? m.icbhiScore : null, score),
    patients: n, resamples, level,
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}`);

/** "58.2 % (95 % CI 51.0–64.9)" */
export function formatInterval(i: Interval, level = 0.95): string {
  return `${pct(i.estimate)} % (${Math.round(level * 100)} % CI ${pct(i.low)}–${pct(i.high)})`;
}
