// The band cutoffs a CAM view can show: the output's own maps, a family's precomputed rungs (switched
// without the kernel) and what-ifs the host computed on request (kept for this view only). A variant
// stands in for the output's maps and probabilities: `atCutoff` gives the output as that variant, so the
// parts that draw maps, the probability strip and the read-out need not know about cutoffs.
import type { CamOutput, CutoffInfo, CutoffRung, CycleAnnotation } from '../../../kernels/shared/outputTypes';
import { bandCutoffLabel, bandsKept, type BandCutoffHz } from '../../../kernels/shared/cutoff';

export type Variant = CutoffRung;

/** The output's own maps as a variant (outputs without `cutoff` are their model's own band). */
export function ownVariant(output: CamOutput): Variant {
  const info: CutoffInfo = output.cutoff ?? {
    bandCutoffHz: output.axes.bandCutoffHz ?? null, cutoffMode: 'model', modelId: output.modelId, bands: output.axes.bands, keptBands: output.axes.bands,
  };
  return { ...info, probabilities: output.probabilities, maps: output.maps, ...(output.omittedLayers ? { omittedLayers: output.omittedLayers } : {}) };
}

/** Every variant the view holds, fewest kept bands first; at equal bands a trained model before a what-if. */
export function variantsOf(output: CamOutput, whatIfs: readonly Variant[]): Variant[] {
  const all = [ownVariant(output), ...(output.rungs ?? []), ...whatIfs];
  return all.sort((a, b) => a.keptBands - b.keptBands || (a.cutoffMode === b.cutoffMode ? 0 : a.cutoffMode === 'model' ? -1 : 1));
}

/** Bands a cutoff keeps on this output's axes (undefined: the output's own variant). */
export function keptAt(output: CamOutput, bandCutoffHz: BandCutoffHz | undefined): number {
  return bandCutoffHz === undefined ? ownVariant(output).keptBands : bandsKept(output.axes.bandCentersHz, bandCutoffHz);
}

/** The variant that answers a cutoff: the one keeping the same bands (a trained model first), if any. */
export function variantAt(variants: readonly Variant[], output: CamOutput, bandCutoffHz: BandCutoffHz | undefined): Variant | undefined {
  if (bandCutoffHz === undefined) return ownVariant(output);
  const kept = keptAt(output, bandCutoffHz);
  return variants.find((v) => v.keptBands === kept);
}

/**
 * The output as one variant shows it: its maps, probabilities, model and per-cycle labels in place of the
 * output's own (the verdicts under the lane are that model's).
 */
export function atCutoff(output: CamOutput, v: Variant): CamOutput {
  if (v.maps === output.maps) return output;
  const { probabilities, maps, omittedLayers, cyclePredictions, ...info } = v;
  const out: CamOutput = { ...output, probabilities, maps, modelId: v.modelId, cutoff: info };
  if (omittedLayers) out.omittedLayers = omittedLayers;
  else delete out.omittedLayers;
  const cycles = output.annotations?.cycles;
  if (cycles && cyclePredictions?.length === cycles.length) {
    out.annotations = { ...output.annotations!, cycles: cycles.map((c, i) => withPrediction(c, cyclePredictions[i])) };
  }
  return out;
}

function withPrediction(c: CycleAnnotation, predicted: CycleAnnotation['predicted'] | null): CycleAnnotation {
  const { predicted: _own, ...rest } = c;
  return predicted ? { ...rest, predicted } : rest;
}

/** Cutoffs the control offers, Hz: above the lowest band centre, up to the top of the widest variant. */
export function cutoffRange(output: CamOutput, variants: readonly Variant[]): { lo: number; hi: number; fullHz: number | null } {
  const axes = output.axes;
  const widest = variants.reduce((w, v) => (v.keptBands > w.keptBands ? v : w), variants[0]);
  const full = widest.keptBands >= axes.bands && widest.bandCutoffHz === null;
  return {
    lo: axes.bandCentersHz[0],
    hi: full ? axes.fmax : (widest.bandCutoffHz ?? axes.bandEdgesHz[axes.bands]),
    fullHz: full ? axes.fmax : null,
  };
}

/** "model cut1000, trained at 1 kHz" / "what-if: model baseline, bands above 1.2 kHz masked (floor)". */
export function variantLabel(v: CutoffInfo): string {
  if (v.cutoffMode === 'masked') return `What-if (occlusion): model ${v.modelId} with the bands above ${bandCutoffLabel(v.bandCutoffHz)} masked (${v.maskFill ?? 'floor'}), not retrained`;
  return `Model ${v.modelId}, trained ${v.bandCutoffHz === null ? 'on the full band' : `without the bands above ${bandCutoffLabel(v.bandCutoffHz)}`}`;
}
