// The contract between the CAM view and the pieces it is made of. A part draws one thing (a canvas, an
// axis, a lane, a control's echo of the state) from the view's data; the view redraws it when something it
// reads changes. Adding a lane or a control is writing one part and listing it: nothing else changes.
import type { ScaleLinear } from 'd3-scale';
import type { CamOutput } from '../../../kernels/shared/outputTypes';
import type { ByteMatrix } from '../../../kernels/shared/view/quantized';
import type { CamLayout } from './layout';
import type { Variant } from './cutoffs';
import type { MapSelection } from './selection';
import type { CamViewState, StateKey } from './state';
import type { HostLink } from '../hostLink';

/** A choice of the user's, a new output (which redraws every part), or the layer × class map that follows. */
export type ViewKey = StateKey | 'output' | 'map';

/** Everything a part may draw from. */
export interface ViewData {
  /** The output as the chosen band cutoff shows it (cutoffs.ts atCutoff). */
  readonly output: CamOutput;
  /** The band cutoffs this view can show, and the one shown. */
  readonly cutoffs: { readonly variants: readonly Variant[]; readonly shown: Variant; readonly pending: boolean };
  readonly state: Readonly<CamViewState>;
  /** The log-mel, decoded once per output. */
  readonly logMel: ByteMatrix;
  readonly selection: MapSelection;
  readonly layout: CamLayout;
  /** Seconds → x across the plot: the window shown, and the whole recording (the overview). */
  readonly x: ScaleLinear<number, number>;
  readonly xFull: ScaleLinear<number, number>;
  /** Hz → y inside the map (0 at the map's top). */
  readonly y: ScaleLinear<number, number>;
}

export interface Part {
  /** What it is drawn from: it is redrawn when one of these changes (and always for a new output). */
  readonly reads: readonly ViewKey[];
  /** Drawn in the next animation frame, with the rest of what follows the time window (panning at 60 fps). */
  readonly perFrame?: boolean;
  draw(view: ViewData): void;
  dispose?(): void;
}

/** A part with an element the user works (placed in one of the view's control rows). */
export interface Control extends Part {
  readonly element: HTMLElement;
}

/** What a control may do. */
export interface ControlHost {
  view(): ViewData;
  set(patch: Partial<CamViewState>): void;
  /** The same as pressing `key` on the figure (zoom buttons). */
  key(key: string): void;
  /** The host (the extension) that recomputes outputs. */
  link: HostLink;
  /** A line in the view's status. */
  say(text: string): void;
  /** A request to the host is on its way: the view shows it pending, with progress and Cancel. */
  busy(text: string): void;
  exportSvg(): string;
  exportPng(): Promise<string>;
}

/** Builds a control (or a few) from the view's data; a new control is one of these in controls.ts's rows. */
export type ControlSpec = (host: ControlHost, output: CamOutput) => Control | Control[];

export function readsAny(part: Part, keys: ReadonlySet<ViewKey>): boolean {
  return keys.has('output') || part.reads.some((k) => keys.has(k));
}
