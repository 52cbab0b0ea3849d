/**
 * Turns what a cell holds into the plain JSON the LungCAM renderer draws: outputs already built by
 * the engine pass through; decoded audio and log-mel spectrograms are converted here.
 */
import { LungcamInputError } from '../errors';
import type { DecodedAudio, LogMel } from '../types';
import { MIME, type AudioOutput, type LungcamOutput, type QuantizedMatrix, type SourceInfo, type SpectrogramOutput } from '../../shared/outputTypes';
import { quantize } from '../../shared/view/quantized';
import { camOutput } from '../cam/output';
import type { RecordingCam } from '../cam/explain';
import type { RecordingPrediction } from '../model/classify';
import { randomBytes } from 'node:crypto';
import { camSource } from './sourceRegistry';
import { cycleLaneOf } from '../model/cycleLane';
import { previewWavDataUrl } from './audioPreview';

import { encodeRequestId } from '../../shared/requestId';

const withLane = (annotations: ReturnType<typeof cycleLaneOf>) => (annotations ? { annotations } : {});

export interface ShowSourceOptions {
  /** Name shown for audio that does not carry its own source (display only). */
  fileName?: string;
  /** Model name shown with a prediction or Grad-CAM result (default: the name they carry). */
  modelId?: string;
}

const FRAMES_PER_SECOND = 100; // VGGish hop 10 ms

/** Waveform buckets: two per pixel of a wide view; values to 3 decimals (a notebook stores every one). */
const ENVELOPE_BUCKETS = 600;

export function isLungcamOutput(v: unknown): v is LungcamOutput {
  const o = v as { kind?: unknown; version?: unknown } | null;
  return !!o && typeof o === 'object' && typeof o.kind === 'string' && o.kind in MIME && o.version === 1;
}

function isDecodedAudio(v: unknown): v is DecodedAudio & { source?: SourceInfo } {
  const o = v as Partial<DecodedAudio> | null;
  return !!o && o.samples instanceof Float32Array && typeof o.sampleRate === 'number';
}

function isLogMel(v: unknown): v is LogMel {
  const o = v as Partial<LogMel> | null;
  return !!o && o.data instanceof Float32Array && typeof o.frames === 'number' && typeof o.bands === 'number' && !!o.axes;
}

export function toOutput(value: unknown, options: ShowSourceOptions = {}): LungcamOutput {
  if (isLungcamOutput(value)) return value;
  const withBuilder = value as { toOutput?: () => unknown } | null;
  if (withBuilder && typeof withBuilder.toOutput === 'function') return toOutput(withBuilder.toOutput(), options);
  if (isDecodedAudio(value)) return audioOutput(value, options);
  if (isLogMel(value)) return spectrogramOutput(value, options);
  if (isRecordingCam(value)) return camOutputOf(value, options);
  if (isPrediction(value)) return predictionsOutput(value, options);
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new LungcamInputError(
    `cannot show ${what}: pass decoded audio, a log-mel spectrogram, predictions or a Grad-CAM result`,
    'lc.show',
  );
}

function isRecordingCam(v: unknown): v is RecordingCam {
  const o = v as Partial<RecordingCam> | null;
  return !!o && isLogMel(o.logMel) && !!o.result && Array.isArray(o.result.maps) && !!o.patches;
}

function isPrediction(v: unknown): v is Partial<RecordingPrediction> & Pick<RecordingPrediction, 'classes' | 'label' | 'probabilities' | 'patches'> {
  const o = v as Partial<RecordingPrediction> | null;
  return !!o && Array.isArray(o.classes) && typeof o.label === 'string' && Array.isArray(o.probabilities) && Array.isArray(o.patches);
}

/**
 * Grad-CAM of a recording: the Grad-CAM engineer's CamOutput builder, shown at the class and layers it
 * explains. When the cell read the WAV and loaded the model through the `lungcam` module, the output
 * gets a requestId naming both (and a random key: two views of one recording stay apart), so its
 * view's method dropdown can ask VS Code to recompute it.
 */
