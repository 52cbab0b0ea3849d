// The read-out under the pointer, or under a keyboard cursor (Shift + arrows): time, frequency and band,
// the log-mel value, the CAM value (normalised and raw) and the patch's probabilities, with a crosshair.
import { valueAt } from '../../../kernels/shared/view/quantized';
import { camAt } from '../../../kernels/shared/view/summaries';
import { cycleHoverText, cycleNoun } from '../../../kernels/shared/view/cycleVerdicts';
import { bandAtY, formatHz, formatSeconds, patchAtFrame } from '../scales';
import type { CamFigure } from './figure';
import { SIDE } from './layout';
import type { ViewData } from './part';

const HINT = 'Hover over the map for time, frequency, log-mel and CAM values.';

export interface Readout {
  /** Moves the keyboard cursor by seconds and bands (it starts mid-window), announced politely. */
  moveCursor(dSeconds: number, dBand: number): void;
  clear(): void;
}

export function attachReadout(fig: CamFigure, element: HTMLElement, view: () => ViewData): Readout {
  let cursor: { seconds: number; band: number } | null = null;

  const clear = () => {
    fig.g.hover.selectAll('*').remove();
    const { annotations } = view().output;
    element.textContent = annotations?.cycles?.length ? `${HINT.slice(0, -1)}, or over an annotated ${cycleNoun(annotations.source)} for both its labels.` : HINT;
    delete element.dataset.cycle;
  };

  const show = (px: number, py: number) => {
    const v = view();
    const { output, layout, x } = v;
    const { axes } = output;
    const map = layout.rows.map;
    const lane = layout.rows.cycles;
    const laneY = py + map.top - lane.top;
    if (px >= 0 && px <= layout.plotWidth && laneY >= 0 && laneY <= lane.height) return showCycle(v, x.invert(px));
    if (px < 0 || px > layout.plotWidth || py < 0 || py > map.height) return clear();
    const seconds = x.invert(px);
    const frame = Math.floor(seconds / axes.hopSeconds);
    const band = Math.min(axes.bands - 1, Math.max(0, bandAtY(axes, map.height, py)));
    if (frame < 0 || frame >= axes.frames) return clear();
    element.textContent = readoutText(v, seconds, frame, band);
    fig.g.hover
      .selectAll('line.v')
      .data([px])
      .join('line')
      .attr('class', 'v')
      .attr('x1', (d) => d)
      .attr('x2', (d) => d)
      .attr('y1', map.top)
      .attr('y2', map.top + map.height)
      .attr('stroke', 'white')
      .attr('stroke-opacity', 0.8);
    fig.g.hover
      .selectAll('line.h')
      .data([py])
      .join('line')
      .attr('class', 'h')
      .attr('x1', 0)
      .attr('x2', layout.plotWidth)
      .attr('y1', (d) => map.top + d)
      .attr('y2', (d) => map.top + d)
      .attr('stroke', 'white')
      .attr('stroke-opacity', 0.8);
  };

  /** Both labels of the cycle under the pointer (annotated, predicted, right or wrong). */
  const showCycle = (v: ViewData, seconds: number) => {
    const cycles = v.output.annotations?.cycles ?? [];
    const i = cycles.findIndex((c) => seconds >= c.startSeconds && seconds < c.endSeconds);
    fig.g.hover.selectAll('*').remove();
    if (i < 0) return clear();
    element.textContent = cycleHoverText(cycles[i], i, v.output.classes, v.output.annotations?.source);
    element.dataset.cycle = String(i + 1);
  };

  fig.svgNode.addEventListener('mousemove', (event) => {
    const r = fig.svgNode.getBoundingClientRect();
    element.removeAttribute('aria-live'); // pointer moves would flood a screen reader
    show(event.clientX - r.left - SIDE.left, event.clientY - r.top - view().layout.rows.map.top);
  });
  fig.svgNode.addEventListener('mouseleave', clear);

  return {
    moveCursor(dSeconds, dBand) {
      const {
        output: { axes },
        state: { window },
        x,
        layout,
      } = view();
      const c = cursor ?? { seconds: (window[0] + window[1]) / 2, band: Math.floor(axes.bands / 2) };
      const seconds = Math.min(window[1], Math.max(window[0], c.seconds + dSeconds));
      const band = Math.min(axes.bands - 1, Math.max(0, c.band + dBand));
      cursor = { seconds, band };
      element.setAttribute('aria-live', 'polite');
      const mapHeight = layout.rows.map.height;
      show(x(seconds), mapHeight - ((band + 0.5) * mapHeight) / axes.bands);
    },
    clear,
  };
}

function readoutText({ output, logMel, selection }: ViewData, seconds: number, frame: number, band: number): string {
  const { axes } = output;
  const patch = patchAtFrame(output.patches, frame);
  const parts = [
    `${formatSeconds(seconds)}`,
    `${formatHz(axes.bandCentersHz[band])} (band ${band + 1})`,
    `log-mel ${valueAt(logMel, frame, band).toFixed(2)}`,
  ];
  if (selection.map && selection.stored && patch >= 0 && band < selection.bands) {
    const shown = camAt(selection.map, output.patches, patch, frame, band, selection.bands);
    const stored = camAt(selection.stored, output.patches, patch, frame, band, selection.bands);
    if (shown && stored) parts.push(`CAM ${shown.normalised.toFixed(2)} (raw ${stored.raw.toPrecision(3)})`);
  }
  if (patch >= 0) {
    const probs = output.classes.map((c, i) => `${c} ${(output.probabilities[patch]?.[i] ?? 0).toFixed(2)}`).join(', ');
    parts.push(`patch ${patch + 1}${output.patches.padded[patch] ? ' (padded)' : ''}: ${probs}`);
  }
  return parts.join(' · ');
}
