/**
 * WAV file → log-mel, streaming: the file is decoded, resampled and framed block by block, so memory
 * stays near the size of the output (a 1-hour 44.1 kHz stereo file is never held whole).
 */
import { basename } from 'node:path';
import { SAMPLE_RATE, type DecodedAudio, type FeatureParams, type LogMel } from '../types';
import { LogMelStream, logMelSpectrogram } from './logMel';
import { melAxes, resolveFeatureParams } from './melFilter';
import { StreamingResampler, resample } from './resample';
import { openWavStream } from './wav';

/** Samples at 16 kHz that `frames` input frames at `rate` become (resampy's length rule). */
export const resampledLength = (frames: number, rate: number) =>
  rate === SAMPLE_RATE ? frames : Math.floor((frames * SAMPLE_RATE) / rate);

/** Log-mel of a WAV file, with `source` set and any decode warnings in `warnings`. */
export async function logMelFromFile(path: string, params?: Partial<FeatureParams>): Promise<LogMel & { warnings: string[] }> {
  const p = resolveFeatureParams(params);
  const stream = openWavStream(path);
  try {
    const { format, frames, warnings } = stream.layout;
    const rate = format.sampleRate;
    const mel = new LogMelStream(p, resampledLength(frames, rate));
    const resampler = rate === SAMPLE_RATE ? null : new StreamingResampler(rate, SAMPLE_RATE);
    let read = 0;
    for (const block of stream.blocks(1 << 16)) {
      read += block.length;
      mel.push(resampler ? resampler.push(block) : block);
    }
    if (resampler) mel.push(resampler.finish());
    const { data, frames: rows, bands } = mel.finish();
    return {
      data, frames: rows, bands, params: p, axes: melAxes(p, rows),
      source: { fileName: basename(path), durationSeconds: read / rate, originalSampleRate: rate, channels: format.channels },
      warnings,
    };
  } finally {
    stream.close();
  }
}

/** Log-mel of decoded audio at any rate (resampled to 16 kHz first). */
export function logMelFromAudio(audio: DecodedAudio, params?: Partial<FeatureParams>, fileName = 'audio'): LogMel {
  const samples16k = audio.sampleRate === SAMPLE_RATE ? audio.samples : resample(audio.samples, audio.sampleRate, SAMPLE_RATE);
  const mel = logMelSpectrogram(samples16k, params);
  mel.source = { fileName, durationSeconds: audio.durationSeconds, originalSampleRate: audio.sampleRate, channels: audio.channels };
  return mel;
}
