// Scales from data units to pixels, apart from any drawing (d3 convention: scales and axes separate).
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import type { FeatureAxes, PatchInfo } from '../../kernels/shared/outputTypes';

/** Seconds → x pixels over [0, widthPx]. */
export function timeScale(startSeconds: number, endSeconds: number, widthPx: number): ScaleLinear<number, number> {
  return scaleLinear().domain([startSeconds, endSeconds]).range([0, widthPx]);
}

/** Total seconds the log-mel spans (frames × hop; the last window's tail is within one hop). */
export function recordingSeconds(axes: FeatureAxes): number {
  return axes.frames * axes.hopSeconds;
}

/**
 * Hz → y pixels for a picture whose rows are mel bands, band 0 at the bottom. Bands are equally tall,
 * so the Hz axis is mel-warped: band k's centre is bandEdgesHz[k + 1] and sits at row k + 0.5; the scale
 * is piecewise linear through every edge (edge k at row k − 0.5), which is the mel curve to within a pixel.
 */
export function bandScale(axes: FeatureAxes, heightPx: number): ScaleLinear<number, number> {
  const rowPx = heightPx / axes.bands;
  const edges = axes.bandEdgesHz;
  return scaleLinear()
    .domain(edges)
    .range(edges.map((_, k) => heightPx - (k - 0.5) * rowPx))
    .clamp(false);
}

/** Row (band index, fractional) under a y pixel, band 0 at the bottom. */
export function bandAtY(axes: FeatureAxes, heightPx: number, y: number): number {
  return Math.floor(((heightPx - y) / heightPx) * axes.bands);
}

/** The frequency span the picture shows: bottom of band 0 to top of the last band, in Hz. */
export function visibleHzRange(axes: FeatureAxes, heightPx: number): [number, number] {
  const s = bandScale(axes, heightPx);
  return [s.invert(heightPx), s.invert(0)];
}

const HZ_TICK_CANDIDATES = [
  50, 100, 125, 150, 200, 250, 300, 400, 500, 600, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 7000, 7500, 8000,
];

/** Round frequencies that fit the visible range with at least minGapPx between labels. */
export function hzTicks(axes: FeatureAxes, heightPx: number, minGapPx = 18): number[] {
  const s = bandScale(axes, heightPx);
  const [lo, hi] = visibleHzRange(axes, heightPx);
  const ticks: number[] = [];
  let lastY = Infinity;
  for (const hz of HZ_TICK_CANDIDATES) {
    if (hz < lo || hz > hi) continue;
    const y = s(hz);
    if (lastY - y >= minGapPx) {
      ticks.push(hz);
      lastY = y;
    }
  }
  return ticks;
}

/** Seconds at which patch p starts and ends. */
export function patchSpanSeconds(patches: PatchInfo, p: number, hopSeconds: number): [number, number] {
  const start = patches.startFrame[p] * hopSeconds;
  return [start, start + patches.frames * hopSeconds];
}

/** Index of the patch covering a frame (patches ascend; the last one wins on overlap), or −1. */
export function patchAtFrame(patches: PatchInfo, frame: number): number {
  const starts = patches.startFrame;
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= frame) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found >= 0 && frame >= starts[found] + patches.frames) return -1;
  return found;
}

/** First and last patch index overlapping [startSeconds, endSeconds). */
export function patchesInView(patches: PatchInfo, hopSeconds: number, startSeconds: number, endSeconds: number): [number, number] {
  const n = patches.startFrame.length;
  let first = 0;
  while (first < n && (patches.startFrame[first] + patches.frames) * hopSeconds <= startSeconds) first++;
  let last = first - 1;
  while (last + 1 < n && patches.startFrame[last + 1] * hopSeconds < endSeconds) last++;
  return [first, last];
}

/** Human label for a frequency: 750 Hz, 1.5 kHz. */
export function formatHz(hz: number): string {
  if (hz >= 1000) return `${+(hz / 1000).toFixed(hz % 1000 === 0 ? 0 : 2)} kHz`;
  return `${Math.round(hz)} Hz`;
}

export function formatSeconds(s: number): string {
  if (s >= 60) {
    const m = Math.floor(s / 60);
    return `${m}:${(s - m * 60).toFixed(2).padStart(5, '0')}`;
  }
  return `${s.toFixed(2)} s`;
}
