// What the user chose in a CAM view, and the pure rules that keep those choices valid for an output:
// defaults for a new output, the time window kept inside the recording, and the keys that move it.
import type { CamOutput, FeatureAxes } from '../../../kernels/shared/outputTypes';
import { DEFAULT_ATTENTION_THRESHOLD_HZ, type BandCutoffHz } from '../../../kernels/shared/cutoff';
import { DEFAULT_CAM_COLORMAP, type ColormapName } from '../../../kernels/shared/view/colormaps';
import { DEFAULT_NORMALISATION, type CamNormalisation } from '../../../kernels/shared/view/normalisation';
import { recordingSeconds } from '../scales';

/** What the user chose in a view: kept when the same output is drawn again (recomputed, scrolled back). */
export interface CamViewState {
  layer: string;
  className: string;
  colormap: ColormapName;
  /** How the maps are scaled for display (normalisation.ts): across classes × probability by default. */
  normalisation: CamNormalisation;
  opacity: number;
  showBoundaries: boolean;
  /** Where the line and the share of attention above it are drawn (changes nothing the model sees). */
  attentionThresholdHz: number;
  /** The band cutoff whose model (or what-if) is shown; undefined: the output's own. */
  bandCutoffHz: BandCutoffHz | undefined;
  /** Seconds shown in the main view, [start, end]. */
  window: [number, number];
}

export type StateKey = keyof CamViewState;

const DEFAULT_OPACITY = 0.6;
/** A recording longer than this opens on its first WINDOW_ON_OPEN_SECONDS (fast first paint, readable detail). */
const LONG_RECORDING_SECONDS = 60;
const WINDOW_ON_OPEN_SECONDS = 30;

/** A new view's choices: the previous view's, else the defaults (layer and class come from the output). */
export function initialState(restored: CamViewState | undefined, colormap: ColormapName | undefined): CamViewState {
  return {
    layer: restored?.layer ?? '',
    className: restored?.className ?? '',
    colormap: restored?.colormap ?? colormap ?? DEFAULT_CAM_COLORMAP,
    normalisation: restored?.normalisation ?? DEFAULT_NORMALISATION,
    opacity: restored?.opacity ?? DEFAULT_OPACITY,
    showBoundaries: restored?.showBoundaries ?? true,
    attentionThresholdHz: restored?.attentionThresholdHz ?? DEFAULT_ATTENTION_THRESHOLD_HZ,
    bandCutoffHz: restored?.bandCutoffHz,
    window: restored ? [restored.window[0], restored.window[1]] : [0, 1],
  };
}

/**
 * The choices valid for `output`: a layer, class and threshold it does not have give way to its defaults
 * (a band cutoff it has no variant for is left to the cutoff control, which may fetch one); a
 * window chosen before is kept when the recording still holds it (`keepWindow`).
 */
export function fitToOutput(state: CamViewState, output: CamOutput, keepWindow: boolean): CamViewState {
  const { layers, classes, axes } = output;
  const layer = layers.includes(state.layer)
    ? state.layer
    : layers.includes(output.defaultLayer)
      ? output.defaultLayer
      : layers[layers.length - 1];
  const className = classes.includes(state.className)
    ? state.className
    : classes.includes(output.defaultClass)
      ? output.defaultClass
      : classes[0];
  const lo = axes.bandEdgesHz[1];
  const hi = axes.bandEdgesHz[axes.bands];
  const t = state.attentionThresholdHz;
  const attentionThresholdHz = t >= lo && t <= hi ? t : Math.min(hi, Math.max(lo, DEFAULT_ATTENTION_THRESHOLD_HZ));
  const total = recordingSeconds(axes);
  const [start, end] = state.window;
  const kept = keepWindow && end > start && end <= total;
  const [from, to] = kept ? state.window : [0, total > LONG_RECORDING_SECONDS ? WINDOW_ON_OPEN_SECONDS : total];
  const window = clampWindow(axes, from, to);
  return { ...state, layer, className, attentionThresholdHz, window };
}

/** [start, end] moved and sized to lie inside the recording, at least 1 s (or the whole recording) long. */
export function clampWindow(axes: FeatureAxes, start: number, end: number): [number, number] {
  const total = recordingSeconds(axes);
  const minSpan = Math.min(total, 1);
  let span = Math.max(minSpan, Math.min(total, end - start));
  let s = Math.max(0, Math.min(total - span, start));
  if (!Number.isFinite(s)) s = 0;
  if (!Number.isFinite(span)) span = total;
  return [s, s + span];
}

/** The window a key asks for (arrows pan, + / − zoom, 0 the whole recording, Home / End), or null. */
export function windowForKey(key: string, window: [number, number], axes: FeatureAxes): [number, number] | null {
  const [start, end] = window;
  const span = end - start;
  const total = recordingSeconds(axes);
  switch (key) {
    case 'ArrowLeft':
      return [start - span * 0.2, end - span * 0.2];
    case 'ArrowRight':
      return [start + span * 0.2, end + span * 0.2];
    case '+':
    case '=':
      return [start + span * 0.25, end - span * 0.25];
    case '-':
      return [start - span * 0.5, end + span * 0.5];
    case '0':
      return [0, total];
    case 'Home':
      return [0, span];
    case 'End':
      return [total - span, total];
    default:
      return null;
  }
}

/** Shift + arrow: the keyboard cursor's step, [seconds, bands]. */
export function cursorStepForKey(key: string, window: [number, number]): [number, number] | null {
  const step = (window[1] - window[0]) / 50;
  const steps: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  return steps[key] ?? null;
}

/** The keys of `next` whose values differ from `state` (the window by its two ends). */
export function changedKeys(state: CamViewState, next: Partial<CamViewState>): StateKey[] {
  return (Object.keys(next) as StateKey[]).filter((k) => {
    const a = state[k];
    const b = next[k];
    return Array.isArray(a) && Array.isArray(b) ? a[0] !== b[0] || a[1] !== b[1] : a !== b;
  });
}
