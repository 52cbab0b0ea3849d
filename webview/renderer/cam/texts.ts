// The words around the CAM figure: the title line (the model's prediction and the chosen class's
// probability), how the annotated cycles went, how the map is normalised, the status line about the chosen
// map, the data-* attributes tests and tools read, and the screen-reader summary (written a moment after
// the last change).
import { camSummary } from './summary';
import { formatSeconds } from '../scales';
import { patchPeaks, shareByRanges } from '../../../kernels/shared/view/summaries';
import { argmax, recordingProbabilities } from '../../../kernels/shared/view/recordingLabel';
import { cycleSummary, verdictCounts } from '../../../kernels/shared/view/cycleVerdicts';
import { normalisationInfo } from '../../../kernels/shared/view/normalisation';
import { classWords, plural } from '../../../kernels/shared/view/words';
import type { CamFigure } from './figure';
import type { Part, ViewData } from './part';
import { thresholdShare } from './parts';

/** Frequency ranges the summary reports attention in (Hz boundaries). */
const SUMMARY_RANGES_HZ = [250, 500, 1000, 2000, 4000];
const SUMMARY_DELAY_MS = 250;
const SUMMARY_REGIONS = 3;

export interface TextElements {
  title: HTMLElement;
  verdicts: HTMLElement;
  scale: HTMLElement;
  status: HTMLElement;
  summary: HTMLElement;
  container: HTMLElement;
}

export function textParts(els: TextElements, fig: CamFigure, hostCanSend: () => boolean): Part[] {
  return [
    title(els.title),
    verdicts(els.verdicts),
    scale(els.scale),
    mapStatus(els.status, fig, hostCanSend),
    dataAttributes(els.container),
    windowAttributes(els.container),
    summary(els.summary),
  ];
}

/**
 * File name, duration, model, method, the model's prediction (the mean over every patch, as classify
 * reports it) and the probability of the class the map explains, which follows the Class control.
 */
function title(element: HTMLElement): Part {
  return {
    reads: ['output', 'className'],
    draw({ output, state }) {
      const name = document.createElement('span');
      name.className = 'lc-file';
      name.textContent = output.source.fileName;
      const meta = document.createElement('span');
      meta.className = 'lc-meta';
      const mean = recordingProbabilities(output.probabilities, output.classes.length);
      const top = argmax(mean);
      const k = output.classes.indexOf(state.className);
      const predicted = `predicted ${classWords(output.classes[top])} (p ${mean[top].toFixed(2)}, ${plural(output.patches.startFrame.length, 'patch', 'patches')})`;
      const explained = k >= 0 && k !== top ? ` · map of ${classWords(state.className)} (p ${mean[k].toFixed(2)})` : '';
      meta.textContent = ` · ${formatSeconds(output.source.durationSeconds)} · model ${output.modelId} · ${output.method} · ${predicted}${explained}`;
      element.replaceChildren(name, meta);
    },
  };
}

/** "7 of 8 cycles wrong: annotated crackle+wheeze, predicted normal" when the recording is annotated. */
function verdicts(element: HTMLElement): Part {
  return {
    reads: ['output'],
    draw({ output }) {
      const cycles = output.annotations?.cycles ?? [];
      element.hidden = cycles.length === 0;
      element.textContent = cycles.length ? cycleSummary(cycles, output.annotations?.source) : '';
      element.dataset.wrong = String(verdictCounts(cycles).wrong);
    },
  };
}

/** What the brightness means on the chosen normalisation. */
function scale(element: HTMLElement): Part {
  return {
    reads: ['normalisation'],
    draw({ state }) {
      const info = normalisationInfo(state.normalisation);
      element.textContent = `Normalised ${info.label}: ${info.meaning}.`;
      element.title = info.explanation;
      element.dataset.normalisation = state.normalisation;
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
        const n = map.zeroPatches.length;
        status.textContent =
          n > 0
            ? `In ${n} of ${plural(map.rawMax.length, 'patch', 'patches')} nothing at layer ${layer} raises the score of ${classWords(className)}: its map is blank there.`
            : '';
      }
      fig.g.labels.select('.lc-strip-label').text(`P(${className})`);
    },
  };
}

function dataAttributes(container: HTMLElement): Part {
  return {
    reads: ['map', 'colormap', 'attentionThresholdHz', 'bandCutoffHz', 'normalisation'],
    draw(v) {
      container.dataset.layer = v.state.layer;
      container.dataset.className = v.state.className;
      container.dataset.colormap = v.state.colormap;
      container.dataset.normalisation = v.state.normalisation;
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
      output,
      layer: state.layer,
      className: state.className,
      normalisation: state.normalisation,
      regions: patchPeaks(selection.map, output.patches, { ...output.axes, bands: selection.bands }, SUMMARY_REGIONS),
      ranges: shareByRanges(selection.bandProfile, output.axes.bandCentersHz, SUMMARY_RANGES_HZ),
      attentionThresholdHz: state.attentionThresholdHz,
      shareAboveThreshold: thresholdShare(v),
    });
  };
  return {
    reads: ['attentionThresholdHz', 'map', 'normalisation'],
    draw(v) {
      clearTimeout(timer);
      timer = setTimeout(() => write(v), SUMMARY_DELAY_MS);
    },
    dispose: () => clearTimeout(timer),
  };
}
