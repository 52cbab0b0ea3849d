/**
 * The renderer's CamOutput for a band cutoff: the planned variant's maps and probabilities on the
 * recording's full-band log-mel (so the view can show what was removed), and, for a family, every other
 * member precomputed as a rung (kernels/shared/outputTypes.ts CutoffRung): switching the cutoff in the
 * view then needs no kernel, also after a reload. Maps stay at native resolution, quantised (cam/output.ts),
 * computed chunk by chunk (cam/viewChunks.ts) so a long recording's variants stay within memory.
 */
import type { CamMap, CamOutput, CutoffInfo, CutoffRung } from '../../shared/outputTypes';
import { CAM_OUTPUT_MAX_BYTES, fitLayers } from '../cam/output';
import { camMapsThatFit, viewCamOutput, type ViewCamOptions } from '../cam/viewChunks';
import type { RecordingAnnotations } from '../data/annotations';
import { classifyCycles } from '../model/classify';
import type { LoadedModel } from '../model/modelIO';
import type { LogMel } from '../types';
import { compactMatrix } from '../../shared/view/quantized';
import { camModelOf, cutoffInput, type MemberModels } from './cutoffCam';
import type { CutoffPlan } from './plan';

/** What an output says about the cutoff of its maps (the model's input: `bands` of the full band). */
export function cutoffInfo(plan: CutoffPlan, loaded: LoadedModel): CutoffInfo {
  return {
    bandCutoffHz: plan.bandCutoffHz,
    cutoffMode: plan.cutoffMode,
    modelId: loaded.meta.name,
    bands: plan.member.bands,
    keptBands: plan.keptBands,
    ...(plan.cutoffMode === 'masked' && plan.maskFill ? { maskFill: plan.maskFill } : {}),
  };
}

/**
 * Maps in fewer bytes (7 bits, zlib: kernels/shared/view/quantized.ts compactMatrix): a family's output
 * carries every member's maps, ≈ 4 MB for 20 s and five cutoffs as plain 8-bit bytes, under 2 MB so.
 */
function compactMaps(maps: Record<string, Record<string, CamMap>>): Record<string, Record<string, CamMap>> {
  for (const layer of Object.values(maps)) {
    for (const [c, m] of Object.entries(layer)) layer[c] = { ...m, map: compactMatrix(m.map), rawMin: m.rawMin.map(fourDigits), rawMax: m.rawMax.map(fourDigits) };
  }
  return maps;
}

/** A patch's raw range to 4 significant digits: the view reads raw values out to 3. */
const fourDigits = (v: number) => Number(v.toPrecision(4));

function probabilitiesOf(probabilities: Float32Array, classes: number): number[][] {
  return Array.from({ length: probabilities.length / classes }, (_, p) =>
    Array.from(probabilities.subarray(p * classes, (p + 1) * classes), (v) => Math.round(v * 1e6) / 1e6));
}

export interface RungOptions extends ViewCamOptions {
  /** The recording's annotations: each rung then carries its own model's label for every cycle. */
  annotated?: RecordingAnnotations | null;
}

/**
 * A variant as a rung of an output, its layers fitted into `budget` bytes once compacted (the default
 * layer always stays; layers that would not fit even uncompacted in a whole output are never computed).
 */
export async function cutoffRung(models: MemberModels, full: LogMel, plan: CutoffPlan, budget: number, keepLayer: string, opts: RungOptions = {}): Promise<CutoffRung> {
  const loaded = await models.get(plan.member);
  const cm = camModelOf(loaded);
  const fitted = await camMapsThatFit(cm, cutoffInput(full, plan), (opts.maxBytes ?? CAM_OUTPUT_MAX_BYTES) * 0.95, opts);
  const maps = compactMaps(fitted.maps);
  const omitted = [...fitted.omitted, ...fitLayers(maps, budget, keepLayer)];
  // Only the cycles: the rung's patch probabilities came with its maps.
  const cycles = opts.annotated?.cycles.length ? classifyCycles(loaded, cutoffInput(full, plan), opts.annotated.cycles) : undefined;
  return {
    ...cutoffInfo(plan, loaded), probabilities: probabilitiesOf(fitted.probabilities, cm.classes.length), maps, ...(omitted.length ? { omittedLayers: omitted } : {}),
    ...(cycles ? { cyclePredictions: cycles.map((c) => ({ label: c.label, probabilities: c.probabilities })) } : {}),
  };
}

/** Bytes of a value as JSON (what the output costs in a notebook). */
const jsonBytes = (v: unknown) => JSON.stringify(v).length;

export interface CutoffOutputOptions extends Omit<RungOptions, 'onProgress'> {
  method: string;
  /** The family's name when the source is one (its members become rungs). */
  family?: string;
  /** The share of the whole output done (0..1), after each chunk of each variant. */
  onProgress?: (done: number) => void;
}

/**
 * Grad-CAM of every layer × class at the plan's cutoff and, with `rungs` (a family's members other than the
 * planned one), at each of theirs; one CamOutput holding them all within the size budget.
 */
export async function cutoffOutput(models: MemberModels, full: LogMel, plan: CutoffPlan, rungs: CutoffPlan[], o: CutoffOutputOptions): Promise<{ output: CamOutput; loaded: LoadedModel }> {
  const variants = 1 + rungs.length;
  const share = (i: number) => (done: number) => o.onProgress?.((i + done) / variants);
  const loaded = await models.get(plan.member);
  const budget = o.maxBytes ?? CAM_OUTPUT_MAX_BYTES;
  const output: CamOutput = {
    ...(await viewCamOutput(camModelOf(loaded), cutoffInput(full, plan), { ...o, shown: full, onProgress: share(0) })),
    cutoff: cutoffInfo(plan, loaded),
    ...(o.family ? { family: { name: o.family } } : {}),
  };
  if (rungs.length) {
    compactMaps(output.maps);
    output.logMel = compactMatrix(output.logMel, 255);
    const others: CutoffRung[] = [];
    let left = budget * 0.95 - jsonBytes(output);
    for (const [i, p] of rungs.entries()) {
      const rung = await cutoffRung(models, full, p, left / (rungs.length - i), output.defaultLayer, { ...o, onProgress: share(i + 1) });
      left -= jsonBytes(rung);
      others.push(rung);
    }
    output.rungs = others;
  }
  return { output, loaded };
}

/** Plans for a family's members other than the planned one, each at its own cutoff. */
export function rungPlans(members: CutoffPlan['member'][], plan: CutoffPlan): CutoffPlan[] {
  return members
    .filter((m) => plan.cutoffMode === 'masked' || m !== plan.member)
    .map((m) => ({ bandCutoffHz: m.bandCutoffHz, cutoffMode: 'model' as const, member: m, keptBands: m.bands }));
}