function camOutputOf(rc: RecordingCam, options: ShowSourceOptions): LungcamOutput {
  const explained = rc.result.classIndices.map((i) => rc.result.classNames[i]);
  const source = camSource(rc);
  return camOutput({
    result: rc.result,
    logMel: { ...rc.logMel, source: rc.logMel.source ?? (options.fileName ? { fileName: options.fileName, durationSeconds: rc.logMel.frames / FRAMES_PER_SECOND, originalSampleRate: 16000, channels: 1 } : undefined) },
    patches: rc.patches,
    modelId: options.modelId ?? rc.modelId ?? 'model',
    defaultLayer: rc.layers[rc.layers.length - 1],
    defaultClass: explained.includes(rc.className) ? rc.className : undefined,
    annotations: cycleLaneOf(rc.prediction),
    ...(source ? { requestId: encodeRequestId({ ...source, key: randomBytes(6).toString('hex') }) } : {}),
  });
}

/** A classification (lc.classify… result) for the probability view. */
export function predictionsOutput(
  p: Partial<RecordingPrediction> & Pick<RecordingPrediction, 'classes' | 'label' | 'probabilities' | 'patches'>,
  options: ShowSourceOptions = {},
): LungcamOutput {
  const duration = p.durationSeconds ?? (p.patches.length ? Math.max(...p.patches.map((x) => x.endSeconds)) : 0);
  return {
    kind: 'predictions',
    version: 1,
    source: {
      fileName: options.fileName ?? (p.file ? p.file.split(/[\\/]/).pop()! : 'recording'),
      durationSeconds: duration,
      originalSampleRate: p.sampleRate ?? 16000,
      channels: 1,
    },
    modelId: p.model ?? options.modelId ?? 'model',
    classes: p.classes,
    patches: {
      startFrame: p.patches.map((x) => Math.round(x.startSeconds * FRAMES_PER_SECOND)),
      frames: 96,
      padded: p.patches.map((x) => x.padded),
    },
    probabilities: p.patches.map((x) => x.probabilities),
    label: p.label,
    recordingProbabilities: p.probabilities,
    ...withLane(cycleLaneOf(p)),
  };
}

function sourceOf(value: { source?: SourceInfo }, fallback: SourceInfo, options: ShowSourceOptions): SourceInfo {
  return value.source ?? { ...fallback, fileName: options.fileName ?? fallback.fileName };
}

export function audioOutput(audio: DecodedAudio & { source?: SourceInfo }, options: ShowSourceOptions = {}): AudioOutput {
  const { samples, sampleRate } = audio;
  const buckets = Math.max(1, Math.min(ENVELOPE_BUCKETS, samples.length));
  const per = samples.length / buckets;
  const min: number[] = [];
  const max: number[] = [];
  for (let b = 0; b < buckets; b++) {
    let lo = 0;
    let hi = 0;
    for (let i = Math.floor(b * per); i < Math.min(samples.length, Math.floor((b + 1) * per)); i++) {
      if (samples[i] < lo) lo = samples[i];
      if (samples[i] > hi) hi = samples[i];
    }
    min.push(round3(lo));
    max.push(round3(hi));
  }
  const durationSeconds = audio.durationSeconds ?? samples.length / sampleRate;
  return {
    kind: 'audio',
    version: 1,
    source: sourceOf(audio, { fileName: 'audio', durationSeconds, originalSampleRate: sampleRate, channels: audio.channels ?? 1 }, options),
    envelope: { bucketSeconds: per / sampleRate, min, max },
    wavDataUrl: previewWavDataUrl(samples, sampleRate),
  };
}

/** `quantized`: the log-mel already quantised (a view's CAM output holds the same matrix). */
export function spectrogramOutput(logMel: LogMel, options: ShowSourceOptions = {}, quantized?: QuantizedMatrix): SpectrogramOutput {
  const durationSeconds = logMel.frames * logMel.axes.hopSeconds + (logMel.axes.windowSeconds - logMel.axes.hopSeconds);
  return {
    kind: 'spectrogram',
    version: 1,
    source: sourceOf(logMel, { fileName: 'audio', durationSeconds, originalSampleRate: logMel.axes.sampleRate, channels: 1 }, options),
    axes: logMel.axes,
    logMel: quantized ?? quantize(logMel.data, logMel.frames, logMel.bands),
  };
}


function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3;
}
