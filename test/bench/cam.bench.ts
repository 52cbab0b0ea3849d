/**
 * Grad-CAM benchmark, side by side with PyTorch in the same run (the machine's load varies: compare within
 * a run, never across runs; PyTorch runs before, between and after the tfjs figures, median of the three):
 *  1. ms/patch, Grad-CAM of the last conv layer for one class, batch 64, on the reference net of
 *     /work/shared/bench/torch_reference.py (conv 32/64/128, GAP, dense 4), including the resize to the patch;
 *  2. ms/patch, every conv layer × every class for a 20 s recording (21 patches), maps at the patch size;
 *  3. the same two figures for the LungCAM CNN (4 conv blocks with batch-norm), tfjs only.
 * Run: npx tsx test/bench/cam.bench.ts   (or `npm run bench -- cam`)
 * LUNGCAM_CAM_PROFILE=1 adds where the time of (2) goes: per kernel (wall and CPU of every thread, ms per patch;
 * a kernel's own time, without the kernels it calls) and the CPU time of each thread of the process.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { initBackend, backendDescription } from '../../kernels/engine/model/backend';
import { buildModel, buildReferenceModel, convLayerNames } from '../../kernels/engine/model/model';
import { gradCam, patchMaps, type PatchBatch } from '../../kernels/engine/cam/cam';

const PYTHON = '/usr/bin/python3';
const REFERENCE = '/work/shared/bench/torch_reference.py';
const REPEATS = 3;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function patches(count: number, bands = 64, seed = 0): PatchBatch {
  const t = tf.randomNormal([count * 96 * bands], 0, 1, 'float32', seed);
  const data = t.dataSync() as Float32Array; // outside tf.tidy: tidy walks a returned typed array value by value
  t.dispose();
  return { data, count, frames: 96, bands };
}

async function msPerPatch(model: tf.LayersModel, p: PatchBatch, layers: string[], classes: number[] | 'all'): Promise<number> {
  const run = async () => {
    const r = await gradCam(model, p, { layers, classes, batchSize: 64 });
    for (const c of r.classIndices) for (const l of layers) patchMaps(r, c, { layers: [l] });
  };
  await run(); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await run();
    times.push((performance.now() - t) / p.count);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000 / p.count);
  }
  lastCpu = median(cpu);
  return median(times);
}

/** CPU time (every thread of this process) per patch of the last msPerPatch call: load-independent. */
let lastCpu = NaN;

/** PyTorch: the reference script (one layer, one class, batch 64) and every layer × class for 21 patches. */
function pytorch(): { one: number; all: number; allCpu: number } | null {
  if (!existsSync(PYTHON) || !existsSync(REFERENCE)) return null;
  const r = spawnSync(PYTHON, [REFERENCE], { encoding: 'utf8' });
  const m = /gradcam ms\/patch median ([\d.]+)/.exec(r.stdout ?? '');
  const allScript = `
import sys, time, torch, torch.nn.functional as F
sys.path.insert(0, '/work/shared/bench')
from torch_reference import Net
torch.manual_seed(0); torch.set_num_threads(2)
m, x = Net(), torch.randn(21, 1, 96, 64)
def run():
    # A = each conv block's output after ReLU (as LungCAM takes it), kept in the graph.
    a1 = F.relu(m.c1(x)); a2 = F.relu(m.c2(F.max_pool2d(a1, 2))); a3 = F.relu(m.c3(F.max_pool2d(a2, 2)))
    y = m.fc(a3.mean((2, 3)))
    for c in range(4):
        grads = torch.autograd.grad(y[:, c].sum(), [a1, a2, a3], retain_graph=True)
        for act, g in zip([a1, a2, a3], grads):
            cam = F.relu((g.mean((2, 3), keepdim=True) * act).sum(1))
            lo = cam.flatten(1).min(1)[0][:, None, None]; hi = cam.flatten(1).max(1)[0][:, None, None]
            cam = (cam - lo) / (hi - lo + 1e-7)
            F.interpolate(cam[:, None], size=(96, 64), mode='bilinear', align_corners=False)
run()
ts, cs = [], []
for _ in range(3):
    c = time.process_time(); t = time.perf_counter(); run()
    ts.append((time.perf_counter() - t) / 21 * 1000); cs.append((time.process_time() - c) / 21 * 1000)
print(sorted(ts)[1], sorted(cs)[1])`;
  const a = spawnSync(PYTHON, ['-c', allScript], { encoding: 'utf8' });
  if (!m) {
    process.stderr.write(`cam.bench: PyTorch reference failed: ${(r.stderr ?? '').slice(-300)}\n`);
    return null;
  }
  const [all, allCpu] = (a.stdout ?? '').trim().split(/\s+/).map(Number);
  return { one: Number(m[1]), all: all || NaN, allCpu: allCpu || NaN };
}

