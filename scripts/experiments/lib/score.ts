/**
 * Unit-level scores of patch probabilities: per database (and device), 'mean' and calibrated 'max-flags'
 * aggregation, ICBHI score with a 95 % interval from bootstrapping patients.
 */
import { argmax, meanRows } from '../../../kernels/engine/model/classify';
import { calibrateFlagThresholds, cycleFlagScores, flagLabel, type FlagThresholds } from '../../../kernels/engine/model/calibrate';
import { bootstrapByPatient, type MetricIntervals } from '../../../kernels/engine/model/intervals';
import { classificationMetrics, type ClassificationMetrics } from '../../../kernels/engine/model/metrics';

type MetricsWithCi = MetricIntervals & { metrics: ClassificationMetrics };

function metricsWithPatientCi(truth: number[], predicted: number[], patients: string[]): MetricsWithCi {
  return { ...bootstrapByPatient(truth, predicted, patients, { resamples: 1000 }), metrics: classificationMetrics(truth, predicted) };
}
import type { UnitSet } from './sets';

export interface UnitPredictions {
  truth: number[];
  mean: number[];
  flagScores: { crackle: number; wheeze: number }[];
}

/** Per unit: true class, 'mean' label, and max-flag scores, from [count, 4] patch probabilities. */
export function unitPredictions(set: UnitSet, probs: Float32Array): UnitPredictions {
  const rows: number[][] = set.units.map(() => []);
  for (let i = 0; i < set.count; i++) rows[set.cycleId[i]].push(i);
  return {
    truth: set.units.map((u) => u.label),
    mean: rows.map((r) => argmax(meanRows(probs, r, 4))),
    flagScores: rows.map((r) => cycleFlagScores(probs, r)),
  };
}

export interface Scored {
  rule: string;
  thresholds?: FlagThresholds;
  byDatabase: Record<string, MetricsWithCi>;
  byDevice: Record<string, MetricsWithCi>;
  /** Mean of the databases' ICBHI scores. */
  meanScore: number;
}

function slice(set: UnitSet, predicted: number[], key: (u: UnitSet['units'][number]) => string): Record<string, MetricsWithCi> {
  const out: Record<string, MetricsWithCi> = {};
  for (const k of [...new Set(set.units.map(key))].sort()) {
    const idx = set.units.flatMap((u, i) => (key(u) === k ? [i] : []));
    out[k] = metricsWithPatientCi(idx.map((i) => set.units[i].label), idx.map((i) => predicted[i]), idx.map((i) => set.units[i].patient));
  }
  return out;
}

export function scoreRule(set: UnitSet, predicted: number[], rule: string, thresholds?: FlagThresholds): Scored {
  const byDatabase = slice(set, predicted, (u) => u.database);
  const scores = Object.values(byDatabase).map((m) => m.metrics.icbhiScore ?? 0);
  return { rule, thresholds, byDatabase, byDevice: slice(set, predicted, (u) => u.device), meanScore: scores.reduce((a, b) => a + b, 0) / scores.length };
}

/** 'mean' and 'max-flags' (thresholds given, or calibrated on this set: optimistic, said so in the rule). */
export function scoreAll(set: UnitSet, probs: Float32Array, thresholds?: FlagThresholds): Scored[] {
  const u = unitPredictions(set, probs);
  const strata = set.units.map((x) => (x.database === 'icbhi' ? 0 : 1));
  const t = thresholds ?? calibrateFlagThresholds(u.flagScores, u.truth, strata).thresholds;
  return [
    scoreRule(set, u.mean, 'mean'),
    scoreRule(set, u.flagScores.map((s) => flagLabel(s, t)), thresholds ? 'max-flags' : 'max-flags (calibrated here)', t),
  ];
}

const pct = (v: number | null) => (v === null ? ' n/a' : (100 * v).toFixed(1));

export function describe(s: Scored): string {
  return `${s.rule}${s.thresholds ? ` c${s.thresholds.crackle}/w${s.thresholds.wheeze}` : ''}: mean ${pct(s.meanScore)}; ` + Object.entries(s.byDatabase)
    .map(([db, m]) => `${db} ${pct(m.icbhiScore.estimate)} [${pct(m.icbhiScore.low)}, ${pct(m.icbhiScore.high)}] (Se ${pct(m.sensitivity.estimate)}, Sp ${pct(m.specificity.estimate)}, n ${m.metrics.count})`).join('; ');
}
