/**
 * Seeded patient-wise train/test split: every recording of a patient goes to the same set (ICBHI's own
 * split is by patient too), so a model is never tested on a patient it trained on. Patients are visited
 * in a seeded order, largest first within ties broken by the seed, and each goes to the set that keeps
 * the test share of every class closest to `testFraction`.
 */
import { Rng } from './random';
import { CYCLE_LABELS } from './labels';

interface Splittable {
  patientId: string;
  cycles: ReadonlyArray<{ label: string }>;
}

export function splitByPatient<T extends Splittable>(recordings: readonly T[], seed: number, testFraction: number): { train: T[]; test: T[] } {
  const byPatient = new Map<string, T[]>();
  for (const r of recordings) {
    const list = byPatient.get(r.patientId) ?? [];
    list.push(r);
    byPatient.set(r.patientId, list);
  }
  const classCount = (rs: T[]) => CYCLE_LABELS.map((l) => rs.reduce((s, r) => s + r.cycles.filter((c) => c.label === l).length, 0));
  const totals = classCount([...recordings]);
  const rng = new Rng(`lungcam-split/${seed}`);
  const patients = rng.shuffle([...byPatient.keys()].sort()).map((id) => ({ id, counts: classCount(byPatient.get(id) as T[]) }));
  // Big patients first (they are the hardest to place), the seeded order among equals.
  patients.sort((a, b) => sum(b.counts) - sum(a.counts));
  const testCounts = CYCLE_LABELS.map(() => 0);
  let testRecordings = 0;
  const inTest = new Set<string>();
  const cost = (counts: number[]) =>
    counts.reduce((s, c, k) => (totals[k] > 0 ? s + (c / totals[k] - testFraction) ** 2 * totals[k] : s), 0);
  for (const p of patients) {
    const withPatient = testCounts.map((c, k) => c + p.counts[k]);
    const recs = (byPatient.get(p.id) as T[]).length;
    // Patients without cycles still need a side: balance them by recording count.
    const better = sum(p.counts) > 0 ? cost(withPatient) < cost(testCounts) : testRecordings + recs <= testFraction * recordings.length;
    if (better) {
      inTest.add(p.id);
      for (let k = 0; k < testCounts.length; k++) testCounts[k] = withPatient[k];
      testRecordings += recs;
    }
  }
  return {
    train: recordings.filter((r) => !inTest.has(r.patientId)),
    test: recordings.filter((r) => inTest.has(r.patientId)),
  };
}

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
