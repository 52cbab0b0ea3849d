/**
 * How a CAM map is normalised for display. Maps are stored per patch, normalised to 0..1 with each patch's raw
 * range kept (raw = normalised · (max − min) + min), so any scale is a per-patch gain and offset on the
 * stored values — the renderer, the fallbacks and the exports all take them from here:
 * - 'classes' (the default): one scale for every class at the layer, each patch's map weighted by the
 *   probability the model gives that class in the patch — a class the model rejects looks dark, the
 *   predicted one bright where it drove the decision;
 * - 'recording': one scale for every patch of the class — quiet patches look quiet;
 * - 'patch': each patch stretched to its own range, pytorch-grad-cam's convention (kept for parity: it makes
 *   a class with p ≈ 0.02 glow as brightly as a confident one).
 * The raw, unscaled values stay available (hover readouts, `--raw`, the NPY/JSON exports).
 */
import type { CamMap } from '../outputTypes';
import { matrixBytes, quantizeUnit } from './quantized';

export type CamNormalisation = 'classes' | 'recording' | 'patch';

export const DEFAULT_NORMALISATION: CamNormalisation = 'classes';

export interface NormalisationInfo {
  normalisation: CamNormalisation;
  /** Short label for the control and the figures' colour bar. */
  label: string;
  /** What the brightness means on this scale, in a few words (figures, the view's label). */
  meaning: string;
  /** The same for a student, in a sentence (the control's tooltip, the README). */
  explanation: string;
}

export const NORMALISATIONS: readonly NormalisationInfo[] = [
  {
    normalisation: 'classes',
    label: 'across classes × probability',
    meaning: 'a class the model rejects stays dark',
    explanation: 'One scale for every class at this layer, each patch weighted by the probability the model gives the class there: a class the model rejects stays dark, the predicted one is bright where it drove the decision.',
  },
  {
    normalisation: 'recording',
    label: 'per recording',
    meaning: 'one scale for the whole recording; quiet patches stay dark',
    explanation: 'One scale for every patch of the recording and this class: patches with little attention stay dark, whatever the probability the model gives the class.',
  },
  {
    normalisation: 'patch',
    label: 'per patch (pytorch-grad-cam)',
    meaning: 'each patch stretched to its own maximum; even a rejected class glows',
    explanation: 'Each 0.96 s patch stretched to its own maximum, as pytorch-grad-cam does: every patch has a bright spot, even for a class the model rejects. Use it to compare with pytorch-grad-cam, not to judge the model.',
  },
];

export function isNormalisation(v: unknown): v is CamNormalisation {
  return NORMALISATIONS.some((s) => s.normalisation === v);
}

export function normalisationInfo(normalisation: CamNormalisation): NormalisationInfo {
  return NORMALISATIONS.find((s) => s.normalisation === normalisation)!;
}

/** Each patch's raw range of one class's map at one layer. */
export interface PatchRanges {
  rawMin: ArrayLike<number>;
  rawMax: ArrayLike<number>;
}

export interface ScalingInput {
  normalisation: CamNormalisation;
  classIndex: number;
  /** The class's ranges at the layer, and (for 'classes') every class's, by class index. */
  ranges: PatchRanges;
  allClasses?: readonly (PatchRanges | undefined)[];
  /** Patch probabilities [patches][classes] (for 'classes'). */
  probabilities?: readonly (readonly number[])[];
}

export interface PatchScaling {
  /** Displayed value of patch p = gain[p] · normalised + offset[p], in 0..1. */
  gain: Float32Array;
  offset: Float32Array;
  /** The raw value that reaches 1 on this scale (1 for 'patch', where each patch has its own). */
  reference: number;
}

const prob = (probabilities: ScalingInput['probabilities'], p: number, c: number) => probabilities?.[p]?.[c] ?? 1;

/** Largest raw value on the chosen scale (probability-weighted for 'classes'). */
function normalisationReference(input: ScalingInput): number {
  const { normalisation, ranges, allClasses, probabilities } = input;
  let top = 0;
  if (normalisation === 'recording') {
    for (let p = 0; p < ranges.rawMax.length; p++) top = Math.max(top, ranges.rawMax[p]);
  } else {
    (allClasses ?? []).forEach((r, c) => {
      if (!r) return;
      for (let p = 0; p < r.rawMax.length; p++) top = Math.max(top, r.rawMax[p] * prob(probabilities, p, c));
    });
    // Without the other classes' ranges the class's own weighted maximum is the best reference left.
    if (top === 0) for (let p = 0; p < ranges.rawMax.length; p++) top = Math.max(top, ranges.rawMax[p] * prob(probabilities, p, input.classIndex));
  }
  return top;
}

