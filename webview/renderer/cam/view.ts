// The interactive Grad-CAM view: spectrogram with the CAM overlay, axes, colour bars, hover read-out,
// patch boundaries, probability strip, band and time profiles, annotations, controls, overview + brush,
// export and the screen-reader summary. This file only composes: the choices live in state.ts, the
// geometry in layout.ts, the controls in controls.ts, and each drawn piece is a part (part.ts) that is
// redrawn when what it reads changes — at once, or in the next animation frame when it follows the window.
import type { CamMap, CamOutput, CutoffRung } from '../../../kernels/shared/outputTypes';
import { CAM_COLORMAPS, type ColormapName } from '../../../kernels/shared/view/colormaps';
import { decodeMatrix } from '../../../kernels/shared/view/quantized';
import { el } from '../dom';
import type { HostLink } from '../hostLink';
import { bandScale, recordingSeconds, timeScale } from '../scales';
import { buildControls, type ControlRow } from './controls';
import { atCutoff, ownVariant, variantAt, variantsOf, type Variant } from './cutoffs';
import { exportPng, exportSvg } from './exportView';
import { createFigure, placeFigure } from './figure';
import { camLayout } from './layout';
import { attachNavigation, type Navigation } from './navigation';
import { readsAny, type Part, type ViewData, type ViewKey } from './part';
import { figureParts } from './parts';
import { attachReadout } from './readout';
import { MAP_INPUTS, selectMap } from './selection';
import { createPending } from '../pending';
import { changedKeys, clampWindow, cursorStepForKey, fitToOutput, initialState, windowForKey, type CamViewState } from './state';
import { textParts } from './texts';

export type { CamViewState } from './state';

export interface CamViewOptions {
  /** Colour map a new view starts with (the `lungcam.colormap` setting). */
  colormap?: ColormapName;
  /** A previous view of this output: its choices are restored. */
  state?: CamViewState;
}

export interface CamViewHandle {
  update(output: CamOutput): void;
  /** The host's progress on the view's pending request. */
  showProgress(step: string, done?: number): void;
  /** The pending request was cancelled: the view keeps what it shows. */
  cancelled(): void;
  /** Maps of a layer the output left out, fetched from the host. */
  addLayer(layer: string, maps: Record<string, CamMap>): void;
  /** Switches the overlay's colour map (a settings change). */
  setColormap(name: ColormapName): void;
  state(): CamViewState;
  /** A message from the host about a request of this view (a recomputation that failed). */
  showError(message: string): void;
  /** A what-if the host computed at a band cutoff: offered from now on, shown if it is the one chosen. */
  addCutoff(rung: CutoffRung): void;
  dispose(): void;
  /** For tests and export buttons: the current view as SVG text and PNG data URL. */
  exportSvg(): string;
  exportPng(): Promise<string>;
}

const KEYBOARD_HELP =
  'Map: arrow keys pan, + and − zoom, 0 shows the whole recording, Shift + arrows move a cursor that reads out time, frequency and values';

