// The time-dependent marks around the map, drawn on one canvas per frame (panning a 10-minute recording
// re-laid hundreds of SVG nodes per frame; a canvas redraw costs a fraction of that): the per-patch
// probability strip, the cycle lane, patch boundaries, annotated events and the time profile.
import type { ScaleLinear } from 'd3-scale';
import type { CamOutput, CycleAnnotation } from '../../../kernels/shared/outputTypes';
import { classColour } from '../../../kernels/shared/view/classColours';
import { verdictOf } from '../../../kernels/shared/view/cycleVerdicts';
import { cycleRows } from './layout';
import type { TimePoint } from './profiles';
import type { Row } from './layout';

export interface MarksInput {
  output: CamOutput;
  x: ScaleLinear<number, number>;
  /** Hz → y within the map (0 at the map's top). */
  y: (hz: number) => number;
  width: number;
  /** The canvas's height (it spans the plot column from the strip to the time profile). */
  height: number;
  rows: Record<'strip' | 'cycles' | 'map' | 'timeProfile', Row>;
  first: number;
  last: number;
  classColour: string;
  classIndex: number;
  showBoundaries: boolean;
  timePoints: TimePoint[];
  timeProfileMax: number;
  foreground: string;
}

type Lane = (ctx: CanvasRenderingContext2D, m: MarksInput) => void;

export const EVENT_COLOUR = '#ff6b6b';
/** Boundaries closer than this would veil the map: they are left out until the user zooms in. */
const MIN_BOUNDARY_GAP_PX = 6;

/** Probability of the selected class per patch. */
const probabilityStrip: Lane = (ctx, { output, x, rows, first, last, classColour, classIndex }) => {
  const hop = output.axes.hopSeconds;
  ctx.fillStyle = classColour;
  for (let p = first; p <= last; p++) {
    const a = x(output.patches.startFrame[p] * hop);
    const b = x((output.patches.startFrame[p] + output.patches.frames) * hop);
    ctx.globalAlpha = 0.08 + 0.92 * (output.probabilities[p]?.[classIndex] ?? 0);
    ctx.fillRect(a, rows.strip.top, Math.max(0.5, b - a - (b - a > 3 ? 0.5 : 0)), rows.strip.height);
  }
};

/** The annotated class of a cycle (older outputs carry only the crackle and wheeze flags). */
export function annotatedLabel(c: CycleAnnotation): string {
  return c.label ?? (c.crackles && c.wheezes ? 'both' : c.crackles ? 'crackle' : c.wheezes ? 'wheeze' : 'normal');
}

/**
 * Annotated cycles (ICBHI) or events (SPRSound): the annotated class on top, the model's label for the
 * cycle under it, in the classes' colours; a cycle the model gets wrong is framed and crossed.
 */
const cycleLane: Lane = (ctx, { output, x, rows, foreground }) => {
  const [t0, t1] = x.domain();
  const { annotated, model } = cycleRows(rows.cycles);
  for (const c of output.annotations?.cycles ?? []) {
    if (c.endSeconds < t0 || c.startSeconds > t1) continue;
    const a = x(c.startSeconds);
    const w = Math.max(1, x(c.endSeconds) - a - 1);
    ctx.globalAlpha = 0.9;
    ctx.fillStyle = classColour(annotatedLabel(c), output.classes);
    ctx.fillRect(a, annotated.top, w, annotated.height);
    if (!model || !c.predicted || c.predicted.label === 'none') continue;
    ctx.fillStyle = classColour(c.predicted.label, output.classes);
    ctx.fillRect(a, model.top, w, model.height);
    if (verdictOf(c) !== 'wrong') continue;
    ctx.globalAlpha = 1;
    ctx.strokeStyle = foreground;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(a - 0.5, annotated.top - 0.5, w + 1, model.top + model.height - annotated.top + 1);
    if (w >= 8) cross(ctx, a + w / 2, model.top + model.height / 2, Math.min(4, model.height / 2 - 0.5));
  }
};

/** A white × with a dark edge (readable on every class colour). */
function cross(ctx: CanvasRenderingContext2D, cx: number, cy: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(cx - r, cy - r);
  ctx.lineTo(cx + r, cy + r);
  ctx.moveTo(cx - r, cy + r);
  ctx.lineTo(cx + r, cy - r);
  ctx.lineCap = 'round';
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.75)';
  ctx.lineWidth = 3.5;
  ctx.stroke();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.75;
  ctx.stroke();
}

