/**
 * The recording's probabilities and label from its patches' probabilities — the one rule every surface
 * (classify, gradcam, view, notebook outputs, exports, the renderer's header) uses: the plain mean over
 * every patch, the padded tail patch included (it holds at least 0.48 s of the recording's own audio; see
 * the patching rule in kernels/engine/audio/patches.ts), label = the class with the highest mean.
 */

/** Mean over patches of [patches × classes] probabilities given flat (row-major) or as rows. */
export function recordingProbabilities(perPatch: ArrayLike<number> | readonly (readonly number[])[], classes: number): number[] {
  const mean = new Array<number>(classes).fill(0);
  const rows = isRows(perPatch) ? perPatch : null;
  const flat = rows ? null : (perPatch as ArrayLike<number>);
  const count = rows ? rows.length : Math.floor(flat!.length / classes);
  for (let p = 0; p < count; p++) {
    for (let k = 0; k < classes; k++) mean[k] += (rows ? rows[p][k] : flat![p * classes + k]) ?? 0;
  }
  return count ? mean.map((v) => v / count) : mean;
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function isRows(v: ArrayLike<number> | readonly (readonly number[])[]): v is readonly (readonly number[])[] {
  return v.length > 0 && Array.isArray((v as readonly unknown[])[0]);
}
