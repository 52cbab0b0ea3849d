/**
 * What frontends without the LungCAM renderer show: a one-paragraph text summary and a small PNG
 * (waveform, spectrogram, probability bars, or the spectrogram with the default CAM map over it).
 */
import type { AudioOutput, CamOutput, LungcamOutput, PredictionsOutput, SpectrogramOutput, QuantizedMatrix } from '../../shared/outputTypes';
import { Canvas, heat, viridis, type Rgb } from './png';
import { unitBytes } from './quantize';

const WIDTH = 640;

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const hz = (f: number) => `${Math.round(f)} Hz`;

export function summaryText(o: LungcamOutput): string {
  const src = `${o.source.fileName} (${o.source.durationSeconds.toFixed(2)} s)`;
  switch (o.kind) {
    case 'audio':
      return `Audio ${src}: ${o.source.originalSampleRate} Hz, ${o.source.channels} channel(s)`;
    case 'spectrogram':
      return `Log-mel spectrogram ${src}: ${o.axes.frames} frames × ${o.axes.bands} bands, ${hz(o.axes.fmin)}–${hz(o.axes.fmax)}${o.axes.bandCutoffHz ? `, cut above ${hz(o.axes.bandCutoffHz)}` : ''}`;
    case 'predictions': {
      const ranked = o.classes.map((c, i) => [c, o.recordingProbabilities[i]] as const).sort((a, b) => b[1] - a[1]);
      return `Prediction ${src} by ${o.modelId}: ${o.label} — ${ranked.map(([c, p]) => `${c} ${pct(p)}`).join(', ')} (${o.probabilities.length} patch(es))`;
    }
    case 'cam':
      return `${o.method} ${src} by ${o.modelId}: layers ${o.layers.join(', ')}; classes ${o.classes.join(', ')}; shown ${o.defaultLayer} / ${o.defaultClass}`;
  }
}

export function fallbackPng(o: LungcamOutput): Buffer {
  switch (o.kind) {
    case 'audio':
      return waveformPng(o);
    case 'spectrogram':
      return spectrogramPng(o);
    case 'predictions':
      return predictionsPng(o);
    case 'cam':
      return camPng(o);
  }
}

function waveformPng(o: AudioOutput): Buffer {
  const h = 120;
  const c = new Canvas(WIDTH, h);
  const n = o.envelope.max.length;
  const peak = Math.max(1e-6, ...o.envelope.max, ...o.envelope.min.map(Math.abs));
  for (let x = 0; x < WIDTH; x++) {
    const b = Math.min(n - 1, Math.floor((x / WIDTH) * n));
    const top = h / 2 - (o.envelope.max[b] / peak) * (h / 2 - 2);
    const bottom = h / 2 - (o.envelope.min[b] / peak) * (h / 2 - 2);
    c.fillRect(x, top, 1, Math.max(1, bottom - top), [31, 119, 180]);
  }
  return c.png();
}

/** Time runs left to right, low bands at the bottom; `cell(x, y)` gives each pixel's colour. */
function matrixPng(m: QuantizedMatrix, heightPerBand: number, colour: (row: number, col: number, v: number) => Rgb): Buffer {
  const width = Math.max(1, Math.min(WIDTH, m.rows));
  const height = m.cols * heightPerBand;
  const c = new Canvas(width, height);
  const v = unitBytes(m);
  for (let x = 0; x < width; x++) {
    const row = Math.min(m.rows - 1, Math.floor((x / width) * m.rows));
    for (let y = 0; y < height; y++) {
      const col = m.cols - 1 - Math.floor(y / heightPerBand);
      c.set(x, y, colour(row, col, v[row * m.cols + col] / 255));
    }
  }
  return c.png();
}

function spectrogramPng(o: SpectrogramOutput): Buffer {
  return matrixPng(o.logMel, 3, (_r, _c, v) => viridis(v));
}

function predictionsPng(o: PredictionsOutput): Buffer {
  const barH = 24;
  const c = new Canvas(WIDTH / 2, o.classes.length * barH + 8);
  o.recordingProbabilities.forEach((p, i) => {
    const colour: Rgb = o.classes[i] === o.label ? [214, 39, 40] : [127, 127, 127];
    c.fillRect(4, 4 + i * barH + 3, Math.max(1, p * (c.width - 8)), barH - 6, colour);
  });
  return c.png();
}

/** Spectrogram in grey with the default layer/class attention blended over it. */
function camPng(o: CamOutput): Buffer {
  const cam = o.maps[o.defaultLayer]?.[o.defaultClass];
  if (!cam) return matrixPng(o.logMel, 3, (_r, _c, v) => viridis(v));
  const camValues = unitBytes(cam.map);
  const framesPerPatch = o.patches.frames;
  // A model trained at a band cutoff has maps of its own (low) bands only: the rest stays grey.
  const covered = o.cutoff?.bands ?? o.logMel.cols;
  return matrixPng(o.logMel, 3, (frame, band, v) => {
    if (band >= covered) return [Math.round(v * 160), Math.round(v * 160), Math.round(v * 160)];
    // map (frame, band) to the CAM cell: first patch covering the frame, native resolution
    const p = Math.max(0, o.patches.startFrame.findIndex((s) => frame >= s && frame < s + framesPerPatch));
    const t = Math.min(cam.timeSteps - 1, Math.floor(((frame - (o.patches.startFrame[p] ?? 0)) / framesPerPatch) * cam.timeSteps));
    const b = Math.min(cam.bandSteps - 1, Math.floor((band / covered) * cam.bandSteps));
    const a = camValues[(p * cam.timeSteps + t) * cam.bandSteps + b] / 255;
    const [r, g, bl] = heat(a);
    const grey = v * 255;
    return [Math.round(0.4 * grey + 0.6 * r), Math.round(0.4 * grey + 0.6 * g), Math.round(0.4 * grey + 0.6 * bl)];
  });
}
