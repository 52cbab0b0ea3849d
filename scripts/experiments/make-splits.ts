/**
 * The fixed patient-wise splits of the real recordings (samples/models/splits/real.tsv): per database,
 * 35 % of the patients as test and 25 % of the rest as validation: of 5000 seeded random patient draws,
 * the one whose share of patients, of recordings and of each class's cycles/events is closest to the
 * fraction (the engine's splitByPatient balances cycles only, which put 4 of 32 ICBHI patients in test,
 * too few to bootstrap over). Lines `NAME<tab>train|validation|test`.
 * Run once; every experiment and `lungcam train/evaluate --split` read the file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../kernels/engine/data/random';
import { REPO, realRecordings, type RealRecording } from './lib/realData';

const TEST_FRACTION = 0.35;
const VALIDATION_FRACTION = 0.25;
const SEED = 2026;

const LABELS = ['normal', 'crackle', 'wheeze', 'both'];

/** The patient draw closest to `fraction` in patients, recordings and every class's units. */
function balancedSplit(recs: RealRecording[], fraction: number, seed: number): { train: RealRecording[]; test: RealRecording[] } {
  const patients = [...new Set(recs.map((r) => r.patient))].sort();
  const stats = (ps: Set<string>) => {
    const rs = recs.filter((r) => ps.has(r.patient));
    return [ps.size, rs.length, ...LABELS.map((l) => rs.reduce((s, r) => s + r.cycles.filter((c) => c.label === l).length, 0))];
  };
  const totals = stats(new Set(patients));
  const rng = new Rng(`lungcam-real-split/${seed}`);
  const want = Math.round(patients.length * fraction);
  let best: { cost: number; set: Set<string> } | null = null;
  for (let trial = 0; trial < 5000; trial++) {
    const set = new Set(rng.shuffle([...patients]).slice(0, want));
    const s = stats(set);
    // Squared relative deviations; classes with few units (both) weigh less by their size.
    const cost = s.reduce((c, v, i) => (totals[i] > 0 ? c + ((v / totals[i] - fraction) ** 2) * Math.min(1, totals[i] / 50) : c), 0);
    if (!best || cost < best.cost) best = { cost, set };
  }
  const set = best!.set;
  return { train: recs.filter((r) => !set.has(r.patient)), test: recs.filter((r) => set.has(r.patient)) };
}

const recs = realRecordings();
const lines: string[] = [];
for (const db of ['icbhi', 'sprsound'] as const) {
  const all = recs.filter((r) => r.database === db);
  const { train: rest, test } = balancedSplit(all, TEST_FRACTION, SEED);
  const { train, test: validation } = balancedSplit(rest, VALIDATION_FRACTION, SEED + 1);
  const describe = (set: typeof all) => {
    const patients = new Set(set.map((r) => r.patient)).size;
    const counts = ['normal', 'crackle', 'wheeze', 'both'].map((l) => set.reduce((s, r) => s + r.cycles.filter((c) => c.label === l).length, 0));
    return `${set.length} recordings, ${patients} patients, ${counts.join('/')}`;
  };
  console.log(`${db}: train ${describe(train)}; validation ${describe(validation)}; test ${describe(test)}`);
  for (const [set, rs] of [['train', train], ['validation', validation], ['test', test]] as const) {
    for (const r of rs as RealRecording[]) lines.push(`${r.name}\t${set}`);
  }
}
const out = path.join(REPO, 'samples/models/splits/real.tsv');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, lines.sort().join('\n') + '\n');
console.log(`${out}: ${lines.length} recordings`);
