/**
 * WAV file → log-mel, streaming and in parallel: the recording is cut into independent row jobs
 * (featureJobs.ts: decoding its own slice of the file, resampling, framing, mel) that this thread computes,
 * helped by worker threads on long recordings (≥ 15 min at 16 kHz, ≥ 1 min to resample) when the worker
 * script is available. Memory stays near the size of the output (a 1-hour 44.1 kHz stereo file is never
 * held whole), or far below it when each thread writes its rows straight into the output file (rowsTo),
 * and the result is bit-identical whichever thread computed which rows.
 */
import { basename } from 'node:path';
import { SAMPLE_RATE, type DecodedAudio, type FeatureParams, type LogMel } from '../types';
import { computeJob, computeJobRows, planJobs } from './featureJobs';
import { logMelSpectrogram } from './logMel';
import { frameCount, keptBands, melAxes, resolveFeatureParams } from './melFilter';
import { resample } from './resample';
import { writeRows, type RowFile } from '../io/rowFile';
import { openWavStream } from './wav';
import { checkAudio, mergeStats, noStats, scanSamples, type AudioStats } from './audioCheck';
import { FeatureWorkerPool, featureThreads, workerScript } from './workerPool';

/** Samples at 16 kHz that `frames` input frames at `rate` become (resampy's length rule). */
export const resampledLength = (frames: number, rate: number) =>
  rate === SAMPLE_RATE ? frames : Math.floor((frames * SAMPLE_RATE) / rate);

/**
 * Recordings long enough for helper threads. A worker thread takes ≈ 50–80 ms to start here (Node's own
 * worker bootstrap, on the other core), gets jobs only once started, and one still starting when this
 * thread finishes delays the process exit. This thread computes a minute of 16 kHz audio (decode, float32
 * log-mel, write) in ≈ 15 ms, so it has done ≈ 4 minutes before a helper takes its first job. Measured on
 * this 2-core machine, alternating 8 runs each: 10 and 15 min at 16 kHz took the same wall time with a
 * helper as without (so one thread, half the cpu), 20 and 30 min were 10–20 % faster with it. Resampled
 * audio is ≈ 10× the work per second, but a helper also builds its own resampling table first; 60 s at
 * 44.1 kHz stereo was slower with a helper.
 */
const MIN_ROWS_HELPERS_16K = 90000;
const MIN_ROWS_HELPERS_RESAMPLED = 6000;

