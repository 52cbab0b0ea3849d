// The CAM view's figure: canvases for the dense pictures under one SVG for axes, labels and marks, and
// `placeFigure`, which sizes and positions them for a layout (data in: layout and axes; DOM out).
import { select, type Selection } from 'd3-selection';
import type { ScaleLinear } from 'd3-scale';
import type { FeatureAxes } from '../../../kernels/shared/outputTypes';
import { drawHzAxis } from '../axes';
import { setupCanvas } from '../heatmap';
import { el, svgEl, uniqueId } from '../dom';
import { hzTicks } from '../scales';
import { SIDE, cycleRows, marksHeight, type CamLayout } from './layout';

export type G = Selection<SVGGElement, unknown, null, undefined>;

export interface CamFigure {
  /** The focusable box holding every layer (keyboard pan and zoom land here). */
  element: HTMLElement;
  canvases: {
    spectrogram: HTMLCanvasElement;
    cam: HTMLCanvasElement;
    marks: HTMLCanvasElement;
    overviewSpectrogram: HTMLCanvasElement;
    overviewCam: HTMLCanvasElement;
  };
  svgNode: SVGSVGElement;
  svg: Selection<SVGSVGElement, unknown, null, undefined>;
  /** SVG groups, back to front. */
  g: {
    labels: G;
    /** The bands the shown band cutoff removed (veiled). */
    removed: G;
    /** The attention threshold's line and share. */
    cutoff: G;
    hover: G;
    hzAxis: G;
    timeAxis: G;
    bandProfile: G;
    colorBars: G;
    overviewAxis: G;
    overviewFrame: G;
    overviewBrush: G;
  };
  /** Transparent rectangle over the map that takes drags and wheel zooms. */
  hit: Selection<SVGRectElement, unknown, null, undefined>;
  ids: { clip: string; camGradient: string; logMelGradient: string; maskHatch: string };
}

export function createFigure(): CamFigure {
  const element = el('div', { class: 'lc-figure', tabindex: '0' });
  const canvas = (cls: string) => el('canvas', { class: cls }) as HTMLCanvasElement;
  const canvases = {
    spectrogram: canvas('lc-spec'),
    cam: canvas('lc-cam-overlay'),
    marks: canvas('lc-marks'),
    overviewSpectrogram: canvas('lc-overview-spec'),
    overviewCam: canvas('lc-overview-cam'),
  };
  const svgNode = svgEl('svg', { class: 'lc-svg' }) as SVGSVGElement;
  element.append(...Object.values(canvases), svgNode);
  const svg = select(svgNode);
  const ids = {
    clip: uniqueId('lc-clip'),
    camGradient: uniqueId('lc-grad'),
    logMelGradient: uniqueId('lc-lmgrad'),
    maskHatch: uniqueId('lc-hatch'),
  };
  const defs = svg.append('defs');
  defs.append('clipPath').attr('id', ids.clip).append('rect');
  for (const id of [ids.camGradient, ids.logMelGradient]) {
    defs.append('linearGradient').attr('id', id).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0);
  }
  // Diagonal hatching over masked bands: the map stays visible under it (the model did see those inputs).
  const hatch = defs
    .append('pattern')
    .attr('id', ids.maskHatch)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('width', 8)
    .attr('height', 8)
    .attr('patternTransform', 'rotate(45)');
  hatch.append('rect').attr('width', 8).attr('height', 8).attr('fill', 'rgba(0, 0, 0, 0.25)');
  hatch
    .append('line')
    .attr('x1', 0)
    .attr('x2', 0)
    .attr('y1', 0)
    .attr('y2', 8)
    .attr('stroke', 'rgba(255, 255, 255, 0.6)')
    .attr('stroke-width', 2);
  const plot = svg.append('g').attr('class', 'lc-plot');
  const labels = plot.append('g').attr('class', 'lc-labels');
  const map = plot.append('g').attr('class', 'lc-map').attr('clip-path', `url(#${ids.clip})`);
  const g = {
    labels,
    removed: map.append('g').attr('class', 'lc-removed'),
    cutoff: map.append('g').attr('class', 'lc-cutoff'),
    hover: map.append('g').attr('class', 'lc-hover lc-no-export'),
    hzAxis: plot.append('g'),
    timeAxis: plot.append('g'),
    bandProfile: plot.append('g'),
    colorBars: plot.append('g').attr('class', 'lc-colorbars'),
    overviewAxis: plot.append('g'),
    overviewFrame: plot.append('g').attr('class', 'lc-overview-frame'),
    overviewBrush: plot.append('g'),
  };
  const hit = plot.append('rect').attr('class', 'lc-hit lc-no-export').attr('fill', 'transparent');
  return { element, canvases, svgNode, svg, g, hit, ids };
}

