/**
 * Cutting a [frames, bands] log-mel into model inputs [count, 96, bands] (0.96 s each).
 *
 * Policy:
 * - Full patches start at 0, hop, 2·hop, … (hop 96 = VGGish's no-overlap default) while they fit.
 * - tail 'pad' (default): if frames remain that no full patch covers, one more patch is added at the next
 *   hop position when it would hold at least MIN_TAIL_FRAMES (48 = 0.48 s, half a patch) real frames; its
 *   missing frames are the silence value ln(0.01) and padded[i] = true. A shorter tail is dropped (it would
 *   be mostly padding).
 * - A recording shorter than one patch (1 to 95 frames, i.e. under 0.96 s) gives exactly one patch,
 *   padded the same way, with padded[0] = true — whatever its length, so it can still be classified.
 * - tail 'drop': VGGish exactly: only full patches (a recording under 0.96 s gives none).
 * - A log-mel with no frame at all (audio under 25 ms) is an input error.
 */
import { LungcamInputError } from '../errors';
import { PATCH_FRAMES, type LogMel, type Patches } from '../types';
import { SILENCE_LOG_MEL } from './logMel';

export const MIN_TAIL_FRAMES = 48;

export interface PatchOptions {
  hopFrames?: number;
  tail?: 'pad' | 'drop';
}

/** Start frames and padding flags of the patches, without copying data. */
export function patchLayout(frames: number, opts: PatchOptions = {}): { startFrame: number[]; padded: boolean[] } {
  const hop = opts.hopFrames ?? PATCH_FRAMES;
  const tail = opts.tail ?? 'pad';
  if (!Number.isInteger(hop) || hop < 1) throw new LungcamInputError(`patch hop must be a whole number of frames ≥ 1 (got ${hop})`, 'hopFrames');
  const startFrame: number[] = [];
  const padded: boolean[] = [];
  let s = 0;
  for (; s + PATCH_FRAMES <= frames; s += hop) {
    startFrame.push(s);
    padded.push(false);
  }
  if (tail === 'drop' || frames === 0) return { startFrame, padded };
  if (startFrame.length === 0) return { startFrame: [0], padded: [true] };
  const covered = startFrame[startFrame.length - 1] + PATCH_FRAMES;
  if (covered < frames && frames - s >= MIN_TAIL_FRAMES) {
    startFrame.push(s);
    padded.push(true);
  }
  return { startFrame, padded };
}

/** Cuts a log-mel into [count, 96, bands] patches (see the policy above). */
export function toPatches(logMel: LogMel, opts: PatchOptions = {}): Patches {
  if (logMel.frames === 0) {
    const who = logMel.source?.fileName;
    throw new LungcamInputError('the recording is shorter than one 25 ms frame: nothing to analyse', who);
  }
  const hopFrames = opts.hopFrames ?? PATCH_FRAMES;
  const { startFrame, padded } = patchLayout(logMel.frames, opts);
  const data = cutPatches(logMel, startFrame, 0, startFrame.length);
  return { data, count: startFrame.length, frames: PATCH_FRAMES, bands: logMel.bands, hopFrames, startFrame, padded };
}

/**
 * Patches i0 … i0 + count − 1 of `startFrame` as [count, 96, bands]: frames outside the recording (a start
 * before 0, a tail past the end) are the silence value ln(0.01). Long recordings are cut a chunk at a
 * time with this, so their patches never all exist at once.
 */
export function cutPatches(logMel: Pick<LogMel, 'data' | 'frames' | 'bands'>, startFrame: number[], i0: number, count: number): Float32Array {
  const { bands, frames } = logMel;
  const patchSize = PATCH_FRAMES * bands;
  const data = new Float32Array(count * patchSize);
  for (let i = 0; i < count; i++) {
    const start = startFrame[i0 + i];
    const from = Math.max(0, start);
    const to = Math.min(frames, start + PATCH_FRAMES);
    const at = i * patchSize;
    if (from > start) data.fill(SILENCE_LOG_MEL, at, at + (from - start) * bands);
    if (to > from) data.set(logMel.data.subarray(from * bands, to * bands), at + (from - start) * bands);
    const filled = Math.max(0, to - start);
    if (filled < PATCH_FRAMES) data.fill(SILENCE_LOG_MEL, at + filled * bands, at + patchSize);
  }
  return data;
}