export function renderCamView(root: HTMLElement, initial: CamOutput, link: HostLink, options: CamViewOptions = {}): CamViewHandle {
  let state = initialState(options.state, options.colormap);
  let keepWindow = !!options.state;
  let data: ViewData;
  let navigation: Navigation | undefined;
  let controlParts: Part[] = [];
  // The output as it came, and the what-ifs the host computed for it (dropped with a new output).
  let original = initial;
  let whatIfs: Variant[] = [];
  let disposed = false;
  let frameRequested = false;
  const pending = new Set<ViewKey>();

  const container = el('div', { class: 'lungcam lc-cam', role: 'figure' });
  const title = el('div', { class: 'lc-title' });
  const rows: Record<ControlRow, HTMLElement> = {
    choices: el('div', { class: 'lc-controls', role: 'group' }),
    host: el('div', { class: 'lc-controls lc-host', role: 'group' }),
    actions: el('div', { class: 'lc-controls lc-actions', role: 'group' }),
  };
  const verdicts = el('p', { class: 'lc-verdicts' });
  const scaleNote = el('div', { class: 'lc-scale' });
  const status = el('div', { class: 'lc-status', role: 'status' });
  const readoutLine = el('div', { class: 'lc-readout' });
  const summary = el('p', { class: 'lc-summary', 'aria-live': 'polite' });
  const fig = createFigure();
  const busy = createPending(() => { if (data.output.requestId) link.post({ type: 'cancel', requestId: data.output.requestId }); });
  container.append(title, verdicts, rows.choices, rows.host, rows.actions, scaleNote, status, busy.element, readoutLine, fig.element, summary);
  root.replaceChildren(container);

  const figParts = [
    ...figureParts(fig, container, () => navigation),
    ...textParts({ title, verdicts, scale: scaleNote, status, summary, container }, fig, () => !link.disabledReason),
  ];
  const parts = () => [...figParts, ...controlParts];
  const readout = attachReadout(fig, readoutLine, () => data);

  /** The output as the chosen cutoff shows it; the variant shown stays while a what-if is pending. */
  function cutoffView(): Pick<ViewData, 'output' | 'cutoffs'> {
    const variants = variantsOf(original, whatIfs);
    const v = variantAt(variants, original, state.bandCutoffHz);
    const shown = v ?? (data as ViewData | undefined)?.cutoffs.shown ?? ownVariant(original);
    return { output: atCutoff(original, shown), cutoffs: { variants, shown, pending: !v } };
  }

  /** Draws the parts that read one of `keys`: the rest now, the window's parts in the next frame (or now). */
  function refresh(keys: Iterable<ViewKey>, now = false): void {
    const changed = new Set(keys);
    if (changed.has('bandCutoffHz')) {
      const before = data.cutoffs.shown;
      data = { ...data, ...cutoffView() };
      // Another model's maps and probabilities: everything drawn from the output follows.
      if (data.cutoffs.shown !== before) changed.add('output');
    }
    if (MAP_INPUTS.some((k) => changed.has(k))) {
      data = { ...data, selection: selectMap(data.output, state) };
      changed.add('map');
      fetchLeftOutLayer();
    }
    for (const p of parts()) if (!p.perFrame && readsAny(p, changed)) p.draw(data);
    changed.forEach((k) => pending.add(k));
    if (now) drawFrame();
    else if (!frameRequested && !disposed) {
      frameRequested = true;
      requestAnimationFrame(() => {
        frameRequested = false;
        if (!disposed && pending.size) drawFrame();
      });
    }
  }

  /**
   * A layer the output left out, picked: its maps are asked of the host (once at a time). Only for the
   * output's own maps: the host computes those, not a family's other members or a what-if.
   */
  function fetchLeftOutLayer(): void {
    const { output } = data;
    if (data.selection.map || !output.requestId || link.disabledReason || busy.active || !output.omittedLayers?.includes(state.layer)) return;
    if (data.cutoffs.shown.maps !== original.maps) return;
    busy.show(`Computing layer ${state.layer}…`);
    const own = original.cutoff ? { bandCutoffHz: original.cutoff.bandCutoffHz } : {};
    link.post({ type: 'layer', requestId: output.requestId, layer: state.layer, method: output.method, ...own });
  }

  /** Draws the parts that follow the time window (all of them with `everything`). */
  function drawFrame(everything = false): void {
    data = { ...data, x: timeScale(state.window[0], state.window[1], data.layout.plotWidth) };
    const keys = everything ? new Set<ViewKey>(['output']) : pending;
    for (const p of parts()) if (p.perFrame && readsAny(p, keys)) p.draw(data);
    pending.clear();
  }

  function set(patch: Partial<CamViewState>): void {
    const keys = changedKeys(state, patch);
    state = { ...state, ...patch };
    data = { ...data, state };
    if (keys.length) refresh(keys);
  }

  /** Shows [start, end] seconds (from the brush, keys or buttons), kept inside the recording. */
  function setWindow(start: number, end: number): void {
    const window = clampWindow(data.output.axes, start, end);
    navigation?.follow(window);
    set({ window });
  }

  function onKey(key: string, event?: KeyboardEvent): void {
    if (event?.shiftKey && key.startsWith('Arrow')) {
      const step = cursorStepForKey(key, state.window);
      if (step) {
        event.preventDefault();
        readout.moveCursor(step[0], step[1]);
      }
      return;
    }
    const window = windowForKey(key, state.window, data.output.axes);
    if (!window) return;
    event?.preventDefault();
    setWindow(window[0], window[1]);
  }

  /** A new output (the first, or one the host recomputed): layout, controls and every part anew. */
  function show(output: CamOutput): void {
    if (output !== original) whatIfs = [];
    original = output;
    state = fitToOutput(state, output, keepWindow);
    if (!variantAt(variantsOf(output, []), output, state.bandCutoffHz)) state = { ...state, bandCutoffHz: undefined };
    keepWindow = true;
    const total = recordingSeconds(output.axes);
    const verdicts = (output.annotations?.cycles ?? []).some((c) => c.predicted);
    const layout = camLayout(root.clientWidth || container.clientWidth || 900, total, verdicts);
    const xFull = timeScale(0, total, layout.plotWidth);
    const y = bandScale(output.axes, layout.rows.map.height);
    const atChosen = cutoffView();
    data = { ...atChosen, state, logMel: decodeMatrix(output.logMel), selection: selectMap(atChosen.output, state), layout, xFull, x: xFull, y };
    container.setAttribute('aria-label', `Grad-CAM view of ${output.source.fileName}`);
    placeFigure(fig, layout, output.axes, y, (output.annotations?.cycles?.length ?? 0) > 0);
    navigation = attachNavigation(fig, layout, xFull, total, {
      zoomed: (window) => set({ window }),
      brushed: setWindow,
    });
    navigation.follow(state.window);
    const controls = buildControls(
      {
        view: () => data,
        set,
        key: (k) => onKey(k),
        link,
        say: (text) => {
          status.textContent = text;
        },
        busy: (text) => busy.show(text),
        exportSvg: () => handle.exportSvg(),
        exportPng: () => handle.exportPng(),
      },
      output,
    );
    for (const row of Object.keys(rows) as ControlRow[]) rows[row].replaceChildren(...controls[row].map((c) => c.element));
    controlParts = [...controls.choices, ...controls.host, ...controls.actions];
    readout.clear();
    // First picture synchronously, so the first paint does not wait for an animation frame.
    refresh(['output', 'map'], true);
  }

  fig.element.setAttribute('aria-label', KEYBOARD_HELP);
  fig.element.addEventListener('keydown', (event) => onKey(event.key, event));

  const handle: CamViewHandle = {
    update(next) {
      busy.hide();
      show(next);
      status.textContent = `Updated by the kernel: ${next.method}.`;
    },
    setColormap(name) {
      if (CAM_COLORMAPS.includes(name)) set({ colormap: name });
    },
    state: () => ({ ...state, window: [state.window[0], state.window[1]] }),
    showError(message) {
      busy.hide();
      status.textContent = message;
    },
    showProgress(step, done) {
      busy.show(`${step.charAt(0).toUpperCase()}${step.slice(1)}…`, done);
    },
    cancelled() {
      busy.hide();
      // The method dropdown goes back to the output's method; the what-ifs computed before stay.
      show(original);
      status.textContent = 'Cancelled: the view shows what it showed before.';
    },
    addLayer(layer, maps) {
      busy.hide();
      original = { ...original, maps: { ...original.maps, [layer]: maps }, omittedLayers: original.omittedLayers?.filter((l) => l !== layer) };
      refresh(['bandCutoffHz', 'layer']);
    },
    addCutoff(rung) {
      busy.hide();
      whatIfs = [...whatIfs.filter((w) => w.keptBands !== rung.keptBands), rung];
      refresh(['bandCutoffHz']);
    },
    dispose() {
      disposed = true;
      parts().forEach((p) => p.dispose?.());
      root.replaceChildren();
    },
    exportSvg() {
      drawFrame(true);
      return exportSvg(fig, container, data);
    },
    exportPng: async () => exportPng(handle.exportSvg(), data),
  };
  show(initial);
  return handle;
}
