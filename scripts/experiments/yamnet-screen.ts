/**
 * Screening YAMNet as a frozen feature extractor: pooled activations of a few layers for every training
 * and validation patch (cached in .bench/yamnet), then small heads (logistic regression, one hidden layer)
 * trained on them, scored on the validation units per database like run.ts.
 *
 *   npx tsx scripts/experiments/yamnet-screen.ts '{"name":"y-raw","spec":{"gainTarget":null}}'
 */
import * as tf from '@tensorflow/tfjs';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../../kernels/engine/model/backend';
import { classWeightsFor } from '../../kernels/engine/model/train';
import { BENCH } from './lib/realData';
import { trainAndValidation, type SetSpec, type UnitSet } from './lib/sets';
import { describe, scoreAll, type Scored } from './lib/score';
import { loadYamnet } from './lib/yamnet';

const LAYERS = ['layer6_pointwise_conv', 'layer9_pointwise_conv', 'layer12_pointwise_conv', 'layer14_pointwise_conv'];

const YAMNET_SPEC: SetSpec = {
  fmin: 125, fmax: 7500, bands: 64, cutoffHz: null, hopFrames: 48, shortUnits: 'repeat', norm: 'none', logOffset: 0.001, databases: ['icbhi', 'sprsound'], gainTarget: null,
};

interface Config {
  name: string;
  spec?: Partial<SetSpec>;
  layer?: string;
  hidden?: number;
  epochs?: number;
  /** Mean over time only (keeps the frequency axis) instead of over both. */
  keepFrequency?: boolean;
  /** Patient-wise k-fold cross-validation over training + validation patients instead of the fixed split. */
  folds?: number;
}

/** Training and validation sets as one pool (units renumbered). */
function concatSets(a: UnitSet, b: UnitSet): UnitSet {
  const size = a.x.length / a.count;
  const x = new Float32Array((a.count + b.count) * size);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const cat = (p: Int32Array, q: Int32Array, shift = 0) => Int32Array.from([...p, ...Array.from(q, (v) => v + shift)]);
  return {
    x, count: a.count + b.count, bands: a.bands, labels: cat(a.labels, b.labels), cycleId: cat(a.cycleId, b.cycleId, a.units.length),
    stratum: cat(a.stratum, b.stratum), recordingIndex: cat(a.recordingIndex, b.recordingIndex, 1e6), units: [...a.units, ...b.units],
  };
}

/** Rows of a set whose unit is in `keep`, as a new set (units renumbered). */
function subset(set: UnitSet, feats: Float32Array, dim: number, keep: (unit: number) => boolean): { set: UnitSet; feats: Float32Array } {
  const rows = Array.from({ length: set.count }, (_, i) => i).filter((i) => keep(set.cycleId[i]));
  const unitIds = [...new Set(rows.map((i) => set.cycleId[i]))].sort((p, q) => p - q);
  const renumber = new Map(unitIds.map((u, i) => [u, i]));
  const f = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => f.set(feats.subarray(r * dim, (r + 1) * dim), i * dim));
  return {
    set: {
      x: new Float32Array(0), count: rows.length, bands: set.bands, labels: Int32Array.from(rows, (r) => set.labels[r]),
      cycleId: Int32Array.from(rows, (r) => renumber.get(set.cycleId[r])!), stratum: Int32Array.from(rows, (r) => set.stratum[r]),
      recordingIndex: Int32Array.from(rows, (r) => set.recordingIndex[r]), units: unitIds.map((u) => set.units[u]),
    },
    feats: f,
  };
}

/** Trains a head on (xt, labels) and returns softmax probabilities for xv. */
async function fitHead(xt: Float32Array, labels: Int32Array, xv: Float32Array, dim: number, cfg: Config): Promise<Float32Array> {
  const a = xt.slice();
  const b = xv.slice();
  standardise(a, [b], dim);
  const n = labels.length;
  const weights = classWeightsFor(labels);
  const input = tf.input({ shape: [dim] });
  let h: tf.SymbolicTensor = tf.layers.dropout({ rate: 0.2, seed: 1 }).apply(input) as tf.SymbolicTensor;
  if (cfg.hidden) h = tf.layers.dense({ units: cfg.hidden, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }).apply(h) as tf.SymbolicTensor;
  const head = tf.model({ inputs: input, outputs: out });
  head.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
  const X = tf.tensor2d(a, [n, dim]);
  const Y = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
  await head.fit(X, Y, { epochs: cfg.epochs ?? 30, batchSize: 64, classWeight: Object.fromEntries(weights.map((w, i) => [i, w])), shuffle: true, verbose: 0 });
  const probs = tf.tidy(() => tf.softmax(head.predict(tf.tensor2d(b, [b.length / dim, dim])) as tf.Tensor).dataSync() as Float32Array);
  tf.dispose([X, Y]);
  head.dispose();
  return probs;
}

/** Out-of-fold probabilities of a k-fold patient-wise cross-validation over `pool`. */
async function crossValidate(pool: UnitSet, feats: Float32Array, dim: number, cfg: Config): Promise<Float32Array> {
  const k = cfg.folds ?? 5;
  // Patients dealt to folds round-robin within each database, largest first (seeded order among equals).
  const fold = new Map<string, number>();
  for (const db of ['icbhi', 'sprsound']) {
    const sizes = new Map<string, number>();
    pool.units.filter((u) => u.database === db).forEach((u) => sizes.set(u.patient, (sizes.get(u.patient) ?? 0) + 1));
    [...sizes.entries()].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1)).forEach(([p], i) => fold.set(p, i % k));
  }
  const probs = new Float32Array(pool.count * 4);
  for (let f = 0; f < k; f++) {
    const inFold = (u: number) => fold.get(pool.units[u].patient) === f;
    const tr = subset(pool, feats, dim, (u) => !inFold(u));
    const rows = Array.from({ length: pool.count }, (_, i) => i).filter((i) => inFold(pool.cycleId[i]));
    const xv = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => xv.set(feats.subarray(r * dim, (r + 1) * dim), i * dim));
    const p = await fitHead(tr.feats, tr.set.labels, xv, dim, cfg);
    rows.forEach((r, i) => probs.set(p.subarray(i * 4, (i + 1) * 4), r * 4));
  }
  return probs;
}