export interface FileFeatureOptions {
  /** Threads (default LUNGCAM_THREADS or the machine's cores, at most 4); 1 = this thread only. */
  threads?: number;
  /** Rows per job (default ROWS_PER_JOB ≈ 20 s); smaller only to exercise the pool on short files. */
  rowsPerJob?: number;
  /** Tests: leave every job to the helper threads, so their path is exercised whatever their start-up time. */
  helpersOnly?: boolean;
  /**
   * Write the rows to a file as they are computed (rowFile.ts) instead of returning them: called once with
   * the shape, before any row is computed, it returns where they go. The result's `data` is then empty.
   * Saves gathering the whole array in memory and copying it out again (the CLI's .npy output).
   */
  rowsTo?: (frames: number, bands: number) => RowFile;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Log-mel of a WAV file, with `source` set, any decode warnings in `warnings`, `audio`: what its samples
 * were like, and `threads`: how many threads computed rows (this one included). Audio nothing can be
 * computed from (no samples, NaN/Infinity) is refused (audioCheck.ts).
 */
export async function logMelFromFile(path: string, params?: Partial<FeatureParams>, opts: FileFeatureOptions = {}): Promise<LogMel & { warnings: string[]; threads: number }> {
  const p = resolveFeatureParams(params);
  const stream = openWavStream(path);
  let pool: FeatureWorkerPool | null = null;
  try {
    const { format, frames: inputFrames, warnings } = stream.layout;
    const rate = format.sampleRate;
    const rows = frameCount(resampledLength(inputFrames, rate));
    const bands = keptBands(p);
    const jobs = planJobs(inputFrames, rate, rows, opts.rowsPerJob);
    // Helpers are started before any work: their start-up overlaps this thread's first jobs.
    const threads = opts.threads ?? featureThreads();
    const worthHelpers = opts.helpersOnly || rows >= (rate === SAMPLE_RATE ? MIN_ROWS_HELPERS_16K : MIN_ROWS_HELPERS_RESAMPLED);
    const script = threads > 1 && jobs.length > 1 && worthHelpers ? workerScript() : null;
    if (script) pool = new FeatureWorkerPool(script, Math.min(threads - 1, jobs.length - 1) || 1);
    const file = opts.rowsTo ? opts.rowsTo(rows, bands) : undefined;
    const data = new Float32Array(file ? 0 : rows * bands);

    // Helpers take jobs from the front whenever they have room; this thread takes them from the back.
    let next = 0;
    let last = jobs.length;
    let mainJobs = 0;
    let helperJobs = 0;
    const mainStats = noStats();
    const helperStats: AudioStats[] = [];
    const running: Promise<void>[] = [];
    let failure: unknown;
    let allHandedOut = () => undefined as void;
    const feed = () => {
      while (pool && pool.hasRoom && next < last && !failure) {
        const job = jobs[next++];
        running.push(pool.run({ job, path, fromRate: rate, params: p, file }).then(
          (r) => { if (r.rows) data.set(r.rows, job.rowStart * bands); helperStats.push(r.stats); helperJobs++; },
          (e) => { failure ??= e; },
        ));
      }
      if (next >= last || failure) allHandedOut();
    };
    if (pool) pool.onRoom = feed;
    if (pool && opts.helpersOnly) {
      await new Promise<void>((resolve) => { allHandedOut = resolve; feed(); });
    }
    while (next < last && !failure) {
      const job = jobs[--last];
      if (file) writeRows(file, bands, job.rowStart, computeJobRows(job, stream.readFrames, rate, p, mainStats));
      else computeJob(job, stream.readFrames, rate, p, data, job.rowStart, mainStats);
      mainJobs++;
      // Lets finished helpers hand their rows over and take the next jobs, and signal handlers run (Ctrl-C
      // must stop a long run between two jobs, e.g. writeNpyRows removing its temporary file).
      if (pool || opts.rowsTo) await nextTurn();
    }
    while (running.length > 0) await Promise.all(running.splice(0));
    if (failure) throw failure;
    // Too short for a frame: no job read the few samples there are.
    if (jobs.length === 0) scanSamples(readAll(stream.readFrames, inputFrames), 0, mainStats);
    const audio = mergeStats([mainStats, ...helperStats]);
    return {
      data, frames: rows, bands, params: p, axes: melAxes(p, rows),
      source: { fileName: basename(path), durationSeconds: inputFrames / rate, originalSampleRate: rate, channels: format.channels },
      warnings: [...warnings, ...checkAudio(audio, rate, path)],
      audio,
      threads: (mainJobs > 0 ? 1 : 0) + (helperJobs > 0 ? pool!.size : 0),
    };
  } finally {
    stream.close();
    pool?.close();
  }
}

function readAll(read: (first: number, out: Float32Array) => number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  return out.subarray(0, read(0, out));
}

/**
 * Log-mel of decoded audio at any rate (resampled to 16 kHz first). Audio nothing can be computed from
 * (no samples, NaN/Infinity) is refused, as by logMelFromFile.
 */
export function logMelFromAudio(audio: DecodedAudio, params?: Partial<FeatureParams>, fileName = 'audio'): LogMel {
  const stats = audio.audio ?? scanSamples(audio.samples, 0, noStats());
  checkAudio(stats, audio.sampleRate, fileName);
  const samples16k = audio.sampleRate === SAMPLE_RATE ? audio.samples : resample(audio.samples, audio.sampleRate, SAMPLE_RATE);
  const mel = logMelSpectrogram(samples16k, params);
  mel.source = { fileName, durationSeconds: audio.durationSeconds, originalSampleRate: audio.sampleRate, channels: audio.channels };
  mel.audio = stats;
  return mel;
}