async function main() {
  await initBackend(undefined, { quiet: true });
  const ref = buildReferenceModel(64, 0);
  const refLayers = convLayerNames(ref);
  const batch64 = patches(64);
  const rec20s = patches(21, 64, 1); // 20 s = 1998 frames → 21 patches (the last padded)
  // PyTorch before, between and after the tfjs runs (the load changes during a run); median of the three.
  const torchRuns = [pytorch()];
  const oneRef = await msPerPatch(ref, batch64, [refLayers[refLayers.length - 1]], [1]);
  const allRef = await msPerPatch(ref, rec20s, refLayers, 'all');
  const allRefCpu = lastCpu;
  torchRuns.push(pytorch());
  const cnn = buildModel({ seed: 1 });
  const cnnLayers = convLayerNames(cnn);
  const oneCnn = await msPerPatch(cnn, batch64, [cnnLayers[cnnLayers.length - 1]], [1]);
  const allCnn = await msPerPatch(cnn, rec20s, cnnLayers, 'all');
  torchRuns.push(pytorch());
  const ok = torchRuns.filter((r): r is { one: number; all: number; allCpu: number } => r !== null);
  const t1 = ok.length ? median(ok.map((r) => r.one)) : undefined;
  const tAll = ok.length ? median(ok.map((r) => r.all)) : undefined;
  const f = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : 'n/a');
  const runs = (key: 'one' | 'all') => ok.map((r) => f(r[key])).join(', ');
  console.log(`backend: ${backendDescription()}`);
  console.log('| Grad-CAM, ms per patch | tfjs (LungCAM) | PyTorch CPU 2 threads | tfjs / PyTorch |');
  console.log('|---|---|---|---|');
  console.log(`| reference net, last conv, 1 class, batch 64 | ${f(oneRef)} | ${f(t1)} (runs: ${runs('one')}) | ${ratio(oneRef, t1)} |`);
  console.log(`| reference net, 3 layers × 4 classes, 20 s (21 patches) | ${f(allRef)} | ${f(tAll)} (runs: ${runs('all')}) | ${ratio(allRef, tAll)} |`);
  const tAllCpu = ok.length ? median(ok.map((r) => r.allCpu)) : undefined;
  console.log(`| same, CPU time per patch (all threads; the machine's load inflates wall time, not this) | ${f(allRefCpu)} | ${f(tAllCpu)} | ${ratio(allRefCpu, tAllCpu)} |`);
  console.log(`| LungCAM CNN, last conv, 1 class, batch 64 | ${f(oneCnn)} | – | – |`);
  console.log(`| LungCAM CNN, ${cnnLayers.length} layers × 4 classes, 20 s | ${f(allCnn)} | – | – |`);
}

/** CPU ms of each thread of this process (Linux /proc), by thread id. */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync('/proc/self/task')) return out;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(t, (Number(f[11]) + Number(f[12])) * 10); // utime + stime, 10 ms ticks
    } catch { /* the thread ended */ }
  }
  return out;
}

/** Per-kernel profile of "every layer × every class" on the reference net (kernels wrapped at the registry). */
async function profile(model: tf.LayersModel, p: PatchBatch, layers: string[]): Promise<void> {
  const run = async () => {
    const r = await gradCam(model, p, { layers, classes: 'all', batchSize: 64 });
    for (const c of r.classIndices) for (const l of layers) patchMaps(r, c, { layers: [l] });
  };
  await run(); // registers LungCAM's own kernels too
  const byKernel = new Map<string, { ms: number; cpu: number; calls: number }>();
  let depth = 0;
  const originals = tf.getKernelsForBackend(tf.getBackend());
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel({ ...k, kernelFunc: ((args: { inputs: Record<string, { shape?: number[] }> }) => {
      if (depth++ > 0) try { return k.kernelFunc(args as never); } finally { depth--; }
      const c = process.cpuUsage(), t = performance.now();
      try { return k.kernelFunc(args as never); } finally {
        depth--;
        const used = process.cpuUsage(c);
        const key = `${k.kernelName} ${Object.values(args.inputs).map((x) => JSON.stringify(x?.shape ?? null)).join(' ')}`.slice(0, 90);
        const e = byKernel.get(key) ?? { ms: 0, cpu: 0, calls: 0 };
        e.ms += performance.now() - t; e.cpu += (used.user + used.system) / 1000; e.calls++;
        byKernel.set(key, e);
      }
    }) as never });
  }
  const runs = 3;
  const before = threadCpuMs();
  const c = process.cpuUsage(), t = performance.now();
  for (let i = 0; i < runs; i++) await run();
  const wall = performance.now() - t, used = process.cpuUsage(c);
  const after = threadCpuMs();
  for (const k of originals) { tf.unregisterKernel(k.kernelName, k.backendName); tf.registerKernel(k); }
  const per = (v: number) => (v / runs / p.count).toFixed(3);
  const kernels = [...byKernel.values()];
  console.log(`\nprofile, reference net, every layer × class, ms per patch: wall ${per(wall)}, CPU ${per((used.user + used.system) / 1000)}; `
    + `in kernels: wall ${per(kernels.reduce((a, e) => a + e.ms, 0))}, CPU ${per(kernels.reduce((a, e) => a + e.cpu, 0))}`);
  console.log(`CPU per thread (ms per patch): ${[...after].map(([id, v]) => [id, v - (before.get(id) ?? 0)] as const).filter(([, v]) => v > 0).map(([id, v]) => `${id}: ${per(v)}`).join(', ')}`);
  console.log('| kernel and input shapes | wall | CPU | calls per run |\n|---|---|---|---|');
  for (const [key, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`| ${key} | ${per(e.ms)} | ${per(e.cpu)} | ${e.calls / runs} |`);
}

main().then(async () => {
  if (!process.env.LUNGCAM_CAM_PROFILE) return;
  const ref = buildReferenceModel(64, 0);
  await profile(ref, patches(21, 64, 1), convLayerNames(ref));
}).catch((e) => {
  console.error(e);
  process.exit(1);
});
