/**
 * What frontends without the LungCAM renderer show: a one-paragraph text summary and a small PNG
 * (waveform, spectrogram, probability bars, or the heatmap figure's plot of the default layer and class),
 * in the colours the views use.
 */
import type { AudioOutput, CamOutput, LungcamOutput, PredictionsOutput, SpectrogramOutput } from '../../shared/outputTypes';
import { colormapLut } from '../../shared/view/colormaps';
import { camOutputFigure } from '../../shared/view/figure';
import { matrixBytes } from '../../shared/view/quantized';
import { plural } from '../../shared/view/words';
import { cycleSummary } from '../../shared/view/cycleVerdicts';
import { DEFAULT_NORMALISATION, normalisationInfo } from '../../shared/view/normalisation';
import { Raster } from '../export/raster';
import { camFigurePng } from '../export/png';

const WIDTH = 640;
/** Pixel rows per mel band in the spectrogram image (small: a notebook stores it beside the view's data). */
const ROWS_PER_BAND = 2;

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
  const r = new Raster(WIDTH, h);
  const n = o.envelope.max.length;
  const peak = Math.max(1e-6, ...o.envelope.max, ...o.envelope.min.map(Math.abs));
  for (let x = 0; x < WIDTH; x++) {
    const b = Math.min(n - 1, Math.floor((x / WIDTH) * n));
    const top = h / 2 - (o.envelope.max[b] / peak) * (h / 2 - 2);
    const bottom = h / 2 - (o.envelope.min[b] / peak) * (h / 2 - 2);
    r.rect(x, top, 1, Math.max(1, bottom - top), [31, 119, 180]);
  }
  return r.png();
}

/** The log-mel in the views' greys: time left to right, low bands at the bottom. */
function spectrogramPng(o: SpectrogramOutput | CamOutput): Buffer {
  const m = o.logMel;
  const width = Math.max(1, Math.min(WIDTH, m.rows));
  const height = m.cols * ROWS_PER_BAND;
  const r = new Raster(width, height);
  const bytes = matrixBytes(m);
  const lut = colormapLut('greys');
  for (let x = 0; x < width; x++) {
    const row = Math.min(m.rows - 1, Math.floor((x / width) * m.rows));
    for (let y = 0; y < height; y++) {
      const i = bytes[row * m.cols + m.cols - 1 - Math.floor(y / ROWS_PER_BAND)] * 4;
      r.rgb.set(lut.subarray(i, i + 3), (y * width + x) * 3);
    }
  }
  return r.png();
}

function predictionsPng(o: PredictionsOutput): Buffer {
  const barH = 24;
  const r = new Raster(WIDTH / 2, o.classes.length * barH + 8);
  o.recordingProbabilities.forEach((p, i) => {
    r.rect(4, 4 + i * barH + 3, Math.max(1, p * (r.width - 8)), barH - 6, o.classes[i] === o.label ? [214, 39, 40] : [127, 127, 127]);
  });
  return r.png();
}

/**
 * The figure Export Heatmap… writes (shared/view/figure.ts), small: the spectrogram with the default layer ×
 * class map on the default normalisation, axes, the cycle lane and the words saying what is shown.
 */
function camPng(o: CamOutput): Buffer {
  const drawn = camOutputFigure(o, { layer: o.defaultLayer, className: o.defaultClass });
  if (!drawn) return spectrogramPng(o);
  return camFigurePng({ ...drawn.figure, compact: true });
}
