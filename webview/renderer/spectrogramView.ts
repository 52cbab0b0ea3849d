// A log-mel spectrogram output: canvas picture with Hz/s axes, a log-mel colour bar, annotations and a
// hover readout. Long recordings show their first 30 s; drag to pan, Ctrl/⌘ + wheel to zoom.
import { select, type Selection } from 'd3-selection';
import { zoom as d3zoom, type ZoomTransform } from 'd3-zoom';
import { scaleLinear } from 'd3-scale';
import type { SpectrogramOutput } from '../../kernels/shared/outputTypes';
import { decodeMatrix, valueAt } from '../../kernels/shared/view/quantized';
import { colormapLut, colormapStops } from '../../kernels/shared/view/colormaps';
import { bandAtY, bandScale, formatHz, formatSeconds, hzTicks, recordingSeconds, timeScale } from './scales';
import { drawHzAxis, drawTimeAxis, drawValueAxis } from './axes';
import { drawSpectrogram, setupCanvas } from './heatmap';
import { el, svgEl, uniqueId } from './dom';
import { CYCLE_CLASSES, classColour } from '../../kernels/shared/view/classColours';
import { annotatedLabel } from './cam/lanes';

type G = Selection<SVGGElement, unknown, null, undefined>;
const L = { left: 70, top: 6, height: 220, axis: 40, right: 70 };

export function renderSpectrogramView(root: HTMLElement, output: SpectrogramOutput): { dispose(): void } {
  const lm = decodeMatrix(output.logMel);
  const axes = output.axes;
  const container = el('div', { class: 'lungcam lc-spectrogram', role: 'figure', 'aria-label': `Log-mel spectrogram of ${output.source.fileName}` });
  const title = el('div', { class: 'lc-title' });
  const name = el('span', { class: 'lc-file' });
  name.textContent = output.source.fileName;
  const meta = el('span', { class: 'lc-meta' });
  meta.textContent = ` · log-mel, ${axes.bands} bands ${formatHz(axes.fmin)}–${formatHz(axes.fmax)}${axes.bandCutoffHz ? `, cut at ${formatHz(axes.bandCutoffHz)}` : ''} · ${formatSeconds(output.source.durationSeconds)}`;
  title.append(name, meta);
  const readout = el('div', { class: 'lc-readout' });
  const figure = el('div', { class: 'lc-figure' });
  const canvas = el('canvas') as HTMLCanvasElement;
  const svgNode = svgEl('svg') as SVGSVGElement;
  figure.append(canvas, svgNode);
  const summary = el('p', { class: 'lc-summary' });
  container.append(title, readout, figure, summary);
  root.replaceChildren(container);

  const width = Math.max(480, Math.min(1600, (root.clientWidth || 900) - 4));
  const plotWidth = width - L.left - L.right;
  const h = L.top + L.height + L.axis;
  figure.style.width = `${width}px`;
  figure.style.height = `${h}px`;
  const svg = select(svgNode).attr('width', width).attr('height', h);
  const plot = svg.append('g').attr('transform', `translate(${L.left}, ${L.top})`);
  const total = recordingSeconds(axes);
  const xFull = timeScale(0, total, plotWidth);
  let x = timeScale(0, total > 60 ? 30 : total, plotWidth);
  const y = bandScale(axes, L.height);
  const ctx = setupCanvas(canvas, plotWidth, L.height);
  canvas.style.left = `${L.left}px`;
  canvas.style.top = `${L.top}px`;
  drawHzAxis(plot.append('g') as G, y, hzTicks(axes, L.height), L.height);
  const gTime = plot.append('g').attr('transform', `translate(0, ${L.height})`) as G;
  const gCycles = plot.append('g');
  const gradId = uniqueId('lc-grad');
  svg.append('defs').append('linearGradient').attr('id', gradId).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0)
    .selectAll('stop').data(colormapStops('greys')).join('stop').attr('offset', (d) => d.offset).attr('stop-color', (d) => d.color);
  const bar = plot.append('g').attr('transform', `translate(${plotWidth + 12}, 0)`);
  bar.append('rect').attr('width', 12).attr('height', L.height).attr('fill', `url(#${gradId})`);
  drawValueAxis(bar.append('g').attr('transform', 'translate(12, 0)') as G, scaleLinear().domain([output.logMel.min, output.logMel.max]).range([L.height, 0]), '.1f');

  const draw = () => {
    drawSpectrogram(ctx, lm, axes, x, plotWidth, L.height, colormapLut('greys'));
    drawTimeAxis(gTime, x, plotWidth);
    gCycles.selectAll('rect').data(output.annotations?.cycles ?? []).join('rect')
      .attr('x', (d) => x(d.startSeconds)).attr('width', (d) => Math.max(1, x(d.endSeconds) - x(d.startSeconds) - 1))
      .attr('y', -4).attr('height', 4)
      .attr('fill', (d) => classColour(annotatedLabel(d), CYCLE_CLASSES)).attr('fill-opacity', 0.8);
  };
  const hit = plot.append('rect').attr('width', plotWidth).attr('height', L.height).attr('fill', 'transparent');
  let pending = false;
  const z = d3zoom<SVGRectElement, unknown>()
    .scaleExtent([1, Math.max(1, total)])
    .extent([[0, 0], [plotWidth, L.height]]).translateExtent([[0, 0], [plotWidth, L.height]])
    .filter((e: Event) => (e.type === 'wheel' ? (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey : !(e as MouseEvent).button))
    .on('zoom', (e: { transform: ZoomTransform }) => {
      x = e.transform.rescaleX(xFull);
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => { pending = false; draw(); });
      }
    });
  (hit as unknown as Selection<SVGRectElement, unknown, null, undefined>).call(z).on('dblclick.zoom', null);
  if (total > 60) (hit as unknown as Selection<SVGRectElement, unknown, null, undefined>).call(z.scaleTo, total / 30, [0, 0]);
  svgNode.addEventListener('mousemove', (e) => {
    const r = svgNode.getBoundingClientRect();
    const px = e.clientX - r.left - L.left;
    const py = e.clientY - r.top - L.top;
    const frame = Math.floor(x.invert(px) / axes.hopSeconds);
    if (px < 0 || px > plotWidth || py < 0 || py > L.height || frame < 0 || frame >= axes.frames) {
      readout.textContent = '';
      return;
    }
    const band = Math.min(axes.bands - 1, Math.max(0, bandAtY(axes, L.height, py)));
    readout.textContent = `${formatSeconds(frame * axes.hopSeconds)} · ${formatHz(axes.bandCentersHz[band])} (band ${band + 1}) · log-mel ${valueAt(lm, frame, band).toFixed(2)}`;
  });
  readout.textContent = 'Hover over the spectrogram for time, frequency and log-mel values.';
  summary.textContent = `Log-mel spectrogram of ${output.source.fileName}: ${axes.frames} frames of ${axes.hopSeconds * 1000} ms, ${axes.bands} mel bands from ${formatHz(axes.bandEdgesHz[1])} to ${formatHz(axes.bandEdgesHz[axes.bands])}, values ${output.logMel.min.toFixed(2)} to ${output.logMel.max.toFixed(2)}.`;
  draw();
  return { dispose: () => root.replaceChildren() };
}
