/**
 * Model benchmark: training ms per sample per epoch (reference net, batch 32, Adam) and classify
 * ms per patch on tfjs wasm, side by side with PyTorch (Debian python3-torch) in the same run, plus the
 * LungCAM CNN's own figures and a per-kernel profile of one training step.
 * Run: npx tsx test/bench/model.bench.ts   (or through `npm run bench`)
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { initBackend, backendDescription } from '../../kernels/engine/model/backend';
import { buildModel, buildReferenceModel } from '../../kernels/engine/model/model';
import { setDirectFilterGrad, setOwnConv, setWinograd } from '../../kernels/engine/accel/wasmKernels';
import { predictProbabilities } from '../../kernels/engine/model/classify';

const PYTHON = '/usr/bin/python3';
const REFERENCE = '/work/shared/bench/torch_reference.py';
const REPEATS = 3;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Same protocol as torch_reference.py: 64 samples, 2 batches of 32, Adam; ms per sample, median of repeats. */
async function trainMsPerSample(model: tf.LayersModel, bands = 64): Promise<number> {
  const opt = tf.train.adam();
  const x = tf.randomNormal([64, 96, bands, 1], 0, 1, 'float32', 0);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 4), 'int32'), 4);
  const step = (i: number) => tf.tidy(() => {
    const xb = x.slice(i, 32), yb = y.slice(i, 32);
    opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar);
  });
  step(0); // warm-up (operator creation, heap growth)
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    step(0);
    step(32);
    await model.getWeights()[0].data(); // wait for the work
    times.push((performance.now() - t) / 64);
    cpu.push(cpuMs(c) / 64);
  }
  lastCpu = median(cpu);
  tf.dispose([x, y]);
  opt.dispose();
  return median(times);
}

/** CPU time (every thread of this process) per sample/patch of the last timed call: load-independent. */
let lastCpu = NaN;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/**
 * Classify ms per patch for 64 patches: by default through the product's path (classify.ts
 * predictProbabilities: fused conv + ReLU plan, one batch of 64), or plain `model.predict` + softmax.
 */
async function classifyMsPerPatch(model: tf.LayersModel, bands = 64, plain = false): Promise<number> {
  const x = tf.randomNormal([64, 96, bands, 1], 0, 1, 'float32', 1);
  const values = x.dataSync() as Float32Array;
  const run = async () => {
    if (!plain) {
      predictProbabilities(model, values, 64, bands, 64);
      return;
    }
    const logits = model.predict(x) as tf.Tensor;
    const p = tf.softmax(logits);
    await p.data();
    tf.dispose([logits, p]);
  };
  await run();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < REPEATS + 2; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await run();
    times.push((performance.now() - t) / 64);
    cpu.push(cpuMs(c) / 64);
  }
  lastCpu = median(cpu);
  x.dispose();
  return median(times);
}

/** PyTorch: the reference script (training, Grad-CAM) and the same net's forward pass (classify). */
function pytorch(): { train: number; gradcam: number; classify: number; classifyCpu: number; trainCpu: number } | null {
  if (!existsSync(PYTHON) || !existsSync(REFERENCE)) return null;
  const r = spawnSync(PYTHON, [REFERENCE], { encoding: 'utf8' });
  const m = /gradcam ms\/patch median ([\d.]+); train ms\/sample\/epoch median ([\d.]+)/.exec(r.stdout ?? '');
  const forward = `
import sys, time, torch
sys.path.insert(0, '/work/shared/bench')
from torch_reference import Net
torch.manual_seed(0); torch.set_num_threads(2)
m, x = Net().eval(), torch.randn(64, 1, 96, 64)
ts, cs = [], []
with torch.no_grad():
    torch.softmax(m(x)[1], 1)
    for _ in range(5):
        c = time.process_time(); t = time.perf_counter(); torch.softmax(m(x)[1], 1)
        ts.append((time.perf_counter() - t) / 64 * 1000); cs.append((time.process_time() - c) / 64 * 1000)
# CPU time of the reference's training protocol (64 samples, batches of 32, Adam)
import torch.nn.functional as F
m.train(); opt, labels = torch.optim.Adam(m.parameters()), torch.arange(64) % 4
def epoch():
    for i in range(0, 64, 32):
        opt.zero_grad(); F.cross_entropy(m(x[i:i + 32])[1], labels[i:i + 32]).backward(); opt.step()
epoch(); tc = []
for _ in range(3):
    c = time.process_time(); epoch(); tc.append((time.process_time() - c) / 64 * 1000)
print(sorted(ts)[2], sorted(cs)[2], sorted(tc)[1])`;
  const f = spawnSync(PYTHON, ['-c', forward], { encoding: 'utf8' });
  if (!m) {
    process.stderr.write(`model.bench: PyTorch reference failed: ${(r.stderr ?? '').slice(-300)}\n`);
    return null;
  }
  const [classify, classifyCpu, trainCpu] = (f.stdout ?? '').trim().split(/\s+/).map(Number);
  return { gradcam: Number(m[1]), train: Number(m[2]), classify, classifyCpu, trainCpu };
}

async function profileStep(model: tf.LayersModel): Promise<string> {
  const opt = tf.train.adam();
  const x = tf.randomNormal([32, 96, 64, 1], 0, 1, 'float32', 2);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 4), 'int32'), 4);
  const step = () => tf.tidy(() => {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  });
  step();
  const info = await tf.profile(step);
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    if (k.name.endsWith('__op')) continue; // op wrappers repeat their kernel's time
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  tf.dispose([x, y]);
  opt.dispose();
  return [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)
    .map(([n, t]) => `${n} ${(100 * t / total).toFixed(0)}%`).join(', ');
}

