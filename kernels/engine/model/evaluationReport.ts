/**
 * What `lungcam evaluate` reports: the cycle-level ICBHI figures with bootstrap intervals over patients,
 * overall and per database and per device, since a single pooled number hides where a model fails.
 */
import type { CycleResult } from './dataset';
import { bootstrapByPatient, type BootstrapOptions, type MetricIntervals } from './intervals';
import { classificationMetrics, type ClassificationMetrics } from './metrics';

export interface GroupFigures {
  recordings: number;
  patients: number;
  /** Annotated cycles (ICBHI) or events (SPRSound) per true class. */
  countsPerClass: Record<string, number>;
  metrics: ClassificationMetrics;
  intervals: MetricIntervals;
}

export interface EvaluationReport extends GroupFigures {
  byDatabase: Record<string, GroupFigures>;
  byDevice: Record<string, GroupFigures>;
}

/** Figures of one set of scored cycles. */
export function groupFigures(cycles: readonly CycleResult[], classes: readonly string[], opts: BootstrapOptions = {}): GroupFigures {
  const index = (label: string) => classes.indexOf(label);
  const truth = cycles.map((c) => index(c.trueLabel));
  const predicted = cycles.map((c) => index(c.label));
  const patients = cycles.map((c) => c.patientId);
  return {
    recordings: new Set(cycles.map((c) => c.recording)).size,
    patients: new Set(patients).size,
    countsPerClass: Object.fromEntries(classes.map((name, k) => [name, truth.filter((t) => t === k).length])),
    metrics: classificationMetrics(truth, predicted, classes),
    intervals: bootstrapByPatient(truth, predicted, patients, opts),
  };
}

function groupBy(cycles: readonly CycleResult[], key: (c: CycleResult) => string): Map<string, CycleResult[]> {
  const groups = new Map<string, CycleResult[]>();
  for (const c of cycles) {
    const k = key(c) || 'unknown';
    const list = groups.get(k) ?? [];
    list.push(c);
    groups.set(k, list);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function evaluationReport(cycles: readonly CycleResult[], classes: readonly string[], opts: BootstrapOptions = {}): EvaluationReport {
  const by = (key: (c: CycleResult) => string) =>
    Object.fromEntries([...groupBy(cycles, key)].map(([k, cs]) => [k, groupFigures(cs, classes, opts)]));
  return { ...groupFigures(cycles, classes, opts), byDatabase: by((c) => c.database), byDevice: by((c) => c.device) };
}
