/**
 * Annotated stretches of a recording ("cycles": ICBHI's respiratory cycles, SPRSound's timed events) and
 * the log-mel patches cut within them, which training and cycle-level evaluation share.
 */
import { LungcamInputError } from '../errors';
import { PATCH_FRAMES, type LogMel, type Patches } from '../types';
import { CYCLE_LABELS, type CycleLabel } from './labels';

export interface Cycle {
  startSeconds: number;
  endSeconds: number;
  crackles: boolean;
  wheezes: boolean;
  label: CycleLabel;
  /** Where it is annotated: the line of an ICBHI `.txt` (1-based), or the event's position in a SPRSound `.json` (1-based). */
  line: number;
  /** The annotator's own label when it is not one of LungCAM's classes (SPRSound: "Fine Crackle", "Rhonchi", …). */
  annotatedAs?: string;
}

/** Patches cut within cycles, with the label of the cycle each came from. */
export interface CyclePatches extends Patches {
  /** Index into the `cycles` given, per patch. */
  cycleIndex: number[];
  labels: CycleLabel[];
  /** Class index per patch (CYCLE_LABELS order: 0 normal, 1 crackle, 2 wheeze, 3 both). */
  labelIndex: Int32Array;
}

export interface CyclePatchOptions {
  /** Hop between patches inside a cycle, frames (default 96: no overlap). */
  hopFrames?: number;
  /** How a cycle shorter than a patch is filled: its own frames repeated (default) or silence ln(0.01). */
  pad?: 'repeat' | 'floor';
}

/** Frame range [first, end) whose frame centres lie inside [startSeconds, endSeconds). */
export function cycleFrames(logMel: LogMel, startSeconds: number, endSeconds: number): [number, number] {
  const hop = logMel.axes?.hopSeconds ?? 0.01;
  const half = (logMel.axes?.windowSeconds ?? 0.025) / 2;
  const first = Math.max(0, Math.ceil((startSeconds - half) / hop - 1e-9));
  const end = Math.min(logMel.frames, Math.ceil((endSeconds - half) / hop - 1e-9));
  return [first, Math.max(first, end)];
}

/**
 * Cuts [count, 96, bands] patches inside each cycle: full patches at hopFrames steps, plus one aligned to
 * the cycle's end when more than half a hop would otherwise be left out; a cycle under 96 frames gives one
 * padded patch. Cycles with no frames (annotated past the end of the audio) give none.
 */
export function cyclePatches(logMel: LogMel, cycles: readonly Cycle[], opts: CyclePatchOptions = {}): CyclePatches {
  const hop = opts.hopFrames ?? PATCH_FRAMES;
  if (!Number.isInteger(hop) || hop < 1) throw new LungcamInputError(`patch hop must be a whole number of frames ≥ 1 (got ${hop})`, 'hopFrames');
  const { bands } = logMel;
  const size = PATCH_FRAMES * bands;
  const floor = Math.log(0.01);
  const startFrame: number[] = [];
  const padded: boolean[] = [];
  const cycleIndex: number[] = [];
  const chunks: Float32Array[] = [];
  cycles.forEach((c, ci) => {
    const [first, end] = cycleFrames(logMel, c.startSeconds, c.endSeconds);
    const length = end - first;
    if (length <= 0) return;
    if (length < PATCH_FRAMES) {
      const patch = new Float32Array(size);
      for (let f = 0; f < PATCH_FRAMES; f++) {
        const src = opts.pad === 'floor' ? (f < length ? first + f : -1) : first + (f % length);
        if (src < 0) patch.fill(floor, f * bands, (f + 1) * bands);
        else patch.set(logMel.data.subarray(src * bands, (src + 1) * bands), f * bands);
      }
      chunks.push(patch);
      startFrame.push(first);
      padded.push(true);
      cycleIndex.push(ci);
      return;
    }
    const starts: number[] = [];
    for (let s = first; s + PATCH_FRAMES <= end; s += hop) starts.push(s);
    const lastEnd = starts[starts.length - 1] + PATCH_FRAMES;
    if (end - lastEnd > hop / 2) starts.push(end - PATCH_FRAMES);
    for (const s of starts) {
      chunks.push(logMel.data.slice(s * bands, s * bands + size));
      startFrame.push(s);
      padded.push(false);
      cycleIndex.push(ci);
    }
  });
  const data = new Float32Array(chunks.length * size);
  chunks.forEach((chunk, i) => data.set(chunk, i * size));
  const labels = cycleIndex.map((ci) => cycles[ci].label);
  return {
    data,
    count: chunks.length,
    frames: PATCH_FRAMES,
    bands,
    hopFrames: hop,
    startFrame,
    padded,
    cycleIndex,
    labels,
    labelIndex: Int32Array.from(labels, (l) => CYCLE_LABELS.indexOf(l)),
  };
}
