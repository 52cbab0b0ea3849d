// The CAM view's controls, row by row. Each is a small function that builds one control from the view's
// data and answers by changing the view's state (or asking the host); a control that must follow state
// changed elsewhere (the colour map from the settings, the threshold's share) redraws like any part.
// A new control is one function here and one entry in CONTROL_ROWS.
import type { CamOutput } from '../../../kernels/shared/outputTypes';
import { CAM_COLORMAPS, type ColormapName } from '../../../kernels/shared/view/colormaps';
import { camMethodsOffered } from '../../../kernels/shared/view/methods';
import { NORMALISATIONS, isNormalisation } from '../../../kernels/shared/view/normalisation';
import { classWords } from '../../../kernels/shared/view/words';
import { button, checkbox, dropdown, slider } from '../widgets';
import { exportFileName, offerDownload, svgDataUrl } from '../export';
import { el } from '../dom';
import { formatHz } from '../scales';
import type { Control, ControlHost, ControlSpec } from './part';
import { bandCutoffControl } from './cutoffControl';
import { thresholdText } from './parts';

/** A control with nothing to redraw. */
const still = (element: HTMLElement): Control => ({ element, reads: [], draw: () => undefined });

const layerControl: ControlSpec = (host, output) =>
  still(
    dropdown(
      'Layer',
      output.layers.map((l) => ({ value: l, label: l })),
      host.view().state.layer,
      (layer) => host.set({ layer }),
      'layer',
    ).wrapper,
  );

const classControl: ControlSpec = (host, output) =>
  still(
    dropdown(
      'Class',
      output.classes.map((c) => ({ value: c, label: classWords(c) })),
      host.view().state.className,
      (className) => host.set({ className }),
      'class',
    ).wrapper,
  );

/** How the maps are scaled: across classes × probability (the default), per recording, or per patch. */
const normalisationControl: ControlSpec = (host) => {
  const d = dropdown(
    'Normalise',
    NORMALISATIONS.map((n) => ({ value: n.normalisation, label: n.label })),
    host.view().state.normalisation,
    (v) => {
      if (isNormalisation(v)) host.set({ normalisation: v });
    },
    'normalisation',
  );
  d.wrapper.title = NORMALISATIONS.map((n) => `${n.label}: ${n.explanation}`).join('\n');
  return still(d.wrapper);
};

/** Follows `lungcam.colormap` when the setting changes while the view is open. */
const colormapControl: ControlSpec = (host) => {
  const d = dropdown(
    'Colour map',
    CAM_COLORMAPS.map((c) => ({ value: c, label: c })),
    host.view().state.colormap,
    (v) => {
      if (CAM_COLORMAPS.includes(v as ColormapName)) host.set({ colormap: v as ColormapName });
    },
    'colormap',
  );
  return {
    element: d.wrapper,
    reads: ['colormap'],
    draw: ({ state }) => {
      if (d.element.value !== state.colormap) d.element.value = state.colormap;
    },
  };
};

const opacityControl: ControlSpec = (host) =>
  still(
    slider(
      'Overlay opacity',
      0,
      100,
      5,
      Math.round(host.view().state.opacity * 100),
      (v) => `${v}%`,
      (v) => host.set({ opacity: v / 100 }),
      'opacity',
    ).wrapper,
  );

const boundariesControl: ControlSpec = (host) =>
  still(checkbox('Patch boundaries', host.view().state.showBoundaries, (showBoundaries) => host.set({ showBoundaries }), 'boundaries'));

/**
 * The attention threshold (whole tens of Hz, so it lands on round values like 1500 Hz) with the share of
 * attention above it: where the view draws its line, not a change to what the model sees.
 */
const thresholdControl: ControlSpec = (host, output) => {
  const lo = Math.ceil(output.axes.bandEdgesHz[1] / 10) * 10;
  const hi = Math.floor(output.axes.bandEdgesHz[output.axes.bands] / 10) * 10;
  const s = slider(
    'Attention threshold',
    lo,
    hi,
    10,
    Math.round(host.view().state.attentionThresholdHz),
    (v) => formatHz(v),
    (attentionThresholdHz) => host.set({ attentionThresholdHz }),
    'attention-threshold',
  );
  const share = el('span', { class: 'lc-share', 'aria-live': 'polite' });
  s.wrapper.append(share);
  return {
    element: s.wrapper,
    reads: ['attentionThresholdHz', 'map'],
    draw: (v) => {
      share.textContent = thresholdText(v);
    },
  };
};

/**
 * Another CAM method, or a map the output left out, computed by the host. In an untrusted workspace only
 * the method is named; without a host (no messaging, no requestId) the controls show why they are off.
 */
const recomputeControls: ControlSpec = (host, output) => {
  const { link } = host;
  if (link.hidden) {
    const note = el('span', { class: 'lc-reason' });
    note.textContent = `Method: ${output.method}. ${link.disabledReason ?? ''}`;
    return still(note);
  }
  const method = dropdown(
    'Method',
    camMethodsOffered(output.method, output.methods).map((m) => ({ value: m, label: m })),
    output.method,
    (m) => {
      if (m === output.method || !output.requestId) return;
      host.busy(`Computing ${m}…`);
      link.post({ type: 'recompute', requestId: output.requestId, method: m });
    },
    'method',
  );
  const rerun = button(
    'Re-run',
    () => {
      if (!output.requestId) return;
      const { layer, className } = host.view().state;
      host.busy(`Re-running ${layer} × ${className}…`);
      link.post({ type: 'recompute', requestId: output.requestId, layer, className });
    },
    'rerun',
  );
  const reason = el('span', { class: 'lc-reason', 'data-reason': 'host' });
  if (link.disabledReason) {
    method.setDisabled(true, link.disabledReason);
    rerun.setAttribute('disabled', '');
    rerun.setAttribute('aria-describedby', method.element.getAttribute('aria-describedby') ?? '');
  }
  return [still(method.wrapper), still(rerun), still(reason)];
};

const zoomButtons: ControlSpec = (host) => [
  still(button('Zoom in', () => host.key('+'), 'zoom-in')),
  still(button('Zoom out', () => host.key('-'), 'zoom-out')),
  still(button('Whole recording', () => host.key('0'), 'zoom-reset')),
];

const exportButtons: ControlSpec = (host, output) => {
  const name = (ext: 'png' | 'svg') => {
    const { layer, className } = host.view().state;
    return exportFileName(output.source.fileName, `${layer}_${className}`, ext);
  };
  return [
    still(button('Export PNG', () => void host.exportPng().then((url) => offerDownload(url, name('png'))), 'export-png')),
    still(button('Export SVG', () => offerDownload(svgDataUrl(host.exportSvg()), name('svg')), 'export-svg')),
  ];
};

export type ControlRow = 'choices' | 'host' | 'actions';

/** Top to bottom: what to show, what the host computes, what to do with the view. */
export const CONTROL_ROWS: Record<ControlRow, ControlSpec[]> = {
  choices: [layerControl, classControl, normalisationControl, colormapControl, opacityControl, boundariesControl, thresholdControl],
  host: [bandCutoffControl, recomputeControls],
  actions: [zoomButtons, exportButtons],
};

export function buildControls(host: ControlHost, output: CamOutput): Record<ControlRow, Control[]> {
  const build = (specs: ControlSpec[]) => specs.flatMap((spec) => spec(host, output));
  return { choices: build(CONTROL_ROWS.choices), host: build(CONTROL_ROWS.host), actions: build(CONTROL_ROWS.actions) };
}
