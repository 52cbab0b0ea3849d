/**
 * Band-cutoff benchmark:
 *  1. size of a 20 s recording's CAM output with a five-member family (full band, 1000, 1250, 1500, 1750 Hz;
 *     the shipped recipe's architecture, every layer × class of every member; target ≤ 2 MB), from the engine
 *     (`computeCutoffView`) on a real recording read in place;
 *  2. the what-if recompute of that 20 s recording at 1000 Hz with one model, as the warm engine does it
 *     (features and model in memory: mask, predictions, Grad-CAM of every layer × class, the output built),
 *     and as the editor's route today does it (a fresh `lungcam view --cutoff 1000 --only-cutoff`); target
 *     ≤ 1 s on a quiet machine;
 *  3. repaint when the view's band-cutoff control switches to another family member (Chromium, the renderer
 *     bundle; slider input → the next animation frame after the redraw; target ≤ 100 ms).
 * The family's untrained members (weights made here, seeded) cost the same to compute and store as trained
 * ones of the same architecture. Run: npm run bench -- cutoff
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { MIME } from '../../kernels/shared/outputTypes';
import { keptBands } from '../../kernels/engine/audio/melFilter';
import { logMelFromFile } from '../../kernels/engine/audio/features';
import { initBackend, backendDescription } from '../../kernels/engine/model/backend';
import { buildModel, convLayerNames, CLASSES } from '../../kernels/engine/model/model';
import { MODEL_FORMAT, saveModel } from '../../kernels/engine/model/modelIO';
import { computeCutoffView } from '../../kernels/engine/cutoff/cutoffView';
import { openModelSource, planBandCutoff } from '../../kernels/engine/cutoff/plan';
import { MemberModels } from '../../kernels/engine/cutoff/cutoffCam';
import { cutoffOutput } from '../../kernels/engine/cutoff/cutoffOutput';
import { launch, openPage, render } from '../renderer/harness';
import { ENGINE_LAYERS, makeCamOutput, withCutoffRungs } from '../renderer/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const WAV = path.resolve(ROOT, '../shared/realdata/107_2b3_Ar_mc_AKGC417L.wav');
const PARAMS = { fmin: 100, fmax: 2000, bands: 64, bandCutoffHz: null };
const LADDER = [null, 1000, 1250, 1500, 1750];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');

async function family(dir: string): Promise<string> {
  const members = [];
  for (const hz of LADDER) {
    const featureParams = { ...PARAMS, bandCutoffHz: hz };
    const bands = keptBands(featureParams);
    const model = buildModel({ seed: 5 + (hz ?? 0), bands });
    const sub = hz === null ? 'full' : `cut${hz}`;
    await saveModel(path.join(dir, sub), model, {
      format: MODEL_FORMAT, name: sub, classes: [...CLASSES], featureParams, inputBands: bands, convLayers: convLayerNames(model),
      architecture: { filters: [16, 32, 64, 128], batchNorm: false, inputNorm: true }, training: {} as never, data: {}, metrics: {}, backend: 'wasm', created: 'bench',
    });
    members.push({ bandCutoffHz: hz, dir: sub });
  }
  writeFileSync(path.join(dir, 'family.json'), JSON.stringify({ format: 'lungcam-family/1', name: 'bench-ladder', members }));
  return dir;
}

async function sizes(dir: string): Promise<void> {
  const view = await computeCutoffView(WAV, dir);
  const bytes = JSON.stringify(view.cam).length;
  const main = JSON.stringify({ ...view.cam, rungs: undefined }).length;
  console.log(`1. CAM output of a ${view.full.frames / 100} s recording with ${LADDER.length} cutoffs (every layer × class): ${(bytes / 1e6).toFixed(2)} MB`
    + ` (the full-band member alone ${(main / 1e6).toFixed(2)} MB; layers left out: ${(view.cam.rungs ?? []).map((r) => `${r.modelId}: ${r.omittedLayers?.join('+') ?? 'none'}`).join(', ')}) (target ≤ 2 MB)`);
}

async function whatIf(): Promise<void> {
  const modelDir = path.join(ROOT, 'samples/models/baseline');
  const source = openModelSource(modelDir);
  const models = new MemberModels(source);
  const full = await logMelFromFile(WAV, source.featureParams);
  const plan = planBandCutoff(source, 1000);
  await models.get(plan.member);
  const warm: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await cutoffOutput(models, full, plan, [], { method: 'gradcam' });
    const c = process.cpuUsage(c0);
    // the first run warms the kernels
    if (i > 0) {
      warm.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  const cold: number[] = [];
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lungcam-bench-')), 'v.json');
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/kernels/cli.js'), 'view', WAV, '--model', modelDir, '--cutoff', '1000', '--only-cutoff', '--out', out], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('lungcam view failed');
    cold.push(performance.now() - t0);
  }
  rmSync(path.dirname(out), { recursive: true, force: true });
  console.log(`2. what-if at 1 kHz of ${(full.frames / 100).toFixed(1)} s, every layer × class: warm engine ${median(warm).toFixed(0)} ms (median of 3: ${warm.map((v) => v.toFixed(0)).join(', ')}; process CPU ${median(cpu).toFixed(0)} ms, every thread); `
    + `fresh \`lungcam view\` process ${median(cold).toFixed(0)} ms (${cold.map((v) => v.toFixed(0)).join(', ')}) (target ≤ 1 s quiet)`);
}

async function repaint(): Promise<void> {
  const output = withCutoffRungs(makeCamOutput({ durationSeconds: 20, layers: ENGINE_LAYERS }), [1000, 1250, 1500, 1750], ENGINE_LAYERS);
  const browser = await launch();
  try {
    const page = await openPage(browser, 'dark');
    const { id } = await render(page, MIME.cam, output, { messaging: false });
    // Main-thread CPU (CDP ThreadTime): the renderer's own work, not inflated by waiting for a core.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const threadMs = async () => ((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.find((m) => m.name === 'ThreadTime')!.value * 1000;
    const cpu0 = await threadMs();
    // Every step a switch to another member (the rungs and the full band, in turn), at the finest layer.
    const times = await page.evaluate(async (oid) => {
      const root = document.getElementById(oid)!;
      const layer = root.querySelector('vscode-dropdown[data-control="layer"]') as HTMLElement & { value: string };
      layer.value = 'conv1';
      layer.dispatchEvent(new Event('change'));
      const input = root.querySelector('input[data-control="band-cutoff"]') as HTMLInputElement;
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const value = [1000, 1250, 1500, 1750, 2000][i % 5];
        const t0 = performance.now();
        input.value = String(value);
        input.dispatchEvent(new Event('input'));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        out.push(performance.now() - t0);
      }
      return out;
    }, id);
    const cpuPerSwitch = ((await threadMs()) - cpu0) / times.length;
    console.log(`3. repaint after a switch to another family member (20 s view, conv1 maps, 20 switches): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; main-thread CPU ${cpuPerSwitch.toFixed(1)} ms per switch (target ≤ 100 ms)`);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  await initBackend('auto', { quiet: true });
  console.log(`band cutoff bench (backend ${backendDescription()}, ${cpus().length} cores, load ${load()})`);
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-ladder-'));
  try {
    await sizes(await family(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await whatIf();
  await repaint();
  console.log(`load after: ${load()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
