/**
 * Calibrating the 'max-flags' cycle rule: a cycle has crackles when its most crackle-like patch scores
 * above a threshold (wheezes likewise). 0.5 is rarely right: class weighting and event-level patch labels
 * shift the probabilities, so training picks both thresholds on the validation cycles (ICBHI score).
 */
import { classificationMetrics, type ClassificationMetrics } from './metrics';

export interface FlagThresholds {
  crackle: number;
  wheeze: number;
}

export const DEFAULT_FLAG_THRESHOLDS: FlagThresholds = { crackle: 0.5, wheeze: 0.5 };

/** A cycle's strongest evidence: max over its patches of p(crackle)+p(both) and of p(wheeze)+p(both). */
export interface CycleFlagScores {
  crackle: number;
  wheeze: number;
}

/** Flag scores from rows of [count, 4] probabilities (normal, crackle, wheeze, both). */
export function cycleFlagScores(probs: ArrayLike<number>, rows: readonly number[]): CycleFlagScores {
  let crackle = 0;
  let wheeze = 0;
  for (const r of rows) {
    crackle = Math.max(crackle, probs[r * 4 + 1] + probs[r * 4 + 3]);
    wheeze = Math.max(wheeze, probs[r * 4 + 2] + probs[r * 4 + 3]);
  }
  return { crackle, wheeze };
}

/** Class index 0–3 (normal, crackle, wheeze, both) from flag scores. */
export function flagLabel(s: CycleFlagScores, t: FlagThresholds = DEFAULT_FLAG_THRESHOLDS): number {
  return (s.crackle > t.crackle ? 1 : 0) + (s.wheeze > t.wheeze ? 2 : 0);
}

const GRID = Array.from({ length: 19 }, (_, i) => 0.05 + 0.05 * i);

/**
 * The thresholds (on a 0.05 grid) with the best ICBHI score on labelled cycles; ties go to the pair
 * closest to 0.5 so that a flat score surface keeps the plain rule. With `strata` (a database per cycle),
 * the best mean of the strata's scores, so a small database weighs as much as a large one.
 */
export function calibrateFlagThresholds(
  scores: readonly CycleFlagScores[], labels: readonly number[], strata?: readonly number[],
): { thresholds: FlagThresholds; metrics: ClassificationMetrics } {
  const groups = strata ? [...new Set(strata)].map((g) => strata.flatMap((v, i) => (v === g ? [i] : []))) : null;
  let best: { thresholds: FlagThresholds; metrics: ClassificationMetrics; key: number; dist: number } | null = null;
  for (const crackle of GRID) {
    for (const wheeze of GRID) {
      const t = { crackle, wheeze };
      const predicted = scores.map((s) => flagLabel(s, t));
      const metrics = classificationMetrics(labels, predicted);
      const dist = Math.abs(crackle - 0.5) + Math.abs(wheeze - 0.5);
      const key = groups
        ? groups.reduce((sum, ix) => sum + (classificationMetrics(ix.map((i) => labels[i]), ix.map((i) => predicted[i])).icbhiScore ?? 0), 0) / groups.length
        : metrics.icbhiScore ?? 0;
      if (!best || key > best.key + 1e-12 || (Math.abs(key - best.key) <= 1e-12 && dist < best.dist)) {
        best = { thresholds: { crackle: round2(crackle), wheeze: round2(wheeze) }, metrics, key, dist };
      }
    }
  }
  const b = best as NonNullable<typeof best>;
  return { thresholds: b.thresholds, metrics: b.metrics };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
