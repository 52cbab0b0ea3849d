/**
 * Turns what a cell holds into the plain JSON the LungCAM renderer draws: outputs already built by
 * the engine pass through; decoded audio and log-mel spectrograms are converted here.
 */
import { LungcamInputError } from '../errors';
import type { DecodedAudio, LogMel } from '../types';
import { MIME, type AudioOutput, type LungcamOutput, type SourceInfo, type SpectrogramOutput } from '../../shared/outputTypes';
import { quantize } from './quantize';

export interface ShowSourceOptions {
  /** Name shown for audio that does not carry its own source (display only). */
  fileName?: string;
}

/** Playable preview only under this many PCM bytes (keeps notebooks small). */
const MAX_WAV_BYTES = 4 * 1024 * 1024;
const ENVELOPE_BUCKETS = 1000;

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
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new LungcamInputError(
    `cannot show ${what}: pass decoded audio, a log-mel spectrogram, predictions or a Grad-CAM result`,
    'lc.show',
  );
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
    min.push(round4(lo));
    max.push(round4(hi));
  }
  const durationSeconds = audio.durationSeconds ?? samples.length / sampleRate;
  return {
    kind: 'audio',
    version: 1,
    source: sourceOf(audio, { fileName: 'audio', durationSeconds, originalSampleRate: sampleRate, channels: audio.channels ?? 1 }, options),
    envelope: { bucketSeconds: per / sampleRate, min, max },
    wavDataUrl: samples.length * 2 <= MAX_WAV_BYTES ? wavDataUrl(samples, sampleRate) : null,
  };
}

export function spectrogramOutput(logMel: LogMel, options: ShowSourceOptions = {}): SpectrogramOutput {
  const durationSeconds = logMel.frames * logMel.axes.hopSeconds + (logMel.axes.windowSeconds - logMel.axes.hopSeconds);
  return {
    kind: 'spectrogram',
    version: 1,
    source: sourceOf(logMel, { fileName: 'audio', durationSeconds, originalSampleRate: logMel.axes.sampleRate, channels: 1 }, options),
    axes: logMel.axes,
    logMel: quantize(logMel.data, logMel.frames, logMel.bands),
  };
}

/** Mono 16-bit PCM WAV as a data: URL (playable in the renderer's <audio>). */
export function wavDataUrl(samples: Float32Array, sampleRate: number): string {
  const bytes = Buffer.alloc(44 + samples.length * 2);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(36 + samples.length * 2, 4);
  bytes.write('WAVEfmt ', 8, 'ascii');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20); // PCM
  bytes.writeUInt16LE(1, 22); // mono
  bytes.writeUInt32LE(sampleRate, 24);
  bytes.writeUInt32LE(sampleRate * 2, 28);
  bytes.writeUInt16LE(2, 32);
  bytes.writeUInt16LE(16, 34);
  bytes.write('data', 36, 'ascii');
  bytes.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    bytes.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 44 + i * 2);
  }
  return `data:audio/wav;base64,${bytes.toString('base64')}`;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
