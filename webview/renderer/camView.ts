// The interactive Grad-CAM view: spectrogram with the CAM overlay, axes, colour bars, hover readout,
// patch boundaries, probability strip, band and time profiles, annotations, controls, overview + brush,
// export and the screen-reader summary. Layer, class, colour map, opacity and cutoff work from the output's
// own data; method changes and re-runs go to the kernel when one can be reached.
import { select, type Selection } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { scaleLinear } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import type { CamMap, CamOutput, RendererRequest } from '../../kernels/shared/outputTypes';
import { decodeMatrix, valueAt, type ByteMatrix } from './quantized';
import { CAM_COLORMAPS, DEFAULT_CAM_COLORMAP, colormapLut, colormapStops, type ColormapName } from './colormaps';
import {
  bandAtY, bandScale, formatHz, formatSeconds, hzTicks, patchAtFrame, patchesInView, recordingSeconds, timeScale,
} from './scales';
import { drawHzAxis, drawTimeAxis, drawValueAxis } from './axes';
import { drawCam, drawSpectrogram, setupCanvas } from './heatmap';
import { bandProfile, camAt, shareAbove, shareByRanges, timeProfile, topRegions } from './camMath';
import { drawBandProfile, timeProfilePoints } from './profiles';
import { drawMarks } from './marks';
import { createOverview, type Overview } from './overview';
import { button, checkbox, dropdown, slider, type Dropdown } from './controls';
import { camSummary } from './summary';
import { exportFileName, exportedHeight, offerDownload, svgToPngDataUrl, viewToSvg } from './export';
import { el, svgEl, uniqueId } from './dom';
import { createPending } from './pending';

/** CAM methods the kernel may offer (pytorch-grad-cam names); the output's own method is always listed. */
export const KNOWN_METHODS = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'eigencam', 'scorecam'];

export interface KernelLink {
  /** Null when requests can be sent; otherwise the visible reason the kernel controls are disabled. */
  disabledReason: string | null;
  /** Untrusted workspace: kernel controls are not shown at all. */
  hidden: boolean;
  post(request: RendererRequest): void;
}

/** What the user chose in a view: kept when the same output is drawn again (recomputed, scrolled back). */
export interface CamViewState {
  layer: string;
  className: string;
  colormap: ColormapName;
  opacity: number;
  showBoundaries: boolean;
  cutoffHz: number;
  window: [number, number];
}

export interface CamViewOptions {
  /** Colour map a new view starts with (the `lungcam.colormap` setting). */
  colormap?: ColormapName;
  /** A previous view of this output: its choices are restored. */
  state?: CamViewState;
}

export interface CamViewHandle {
  update(output: CamOutput): void;
  /** The engine's progress on the view's pending request. */
  showProgress(step: string, done?: number): void;
  /** The pending request was cancelled: the view keeps what it shows. */
  cancelled(): void;
  /** Maps of a layer the output left out, fetched from the engine. */
  addLayer(layer: string, maps: Record<string, CamMap>): void;
  /** Switches the overlay's colour map (a settings change). */
  setColormap(name: ColormapName): void;
  state(): CamViewState;
  showKernelError(message: string): void;
  dispose(): void;
  /** For tests and export buttons: the current view as SVG text and PNG data URL. */
  exportSvg(): string;
  exportPng(): Promise<string>;
}

const LAYOUT = {
  left: 70,
  stripTop: 0,
  stripHeight: 12,
  laneTop: 15,
  laneHeight: 7,
  mapTop: 26,
  mapHeight: 256,
  gapUnderMap: 6,
  timeProfileHeight: 44,
  axisHeight: 38,
  overviewHeight: 44,
  overviewAxis: 24,
  profileGap: 8,
  profileWidth: 70,
  barGap: 18,
  barWidth: 12,
  barAxis: 42,
};

const DEFAULT_CUTOFF_HZ = 1500;

