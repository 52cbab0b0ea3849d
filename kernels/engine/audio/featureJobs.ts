/**
 * Log-mel of a long recording in independent pieces: a job computes rows [rowStart, rowStart + rowCount)
 * from the slice of the original-rate input that those rows need (resampling included), so pieces can run
 * on worker threads and still be bit-identical to the one-piece result.
 */
import { HOP_SAMPLES, SAMPLE_RATE, WINDOW_SAMPLES, type FeatureParams } from '../types';
import { LogMelFrameKernel } from './logMel';
import { melFilterbank } from './melFilter';
import { ResampleKernel } from './resample';

export interface RowJob {
  rowStart: number;
  rowCount: number;
  /** Input samples [inputLo, inputHi) the job reads, within the recording. */
  inputLo: number;
  inputHi: number;
}

/** Rows per job: ≈ 41 s of audio, big enough that messaging costs nothing, small enough to bound memory. */
export const ROWS_PER_JOB = 4096;

const resamplers = new Map<number, ResampleKernel>();
const melKernels = new Map<string, LogMelFrameKernel>();
/** The resampled samples of the current job, reused from job to job (no garbage per job). */
let scratch16k = new Float32Array(0);

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
    jobs.push({ rowStart: r, rowCount: count, inputLo: Math.max(0, lo), inputHi: Math.min(inputLength, hi) });
  }
  return jobs;
}

/** Computes a job's rows from its input slice (input[0] is absolute sample job.inputLo). */
export function computeRows(job: RowJob, input: Float32Array, fromRate: number, params: FeatureParams): Float32Array {
  const mel = melKernel(params);
  const [s0, s1] = sampleRange(job.rowStart, job.rowCount);
  let samples: Float32Array;
  if (fromRate === SAMPLE_RATE) {
    samples = input.subarray(s0 - job.inputLo, s1 - job.inputLo);
  } else {
    if (scratch16k.length < s1 - s0) scratch16k = new Float32Array(s1 - s0);
    samples = scratch16k.subarray(0, s1 - s0);
    resampler(fromRate).render(input, job.inputLo, s0, s1, samples, 0);
  }
  const rows = new Float32Array(job.rowCount * mel.bank.bands);
  mel.frames(samples, 0, job.rowCount, rows, 0);
  return rows;
}
