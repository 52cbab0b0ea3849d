/**
 * Log-mel of a long recording in independent pieces: a job computes rows [rowStart, rowStart + rowCount)
 * from the slice of the original-rate input that those rows need (resampling included), so pieces can run
 * on worker threads and still be bit-identical to the one-piece result.
 */
import { HOP_SAMPLES, SAMPLE_RATE, WINDOW_SAMPLES, type FeatureParams } from '../types';
import { LogMelFrameKernel } from './logMel';
import { melFilterbank } from './melFilter';
import { ResampleKernel } from './resample';
import { scanSamples, type AudioStats } from './audioCheck';

export interface RowJob {
  rowStart: number;
  rowCount: number;
  /** Input samples [inputLo, inputHi) the job reads, within the recording. */
  inputLo: number;
  inputHi: number;
  /**
   * The job's own input samples are [inputLo, ownedHi): up to where the next job's input starts, so the
   * jobs' audio statistics add up to the recording's without counting the overlaps twice.
   */
  ownedHi: number;
}

/**
 * Rows per job: ≈ 20 s of audio, big enough that messaging costs nothing, small enough to bound memory and
 * to share the work evenly between threads (the last job is what one thread may wait for).
 */
export const ROWS_PER_JOB = 2048;

const resamplers = new Map<number, ResampleKernel>();
const melKernels = new Map<string, LogMelFrameKernel>();

function resampler(rate: number): ResampleKernel {
  let k = resamplers.get(rate);
  if (!k) resamplers.set(rate, (k = new ResampleKernel(rate, SAMPLE_RATE)));
  return k;
}

function melKernel(params: FeatureParams): LogMelFrameKernel {
  const key = JSON.stringify(params);
  let k = melKernels.get(key);
  if (!k) melKernels.set(key, (k = new LogMelFrameKernel(melFilterbank(params))));
  return k;
}

/** 16 kHz sample range [s0, s1) that rows [r0, r0 + count) cover. */
const sampleRange = (rowStart: number, rowCount: number): [number, number] =>
  [rowStart * HOP_SAMPLES, (rowStart + rowCount - 1) * HOP_SAMPLES + WINDOW_SAMPLES];

export function planJobs(inputLength: number, fromRate: number, totalRows: number, rowsPerJob = ROWS_PER_JOB): RowJob[] {
  const jobs: RowJob[] = [];
  const kernel = fromRate === SAMPLE_RATE ? null : resampler(fromRate);
  for (let r = 0; r < totalRows; r += rowsPerJob) {
    const count = Math.min(rowsPerJob, totalRows - r);
    const [s0, s1] = sampleRange(r, count);
    const [lo, hi] = kernel ? kernel.inputRange(s0, s1) : [s0, s1];
    const inputLo = Math.max(0, lo);
    const inputHi = Math.min(inputLength, hi);
    if (jobs.length > 0) jobs[jobs.length - 1].ownedHi = Math.max(jobs[jobs.length - 1].inputLo, Math.min(jobs[jobs.length - 1].inputHi, inputLo));
    jobs.push({ rowStart: r, rowCount: count, inputLo, inputHi, ownedHi: inputHi });
  }
  return jobs;
}

/** Decodes sample frames [first, first + out.length) into `out`; returns how many the file had (WavStream.readFrames). */
export type ReadFrames = (first: number, out: Float32Array) => number;

/** The job's original-rate input, reused from job to job (resampled recordings only). */
let inputScratch = new Float32Array(0);

/**
 * Computes a job's rows into out[outRow…] (rows of the kept bands), reading its input with `read`. At
 * 16 kHz the decoder writes straight into the log-mel kernel's input; otherwise the resampler does.
 * The job's own samples are added to `stats`.
 */
export function computeJob(job: RowJob, read: ReadFrames, fromRate: number, params: FeatureParams, out: Float32Array, outRow: number, stats: AudioStats): void {
  const mel = loadJobInput(job, read, fromRate, params, stats);
  mel.framesOfInput(sampleCount(job), job.rowCount, out, outRow);
}

/** computeJob() returning the rows as a view (valid until the next job on this thread) instead of copying them. */
export function computeJobRows(job: RowJob, read: ReadFrames, fromRate: number, params: FeatureParams, stats: AudioStats): Float32Array {
  const mel = loadJobInput(job, read, fromRate, params, stats);
  return mel.framesOfInputView(sampleCount(job), job.rowCount);
}

const sampleCount = (job: RowJob) => {
  const [s0, s1] = sampleRange(job.rowStart, job.rowCount);
  return s1 - s0;
};

/** Puts the job's 16 kHz input where its log-mel kernel reads it; returns that kernel. */
function loadJobInput(job: RowJob, read: ReadFrames, fromRate: number, params: FeatureParams, stats: AudioStats): LogMelFrameKernel {
  const mel = melKernel(params);
  const [s0, s1] = sampleRange(job.rowStart, job.rowCount);
  const samples = mel.inputBuffer(s1 - s0, job.rowCount);
  const owned = (input: Float32Array, got: number) => scanSamples(input.subarray(0, Math.min(got, job.ownedHi - job.inputLo)), job.inputLo, stats);
  if (fromRate === SAMPLE_RATE) {
    // job.inputLo = s0; zeros where the recording ends inside the last frame's window.
    const got = read(job.inputLo, samples.subarray(0, job.inputHi - job.inputLo));
    owned(samples, got);
    samples.fill(0, got);
  } else {
    const n = job.inputHi - job.inputLo;
    if (inputScratch.length < n) inputScratch = new Float32Array(n);
    const input = inputScratch.subarray(0, n);
    const got = read(job.inputLo, input);
    owned(input, got);
    input.fill(0, got);
    resampler(fromRate).render(input, job.inputLo, s0, s1, samples, 0);
  }
  return mel;
}
