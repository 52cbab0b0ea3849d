// Canvas drawing of the dense pictures: the log-mel spectrogram and the CAM overlay for a time window.
// Each builds a small image at data resolution and lets the browser scale it: nearest for spectrogram
// frames when zoomed in (honest frame blocks), bilinear (half-pixel centres) for CAM cells, which is
// the upsampling the Grad-CAM convention prescribes.
import type { ScaleLinear } from 'd3-scale';
import type { CamMap, FeatureAxes, PatchInfo } from '../../kernels/shared/outputTypes';
import type { ByteMatrix } from '../../kernels/shared/view/quantized';
import { decodeMatrix } from '../../kernels/shared/view/quantized';
import { patchesInView } from './scales';

/** Widest image we build at once: well under every browser's canvas limit. */
const MAX_IMAGE_WIDTH = 8192;
const MAX_FRAMES_PER_COLUMN = 8;

// One scratch canvas per purpose: reusing a canvas that was just a drawImage source for the next
// putImageData forces a copy of its whole backing store.
const scratch = new Map<string, HTMLCanvasElement>();
function scratchCanvas(purpose: string, width: number, height: number): CanvasRenderingContext2D {
  let c = scratch.get(purpose);
  if (!c) {
    c = document.createElement('canvas');
    scratch.set(purpose, c);
  }
  // Exact height, and a width that only grows (resizing every pan frame costs more than the drawing).
  // Bilinear sampling at a sub-rectangle's edge reads one pixel beyond it: pictures carry a duplicated
  // last column (camPixels), so no stale pixel of an earlier, wider picture is ever read.
  if (c.height !== height || c.width < width) {
    c.width = Math.max(width, c.height === height ? c.width : 0);
    c.height = height;
  }
  return c.getContext('2d', { willReadFrequently: false })!;
}

/**
 * RGBA picture of frames [frameFrom, frameTo) × all bands, band 0 in the bottom row. With more frames
 * than `columns`, each column is a mean over its frames (so a zoomed-out view does not alias).
 */
export function spectrogramPixels(lm: ByteMatrix, frameFrom: number, frameTo: number, columns: number, lut: Uint8ClampedArray): ImageData {
  const bands = lm.cols;
  const frames = Math.max(0, frameTo - frameFrom);
  const width = Math.max(1, Math.min(frames, columns));
  const img = new ImageData(width, bands);
  const px = img.data;
  const bytes = lm.bytes;
  const sums = new Float64Array(bands);
  for (let x = 0; x < width; x++) {
    const f0 = frameFrom + Math.floor((x * frames) / width);
    const f1 = Math.max(f0 + 1, frameFrom + Math.floor(((x + 1) * frames) / width));
    sums.fill(0);
    // Mean of at most MAX_FRAMES_PER_COLUMN evenly spaced frames: a zoomed-out picture stays smooth
    // without reading all 60 000 frames of a 10-minute recording on every pan.
    const stride = Math.max(1, Math.floor((f1 - f0) / MAX_FRAMES_PER_COLUMN));
    let n = 0;
    for (let f = f0; f < f1; f += stride) {
      const row = f * bands;
      for (let b = 0; b < bands; b++) sums[b] += bytes[row + b];
      n++;
    }
    for (let b = 0; b < bands; b++) {
      const v = Math.round(sums[b] / n) * 4;
      const o = ((bands - 1 - b) * width + x) * 4;
      px[o] = lut[v];
      px[o + 1] = lut[v + 1];
      px[o + 2] = lut[v + 2];
      px[o + 3] = 255;
    }
  }
  return img;
}

/** Draws the spectrogram for the seconds in x's domain onto ctx (size width × height, CSS pixels). */
export function drawSpectrogram(ctx: CanvasRenderingContext2D, lm: ByteMatrix, axes: FeatureAxes, x: ScaleLinear<number, number>, width: number, height: number, lut: Uint8ClampedArray): void {
  ctx.clearRect(0, 0, width, height);
  const [t0, t1] = x.domain();
  const f0 = Math.max(0, Math.floor(t0 / axes.hopSeconds));
  const f1 = Math.min(lm.rows, Math.ceil(t1 / axes.hopSeconds) + 1);
  if (f1 <= f0) return;
  const columns = Math.min(MAX_IMAGE_WIDTH, Math.ceil(width * (typeof devicePixelRatio === 'number' ? devicePixelRatio : 1)));
  const img = spectrogramPixels(lm, f0, f1, columns, lut);
  const s = scratchCanvas('spectrogram', img.width, img.height);
  s.putImageData(img, 0, 0);
  const framesPerPixel = (f1 - f0) / Math.max(1, x(f1 * axes.hopSeconds) - x(f0 * axes.hopSeconds));
  ctx.imageSmoothingEnabled = framesPerPixel > 1;
  ctx.imageSmoothingQuality = 'low';
  const dx = x(f0 * axes.hopSeconds);
  ctx.drawImage(s.canvas, 0, 0, img.width, img.height, dx, 0, x(f1 * axes.hopSeconds) - dx, height);
}

