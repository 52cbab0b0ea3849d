/**
 * What frontends without the LungCAM renderer show: a one-paragraph text summary and a small PNG
 * (waveform, spectrogram, probability bars, or the spectrogram with the default CAM map over it).
 */
import type { AudioOutput, CamOutput, LungcamOutput, PredictionsOutput, SpectrogramOutput, QuantizedMatrix } from '../../shared/outputTypes';
import { Canvas, viridis, type Rgb } from './png';
import { unitBytes } from './quantize';
import { plural } from '../../shared/view/words';
import { cycleSummary } from '../../shared/view/cycleVerdicts';
import { DEFAULT_NORMALISATION, normalisationInfo } from '../../shared/view/normalisation';
import { outputFigure } from '../export/outputFigure';
import { camFigurePng } from '../export/png';

const WIDTH = 640;

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const hz = (f: number) => `${Math.round(f)} Hz`;

export function summaryText(o: LungcamOutput): string {
  const src = `${o.source.fileName} (${o.source.durationSeconds.toFixed(2)} s)`;
  switch (o.kind) {
    case 'audio':
      return `Audio ${src}: ${o.source.originalSampleRate} Hz, ${o.source.channels} channel(s)`;
    case 'spectrogram':
      return `Log-mel spectrogram ${src}: ${o.axes.frames} frames × ${o.axes.bands} bands, ${hz(o.axes.fmin)}–${hz(o.axes.fmax)}${o.axes.cutoffHz ? `, cut above ${hz(o.axes.cutoffHz)}` : ''}`;
    case 'predictions': {
      const ranked = o.classes.map((c, i) => [c, o.recordingProbabilities[i]] as const).sort((a, b) => b[1] - a[1]);
      return `Prediction ${src} by ${o.modelId}: ${o.label} — ${ranked.map(([c, p]) => `${c} ${pct(p)}`).join(', ')} (${plural(o.probabilities.length, 'patch', 'patches')})${laneText(o)}`;
    }
    case 'cam':
      return `${o.method} ${src} by ${o.modelId}: layers ${o.layers.join(', ')}; classes ${o.classes.join(', ')}; shown ${o.defaultLayer} / ${o.defaultClass}, normalised ${normalisationInfo(DEFAULT_NORMALISATION).label}${laneText(o)}`;
  }
}

/** The cycle summary after a sentence, when the output has annotated cycles. */
function laneText(o: PredictionsOutput | CamOutput): string {
  const cycles = o.annotations?.cycles;
  return cycles?.length ? `. ${cycleSummary(cycles, o.annotations?.source)}` : '';
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
  return matrixPng(o.logMel, 2, (_r, _c, v) => viridis(v));
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

/**
 * The figure Export Heatmap… writes (outputFigure.ts), small: the spectrogram with the default layer ×
 * class map on the default normalisation, the cycle lane and the words saying what is shown.
 */
function camPng(o: CamOutput): Buffer {
  const pick = { layer: o.defaultLayer, className: o.defaultClass };
  if (!o.maps[pick.layer]?.[pick.className]) return matrixPng(o.logMel, 3, (_r, _c, v) => viridis(v));
  return camFigurePng({ ...outputFigure(o, pick, DEFAULT_NORMALISATION), compact: true });
}
