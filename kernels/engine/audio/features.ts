/**
 * WAV file → log-mel, streaming and in parallel: the file is decoded block by block into a sliding window,
 * cut into independent row jobs (featureJobs.ts: resampling + framing + mel) that run on worker threads
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

/** A window over a stream of decoded blocks: slices by absolute sample index, forgets what is passed. */
class SlidingInput {
  private buf = new Float32Array(1 << 17);
  private start = 0; // absolute index of buf[0]
  private length = 0;
  private done = false;
  constructor(private readonly blocks: Iterator<Float32Array>) {}

  private pull(): void {
    const next = this.blocks.next();
    if (next.done) { this.done = true; return; }
    const block = next.value;
    if (this.length + block.length > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.length + block.length));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(block, this.length);
    this.length += block.length;
  }

  /** A copy of samples [lo, hi) (zeros where the file ended early), into `alloc(length)` when given. */
  slice(lo: number, hi: number, alloc: (length: number) => Float32Array = (n) => new Float32Array(n)): Float32Array {
    while (!this.done && this.start + this.length < hi) this.pull();
    const out = alloc(Math.max(0, hi - lo));
    const from = Math.max(lo, this.start);
    const to = Math.min(hi, this.start + this.length);
    if (to > from) {
      out.set(this.buf.subarray(from - this.start, to - this.start), from - lo);
      out.fill(0, 0, from - lo);
      out.fill(0, to - lo);
    } else {
      out.fill(0);
    }
    return out;
  }

  discardBefore(index: number): void {
    const drop = Math.min(this.length, index - this.start);
    if (drop <= 0) return;
    this.buf.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.start += drop;
  }
}

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

    const input = new SlidingInput(stream.blocks(1 << 16));
    const running: Promise<void>[] = [];
    let failure: unknown;
    let reuse = new Float32Array(0);
    for (let j = 0; j < jobs.length; j++) {
      const job = jobs[j];
      // Slices go to workers on buffers they hand back; in this thread one buffer serves every job.
      const slice = pool
        ? input.slice(job.inputLo, job.inputHi, (n) => pool!.takeFloats(n))
        : input.slice(job.inputLo, job.inputHi, (n) => (reuse.length >= n ? reuse : (reuse = new Float32Array(n))).subarray(0, n));
      if (j + 1 < jobs.length) input.discardBefore(jobs[j + 1].inputLo);
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