/** The reference net's figures in a child process on one wasm thread (LUNGCAM_WASM_THREADS=1), for comparison. */
function oneThread(): { train: number; classify: number } | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    encoding: 'utf8', env: { ...process.env, LUNGCAM_WASM_THREADS: '1', MODEL_BENCH_CHILD: '1' },
  });
  const m = /^child (\{.*\})$/m.exec(r.stdout ?? '');
  return m ? JSON.parse(m[1]) : null;
}

async function main() {
  await initBackend(undefined, { quiet: true });
  const ref = buildReferenceModel(64, 0);
  if (process.env.MODEL_BENCH_CHILD) {
    console.log(`child ${JSON.stringify({ train: await trainMsPerSample(ref), classify: await classifyMsPerPatch(ref) })}`);
    return;
  }
  const lc = buildModel({ seed: 1 });
  // PyTorch before, between and after the tfjs runs (the load changes during a run); median of the three.
  const torchRuns = [pytorch()];
  const refTrain = await trainMsPerSample(ref);
  const refTrainCpu = lastCpu;
  const refClassify = await classifyMsPerPatch(ref);
  const refClassifyCpu = lastCpu;
  const refPredict = await classifyMsPerPatch(ref, 64, true);
  const refPredictCpu = lastCpu;
  // The same net on the direct conv kernels (Winograd off): the session-3 path, measured in the same run.
  setWinograd(false);
  const directTrain = await trainMsPerSample(ref);
  const directTrainCpu = lastCpu;
  const directClassify = await classifyMsPerPatch(ref);
  const directClassifyCpu = lastCpu;
  setWinograd(true);
  // The same net with LungCAM's conv kernels off (XNNPACK forward/input gradient, filter gradient as
  // XNNPACK's batch-as-channels conv): the session-2 path, measured in the same run.
  setOwnConv(false);
  setDirectFilterGrad(false);
  const oldTrain = await trainMsPerSample(ref);
  const oldTrainCpu = lastCpu;
  const oldClassify = await classifyMsPerPatch(ref, 64, true);
  const oldClassifyCpu = lastCpu;
  setOwnConv(true);
  setDirectFilterGrad(true);
  torchRuns.push(pytorch());
  const single = oneThread();
  const lcTrain = await trainMsPerSample(lc);
  const lcClassify = await classifyMsPerPatch(lc);
  torchRuns.push(pytorch());
  const profile = await profileStep(ref);
  const ok = torchRuns.filter((r): r is NonNullable<ReturnType<typeof pytorch>> => r !== null);
  const mid = (key: 'train' | 'classify' | 'gradcam' | 'trainCpu' | 'classifyCpu') => median(ok.map((r) => r[key]));
  const torch = ok.length ? { train: mid('train'), classify: mid('classify'), gradcam: mid('gradcam'), trainCpu: mid('trainCpu'), classifyCpu: mid('classifyCpu') } : null;
  const f = (v: number) => v.toFixed(2);
  const runs = (key: 'train' | 'classify') => ok.map((r) => f(r[key])).join(', ');
  const lines = [
    `model bench (tfjs ${backendDescription()}; PyTorch ${torch ? '1.13 CPU, 2 threads, median of runs before/between/after' : 'not available'}; medians of ${REPEATS})`,
    `  reference net  train ms/sample/epoch: tfjs ${f(refTrain)}${torch ? ` | PyTorch ${f(torch.train)} (runs ${runs('train')}) | ratio ${(refTrain / torch.train).toFixed(2)}× (target ≤ 2×)` : ''}`,
    `  reference net  classify ms/patch (classify.ts path): tfjs ${f(refClassify)}${torch ? ` | PyTorch ${f(torch.classify)} (runs ${runs('classify')}) | ratio ${(refClassify / torch.classify).toFixed(2)}× (target ≤ 1×)` : ''}`,
    `  reference net  CPU time (all threads; load inflates wall time, not this): train ms/sample tfjs ${f(refTrainCpu)}${torch ? ` | PyTorch ${f(torch.trainCpu)} | ratio ${(refTrainCpu / torch.trainCpu).toFixed(2)}×` : ''}; classify ms/patch tfjs ${f(refClassifyCpu)}${torch ? ` | PyTorch ${f(torch.classifyCpu)} | ratio ${(refClassifyCpu / torch.classifyCpu).toFixed(2)}×` : ''}`,
    `  reference net  classify via plain model.predict (no fused plan): ${f(refPredict)} ms/patch (CPU ${f(refPredictCpu)})`,
    `  reference net  direct conv kernels (Winograd off): train ms/sample ${f(directTrain)} (CPU ${f(directTrainCpu)}); classify ms/patch ${f(directClassify)} (CPU ${f(directClassifyCpu)}); Winograd gain train ${(directTrainCpu / refTrainCpu).toFixed(2)}×, classify ${(directClassifyCpu / refClassifyCpu).toFixed(2)}× by CPU time`,
    `  reference net  XNNPACK convs only (before, model.predict): train ms/sample ${f(oldTrain)} (CPU ${f(oldTrainCpu)}); classify ms/patch ${f(oldClassify)} (CPU ${f(oldClassifyCpu)})`,
    `  reference net  on 1 wasm thread:      ${single ? `train ${f(single.train)}, classify ${f(single.classify)}` : 'n/a'}`,
    `  LungCAM CNN    train ms/sample/epoch: tfjs ${f(lcTrain)};  classify ms/patch: tfjs ${f(lcClassify)}`,
    `  training step profile (reference net, batch 32): ${profile}`,
  ];
  if (torch) lines.splice(4, 0, `  (PyTorch Grad-CAM ms/patch from the same script: ${f(torch.gradcam)})`);
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
