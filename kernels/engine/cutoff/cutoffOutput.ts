/**
 * The renderer's CamOutput for a band cutoff: the planned variant's maps and probabilities on the
 * recording's full-band log-mel (so the view can show what was removed), and, for a family, every other
 * member precomputed as a rung (kernels/shared/outputTypes.ts CutoffRung): switching the cutoff in the
 * view then needs no kernel, also after a reload. Maps stay at native resolution, quantised (cam/output.ts).
 */
import type { CamMap, CamOutput, CutoffInfo, CutoffRung } from '../../shared/outputTypes';
import type { GradCamResult } from '../cam/cam';
import type { RecordingCamOptions } from '../cam/explain';
import { CAM_OUTPUT_MAX_BYTES, camMap, camOutput, fitLayers, type CamOutputInput } from '../cam/output';
import type { LogMel } from '../types';
import { compactMatrix } from '../../shared/view/quantized';
import { cutoffCam, type CutoffCam, type MemberModels } from './cutoffCam';
import type { CutoffPlan } from './plan';

export function cutoffInfo(c: CutoffCam): CutoffInfo {
  const { plan } = c;
  return {
    bandCutoffHz: plan.bandCutoffHz,
    cutoffMode: plan.cutoffMode,
    modelId: c.loaded.meta.name,
    bands: c.rc.logMel.bands,
    keptBands: plan.keptBands,
    ...(plan.cutoffMode === 'masked' && plan.maskFill ? { maskFill: plan.maskFill } : {}),
  };
}

function mapsOf(result: GradCamResult): Record<string, Record<string, CamMap>> {
  const maps: Record<string, Record<string, CamMap>> = {};
  for (const m of result.maps) (maps[m.layer] ??= {})[m.className] = camMap(m, result.patchCount);
  return maps;
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

function probabilitiesOf(result: GradCamResult): number[][] {
  const c = result.classNames.length;
  return Array.from({ length: result.patchCount }, (_, p) =>
    Array.from(result.probabilities.subarray(p * c, (p + 1) * c), (v) => Math.round(v * 1e6) / 1e6));
}

/** A variant as a rung of an output, its layers fitted into `budget` bytes (the default layer always stays). */
export function cutoffRung(c: CutoffCam, budget: number, keepLayer: string): CutoffRung {
  const maps = compactMaps(mapsOf(c.rc.result));
  const omitted = fitLayers(maps, budget, keepLayer);
  return { ...cutoffInfo(c), probabilities: probabilitiesOf(c.rc.result), maps, ...(omitted.length ? { omittedLayers: omitted } : {}) };
}

/** Bytes of a value as JSON (what the output costs in a notebook). */
const jsonBytes = (v: unknown) => JSON.stringify(v).length;

export interface CutoffOutputOptions extends Omit<CamOutputInput, 'result' | 'logMel' | 'patches' | 'modelId'> {
  method: string;
  /** The family's name when the source is one (its members become rungs). */
  family?: string;
}

/**
 * Grad-CAM of every layer × class at the plan's cutoff and, with `rungs` (a family's members other than the
 * planned one), at each of theirs; one CamOutput holding them all within the size budget.
 */
export async function cutoffOutput(models: MemberModels, full: LogMel, plan: CutoffPlan, rungs: CutoffPlan[], o: CutoffOutputOptions): Promise<{ output: CamOutput; main: CutoffCam }> {
  const camOpts: RecordingCamOptions = { method: o.method, everything: true };
  const main = await cutoffCam(models, full, plan, camOpts);
  const budget = o.maxBytes ?? CAM_OUTPUT_MAX_BYTES;
  const output: CamOutput = {
    ...camOutput({ ...o, result: main.rc.result, logMel: full, patches: main.rc.patches, modelId: main.loaded.meta.name, defaultClass: o.defaultClass ?? main.rc.className }),
    cutoff: cutoffInfo(main),
    ...(o.family ? { family: { name: o.family } } : {}),
  };
  if (rungs.length) {
    compactMaps(output.maps);
    output.logMel = compactMatrix(output.logMel, 255);
    const others: CutoffRung[] = [];
    let left = budget * 0.95 - jsonBytes(output);
    for (const [i, p] of rungs.entries()) {
      const c = await cutoffCam(models, full, p, camOpts);
      const rung = cutoffRung(c, left / (rungs.length - i), output.defaultLayer);
      left -= jsonBytes(rung);
      others.push(rung);
    }
    output.rungs = others;
  }
  return { output, main };
}

/** Plans for a family's members other than the planned one, each at its own cutoff. */
export function rungPlans(members: CutoffPlan['member'][], plan: CutoffPlan): CutoffPlan[] {
  return members
    .filter((m) => plan.cutoffMode === 'masked' || m !== plan.member)
    .map((m) => ({ bandCutoffHz: m.bandCutoffHz, cutoffMode: 'model' as const, member: m, keptBands: m.bands }));
}
