/**
 * Does the map point at the ground truth? For each event of an events.json (time × frequency box), within
 * the patches that overlap it: the share of the map's energy inside the box against the box's share of
 * the area (a ratio of 1 = no better than spread evenly), and the pointing game (is the map's maximum
 * inside the box?).
 */
import type { EventAnnotation, FeatureAxes } from '../../shared/outputTypes';
import type { RecordingMap } from '../../shared/view/summaries';

export interface EventLocalisation {
  event: EventAnnotation;
  /** Energy share inside the box, area share of the box, and their ratio (energy / area). */
  energyShare: number;
  areaShare: number;
  ratio: number;
  /** The map's maximum lies inside the box (pointing game). */
  hit: boolean;
}

export interface LocalisationSummary {
  events: EventLocalisation[];
  meanRatio: number;
  meanEnergyShare: number;
  meanAreaShare: number;
  pointingGameRate: number;
}

/**
 * A box no smaller than the map can resolve: a layer with 12 time steps per 96-frame patch cannot put its
 * energy inside a 5 ms crackle, so boxes may be widened (symmetrically) to at least `minFrames` × `minBands`.
 */
export interface BoxResolution {
  minFrames?: number;
  minBands?: number;
}

/** Frame range [from, to) and band range [lo, hi] of an event box; null when the box holds no cell. */
export function eventBox(event: EventAnnotation, axes: Pick<FeatureAxes, 'hopSeconds' | 'bandCentersHz'>, frames: number, resolution: BoxResolution = {}) {
  let from = Math.max(0, Math.floor(event.startSeconds / axes.hopSeconds));
  let to = Math.min(frames, Math.ceil(event.endSeconds / axes.hopSeconds));
  const bands = axes.bandCentersHz.length;
  let inBand = axes.bandCentersHz.map((hz, b) => (hz >= event.lowHz && hz <= event.highHz ? b : -1)).filter((b) => b >= 0);
  if (inBand.length === 0 && resolution.minBands) {
    // A box between two band centres: the nearest band.
    const mid = (event.lowHz + event.highHz) / 2;
    let best = 0;
    axes.bandCentersHz.forEach((hz, b) => { if (Math.abs(hz - mid) < Math.abs(axes.bandCentersHz[best] - mid)) best = b; });
    inBand = [best];
  }
  if (to <= from || inBand.length === 0) return null;
  let lo = inBand[0];
  let hi = inBand[inBand.length - 1];
  const grow = (a: number, b: number, min: number, limit: number): [number, number] => {
    const missing = Math.max(0, min - (b - a));
    let na = Math.max(0, a - Math.floor(missing / 2));
    const nb = Math.min(limit, na + Math.max(min, b - a));
    na = Math.max(0, nb - Math.max(min, b - a));
    return [na, nb];
  };
  if (resolution.minFrames) [from, to] = grow(from, to, resolution.minFrames, frames);
  if (resolution.minBands) {
    const [a, b] = grow(lo, hi + 1, resolution.minBands, bands);
    lo = a;
    hi = b - 1;
  }
  return { from, to, lo, hi };
}

/**
 * Scores one map against events. `windows` are the patches' frame ranges: each event is scored inside the
 * union of the patches it overlaps (maps are normalised per patch, so patches are the natural unit).
 */
export function localise(
  map: RecordingMap,
  axes: Pick<FeatureAxes, 'hopSeconds' | 'bandCentersHz'>,
  events: EventAnnotation[],
  windows: { startFrame: number[]; patchFrames: number },
  resolution: BoxResolution = {},
): EventLocalisation[] {
  const out: EventLocalisation[] = [];
  for (const event of events) {
    const box = eventBox(event, axes, map.frames, resolution);
    if (!box) continue;
    let w0 = Infinity;
    let w1 = -Infinity;
    for (const s of windows.startFrame) {
      const e = Math.min(map.frames, s + windows.patchFrames);
      if (s < box.to && e > box.from) {
        w0 = Math.min(w0, s);
        w1 = Math.max(w1, e);
      }
    }
    if (!(w1 > w0)) continue;
    let total = 0;
    let inside = 0;
    let best = -Infinity;
    let bestInside = false;
    for (let f = w0; f < w1; f++) {
      for (let b = 0; b < map.bands; b++) {
        const v = map.data[f * map.bands + b];
        const isIn = f >= box.from && f < box.to && b >= box.lo && b <= box.hi;
        total += v;
        if (isIn) inside += v;
        // Ties (flat maxima) count as a hit only if a maximal cell is inside.
        if (v > best || (v === best && isIn)) {
          best = v;
          bestInside = isIn;
        }
      }
    }
    const areaShare = ((box.to - box.from) * (box.hi - box.lo + 1)) / ((w1 - w0) * map.bands);
    const energyShare = total > 0 ? inside / total : 0;
    out.push({ event, energyShare, areaShare, ratio: areaShare > 0 ? energyShare / areaShare : 0, hit: total > 0 && bestInside });
  }
  return out;
}

export function summariseLocalisation(events: EventLocalisation[]): LocalisationSummary {
  const n = events.length || 1;
  const mean = (f: (e: EventLocalisation) => number) => events.reduce((s, e) => s + f(e), 0) / n;
  return {
    events,
    meanRatio: mean((e) => e.ratio),
    meanEnergyShare: mean((e) => e.energyShare),
    meanAreaShare: mean((e) => e.areaShare),
    pointingGameRate: mean((e) => (e.hit ? 1 : 0)),
  };
}