/** Sizes and places every layer for `layout`; draws what depends on nothing but the layout (Hz axis, labels). */
export function placeFigure(
  fig: CamFigure,
  layout: CamLayout,
  axes: FeatureAxes,
  y: ScaleLinear<number, number>,
  withCycles = false,
): void {
  const { width, height, plotWidth, rows } = layout;
  const { map, timeProfile, timeAxis, strip, overview } = rows;
  const { canvases, g } = fig;
  fig.element.style.width = `${width}px`;
  fig.element.style.height = `${height}px`;
  fig.svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
  fig.svg.select('.lc-plot').attr('transform', `translate(${SIDE.left}, 0)`);
  place(canvases.spectrogram, map.top, plotWidth, map.height);
  place(canvases.cam, map.top, plotWidth, map.height);
  place(canvases.marks, 0, plotWidth, marksHeight(layout));
  fig.svg.select(`#${fig.ids.clip} rect`).attr('x', 0).attr('y', map.top).attr('width', plotWidth).attr('height', map.height);
  fig.hit.attr('x', 0).attr('y', map.top).attr('width', plotWidth).attr('height', map.height);
  drawHzAxis(g.hzAxis.attr('transform', `translate(0, ${map.top})`), y, hzTicks(axes, map.height), map.height);
  g.labels.selectAll('*').remove();
  // A right-aligned label left of the plot, its baseline at y.
  const label = (y: number, fontSize: number) =>
    g.labels.append('text').attr('x', -8).attr('y', y).attr('text-anchor', 'end').attr('font-size', fontSize).attr('fill', 'currentColor');
  label(strip.top + strip.height - 2, 10).attr('class', 'lc-strip-label');
  const lane = cycleRows(rows.cycles);
  for (const [row, text] of [
    [lane.annotated, lane.model ? 'annotated' : 'cycles'],
    [lane.model, 'model'],
  ] as const) {
    if (!row || !withCycles) continue;
    label(row.top + row.height - 1, 9)
      .attr('class', 'lc-lane-label')
      .text(text);
  }
  label(timeProfile.top + timeProfile.height / 2 + 3, 10).text('Time profile');
  g.labels
    .append('rect')
    .attr('y', timeProfile.top)
    .attr('width', plotWidth)
    .attr('height', timeProfile.height)
    .attr('fill', 'none')
    .attr('stroke', 'currentColor')
    .attr('stroke-opacity', 0.3);
  g.timeAxis.attr('transform', `translate(0, ${timeAxis.top})`);
  g.bandProfile.attr('transform', `translate(${layout.bandProfileX}, ${map.top})`);
  g.colorBars.attr('transform', `translate(${layout.colorBarsX}, ${map.top})`);

  canvases.overviewSpectrogram.style.display = overview ? '' : 'none';
  canvases.overviewCam.style.display = overview ? '' : 'none';
  g.overviewBrush.selectAll('*').remove();
  g.overviewAxis.selectAll('*').remove();
  g.overviewFrame.selectAll('*').remove();
  if (!overview) return;
  place(canvases.overviewSpectrogram, overview.top, plotWidth, overview.height);
  place(canvases.overviewCam, overview.top, plotWidth, overview.height);
  g.overviewBrush.attr('transform', `translate(0, ${overview.top})`);
  g.overviewFrame
    .attr('transform', `translate(0, ${overview.top})`)
    .append('text')
    .attr('x', -8)
    .attr('y', overview.height / 2 + 3)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .text('Overview');
}

/** A canvas at (SIDE.left, top) in the figure, width × height CSS pixels. */
function place(c: HTMLCanvasElement, top: number, width: number, height: number): void {
  setupCanvas(c, width, height);
  c.style.left = `${SIDE.left}px`;
  c.style.top = `${top}px`;
}