/** RGBA picture of patches [first, last] side by side (timeSteps columns each), band step 0 at the bottom. */
export function camPixels(m: ByteMatrix, timeSteps: number, first: number, last: number, lut: Uint8ClampedArray): ImageData {
  const cols = m.cols;
  const used = (last - first + 1) * timeSteps;
  // One extra column repeating the last one (see scratchCanvas).
  const width = used + 1;
  const img = new ImageData(width, cols);
  const px = img.data;
  for (let x = 0; x < width; x++) {
    const row = (first * timeSteps + Math.min(x, used - 1)) * cols;
    for (let b = 0; b < cols; b++) {
      const v = m.bytes[row + b] * 4;
      const o = ((cols - 1 - b) * width + x) * 4;
      px[o] = lut[v];
      px[o + 1] = lut[v + 1];
      px[o + 2] = lut[v + 2];
      px[o + 3] = 255;
    }
  }
  return img;
}

/**
 * Draws the CAM of the patches visible in x's domain, each stretched over its own 96 frames; the map covers
 * the lowest `bands` of the axes' bands (a model trained at a band cutoff sees only those).
 */
export function drawCam(ctx: CanvasRenderingContext2D, map: CamMap, patches: PatchInfo, axes: FeatureAxes, x: ScaleLinear<number, number>, width: number, fullHeight: number, lut: Uint8ClampedArray, bands = axes.bands): void {
  ctx.clearRect(0, 0, width, fullHeight);
  // Band rows are evenly spaced on the mel-warped axis: the covered bands are the bottom share of it.
  const top = fullHeight * (1 - Math.min(bands, axes.bands) / axes.bands);
  const height = fullHeight - top;
  const [t0, t1] = x.domain();
  const [first, last] = patchesInView(patches, axes.hopSeconds, t0, t1);
  if (last < first) return;
  const m = decodeMatrix(map.map);
  // 'low' is plain bilinear: the upsampling the Grad-CAM convention prescribes (and much cheaper than 'high').
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low';
  // Nothing is drawn past the recording's last frame (a padded tail patch would otherwise overhang).
  const endX = Math.min(width, x(axes.frames * axes.hopSeconds));
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, endX, fullHeight);
  ctx.clip();
  const chunk = Math.max(1, Math.floor(MAX_IMAGE_WIDTH / map.timeSteps));
  for (let c0 = first; c0 <= last; c0 += chunk) {
    const c1 = Math.min(last, c0 + chunk - 1);
    const img = camPixels(m, map.timeSteps, c0, c1, lut);
    const s = scratchCanvas('cam', img.width, img.height);
    s.putImageData(img, 0, 0);
    if (contiguous(patches, c0, c1)) {
      // Patches tile time without gaps or overlap (VGGish hop = 96 frames): one drawImage for the run.
      const x0 = x(patches.startFrame[c0] * axes.hopSeconds);
      const x1 = x((patches.startFrame[c1] + patches.frames) * axes.hopSeconds);
      ctx.drawImage(s.canvas, 0, 0, (c1 - c0 + 1) * map.timeSteps, map.bandSteps, x0, top, x1 - x0, height);
      continue;
    }
    for (let p = c0; p <= c1; p++) {
      const start = patches.startFrame[p] * axes.hopSeconds;
      const x0 = x(start);
      const x1 = x(start + patches.frames * axes.hopSeconds);
      ctx.drawImage(s.canvas, (p - c0) * map.timeSteps, 0, map.timeSteps, map.bandSteps, x0, top, x1 - x0, height);
    }
  }
  ctx.restore();
}

function contiguous(patches: PatchInfo, first: number, last: number): boolean {
  for (let p = first; p < last; p++) if (patches.startFrame[p + 1] - patches.startFrame[p] !== patches.frames) return false;
  return true;
}

/** Sizes a canvas for crisp drawing on high-DPI screens and returns a context in CSS pixels. */
export function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
