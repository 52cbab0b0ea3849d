// Synthetic CamOutput / SpectrogramOutput / AudioOutput / PredictionsOutput objects with the exact shape the
// kernel emits (kernels/shared/outputTypes.ts), so renderer tests and benchmarks do not depend on the
// engine's speed or on a trained model. The pictures have structure a test can see: a tonal "wheeze"
// line, vertical "crackle" streaks, and CAM blobs whose place depends on layer and class.
import type {
  AudioOutput, CamMap, CamOutput, CycleAnnotation, EventAnnotation, FeatureAxes, PatchInfo, PredictionsOutput,
  SourceInfo, SpectrogramOutput,
} from '../../kernels/shared/outputTypes';
import { makeRandom } from '../../kernels/engine/model/augment';
import { quantize } from '../../kernels/shared/view/quantized';

export interface LayerShape {
  name: string;
  timeSteps: number;
  bandSteps: number;
}

/** Native resolutions of the LungCAM CNN's four conv layers (engine buildModel(): 2 × 2 pooling between). */
export const ENGINE_LAYERS: LayerShape[] = [
  { name: 'conv1', timeSteps: 96, bandSteps: 64 },
  { name: 'conv2', timeSteps: 48, bandSteps: 32 },
  { name: 'conv3', timeSteps: 24, bandSteps: 16 },
  { name: 'conv4', timeSteps: 12, bandSteps: 8 },
];
/** Smaller default for tests: same pyramid, one pooling step further in. */
export const COMPACT_LAYERS: LayerShape[] = [
  { name: 'conv1', timeSteps: 48, bandSteps: 32 },
  { name: 'conv2', timeSteps: 24, bandSteps: 16 },
  { name: 'conv3', timeSteps: 12, bandSteps: 8 },
];
export const CLASSES = ['normal', 'crackle', 'wheeze', 'both'];

export interface FixtureOptions {
  durationSeconds?: number;
  fileName?: string;
  classes?: string[];
  layers?: LayerShape[];
  fmin?: number;
  fmax?: number;
  bands?: number;
  method?: string;
  requestId?: string;
  seed?: number;
  withAnnotations?: boolean;
  /** Cycles carry their annotated class and the model's label (every third one wrong), as `lungcam view` gives. */
  verdicts?: boolean;
}

const HOP_SECONDS = 0.01;
const PATCH_FRAMES = 96;

/** Small deterministic PRNG (the engine's mulberry32) so fixtures are identical on every run. */
export const prng = makeRandom;

const melOf = (hz: number) => 1127 * Math.log(1 + hz / 700);
const hzOf = (mel: number) => 700 * (Math.exp(mel / 1127) - 1);

export function featureAxes(durationSeconds: number, fmin = 100, fmax = 2000, bands = 64): FeatureAxes {
  const frames = Math.max(0, 1 + Math.floor((durationSeconds * 16000 - 400) / 160));
  const lo = melOf(fmin);
  const hi = melOf(fmax);
  const bandEdgesHz = Array.from({ length: bands + 2 }, (_, i) => hzOf(lo + ((hi - lo) * i) / (bands + 1)));
  return {
    sampleRate: 16000, fmin, fmax, melBands: bands, bands, bandCutoffHz: null, frames,
    hopSeconds: HOP_SECONDS, windowSeconds: 0.025,
    bandCentersHz: bandEdgesHz.slice(1, bands + 1), bandEdgesHz,
  };
}

export function patchInfo(frames: number): PatchInfo {
  const count = Math.max(1, Math.ceil(frames / PATCH_FRAMES));
  const startFrame = Array.from({ length: count }, (_, p) => p * PATCH_FRAMES);
  const padded = startFrame.map((s) => s + PATCH_FRAMES > frames);
  return { startFrame, frames: PATCH_FRAMES, padded };
}

function source(fileName: string, durationSeconds: number): SourceInfo {
  return { fileName, durationSeconds, originalSampleRate: 44100, channels: 1 };
}

