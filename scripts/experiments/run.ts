/**
 * One small-CNN experiment on the real recordings: train on the split's training patients, select the
 * epoch on its validation patients (mean of the databases' scores), score validation units per database
 * with patient-bootstrap intervals. The test patients are never read here.
 *
 *   npx tsx scripts/experiments/run.ts '{"name":"base","epochs":12}'
 *
 * Results: .bench/experiments/NAME.json and one summary line in .bench/experiments/results.jsonl.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../kernels/engine/model/backend';
import { DEFAULT_AUGMENT, type AugmentOptions } from '../../kernels/engine/model/augment';
import { trainOnPatches } from '../../kernels/engine/model/train';
import { predictProbabilities } from '../../kernels/engine/model/classify';
import { BENCH } from './lib/realData';
import { SEED_SPEC, trainAndValidation, type SetSpec } from './lib/sets';
import { describe, scoreAll } from './lib/score';
import { YAMNET_DIR } from './lib/yamnet';

interface Config {
  name: string;
  spec?: Partial<SetSpec>;
  filters?: number[];
  epochs?: number;
  patience?: number;
  learningRate?: number;
  batchSize?: number;
  sampling?: 'shuffle' | 'balanced';
  classWeighting?: boolean;
  mixupAlpha?: number;
  augment?: Partial<AugmentOptions> | false;
  seed?: number;
  selection?: 'mean' | 'max-flags';
  batchNorm?: boolean;
  maxMinutes?: number;
  /** YAMNet blocks 1…layers as the backbone (trainable from block trainableFrom). */
  backbone?: { layers: number; trainableFrom?: number };
}

async function main() {
  const cfg = JSON.parse(process.argv[2]) as Config;
  await initBackend('wasm', { quiet: true });
  const spec: SetSpec = { ...SEED_SPEC, ...cfg.spec };
  const { train, val } = await trainAndValidation(spec);
  const counts = (l: Int32Array) => [0, 1, 2, 3].map((c) => l.filter((v) => v === c).length).join('/');
  const load0 = loadavg()[0];
  console.log(`${cfg.name}: train ${train.count} patches [${counts(train.labels)}] of ${train.units.length} units; validation ${val.count} patches, ${val.units.length} units; load ${load0.toFixed(1)}`);
  const t0 = Date.now();
  const result = await trainOnPatches(train, val, {
    epochs: cfg.epochs ?? 12, patience: cfg.patience ?? 0, seed: cfg.seed ?? 1, learningRate: cfg.learningRate, batchSize: cfg.batchSize,
    sampling: cfg.sampling, classWeighting: cfg.classWeighting, mixupAlpha: cfg.mixupAlpha,
    augment: cfg.augment === false ? false : { ...DEFAULT_AUGMENT, ...cfg.augment },
    model: { filters: cfg.filters, batchNorm: cfg.batchNorm, ...(cfg.backbone ? { backbone: { dir: YAMNET_DIR, ...cfg.backbone } } : {}) }, aggregation: cfg.selection ?? 'max-flags',
    maxSeconds: cfg.maxMinutes ? cfg.maxMinutes * 60 : undefined,
    onEpoch: (e) => console.log(`  epoch ${e.epoch}: loss ${e.trainLoss.toFixed(3)} val ${e.valSelection != null ? (100 * e.valSelection).toFixed(1) : '-'} [${(e.valByStratum ?? []).map((m) => (100 * (m.icbhiScore ?? 0)).toFixed(1)).join(', ')}] ${e.seconds.toFixed(0)} s${e.improved ? ' *' : ''}`),
  });
  const seconds = (Date.now() - t0) / 1000;
  const probs = predictProbabilities(result.model, val.x, val.count, val.bands);
  const scored = scoreAll(val, probs);
  for (const s of scored) console.log(`  ${describe(s)}`);
  const out = {
    config: cfg, spec, seconds, load: [load0, loadavg()[0]], msPerPatchEpoch: result.msPerSamplePerEpoch, bestEpoch: result.bestEpoch,
    trainPatches: train.count, history: result.history.map((e) => ({ epoch: e.epoch, loss: e.trainLoss, val: e.valSelection, byDb: e.valByStratum?.map((m) => m.icbhiScore) })),
    scored: scored.map((s) => ({ rule: s.rule, thresholds: s.thresholds, meanScore: s.meanScore, byDatabase: Object.fromEntries(Object.entries(s.byDatabase).map(([k, m]) => [k, { score: m.icbhiScore, se: m.sensitivity, sp: m.specificity, n: m.metrics.count }])) })),
  };
  const dir = path.join(BENCH, 'experiments');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${cfg.name}.json`), JSON.stringify(out, null, 1));
  appendFileSync(path.join(dir, 'results.jsonl'), JSON.stringify({ name: cfg.name, seconds, bestEpoch: result.bestEpoch, scored: out.scored }) + '\n');
  console.log(`  ${seconds.toFixed(0)} s, ${result.msPerSamplePerEpoch.toFixed(1)} ms/patch/epoch, best epoch ${result.bestEpoch}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