export function renderCamView(root: HTMLElement, initial: CamOutput, kernel: KernelLink, options: CamViewOptions = {}): CamViewHandle {
  const restored = options.state;
  let output = initial;
  let lm: ByteMatrix;
  let layer = restored?.layer ?? '';
  let className = restored?.className ?? '';
  let colormap: ColormapName = restored?.colormap ?? options.colormap ?? DEFAULT_CAM_COLORMAP;
  let opacity = restored?.opacity ?? 0.6;
  let showBoundaries = restored?.showBoundaries ?? true;
  let cutoffHz = restored?.cutoffHz ?? DEFAULT_CUTOFF_HZ;
  let window: [number, number] = restored ? [...restored.window] : [0, 1];
  let windowChosen = !!restored;
  let disposed = false;
  let frameRequested = false;
  let dirty = false;

  const container = el('div', { class: 'lungcam lc-cam', role: 'figure' });
  root.replaceChildren(container);

  const title = el('div', { class: 'lc-title' });
  const controlsRow = el('div', { class: 'lc-controls', role: 'group' });
  const kernelRow = el('div', { class: 'lc-controls lc-kernel', role: 'group' });
  const actionsRow = el('div', { class: 'lc-controls lc-actions', role: 'group' });
  const status = el('div', { class: 'lc-status', role: 'status' });
  const readout = el('div', { class: 'lc-readout' });
  const figure = el('div', { class: 'lc-figure', tabindex: '0' });
  const specCanvas = el('canvas', { class: 'lc-spec' }) as HTMLCanvasElement;
  const camCanvas = el('canvas', { class: 'lc-cam-overlay' }) as HTMLCanvasElement;
  const marksCanvas = el('canvas', { class: 'lc-marks' }) as HTMLCanvasElement;
  const overviewSpec = el('canvas', { class: 'lc-overview-spec' }) as HTMLCanvasElement;
  const overviewCam = el('canvas', { class: 'lc-overview-cam' }) as HTMLCanvasElement;
  const svgNode = svgEl('svg', { class: 'lc-svg' }) as SVGSVGElement;
  const summary = el('p', { class: 'lc-summary', 'aria-live': 'polite' });
  figure.append(specCanvas, camCanvas, marksCanvas, overviewSpec, overviewCam, svgNode);
  const pending = createPending(() => { if (output.requestId) kernel.post({ type: 'cancel', requestId: output.requestId }); });
  container.append(title, controlsRow, kernelRow, actionsRow, status, pending.element, readout, figure, summary);

  const svg = select(svgNode);
  const clipId = uniqueId('lc-clip');

  const gradientId = uniqueId('lc-grad');
  const lmGradientId = uniqueId('lc-lmgrad');
  const defs = svg.append('defs');
  defs.append('clipPath').attr('id', clipId).append('rect');
  defs.append('linearGradient').attr('id', gradientId).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0);
  defs.append('linearGradient').attr('id', lmGradientId).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0);
  const plot = svg.append('g').attr('class', 'lc-plot');
  const gLabels = plot.append('g').attr('class', 'lc-labels');
  const gMap = plot.append('g').attr('class', 'lc-map').attr('clip-path', `url(#${clipId})`);
  const gCutoff = gMap.append('g').attr('class', 'lc-cutoff');
  const gHover = gMap.append('g').attr('class', 'lc-hover lc-no-export');
  const gHzAxis = plot.append('g');
  const gTimeAxis = plot.append('g');
  const gBandProfile = plot.append('g');
  const gBars = plot.append('g').attr('class', 'lc-colorbars');
  const gOverviewAxis = plot.append('g');
  const gOverviewFrame = plot.append('g').attr('class', 'lc-overview-frame');
  const gOverviewBrush = plot.append('g');
  const hit = plot.append('rect').attr('class', 'lc-hit lc-no-export').attr('fill', 'transparent');

  // ---- sizes (fixed per render; a new output re-runs layout) ----
  let width = 0;
  let plotWidth = 0;
  let svgHeight = 0;
  let timeProfileTop = 0;
  let axisTop = 0;
  let overviewTop = 0;
  let xFull = timeScale(0, 1, 1);
  let x = xFull;
  let y = bandScale(initial.axes, LAYOUT.mapHeight);
  let overview: Overview | undefined;
  let zoomBehavior: ZoomBehavior<SVGRectElement, unknown> | undefined;
  let syncing = false;

  // ---- derived data for the current layer × class ----
  let currentMap: CamMap | undefined;
  let bandProf = new Float64Array(0);
  let timeProf = new Float64Array(0);
  let timeProfMax = 1;

  let layerDropdown: Dropdown | undefined;
  let classDropdown: Dropdown | undefined;
  let methodDropdown: Dropdown | undefined;
  let colormapDropdown: Dropdown | undefined;
  let cutoffShare: HTMLElement | undefined;
  let cutoffSlider: ReturnType<typeof slider> | undefined;
  let rerun: (HTMLElement & { disabled: boolean }) | undefined;
  let summaryTimer: ReturnType<typeof setTimeout> | undefined;

  function pickDefaults(): void {
    layer = output.layers.includes(layer) ? layer : output.layers.includes(output.defaultLayer) ? output.defaultLayer : output.layers[output.layers.length - 1];
    className = output.classes.includes(className) ? className : output.classes.includes(output.defaultClass) ? output.defaultClass : output.classes[0];
    const lo = output.axes.bandEdgesHz[1];
    const hi = output.axes.bandEdgesHz[output.axes.bands];
    if (!(cutoffHz >= lo && cutoffHz <= hi)) cutoffHz = Math.min(hi, Math.max(lo, output.axes.cutoffHz ?? DEFAULT_CUTOFF_HZ));
  }

  function layout(): void {
    const available = root.clientWidth || container.clientWidth || 900;
    width = Math.max(560, Math.min(1600, available - 4));
    const right = LAYOUT.profileGap + LAYOUT.profileWidth + LAYOUT.barGap + 2 * (LAYOUT.barWidth + LAYOUT.barAxis);
    plotWidth = width - LAYOUT.left - right;
    timeProfileTop = LAYOUT.mapTop + LAYOUT.mapHeight + LAYOUT.gapUnderMap;
    axisTop = timeProfileTop + LAYOUT.timeProfileHeight;
    overviewTop = axisTop + LAYOUT.axisHeight;
    const total = recordingSeconds(output.axes);
    const hasOverview = total > 15;
    svgHeight = overviewTop + (hasOverview ? LAYOUT.overviewHeight + LAYOUT.overviewAxis : 0) + 4;
    figure.style.width = `${width}px`;
    figure.style.height = `${svgHeight}px`;
    svg.attr('width', width).attr('height', svgHeight).attr('viewBox', `0 0 ${width} ${svgHeight}`);
    plot.attr('transform', `translate(${LAYOUT.left}, 0)`);
    place(specCanvas, LAYOUT.left, LAYOUT.mapTop, plotWidth, LAYOUT.mapHeight);
    place(camCanvas, LAYOUT.left, LAYOUT.mapTop, plotWidth, LAYOUT.mapHeight);
    svg.select(`#${clipId} rect`).attr('x', 0).attr('y', LAYOUT.mapTop).attr('width', plotWidth).attr('height', LAYOUT.mapHeight);
    hit.attr('x', 0).attr('y', LAYOUT.mapTop).attr('width', plotWidth).attr('height', LAYOUT.mapHeight);
    xFull = timeScale(0, total, plotWidth);
    y = bandScale(output.axes, LAYOUT.mapHeight);
    const yMap = (hz: number) => LAYOUT.mapTop + y(hz);
    drawHzAxis(gHzAxis.attr('transform', `translate(0, ${LAYOUT.mapTop})`), y, hzTicks(output.axes, LAYOUT.mapHeight), LAYOUT.mapHeight);
    void yMap;
    place(marksCanvas, LAYOUT.left, 0, plotWidth, timeProfileTop + LAYOUT.timeProfileHeight + 1);
    gLabels.selectAll('*').remove();
    gLabels.append('text').attr('class', 'lc-strip-label').attr('x', -8).attr('y', LAYOUT.stripTop + LAYOUT.stripHeight - 2)
      .attr('text-anchor', 'end').attr('font-size', 10).attr('fill', 'currentColor');
    gLabels.append('text').attr('x', -8).attr('y', timeProfileTop + LAYOUT.timeProfileHeight / 2 + 3)
      .attr('text-anchor', 'end').attr('font-size', 10).attr('fill', 'currentColor').text('Time profile');
    gLabels.append('rect').attr('y', timeProfileTop).attr('width', plotWidth).attr('height', LAYOUT.timeProfileHeight)
      .attr('fill', 'none').attr('stroke', 'currentColor').attr('stroke-opacity', 0.3);
    gTimeAxis.attr('transform', `translate(0, ${axisTop})`);
    gBandProfile.attr('transform', `translate(${plotWidth + LAYOUT.profileGap}, ${LAYOUT.mapTop})`);
    gBars.attr('transform', `translate(${plotWidth + LAYOUT.profileGap + LAYOUT.profileWidth + LAYOUT.barGap}, ${LAYOUT.mapTop})`);

    // Overview + brush for recordings longer than a glance.
    overviewSpec.style.display = hasOverview ? '' : 'none';
    overviewCam.style.display = hasOverview ? '' : 'none';
    gOverviewBrush.selectAll('*').remove();
    gOverviewAxis.selectAll('*').remove();
    gOverviewFrame.selectAll('*').remove();
    overview = undefined;
    if (hasOverview) {
      place(overviewSpec, LAYOUT.left, overviewTop, plotWidth, LAYOUT.overviewHeight);
      place(overviewCam, LAYOUT.left, overviewTop, plotWidth, LAYOUT.overviewHeight);
      gOverviewBrush.attr('transform', `translate(0, ${overviewTop})`);
      gOverviewFrame.attr('transform', `translate(0, ${overviewTop})`)
        .append('text').attr('x', -8).attr('y', LAYOUT.overviewHeight / 2 + 3).attr('text-anchor', 'end')
        .attr('font-size', 10).attr('fill', 'currentColor').text('Overview');
      const axisG = gOverviewAxis.attr('transform', `translate(0, ${overviewTop + LAYOUT.overviewHeight})`) as unknown as Selection<SVGGElement, unknown, null, undefined>;
      drawTimeAxis(axisG, xFull, plotWidth, '');
      axisG.attr('class', 'lc-axis lc-axis-overview');
      overview = createOverview(gOverviewBrush as unknown as Selection<SVGGElement, unknown, null, undefined>, xFull, plotWidth, LAYOUT.overviewHeight, (a, b) => setWindow(a, b));
    }

    // Zoom and pan in time only: Ctrl/⌘ + wheel zooms (plain wheel keeps scrolling the notebook), drag pans.
    zoomBehavior = d3zoom<SVGRectElement, unknown>()
      .scaleExtent([1, Math.max(1, total / 1.0)])
      .extent([[0, 0], [plotWidth, LAYOUT.mapHeight]])
      .translateExtent([[0, 0], [plotWidth, LAYOUT.mapHeight]])
      .filter((event: Event) => {
        if (event.type === 'wheel') return (event as WheelEvent).ctrlKey || (event as WheelEvent).metaKey;
        return !(event as MouseEvent).button;
      })
      .on('zoom', (event: { transform: ZoomTransform; sourceEvent: unknown }) => {
        if (syncing) return;
        const nx = event.transform.rescaleX(xFull);
        window = [Math.max(0, nx.domain()[0]), Math.min(total, nx.domain()[1])];
        scheduleDraw();
      });
    (hit as unknown as Selection<SVGRectElement, unknown, null, undefined>).call(zoomBehavior).on('dblclick.zoom', null);
  }

  function place(c: HTMLCanvasElement, left: number, top: number, w: number, h: number): void {
    setupCanvas(c, w, h);
    c.style.left = `${left}px`;
    c.style.top = `${top}px`;
  }

  /** Shows [start, end] seconds in the main view (from the brush, keys or buttons). */
  function setWindow(start: number, end: number): void {
    const total = recordingSeconds(output.axes);
    const minSpan = Math.min(total, 1);
    let span = Math.max(minSpan, Math.min(total, end - start));
    let s = Math.max(0, Math.min(total - span, start));
    if (!Number.isFinite(s)) s = 0;
    if (!Number.isFinite(span)) span = total;
    window = [s, s + span];
    windowChosen = true;
    if (zoomBehavior) {
      const k = total / span;
      const t = zoomIdentity.scale(k).translate(-xFull(s), 0);
      syncing = true;
      (hit as unknown as Selection<SVGRectElement, unknown, null, undefined>).call(zoomBehavior.transform, t);
      syncing = false;
    }
    scheduleDraw();
  }

  function scheduleDraw(): void {
    dirty = true;
    if (frameRequested || disposed) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      if (!disposed && dirty) drawWindow();
    });
  }

  /** Everything that depends on the time window. */
  function drawWindow(): void {
    dirty = false;
    const axes = output.axes;
    x = timeScale(window[0], window[1], plotWidth);
    const specCtx = specCanvas.getContext('2d')!;
    drawSpectrogram(specCtx, lm, axes, x, plotWidth, LAYOUT.mapHeight, colormapLut('greys'));
    const camCtx = camCanvas.getContext('2d')!;
    if (currentMap) drawCam(camCtx, currentMap, output.patches, axes, x, plotWidth, LAYOUT.mapHeight, colormapLut(colormap));
    else camCtx.clearRect(0, 0, plotWidth, LAYOUT.mapHeight);
    camCanvas.style.opacity = String(opacity);
    drawTimeAxis(gTimeAxis as unknown as Selection<SVGGElement, unknown, null, undefined>, x, plotWidth);
    const [first, last] = patchesInView(output.patches, axes.hopSeconds, window[0], window[1]);
    const classIndex = output.classes.indexOf(className);
    drawMarks(marksCanvas.getContext('2d')!, {
      output, x, y, width: plotWidth, first, last, classIndex,
      classColour: schemeTableau10[Math.max(0, classIndex) % 10],
      layout: { ...LAYOUT, timeProfileTop },
      showBoundaries,
      timePoints: currentMap ? timeProfilePoints(timeProf, currentMap, output.patches, axes.hopSeconds, first, last) : [],
      timeProfileMax: timeProfMax,
      foreground: getComputedStyle(container).color || '#888',
    });
    overview?.setWindow(window[0], window[1]);
    container.dataset.windowStart = window[0].toFixed(3);
    container.dataset.windowEnd = window[1].toFixed(3);
  }

  /** Everything that depends on layer × class (and the colour map / cutoff, which are cheap). */
  function selectMap(): void {
    const map = output.maps[layer]?.[className];
    currentMap = map;
    if (map) {
      bandProf = bandProfile(map, output.axes.bands);
      timeProf = timeProfile(map);
      timeProfMax = timeProf.reduce((m, v) => Math.max(m, v), 1e-9);
      drawBandProfile(gBandProfile as unknown as Selection<SVGGElement, unknown, null, undefined>, bandProf, output.axes, LAYOUT.mapHeight, LAYOUT.profileWidth);
      status.textContent = map.zeroPatches.length > 0 ? `${map.zeroPatches.length} patch(es) have an all-zero map for ${className} at ${layer}: shown as zero.` : '';
    } else {
      bandProf = new Float64Array(output.axes.bands);
      gBandProfile.selectAll('*').remove();
      const fetchable = !kernel.disabledReason && !!output.requestId && !!output.omittedLayers?.includes(layer);
      status.textContent = `No ${className} map for layer ${layer} in this output (left out to keep it small).${fetchable ? ' Fetching it…' : kernel.disabledReason ? '' : ' Use "Re-run" to fetch it from the kernel.'}`;
      if (fetchable && !pending.active) {
        pending.show(`Computing layer ${layer}…`);
        kernel.post({ type: 'layer', requestId: output.requestId!, layer, method: output.method });
      }
    }
    gLabels.select('.lc-strip-label').text(`P(${className})`);
    container.dataset.layer = layer;
    container.dataset.className = className;
    drawColorBars();
    drawOverview();
    updateCutoff();
    scheduleDraw();
  }

  function drawOverview(): void {
    if (overviewSpec.style.display === 'none') return;
    drawSpectrogram(overviewSpec.getContext('2d')!, lm, output.axes, xFull, plotWidth, LAYOUT.overviewHeight, colormapLut('greys'));
    const ctx = overviewCam.getContext('2d')!;
    if (currentMap) drawCam(ctx, currentMap, output.patches, output.axes, xFull, plotWidth, LAYOUT.overviewHeight, colormapLut(colormap));
    else ctx.clearRect(0, 0, plotWidth, LAYOUT.overviewHeight);
    overviewCam.style.opacity = String(opacity);
  }

  function drawColorBars(): void {
    const h = LAYOUT.mapHeight;
    const bar = (g: Selection<SVGGElement, unknown, null, undefined>, id: string, stops: { offset: number; color: string }[], domain: [number, number], label: string, fmt: string, dx: number) => {
      svg.select(`#${id}`).selectAll('stop').data(stops).join('stop')
        .attr('offset', (d) => d.offset).attr('stop-color', (d) => d.color);
      g.attr('transform', `translate(${dx}, 0)`);
      g.selectAll('rect').data([0]).join('rect').attr('width', LAYOUT.barWidth).attr('height', h).attr('fill', `url(#${id})`)
        .attr('stroke', 'currentColor').attr('stroke-opacity', 0.3);
      const axisG = g.selectAll<SVGGElement, number>('g.lc-bar-axis').data([0]).join('g').attr('class', 'lc-bar-axis')
        .attr('transform', `translate(${LAYOUT.barWidth}, 0)`) as unknown as Selection<SVGGElement, unknown, null, undefined>;
      drawValueAxis(axisG, scaleLinear().domain(domain).range([h, 0]), fmt);
      g.selectAll('text.lc-bar-label').data([label]).join('text').attr('class', 'lc-bar-label')
        .attr('transform', `translate(${LAYOUT.barWidth / 2}, -6)`).attr('text-anchor', 'middle')
        .attr('font-size', 10).attr('fill', 'currentColor').text((d) => d);
    };
    const camBar = gBars.selectAll<SVGGElement, number>('g.lc-bar-cam').data([0]).join('g').attr('class', 'lc-bar-cam') as unknown as Selection<SVGGElement, unknown, null, undefined>;
    bar(camBar, gradientId, colormapStops(colormap), [0, 1], 'CAM', '.1f', 0);
    const lmBar = gBars.selectAll<SVGGElement, number>('g.lc-bar-lm').data([0]).join('g').attr('class', 'lc-bar-lm') as unknown as Selection<SVGGElement, unknown, null, undefined>;
    bar(lmBar, lmGradientId, colormapStops('greys'), [output.logMel.min, output.logMel.max], 'log-mel', '.1f', LAYOUT.barWidth + LAYOUT.barAxis);
  }

  function updateCutoff(): void {
    const share = shareAbove(bandProf, output.axes.bandCentersHz, cutoffHz);
    const text = `${(share * 100).toFixed(1)}% of attention above ${formatHz(cutoffHz)}`;
    if (cutoffShare) cutoffShare.textContent = text;
    container.dataset.shareAbove = share.toFixed(4);
    const yy = LAYOUT.mapTop + y(cutoffHz);
    gCutoff.selectAll('line').data([yy]).join('line')
      .attr('x1', 0).attr('x2', plotWidth).attr('y1', (d) => d).attr('y2', (d) => d)
      .attr('stroke', '#ff4d4d').attr('stroke-width', 1.5).attr('stroke-dasharray', '6 3');
    gCutoff.selectAll('text').data([text]).join('text')
      .attr('x', plotWidth - 4).attr('y', yy - 4).attr('text-anchor', 'end').attr('font-size', 11)
      .attr('fill', '#ff4d4d').attr('paint-order', 'stroke').attr('stroke', 'black').attr('stroke-width', 2.5).attr('stroke-opacity', 0.6)
      .text((d) => d);
    clearTimeout(summaryTimer);
    summaryTimer = setTimeout(updateSummary, 250);
  }

  function updateSummary(): void {
    if (disposed) return;
    if (!currentMap) {
      summary.textContent = `No map for class ${className} at layer ${layer} in this output.`;
      return;
    }
    const ranges = shareByRanges(bandProf, output.axes.bandCentersHz, [250, 500, 1000, 2000, 4000]);
    summary.textContent = camSummary({
      output, layer, className,
      regions: topRegions(currentMap, output.patches, output.axes, 3),
      ranges, cutoffHz,
      shareAboveCutoff: shareAbove(bandProf, output.axes.bandCentersHz, cutoffHz),
    });
  }

  function onHover(event: MouseEvent): void {
    const [mx, my] = pointerIn(event, svgNode);
    readout.removeAttribute('aria-live'); // pointer moves would flood a screen reader
    showReadout(mx - LAYOUT.left, my - LAYOUT.mapTop);
  }

  /** Keyboard cursor on the map (Shift + arrows): the same readout, announced politely. */
  let cursor: { seconds: number; band: number } | null = null;
  function moveCursor(dSeconds: number, dBand: number): void {
    const axes = output.axes;
    const c = cursor ?? { seconds: (window[0] + window[1]) / 2, band: Math.floor(axes.bands / 2) };
    let seconds = c.seconds + dSeconds;
    if (seconds < window[0] || seconds > window[1]) seconds = Math.min(window[1], Math.max(window[0], seconds));
    const band = Math.min(axes.bands - 1, Math.max(0, c.band + dBand));
    cursor = { seconds, band };
    readout.setAttribute('aria-live', 'polite');
    showReadout(x(seconds), LAYOUT.mapHeight - ((band + 0.5) * LAYOUT.mapHeight) / axes.bands);
  }

  function showReadout(px: number, py: number): void {
    if (px < 0 || px > plotWidth || py < 0 || py > LAYOUT.mapHeight) return clearHover();
    const axes = output.axes;
    const seconds = x.invert(px);
    const frame = Math.floor(seconds / axes.hopSeconds);
    const band = Math.min(axes.bands - 1, Math.max(0, bandAtY(axes, LAYOUT.mapHeight, py)));
    if (frame < 0 || frame >= axes.frames) return clearHover();
    const patch = patchAtFrame(output.patches, frame);
    const parts = [
      `${formatSeconds(seconds)}`,
      `${formatHz(axes.bandCentersHz[band])} (band ${band + 1})`,
      `log-mel ${valueAt(lm, frame, band).toFixed(2)}`,
    ];
    if (currentMap && patch >= 0) {
      const v = camAt(currentMap, output.patches, patch, frame, band, axes.bands);
      if (v) parts.push(`CAM ${v.normalised.toFixed(2)} (raw ${v.raw.toPrecision(3)})`);
    }
    if (patch >= 0) {
      const probs = output.classes.map((c, i) => `${c} ${(output.probabilities[patch]?.[i] ?? 0).toFixed(2)}`).join(', ');
      parts.push(`patch ${patch + 1}${output.patches.padded[patch] ? ' (padded)' : ''}: ${probs}`);
    }
    readout.textContent = parts.join(' · ');
    gHover.selectAll('line.v').data([px]).join('line').attr('class', 'v')
      .attr('x1', (d) => d).attr('x2', (d) => d).attr('y1', LAYOUT.mapTop).attr('y2', LAYOUT.mapTop + LAYOUT.mapHeight)
      .attr('stroke', 'white').attr('stroke-opacity', 0.8);
    gHover.selectAll('line.h').data([py]).join('line').attr('class', 'h')
      .attr('x1', 0).attr('x2', plotWidth).attr('y1', (d) => LAYOUT.mapTop + d).attr('y2', (d) => LAYOUT.mapTop + d)
      .attr('stroke', 'white').attr('stroke-opacity', 0.8);
  }

  function clearHover(): void {
    gHover.selectAll('*').remove();
    readout.textContent = 'Hover over the map for time, frequency, log-mel and CAM values.';
  }

  function onKey(event: KeyboardEvent): void {
    const span = window[1] - window[0];
    if (event.shiftKey && event.key.startsWith('Arrow')) {
      const step = (window[1] - window[0]) / 50;
      const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const m = moves[event.key];
      if (m) {
        event.preventDefault();
        moveCursor(m[0], m[1]);
      }
      return;
    }
    const keys: Record<string, () => void> = {
      ArrowLeft: () => setWindow(window[0] - span * 0.2, window[1] - span * 0.2),
      ArrowRight: () => setWindow(window[0] + span * 0.2, window[1] + span * 0.2),
      '+': () => setWindow(window[0] + span * 0.25, window[1] - span * 0.25),
      '=': () => setWindow(window[0] + span * 0.25, window[1] - span * 0.25),
      '-': () => setWindow(window[0] - span * 0.5, window[1] + span * 0.5),
      '0': () => setWindow(0, recordingSeconds(output.axes)),
      Home: () => setWindow(0, span),
      End: () => setWindow(recordingSeconds(output.axes) - span, recordingSeconds(output.axes)),
    };
    const f = keys[event.key];
    if (f) {
      event.preventDefault();
      f();
    }
  }

  function buildControls(): void {
    controlsRow.replaceChildren();
    kernelRow.replaceChildren();
    actionsRow.replaceChildren();
    layerDropdown = dropdown('Layer', output.layers.map((l) => ({ value: l, label: l })), layer, (v) => { layer = v; selectMap(); }, 'layer');
    classDropdown = dropdown('Class', output.classes.map((c) => ({ value: c, label: c })), className, (v) => { className = v; selectMap(); }, 'class');
    const cmap = dropdown('Colour map', CAM_COLORMAPS.map((c) => ({ value: c, label: c })), colormap, (v) => applyColormap(v as ColormapName), 'colormap');
    colormapDropdown = cmap;
    const op = slider('Overlay opacity', 0, 100, 5, Math.round(opacity * 100), (v) => `${v}%`, (v) => {
      opacity = v / 100;
      camCanvas.style.opacity = String(opacity);
      overviewCam.style.opacity = String(opacity);
    }, 'opacity');
    const bounds = checkbox('Patch boundaries', showBoundaries, (c) => { showBoundaries = c; scheduleDraw(); }, 'boundaries');
    const total = recordingSeconds(output.axes);
    const zoomIn = button('Zoom in', () => onKey(new KeyboardEvent('keydown', { key: '+' })), 'zoom-in');
    const zoomOut = button('Zoom out', () => onKey(new KeyboardEvent('keydown', { key: '-' })), 'zoom-out');
    const whole = button('Whole recording', () => setWindow(0, total), 'zoom-reset');
    const png = button('Export PNG', () => void exportPng().then((u) => offerDownload(u, exportFileName(output.source.fileName, `${layer}_${className}`, 'png'))), 'export-png');
    const svgB = button('Export SVG', () => offerDownload(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(exportSvg())}`, exportFileName(output.source.fileName, `${layer}_${className}`, 'svg')), 'export-svg');
    controlsRow.append(layerDropdown.wrapper, classDropdown.wrapper, cmap.wrapper, op.wrapper, bounds);
    actionsRow.append(zoomIn, zoomOut, whole, png, svgB);

    // Whole tens of Hz, so the slider lands on round values like 1500 Hz.
    const lo = Math.ceil(output.axes.bandEdgesHz[1] / 10) * 10;
    const hi = Math.floor(output.axes.bandEdgesHz[output.axes.bands] / 10) * 10;
    cutoffSlider = slider('Band cutoff', lo, hi, 10, Math.round(cutoffHz), (v) => formatHz(v), (v) => { cutoffHz = v; updateCutoff(); }, 'cutoff');
    cutoffShare = el('span', { class: 'lc-share', 'aria-live': 'polite' });
    cutoffSlider.wrapper.append(cutoffShare);
    kernelRow.append(cutoffSlider.wrapper);
    if (kernel.hidden) {
      const note = el('span', { class: 'lc-reason' });
      note.textContent = `Method: ${output.method}. ${kernel.disabledReason ?? ''}`;
      kernelRow.append(note);
      return;
    }
    const methods = Array.from(new Set([output.method, ...(output.methods ?? KNOWN_METHODS)]));
    methodDropdown = dropdown('Method', methods.map((m) => ({ value: m, label: m })), output.method, (m) => {
      if (m === output.method || !output.requestId) return;
      pending.show(`Computing ${m}…`);
      kernel.post({ type: 'recompute', requestId: output.requestId, method: m });
    }, 'method');
    rerun = button('Re-run with this cutoff', () => {
      if (!output.requestId) return;
      pending.show(`Re-running with the cutoff at ${formatHz(cutoffHz)}…`);
      kernel.post({ type: 'recompute', requestId: output.requestId, cutoffHz, layer, className });
    }, 'rerun', 'primary');
    const reason = el('span', { class: 'lc-reason', 'data-reason': 'kernel' });
    kernelRow.append(methodDropdown.wrapper, rerun, reason);
    if (kernel.disabledReason) {
      methodDropdown.setDisabled(true, kernel.disabledReason);
      rerun.setAttribute('disabled', '');
      rerun.setAttribute('aria-describedby', methodDropdown.element.getAttribute('aria-describedby') ?? '');
    }
  }

  function applyColormap(name: ColormapName): void {
    if (!CAM_COLORMAPS.includes(name)) return;
    colormap = name;
    container.dataset.colormap = name;
    if (colormapDropdown && colormapDropdown.element.value !== name) colormapDropdown.element.value = name;
    drawColorBars();
    drawOverview();
    scheduleDraw();
  }

  function themeColours(): { foreground: string; background: string; fontFamily: string } {
    const cs = getComputedStyle(container);
    const bg = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim()
      || getComputedStyle(document.body).backgroundColor;
    return { foreground: cs.color, background: bg && bg !== 'rgba(0, 0, 0, 0)' ? bg : '#ffffff', fontFamily: cs.fontFamily };
  }

  function exportInput() {
    const layers = [
      { canvas: specCanvas, x: LAYOUT.left, y: LAYOUT.mapTop, width: plotWidth, height: LAYOUT.mapHeight, opacity: 1 },
      { canvas: camCanvas, x: LAYOUT.left, y: LAYOUT.mapTop, width: plotWidth, height: LAYOUT.mapHeight, opacity },
      { canvas: marksCanvas, x: LAYOUT.left, y: 0, width: plotWidth, height: timeProfileTop + LAYOUT.timeProfileHeight + 1, opacity: 1 },
    ];
    if (overviewSpec.style.display !== 'none') {
      layers.push({ canvas: overviewSpec, x: LAYOUT.left, y: overviewTop, width: plotWidth, height: LAYOUT.overviewHeight, opacity: 1 });
      layers.push({ canvas: overviewCam, x: LAYOUT.left, y: overviewTop, width: plotWidth, height: LAYOUT.overviewHeight, opacity });
    }
    return {
      svg: svgNode, layers, width, height: svgHeight,
      title: `${output.source.fileName} · ${output.method} · layer ${layer} · class ${className} · ${formatSeconds(window[0])}–${formatSeconds(window[1])}`,
      ...themeColours(),
    };
  }

  function exportSvg(): string {
    drawWindow();
    return viewToSvg(exportInput());
  }

  async function exportPng(): Promise<string> {
    const text = exportSvg();
    return svgToPngDataUrl(text, width, exportedHeight(svgHeight));
  }

  function renderAll(): void {
    lm = decodeMatrix(output.logMel);
    pickDefaults();
    container.setAttribute('aria-label', `Grad-CAM view of ${output.source.fileName}`);
    const name = el('span', { class: 'lc-file' });
    name.textContent = output.source.fileName;
    const meta = el('span', { class: 'lc-meta' });
    const recMean = output.classes.map((_, c) => output.probabilities.reduce((s, p) => s + (p[c] ?? 0), 0) / Math.max(1, output.probabilities.length));
    const top = recMean.indexOf(Math.max(...recMean));
    meta.textContent = ` · ${formatSeconds(output.source.durationSeconds)} · model ${output.modelId} · ${output.method} · mean P(${output.classes[top]}) ${recMean[top]?.toFixed(2)}`;
    title.replaceChildren(name, meta);
    layout();
    buildControls();
    container.dataset.colormap = colormap;
    const total = recordingSeconds(output.axes);
    // A long recording opens on its first 30 s (fast first paint, readable detail); the brush shows where.
    const keep = windowChosen && window[1] > window[0] && window[1] <= total ? window : null;
    window = keep ?? [0, total > 60 ? 30 : total];
    setWindow(window[0], window[1]);
    selectMap();
    clearHover();
  }

  figure.setAttribute('aria-label', 'Map: arrow keys pan, + and − zoom, 0 shows the whole recording, Shift + arrows move a cursor that reads out time, frequency and values');
  svgNode.addEventListener('mousemove', onHover);
  svgNode.addEventListener('mouseleave', clearHover);
  figure.addEventListener('keydown', onKey);
  renderAll();
  // First picture synchronously, so the first paint does not wait for an animation frame.
  drawWindow();

  return {
    update(next) {
      pending.hide();
      output = next;
      renderAll();
      drawWindow();
      status.textContent = `Updated by the kernel: ${next.method}${next.axes.cutoffHz ? `, cutoff ${formatHz(next.axes.cutoffHz)}` : ''}.`;
    },
    setColormap: applyColormap,
    state: () => ({ layer, className, colormap, opacity, showBoundaries, cutoffHz, window: [window[0], window[1]] }),
    showKernelError(message) {
      pending.hide();
      status.textContent = message;
    },
    showProgress(step, done) {
      pending.show(`${step.charAt(0).toUpperCase()}${step.slice(1)}…`, done);
    },
    cancelled() {
      pending.hide();
      if (methodDropdown) methodDropdown.element.value = output.method;
      status.textContent = 'Cancelled: the view shows what it showed before.';
    },
    addLayer(name, maps) {
      pending.hide();
      output = { ...output, maps: { ...output.maps, [name]: maps }, omittedLayers: output.omittedLayers?.filter((l) => l !== name) };
      if (name === layer) selectMap();
    },
    dispose() {
      disposed = true;
      clearTimeout(summaryTimer);
      root.replaceChildren();
    },
    exportSvg,
    exportPng,
  };
}

function pointerIn(event: MouseEvent, node: Element): [number, number] {
  const r = node.getBoundingClientRect();
  return [event.clientX - r.left, event.clientY - r.top];
}