function cycles(durationSeconds: number, verdicts = false): CycleAnnotation[] {
  const out: CycleAnnotation[] = [];
  for (let t = 0.3, i = 0; t + 3 < durationSeconds; t += 3.6, i++) {
    const crackles = i % 3 === 1;
    const wheezes = i % 4 === 2;
    const cycle: CycleAnnotation = { startSeconds: t, endSeconds: t + 3.3, crackles, wheezes };
    if (verdicts) {
      const label = crackles && wheezes ? 'both' : crackles ? 'crackle' : wheezes ? 'wheeze' : 'normal';
      const predicted = i % 3 === 2 ? 'normal' === label ? 'crackle' : 'normal' : label;
      const k = CLASSES.indexOf(predicted);
      Object.assign(cycle, { label, predicted: { label: predicted, probabilities: CLASSES.map((_, j) => (j === k ? 0.7 : 0.1)) } });
    }
    out.push(cycle);
  }
  return out;
}

function events(durationSeconds: number): EventAnnotation[] {
  const out: EventAnnotation[] = [];
  for (let t = 2; t + 1 < durationSeconds; t += 9) {
    out.push({ type: 'wheeze', startSeconds: t, endSeconds: t + 0.8, lowHz: 380, highHz: 460 });
    out.push({ type: 'crackle', startSeconds: t + 4, endSeconds: t + 4.02, lowHz: 100, highHz: 2000 });
  }
  return out;
}

/** [frames, bands] log-mel with a breathing envelope, a 420 Hz wheeze and crackle streaks (same times as events()). */
export function syntheticLogMel(axes: FeatureAxes, seed = 1): Float32Array {
  const rand = prng(seed);
  const { frames, bands } = axes;
  const out = new Float32Array(frames * bands);
  for (let f = 0; f < frames; f++) {
    const t = f * axes.hopSeconds;
    const breath = 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / 3.6);
    const inWheeze = (t - 2) % 9 >= 0 && (t - 2) % 9 < 0.8;
    const inCrackle = (t - 6) % 9 >= 0 && (t - 6) % 9 < 0.03;
    for (let b = 0; b < bands; b++) {
      const hz = axes.bandCentersHz[b];
      let v = -4 + 3 * breath * Math.exp(-hz / 700) + 0.4 * rand();
      if (inWheeze && Math.abs(hz - 420) < 40) v += 4;
      if (inCrackle) v += 2.5;
      out[f * bands + b] = v;
    }
  }
  return out;
}