const patchBoundaries: Lane = (ctx, { output, x, rows, first, last, showBoundaries }) => {
  const hop = output.axes.hopSeconds;
  const patchPx = x(output.patches.frames * hop) - x(0);
  if (!showBoundaries || patchPx < MIN_BOUNDARY_GAP_PX) return;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
  ctx.setLineDash([3, 3]);
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let p = first; p <= last; p++) {
    const a = Math.round(x(output.patches.startFrame[p] * hop)) + 0.5;
    ctx.moveTo(a, rows.map.top);
    ctx.lineTo(a, rows.map.top + rows.map.height);
  }
  ctx.stroke();
};

/** Ground-truth events (synthetic recordings): time × frequency boxes with their type. */
const events: Lane = (ctx, { output, x, y, rows, width }) => {
  const [t0, t1] = x.domain();
  const axes = output.axes;
  const topHz = axes.bandEdgesHz[axes.bands + 1];
  const bottomHz = axes.bandEdgesHz[0];
  const map = rows.map;
  ctx.strokeStyle = EVENT_COLOUR;
  ctx.fillStyle = EVENT_COLOUR;
  ctx.lineWidth = 1.5;
  ctx.font = '10px sans-serif';
  ctx.beginPath();
  ctx.rect(0, map.top, width, map.height);
  ctx.clip();
  let lastLabelX = -Infinity;
  for (const e of output.annotations?.events ?? []) {
    if (e.endSeconds < t0 || e.startSeconds > t1) continue;
    const a = x(e.startSeconds);
    const top = map.top + y(Math.min(e.highHz, topHz));
    const bottom = map.top + y(Math.max(e.lowHz, bottomHz));
    ctx.strokeRect(a, top, Math.max(2, x(e.endSeconds) - a), Math.max(2, bottom - top));
    // Labels only where they do not run into the previous one (zoomed out, the boxes speak for themselves).
    const label = String(e.type);
    const labelWidth = ctx.measureText(label).width + 6;
    if (a - lastLabelX >= labelWidth) {
      ctx.fillText(label, a + 2, Math.max(map.top + 10, top - 2));
      lastLabelX = a;
    }
  }
};

/** Time profile: a step area per native time step. */
const timeProfile: Lane = (ctx, { output, x, rows, width, timePoints, timeProfileMax, foreground }) => {
  const h = rows.timeProfile.height;
  const base = rows.timeProfile.top + h;
  const scale = h / Math.max(1e-9, timeProfileMax);
  const pts = decimate(timePoints, x, width);
  if (pts.length === 0) return;
  const stepSeconds = pts.length > 1 ? pts[1].seconds - pts[0].seconds : output.patches.frames * output.axes.hopSeconds;
  ctx.beginPath();
  ctx.moveTo(x(pts[0].seconds), base);
  for (let i = 0; i < pts.length; i++) {
    const yv = base - pts[i].value * scale;
    const next = i + 1 < pts.length ? Math.min(pts[i + 1].seconds, pts[i].seconds + stepSeconds) : pts[i].seconds + stepSeconds;
    ctx.lineTo(x(pts[i].seconds), yv);
    ctx.lineTo(x(next), yv);
  }
  ctx.lineTo(x(pts[pts.length - 1].seconds + stepSeconds), base);
  ctx.closePath();
  ctx.fillStyle = foreground;
  ctx.globalAlpha = 0.35;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = foreground;
  ctx.lineWidth = 1;
  ctx.stroke();
};

/** Back to front; each lane draws with its own canvas state. A new lane is a function and an entry here. */
const LANES: Lane[] = [probabilityStrip, cycleLane, patchBoundaries, events, timeProfile];

export function drawMarks(ctx: CanvasRenderingContext2D, m: MarksInput): void {
  ctx.clearRect(0, 0, m.width, m.height);
  for (const lane of LANES) {
    ctx.save();
    lane(ctx, m);
    ctx.restore();
  }
}

/** At most about two points per pixel: the maximum of each pixel column (peaks stay visible). */
function decimate(points: TimePoint[], x: ScaleLinear<number, number>, width: number): TimePoint[] {
  if (points.length <= width * 2) return points;
  const out: TimePoint[] = [];
  let column = -Infinity;
  for (const p of points) {
    const c = Math.floor(x(p.seconds));
    if (c !== column) {
      out.push({ seconds: p.seconds, value: p.value });
      column = c;
    } else if (p.value > out[out.length - 1].value) out[out.length - 1].value = p.value;
  }
  return out;
}
