// The words around the CAM figure: the title line, the status line about the chosen map, the data-*
// attributes tests and tools read, and the screen-reader summary (written a moment after the last change).
import { camSummary } from './summary';
import { formatSeconds } from '../scales';
import { patchPeaks, shareByRanges } from '../../../kernels/shared/view/summaries';
import type { CamFigure } from './figure';
import type { Part, ViewData } from './part';
import { thresholdShare } from './parts';

/** Frequency ranges the summary reports attention in (Hz boundaries). */
const SUMMARY_RANGES_HZ = [250, 500, 1000, 2000, 4000];
const SUMMARY_DELAY_MS = 250;
const SUMMARY_REGIONS = 3;

export function textParts(els: { title: HTMLElement; status: HTMLElement; summary: HTMLElement; container: HTMLElement }, fig: CamFigure, hostCanSend: () => boolean): Part[] {
  return [title(els.title), mapStatus(els.status, fig, hostCanSend), dataAttributes(els.container), windowAttributes(els.container), summary(els.summary)];
}

/** File name, duration, model, method and the class the model favours over the recording. */
function title(element: HTMLElement): Part {
  return {
    reads: ['output'],
    draw({ output }) {
      const name = document.createElement('span');
      name.className = 'lc-file';
      name.textContent = output.source.fileName;
      const meta = document.createElement('span');
      meta.className = 'lc-meta';
      const patches = Math.max(1, output.probabilities.length);
      const recMean = output.classes.map((_, c) => output.probabilities.reduce((s, p) => s + (p[c] ?? 0), 0) / patches);
      const top = recMean.indexOf(Math.max(...recMean));
      meta.textContent = ` · ${formatSeconds(output.source.durationSeconds)} · model ${output.modelId} · ${output.method} · mean P(${output.classes[top]}) ${recMean[top]?.toFixed(2)}`;
      element.replaceChildren(name, meta);
    },
  };
}

/** What is odd about the chosen map (all-zero patches, or left out of the output), and the strip's label. */
function mapStatus(status: HTMLElement, fig: CamFigure, hostCanSend: () => boolean): Part {
  return {
    reads: ['map'],
    draw({ output, selection, state: { layer, className } }) {
      const map = selection.map;
      if (!map) {
        const fetched = hostCanSend() && !!output.requestId && !!output.omittedLayers?.includes(layer);
        status.textContent = `No ${className} map for layer ${layer} in this output (left out to keep it small).${fetched ? ' Fetching it…' : hostCanSend() ? ' Use "Re-run" to fetch it from the kernel.' : ''}`;
      } else {
        status.textContent = map.zeroPatches.length > 0 ? `${map.zeroPatches.length} patch(es) have an all-zero map for ${className} at ${layer}: shown as zero.` : '';
      }
      fig.g.labels.select('.lc-strip-label').text(`P(${className})`);
    },
  };
}

function dataAttributes(container: HTMLElement): Part {
  return {
    reads: ['map', 'colormap', 'attentionThresholdHz', 'bandCutoffHz'],
    draw(v) {
      container.dataset.layer = v.state.layer;
      container.dataset.className = v.state.className;
      container.dataset.colormap = v.state.colormap;
      container.dataset.shareAbove = thresholdShare(v).toFixed(4);
      const { shown, pending } = v.cutoffs;
      container.dataset.cutoffMode = shown.cutoffMode;
      container.dataset.cutoffModel = shown.modelId;
      container.dataset.bandCutoffHz = shown.bandCutoffHz === null ? 'full' : String(shown.bandCutoffHz);
      container.dataset.cutoffPending = String(pending);
    },
  };
}

function windowAttributes(container: HTMLElement): Part {
  return {
    reads: ['window'],
    perFrame: true,
    draw({ state: { window } }) {
      container.dataset.windowStart = window[0].toFixed(3);
      container.dataset.windowEnd = window[1].toFixed(3);
    },
  };
}

/** The aria-live summary: what is shown, the strongest regions, attention by band and above the cutoff. */
function summary(element: HTMLElement): Part {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = (v: ViewData) => {
    const { output, selection, state } = v;
    if (!selection.map) {
      element.textContent = `No map for class ${state.className} at layer ${state.layer} in this output.`;
      return;
    }
    element.textContent = camSummary({
      output, layer: state.layer, className: state.className,
      regions: patchPeaks(selection.map, output.patches, { ...output.axes, bands: selection.bands }, SUMMARY_REGIONS),
      ranges: shareByRanges(selection.bandProfile, output.axes.bandCentersHz, SUMMARY_RANGES_HZ),
      attentionThresholdHz: state.attentionThresholdHz,
      shareAboveThreshold: thresholdShare(v),
    });
  };
  return {
    reads: ['attentionThresholdHz', 'map'],
    draw(v) {
      clearTimeout(timer);
      timer = setTimeout(() => write(v), SUMMARY_DELAY_MS);
    },
    dispose: () => clearTimeout(timer),
  };
}