/** A CAM map whose blob sits at a band that depends on class and a time phase that depends on layer. */
function syntheticCamMap(shape: LayerShape, patches: PatchInfo, classIndex: number, layerIndex: number, classCount: number, rand: () => number): CamMap {
  const n = patches.startFrame.length;
  const rows = n * shape.timeSteps;
  const values = new Float32Array(rows * shape.bandSteps);
  const rawMin: number[] = [];
  const rawMax: number[] = [];
  const bandCentre = ((classIndex + 1) / (classCount + 1)) * shape.bandSteps;
  for (let p = 0; p < n; p++) {
    const timeCentre = (((p * 0.37 + layerIndex * 0.31 + classIndex * 0.17) % 1) * 0.8 + 0.1) * shape.timeSteps;
    const width = shape.timeSteps * (0.12 + 0.05 * layerIndex);
    const height = shape.bandSteps * (0.1 + 0.04 * layerIndex);
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < shape.timeSteps; t++) {
      for (let b = 0; b < shape.bandSteps; b++) {
        const v = Math.exp(-(((t - timeCentre) / width) ** 2) - ((b - bandCentre) / height) ** 2) + 0.05 * rand();
        values[(p * shape.timeSteps + t) * shape.bandSteps + b] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    // Normalise per patch (pytorch-grad-cam convention) and keep the raw range for comparisons.
    for (let i = 0; i < shape.timeSteps * shape.bandSteps; i++) {
      const k = p * shape.timeSteps * shape.bandSteps + i;
      values[k] = (values[k] - lo) / (hi - lo + 1e-7);
    }
    const scale = 0.5 + 2 * rand();
    rawMin.push(0);
    rawMax.push(hi * scale);
  }
  const map = quantize(values, rows, shape.bandSteps);
  map.min = 0;
  map.max = 1;
  return { timeSteps: shape.timeSteps, bandSteps: shape.bandSteps, map, rawMin, rawMax, zeroPatches: [] };
}

function probabilities(n: number, classes: number, rand: () => number): number[][] {
  return Array.from({ length: n }, () => {
    const logits = Array.from({ length: classes }, () => rand() * 3);
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  });
}

export function makeCamOutput(opts: FixtureOptions = {}): CamOutput {
  const durationSeconds = opts.durationSeconds ?? 20;
  const classes = opts.classes ?? CLASSES;
  const layers = opts.layers ?? COMPACT_LAYERS;
  const rand = prng(opts.seed ?? 7);
  const axes = featureAxes(durationSeconds, opts.fmin, opts.fmax, opts.bands);
  const patches = patchInfo(axes.frames);
  const maps: CamOutput['maps'] = {};
  layers.forEach((shape, li) => {
    maps[shape.name] = {};
    classes.forEach((c, ci) => {
      maps[shape.name][c] = syntheticCamMap(shape, patches, ci, li, classes.length, rand);
    });
  });
  const out: CamOutput = {
    kind: 'cam', version: 1,
    source: source(opts.fileName ?? 'synthetic_1b1_Al_sc_Meditron.wav', durationSeconds),
    axes,
    logMel: quantize(syntheticLogMel(axes, opts.seed ?? 7), axes.frames, axes.bands),
    modelId: 'synthetic-fixture',
    classes,
    method: opts.method ?? 'gradcam',
    layers: layers.map((l) => l.name),
    defaultLayer: layers[layers.length - 1].name,
    defaultClass: classes[1] ?? classes[0],
    patches,
    probabilities: probabilities(patches.startFrame.length, classes.length, rand),
    maps,
  };
  if (opts.withAnnotations !== false) {
    out.annotations = {
      cycles: cycles(durationSeconds, opts.verdicts), events: events(durationSeconds),
      ...(opts.verdicts ? { source: { fileName: 'synthetic_1b1_Al_sc_Meditron.txt', format: 'icbhi' as const, cycleAggregation: 'mean' } } : {}),
    };
  }
  if (opts.requestId) out.requestId = opts.requestId;
  return out;
}

/**
 * A family's output: `output` (the full-band member) plus rungs at `cutoffsHz`, each with maps covering only
 * its kept bands (band steps scaled down) and probabilities of its own, as `lungcam view --model FAMILY` gives.
 */
export function withCutoffRungs(output: CamOutput, cutoffsHz: number[], layers: LayerShape[] = COMPACT_LAYERS, seed = 21): CamOutput {
  const rand = prng(seed);
  const { axes, patches, classes } = output;
  const rungs = cutoffsHz.map((hz, r) => {
    const kept = axes.bandCentersHz.filter((c) => c <= hz).length;
    const maps: CamOutput['maps'] = {};
    layers.forEach((shape, li) => {
      const cut = { ...shape, bandSteps: Math.max(1, Math.round((shape.bandSteps * kept) / axes.bands)) };
      maps[shape.name] = {};
      // Shift each rung's blobs in class order, so every rung draws different pictures.
      classes.forEach((c, ci) => { maps[shape.name][c] = syntheticCamMap(cut, patches, (ci + r + 1) % classes.length, li, classes.length, rand); });
    });
    // With verdicts, the first rung gets every annotated cycle right; the others call every cycle normal.
    const cycles = output.annotations?.cycles;
    const cyclePredictions = cycles?.some((c) => c.predicted)
      ? cycles.map((c) => {
        const label = r === 0 ? c.label ?? 'normal' : 'normal';
        return { label, probabilities: classes.map((k) => (k === label ? 0.8 : 0.2 / (classes.length - 1))) };
      })
      : undefined;
    return {
      bandCutoffHz: hz, cutoffMode: 'model' as const, modelId: `cut${hz}`, bands: kept, keptBands: kept,
      probabilities: probabilities(patches.startFrame.length, classes.length, rand), maps, ...(cyclePredictions ? { cyclePredictions } : {}),
    };
  });
  return {
    ...output,
    modelId: 'full',
    cutoff: { bandCutoffHz: null, cutoffMode: 'model', modelId: 'full', bands: axes.bands, keptBands: axes.bands },
    family: { name: 'fixture-cutoffs' },
    rungs,
  };
}

export function makeSpectrogramOutput(opts: FixtureOptions = {}): SpectrogramOutput {
  const cam = makeCamOutput({ ...opts, layers: [{ name: 'conv1', timeSteps: 1, bandSteps: 1 }], classes: ['x'] });
  return { kind: 'spectrogram', version: 1, source: cam.source, axes: cam.axes, logMel: cam.logMel, annotations: cam.annotations };
}

export function makePredictionsOutput(opts: FixtureOptions = {}): PredictionsOutput {
  const cam = makeCamOutput({ ...opts, layers: [{ name: 'conv1', timeSteps: 1, bandSteps: 1 }] });
  const n = cam.probabilities.length;
  const mean = cam.classes.map((_, c) => cam.probabilities.reduce((s, p) => s + p[c], 0) / n);
  return {
    kind: 'predictions', version: 1, source: cam.source, modelId: cam.modelId, classes: cam.classes,
    patches: cam.patches, probabilities: cam.probabilities,
    label: cam.classes[mean.indexOf(Math.max(...mean))], recordingProbabilities: mean,
    ...(opts.verdicts && cam.annotations ? { annotations: { cycles: cam.annotations.cycles, source: cam.annotations.source } } : {}),
  };
}

/** A short tone-and-noise WAV as a data: URL plus its envelope (16 kHz mono 16-bit). */
export function makeAudioOutput(opts: FixtureOptions = {}): AudioOutput {
  const durationSeconds = opts.durationSeconds ?? 4;
  const rate = 16000;
  const n = Math.round(durationSeconds * rate);
  const rand = prng(opts.seed ?? 3);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    samples[i] = 0.3 * (0.5 + 0.5 * Math.sin((2 * Math.PI * t) / 3.6)) * (rand() * 2 - 1) + 0.1 * Math.sin(2 * Math.PI * 420 * t);
  }
  const bucketSeconds = 0.01;
  const per = Math.round(bucketSeconds * rate);
  const min: number[] = [];
  const max: number[] = [];
  for (let i = 0; i < n; i += per) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i; j < Math.min(n, i + per); j++) {
      lo = Math.min(lo, samples[j]);
      hi = Math.max(hi, samples[j]);
    }
    min.push(lo);
    max.push(hi);
  }
  const wav = Buffer.alloc(44 + n * 2);
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + n * 2, 4); wav.write('WAVE', 8);
  wav.write('fmt ', 12); wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24); wav.writeUInt32LE(rate * 2, 28); wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34);
  wav.write('data', 36); wav.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) wav.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), 44 + i * 2);
  return {
    kind: 'audio', version: 1,
    source: { ...source(opts.fileName ?? 'synthetic_tone.wav', durationSeconds), originalSampleRate: rate },
    envelope: { bucketSeconds, min, max },
    wavDataUrl: `data:audio/wav;base64,${wav.toString('base64')}`,
    annotations: opts.withAnnotations === false ? undefined : { cycles: cycles(durationSeconds) },
  };
}

/** Bytes of the output as JSON (what a notebook stores). */
export function outputBytes(o: unknown): number {
  return Buffer.byteLength(JSON.stringify(o));
}
