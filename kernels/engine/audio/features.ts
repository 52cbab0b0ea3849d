/**
 * WAV file → log-mel, streaming and in parallel: the file is cut into independent row jobs, each decoding
 * its own slice of the file, (featureJobs.ts: resampling + framing + mel) that run on worker threads
 * when that pays (resampled recordings ≥ 3 jobs ≈ 2 min; 16 kHz ones ≥ 32 jobs ≈ 22 min) and the worker
 * script is available, otherwise in this thread. Memory stays near the size of the output (a 1-hour 44.1 kHz stereo file is never held whole),
 * and the result is bit-identical whichever way it ran.
 */
import { basename } from 'node:path';
import { SAMPLE_RATE, type DecodedAudio, type FeatureParams, type LogMel } from '../types';
import { computeRows, planJobs } from './featureJobs';
import { logMelSpectrogram } from './logMel';
import { frameCount, keptBands, melAxes, resolveFeatureParams } from './melFilter';
import { resample } from './resample';
import { openWavStream } from './wav';
import { FeatureWorkerPool, featureThreads, workerScript } from './workerPool';

/** Samples at 16 kHz that `frames` input frames at `rate` become (resampy's length rule). */
export const resampledLength = (frames: number, rate: number) =>
  rate === SAMPLE_RATE ? frames : Math.floor((frames * SAMPLE_RATE) / rate);

/** Jobs (of ROWS_PER_JOB ≈ 41 s) from which worker threads pay for their start-up. */
const MIN_JOBS_RESAMPLED = 3;
const MIN_JOBS_16K = 32;

export interface FileFeatureOptions {
  /** Worker threads (default LUNGCAM_THREADS or the machine's cores, at most 4); 1 = this thread only. */
  threads?: number;
  /** Rows per job (default ROWS_PER_JOB ≈ 41 s); smaller only to exercise the pool on short files. */
  rowsPerJob?: number;
}

/** Log-mel of a WAV file, with `source` set, any decode warnings in `warnings`, and the threads it used. */
export async function logMelFromFile(path: string, params?: Partial<FeatureParams>, opts: FileFeatureOptions = {}): Promise<LogMel & { warnings: string[]; threads: number }> {
  const p = resolveFeatureParams(params);
  const stream = openWavStream(path);
  let pool: FeatureWorkerPool | null = null;
  try {
    const { format, frames: inputFrames, warnings } = stream.layout;
    const rate = format.sampleRate;
    const rows = frameCount(resampledLength(inputFrames, rate));
    const bands = keptBands(p);
    const data = new Float32Array(rows * bands);
    const jobs = planJobs(inputFrames, rate, rows, opts.rowsPerJob);
    const threads = opts.threads ?? featureThreads();
    // Workers cost ≈ 50 ms each to start: worth it when resampling (≈ 40× the work of the log-mel itself)
    // or for very long 16 kHz files; a 10-minute 16 kHz file is done faster in this thread.
    const worthThreads = rate === SAMPLE_RATE ? jobs.length >= MIN_JOBS_16K : jobs.length >= MIN_JOBS_RESAMPLED;
    const script = threads > 1 && worthThreads ? workerScript() : null;
    if (script) pool = new FeatureWorkerPool(script, Math.min(threads, jobs.length));

    const running: Promise<void>[] = [];
    let failure: unknown;
    let reuse = new Float32Array(0);
    for (const job of jobs) {
      // Each job decodes its own slice straight from the file (neighbours overlap by a window or a filter
      // length). Slices go to workers on buffers they hand back; in this thread one buffer serves every job.
      const n = job.inputHi - job.inputLo;
      const slice = pool ? pool.takeFloats(n) : (reuse.length >= n ? reuse : (reuse = new Float32Array(n))).subarray(0, n);
      slice.fill(0, stream.readFrames(job.inputLo, slice)); // zeros where the file ended early
      if (pool) {
        const { done } = await pool.dispatch({ job, input: slice, fromRate: rate, params: p });
        running.push(done.then((r) => { data.set(r, job.rowStart * bands); }, (e) => { failure ??= e; }));
      } else {
        data.set(computeRows(job, slice, rate, p), job.rowStart * bands);
      }
    }
    await Promise.all(running);
    if (failure) throw failure;
    return {
      data, frames: rows, bands, params: p, axes: melAxes(p, rows),
      source: { fileName: basename(path), durationSeconds: inputFrames / rate, originalSampleRate: rate, channels: format.channels },
      warnings,
      threads: pool ? pool.size : 1,
    };
  } finally {
    stream.close();
    if (pool) await pool.close();
  }
}

/** Log-mel of decoded audio at any rate (resampled to 16 kHz first). */
export function logMelFromAudio(audio: DecodedAudio, params?: Partial<FeatureParams>, fileName = 'audio'): LogMel {
  const samples16k = audio.sampleRate === SAMPLE_RATE ? audio.samples : resample(audio.samples, audio.sampleRate, SAMPLE_RATE);
  const mel = logMelSpectrogram(samples16k, params);
  mel.source = { fileName, durationSeconds: audio.durationSeconds, originalSampleRate: audio.sampleRate, channels: audio.channels };
  return mel;
}