export function patchScaling(input: ScalingInput): PatchScaling {
  const { normalisation, ranges, classIndex, probabilities } = input;
  const n = ranges.rawMax.length;
  const gain = new Float32Array(n);
  const offset = new Float32Array(n);
  if (normalisation === 'patch') {
    gain.fill(1);
    return { gain, offset, reference: 1 };
  }
  const reference = normalisationReference(input);
  if (!(reference > 0)) return { gain, offset, reference: 0 };
  for (let p = 0; p < n; p++) {
    const weight = normalisation === 'classes' ? prob(probabilities, p, classIndex) : 1;
    const lo = ranges.rawMin[p];
    gain[p] = (weight * (ranges.rawMax[p] - lo)) / reference;
    offset[p] = (weight * lo) / reference;
  }
  return { gain, offset, reference };
}

/** Scales `count` patch maps of `size` values each in place (values stored normalised per patch). */
export function applyPatchScaling(values: Float32Array, count: number, size: number, s: PatchScaling): Float32Array {
  for (let p = 0; p < count; p++) {
    const g = s.gain[p] ?? 0;
    const o = s.offset[p] ?? 0;
    if (g === 1 && o === 0) continue;
    for (let i = p * size; i < (p + 1) * size; i++) values[i] = values[i] * g + o;
  }
  return values;
}

/** The scaling of one layer × class map of a renderer output (its stored per-patch ranges and probabilities). */
export function outputScaling(out: CamOutputLike, layer: string, className: string, normalisation: CamNormalisation): PatchScaling {
  const maps = out.maps[layer] ?? {};
  const map = maps[className];
  if (!map) return { gain: new Float32Array(0), offset: new Float32Array(0), reference: 0 };
  return patchScaling({
    normalisation,
    classIndex: out.classes.indexOf(className),
    ranges: map,
    allClasses: out.classes.map((c) => maps[c]),
    probabilities: out.probabilities,
  });
}

/** What outputScaling reads of a CamOutput. */
export interface CamOutputLike {
  classes: readonly string[];
  probabilities: readonly (readonly number[])[];
  maps: Record<string, Record<string, PatchRanges | undefined> | undefined>;
}

const normalisedMaps = new WeakMap<object, Map<CamNormalisation, CamMap>>();

/**
 * One layer × class map of a renderer output as the chosen normalisation shows it: the same CamMap for
 * 'patch' (its stored values), else a derived one whose bytes are the values on that scale (0..1) and whose
 * raw ranges still give the raw value (raw = value · (rawMax − rawMin) + rawMin). Cached per map.
 */
export function normalisedMap(out: CamOutputLike & { maps: Record<string, Record<string, CamMap | undefined> | undefined> }, layer: string, className: string, normalisation: CamNormalisation): CamMap | undefined {
  const map = out.maps[layer]?.[className];
  if (!map || normalisation === 'patch') return map;
  let cache = normalisedMaps.get(map);
  if (!cache) normalisedMaps.set(map, (cache = new Map()));
  const hit = cache.get(normalisation);
  if (hit) return hit;
  const count = map.rawMax.length;
  const size = map.timeSteps * map.bandSteps;
  const scaling = outputScaling(out, layer, className, normalisation);
  const values = applyPatchScaling(Float32Array.from(matrixBytes(map.map), (b) => b / 255), count, size, scaling);
  // value v of patch p stands for raw = v · reference / weight(p): the patch's weight is gain ÷ its stored range.
  const rawMax = map.rawMax.map((hi, p) => {
    const range = hi - map.rawMin[p];
    return scaling.gain[p] > 0 && range > 0 ? range / scaling.gain[p] : 0;
  });
  const derived: CamMap = {
    ...map,
    map: quantizeUnit(values, map.map.rows, map.map.cols, { compress: false }),
    rawMin: map.rawMin.map(() => 0),
    rawMax,
  };
  cache.set(normalisation, derived);
  return derived;
}
