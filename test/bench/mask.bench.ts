/**
 * Which neutral value should the band-cutoff what-if put in place of the removed bands? Measured against
 * the answer it stands in for: a model retrained at that cutoff. The shipped `baseline` (full band,
 * 100–2000 Hz) and `cut1500` (the same recipe, bands above 1500 Hz dropped) were trained the same way, so
 * for every recording: mask baseline's input above 1500 Hz with each fill and compare with cut1500 —
 * patch labels, patch probabilities (total-variation distance), recording labels, and the Grad-CAM band
 * profile of the last conv layer on the bands both keep (Pearson r). "none" is the unmasked full model:
 * a fill is worth something only where it moves the full model towards the retrained one.
 * Recordings: real ones read in place (../shared/realdata: the six, icbhi/, the first SPRSOUND_COUNT of
 * sprsound/) and a synthetic test corpus made with the shipped models' training recipe (another seed).
 * Run: npm run bench -- mask
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { logMelFromFile } from '../../kernels/engine/audio/features';
import { toPatches } from '../../kernels/engine/audio/patches';
import { attentionByBand } from '../../kernels/shared/view/summaries';
import { recordingCam, type CamModel } from '../../kernels/engine/cam/explain';
import { MASK_FILLS, maskBandsAbove, type MaskFill } from '../../kernels/engine/cutoff/bandMask';
import { lowBandsOf } from '../../kernels/engine/cutoff/lowBands';
import { initBackend, backendDescription } from '../../kernels/engine/model/backend';
import { predictProbabilities } from '../../kernels/engine/model/classify';
import { loadModel, type LoadedModel } from '../../kernels/engine/model/modelIO';
import type { LogMel } from '../../kernels/engine/types';

const ROOT = path.resolve(__dirname, '../..');
const REAL = path.resolve(ROOT, '../shared/realdata');
const CUTOFF_HZ = 1500;
const SPRSOUND_COUNT = 60;
const SYNTH_DIR = path.join(ROOT, '.bench', 'mask-synth');

const wavs = (dir: string, limit = Infinity) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().slice(0, limit).map((f) => path.join(dir, f)) : [];

interface Tally { patches: number; labelAgree: number; tv: number; recordings: number; recordingAgree: number; camR: number[] }
const tally = (): Tally => ({ patches: 0, labelAgree: 0, tv: 0, recordings: 0, recordingAgree: 0, camR: [] });

const argmax = (p: Float32Array, off: number, k: number) => {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[off + c] > p[off + best]) best = c;
  return best;
};

function pearson(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function probabilities(m: LoadedModel, logMel: LogMel): Float32Array {
  const p = toPatches(logMel);
  return predictProbabilities(m.model, p.data, p.count, p.bands);
}

const camModel = (m: LoadedModel): CamModel => ({ model: m.model, id: m.meta.name, classes: m.meta.classes, convLayers: m.meta.convLayers });

async function bandProfile(m: LoadedModel, logMel: LogMel, className: string): Promise<Float64Array> {
  const rc = await recordingCam(camModel(m), logMel, { className });
  return attentionByBand({ data: rc.map, frames: logMel.frames, bands: logMel.bands });
}

function recordingLabel(p: Float32Array, k: number): number {
  const n = p.length / k;
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) mean[c] += p[i * k + c];
  return argmax(Float32Array.from(mean), 0, k);
}

async function main(): Promise<void> {
  await initBackend('auto', { quiet: true });
  const full = await loadModel(path.join(ROOT, 'samples/models/baseline'));
  const cut = await loadModel(path.join(ROOT, 'samples/models/cut1500'));
  const params = { ...full.meta.featureParams, bandCutoffHz: null };
  if (!existsSync(path.join(SYNTH_DIR, 'done'))) {
    // The shipped models' training corpus options (samples/models/README.md), another seed: unseen recordings.
    const args = ['synth', SYNTH_DIR, '--count', '40', '--seed', '7', '--clicks', '0.3-5', '--valve-clicks', '0.3-1.5', '--crackle-transmission', '150-1200', '--crackle-level', '5-20'];
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/kernels/cli.js'), ...args], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('lungcam synth failed');
    writeFileSync(path.join(SYNTH_DIR, 'done'), '');
  }
  const groups: [string, string[]][] = [
    ['ICBHI (6 + icbhi/)', [...wavs(REAL), ...wavs(path.join(REAL, 'icbhi'))]],
    [`SPRSound (first ${SPRSOUND_COUNT})`, wavs(path.join(REAL, 'sprsound'), SPRSOUND_COUNT)],
    ['synthetic test corpus', wavs(SYNTH_DIR)],
  ];
  const k = full.meta.classes.length;
  const fills: (MaskFill | 'none')[] = ['none', ...MASK_FILLS];
  console.log(`mask fill vs retraining at ${CUTOFF_HZ} Hz: baseline masked vs cut1500 (backend ${backendDescription()}, ${cpus().length} cores, load ${loadavg().map((v) => v.toFixed(1)).join(' ')})`);
  for (const [name, files] of groups) {
    if (!files.length) continue;
    const t = new Map(fills.map((f) => [f, tally()]));
    for (const wav of files) {
      let logMel: LogMel;
      try {
        logMel = await logMelFromFile(wav, params);
      } catch {
        continue;
      }
      if (logMel.frames < 96) continue;
      const cutLogMel = lowBandsOf(logMel, CUTOFF_HZ);
      const ref = probabilities(cut, cutLogMel);
      const refLabel = recordingLabel(ref, k);
      const refProfile = await bandProfile(cut, cutLogMel, cut.meta.classes[refLabel]);
      for (const fill of fills) {
        const input = fill === 'none' ? logMel : maskBandsAbove(logMel, logMel.axes.bandCentersHz, CUTOFF_HZ, fill);
        const p = probabilities(full, input);
        const s = t.get(fill)!;
        const n = p.length / k;
        for (let i = 0; i < n; i++) {
          s.patches++;
          if (argmax(p, i * k, k) === argmax(ref, i * k, k)) s.labelAgree++;
          let d = 0;
          for (let c = 0; c < k; c++) d += Math.abs(p[i * k + c] - ref[i * k + c]);
          s.tv += d / 2;
        }
        s.recordings++;
        if (recordingLabel(p, k) === refLabel) s.recordingAgree++;
        s.camR.push(pearson(await bandProfile(full, input, full.meta.classes[refLabel]), refProfile, cutLogMel.bands));
      }
    }
    console.log(`\n${name}: ${t.get('none')!.recordings} recordings, ${t.get('none')!.patches} patches`);
    console.log('| fill | patch labels as retrained | mean TV distance to retrained | recording labels as retrained | CAM band profile r (median) |');
    console.log('|---|---|---|---|---|');
    for (const fill of fills) {
      const s = t.get(fill)!;
      const r = [...s.camR].sort((a, b) => a - b)[Math.floor(s.camR.length / 2)] ?? NaN;
      console.log(`| ${fill} | ${((100 * s.labelAgree) / s.patches).toFixed(1)} % | ${(s.tv / s.patches).toFixed(3)} | ${((100 * s.recordingAgree) / s.recordings).toFixed(1)} % | ${r.toFixed(3)} |`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