/** Mean-pooled activations [count, channels] of each layer (or frequency-kept [count, w·channels]). */
async function pooled(yamnet: tf.LayersModel, set: UnitSet, keepFrequency: boolean): Promise<Float32Array[]> {
  const outs = tf.model({ inputs: yamnet.inputs, outputs: LAYERS.map((l) => yamnet.getLayer(l).output as tf.SymbolicTensor) });
  const parts: Float32Array[][] = LAYERS.map(() => []);
  for (let s = 0; s < set.count; s += 64) {
    const n = Math.min(64, set.count - s);
    const res = tf.tidy(() => {
      const x = tf.tensor3d(set.x.subarray(s * 96 * 64, (s + n) * 96 * 64), [n, 96, 64]);
      const ys = outs.predict(x) as tf.Tensor4D[];
      return ys.map((y) => (keepFrequency ? tf.reshape(tf.mean(y, 1), [n, -1]) : tf.mean(y, [1, 2])));
    });
    res.forEach((r, i) => parts[i].push(r.dataSync() as Float32Array));
    tf.dispose(res);
  }
  return parts.map((ps) => {
    const out = new Float32Array(ps.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of ps) { out.set(p, o); o += p.length; }
    return out;
  });
}

async function features(yamnet: tf.LayersModel, set: UnitSet, key: string, keepFrequency: boolean): Promise<Record<string, Float32Array>> {
  const dir = path.join(BENCH, 'yamnet', key);
  const files = LAYERS.map((l) => path.join(dir, `${l}${keepFrequency ? '-f' : ''}.f32`));
  if (!files.every(existsSync)) {
    mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    const ps = await pooled(yamnet, set, keepFrequency);
    ps.forEach((p, i) => writeFileSync(files[i], Buffer.from(p.buffer)));
    console.log(`  ${key}: ${set.count} patches through YAMNet in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  return Object.fromEntries(LAYERS.map((l, i) => {
    const b = readFileSync(files[i]);
    return [l, new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))];
  }));
}

/** Standardises columns with the training set's mean and sd. */
function standardise(train: Float32Array, others: Float32Array[], dim: number): void {
  const n = train.length / dim;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += train[i * dim + d] / n;
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) sd[d] += (train[i * dim + d] - mean[d]) ** 2 / n;
  for (const a of [train, ...others]) for (let i = 0; i < a.length / dim; i++) for (let d = 0; d < dim; d++) a[i * dim + d] = (a[i * dim + d] - mean[d]) / (Math.sqrt(sd[d]) + 1e-6);
}

async function main() {
  const cfg = JSON.parse(process.argv[2]) as Config;
  await initBackend('wasm', { quiet: true });
  const spec: SetSpec = { ...YAMNET_SPEC, ...cfg.spec };
  const { train, val } = await trainAndValidation(spec);
  const yamnet = await loadYamnet();
  const key = `${spec.fmin}-${spec.fmax}-${spec.logOffset}-${spec.gainTarget ?? 'raw'}-${spec.norm}-${spec.shortUnits}-${spec.hopFrames}-${spec.databases.join('+')}`;
  const kf = cfg.keepFrequency ?? false;
  const ftrain = await features(yamnet, train, `train-${key}`, kf);
  const fval = await features(yamnet, val, `val-${key}`, kf);
  const layers = cfg.layer ? [cfg.layer] : LAYERS;
  if (cfg.folds) {
    const pool = concatSets(train, val);
    for (const layer of layers) {
      const feats = new Float32Array(ftrain[layer].length + fval[layer].length);
      feats.set(ftrain[layer]);
      feats.set(fval[layer], ftrain[layer].length);
      const dim = feats.length / pool.count;
      const probs = await crossValidate(pool, feats, dim, cfg);
      report(`${cfg.name}/${layer}/cv`, `${cfg.name} ${layer} (${dim}-d, ${cfg.folds}-fold CV over ${pool.units.length} units):`, cfg, scoreAll(pool, probs));
    }
    return;
  }
  for (const layer of layers) {
    const dim = ftrain[layer].length / train.count;
    const t0 = Date.now();
    const probs = await fitHead(ftrain[layer], train.labels, fval[layer], dim, cfg);
    report(`${cfg.name}/${layer}`, `${cfg.name} ${layer} (${dim}-d, ${((Date.now() - t0) / 1000).toFixed(0)} s):`, cfg, scoreAll(val, probs));
  }
}

/** Prints a screen's scores under `header` and appends them to .bench/experiments/results.jsonl as `name`. */
function report(name: string, header: string, cfg: Config, scored: Scored[]): void {
  console.log(header);
  for (const s of scored) console.log(`  ${describe(s)}`);
  appendFileSync(path.join(BENCH, 'experiments', 'results.jsonl'), JSON.stringify({
    name, config: cfg, scored: scored.map((s) => ({ rule: s.rule, meanScore: s.meanScore, byDatabase: Object.fromEntries(Object.entries(s.byDatabase).map(([k, m]) => [k, { score: m.icbhiScore, se: m.sensitivity.estimate, sp: m.specificity.estimate }])) })),
  }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
