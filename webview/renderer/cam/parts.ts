// The parts of the CAM view's figure, each a small function of the view's data (see part.ts): the two
// pictures (log-mel and CAM) in the window and in the overview, the time axis, the marks canvas, the band
// profile, the colour bars and the cutoff line. They are drawn in the order listed by `figureParts`.
import { scaleLinear } from 'd3-scale';
import { classColourAt } from '../../../kernels/shared/view/classColours';
import { colormapLut, colormapStops } from '../../../kernels/shared/view/colormaps';
import { shareAboveCutoff } from '../../../kernels/shared/view/summaries';
import { drawTimeAxis, drawValueAxis } from '../axes';
import { drawCam, drawSpectrogram } from '../heatmap';
import { drawMarks } from './lanes';
import { drawBandProfile, timeProfilePoints } from './profiles';
import { formatHz, patchesInView } from '../scales';
import type { CamFigure, G } from './figure';
import { SIDE, marksHeight } from './layout';
import type { Navigation } from './navigation';
import type { Part, ViewData } from './part';

const THRESHOLD_COLOUR = '#ff4d4d';

/** The figure's parts; `navigation` is looked up when drawn (it is made anew for each output). */
export function figureParts(fig: CamFigure, container: HTMLElement, navigation: () => Navigation | undefined): Part[] {
  return [
    windowPictures(fig),
    timeAxis(fig),
    marks(fig, container),
    overviewPictures(fig),
    { reads: ['window'], perFrame: true, draw: (v) => navigation()?.showWindow(v.state.window) },
    overlayOpacity(fig),
    bandProfile(fig),
    colorBars(fig),
    removedBands(fig),
    thresholdLine(fig),
  ];
}

/** The spectrogram and the CAM overlay of the time window. */
function windowPictures(fig: CamFigure): Part {
  return {
    reads: ['window', 'map', 'colormap'],
    perFrame: true,
    draw({ output, logMel, selection, layout, state, x }) {
      const { plotWidth } = layout;
      const height = layout.rows.map.height;
      drawSpectrogram(fig.canvases.spectrogram.getContext('2d')!, logMel, output.axes, x, plotWidth, height, colormapLut('greys'));
      const ctx = fig.canvases.cam.getContext('2d')!;
      if (selection.map)
        drawCam(ctx, selection.map, output.patches, output.axes, x, plotWidth, height, colormapLut(state.colormap), selection.bands);
      else ctx.clearRect(0, 0, plotWidth, height);
    },
  };
}

function timeAxis(fig: CamFigure): Part {
  return { reads: ['window'], perFrame: true, draw: ({ x, layout }) => drawTimeAxis(fig.g.timeAxis, x, layout.plotWidth) };
}

/** Probability strip, cycle lane, patch boundaries, events and time profile (marks.ts), for the window. */
function marks(fig: CamFigure, container: HTMLElement): Part {
  return {
    reads: ['window', 'map', 'className', 'showBoundaries'],
    perFrame: true,
    draw({ output, selection, state, layout, x, y }) {
      const [first, last] = patchesInView(output.patches, output.axes.hopSeconds, state.window[0], state.window[1]);
      const classIndex = output.classes.indexOf(state.className);
      drawMarks(fig.canvases.marks.getContext('2d')!, {
        output,
        x,
        y,
        width: layout.plotWidth,
        first,
        last,
        classIndex,
        classColour: classColourAt(Math.max(0, classIndex)),
        rows: layout.rows,
        height: marksHeight(layout),
        showBoundaries: state.showBoundaries,
        timePoints: selection.map
          ? timeProfilePoints(selection.timeProfile, selection.map, output.patches, output.axes.hopSeconds, first, last)
          : [],
        timeProfileMax: selection.timeProfileMax,
        foreground: getComputedStyle(container).color || '#888',
      });
    },
  };
}

/** The whole recording, small, under the overview's brush. */
function overviewPictures(fig: CamFigure): Part {
  return {
    reads: ['map', 'colormap'],
    draw({ output, logMel, selection, layout, state, xFull }) {
      const overview = layout.rows.overview;
      if (!overview) return;
      const { overviewSpectrogram, overviewCam } = fig.canvases;
      drawSpectrogram(
        overviewSpectrogram.getContext('2d')!,
        logMel,
        output.axes,
        xFull,
        layout.plotWidth,
        overview.height,
        colormapLut('greys'),
      );
      const ctx = overviewCam.getContext('2d')!;
      if (selection.map)
        drawCam(
          ctx,
          selection.map,
          output.patches,
          output.axes,
          xFull,
          layout.plotWidth,
          overview.height,
          colormapLut(state.colormap),
          selection.bands,
        );
      else ctx.clearRect(0, 0, layout.plotWidth, overview.height);
    },
  };
}

function overlayOpacity(fig: CamFigure): Part {
  return {
    reads: ['opacity'],
    draw({ state }) {
      fig.canvases.cam.style.opacity = String(state.opacity);
      fig.canvases.overviewCam.style.opacity = String(state.opacity);
    },
  };
}

function bandProfile(fig: CamFigure): Part {
  return {
    reads: ['map'],
    draw({ output, selection, layout }) {
      if (selection.map)
        drawBandProfile(
          fig.g.bandProfile,
          selection.bandProfile,
          output.axes,
          layout.rows.map.height,
          SIDE.profileWidth,
          selection.bandProfileMax,
        );
      else fig.g.bandProfile.selectAll('*').remove();
    },
  };
}

/** Colour bars right of the band profile: the CAM colour map (0..1) and the log-mel greys (its range). */
function colorBars(fig: CamFigure): Part {
  return {
    reads: ['colormap'],
    draw({ output, state, layout }) {
      const h = layout.rows.map.height;
      const bar = (
        cls: string,
        id: string,
        stops: { offset: number; color: string }[],
        domain: [number, number],
        label: string,
        dx: number,
      ) => {
        fig.svg
          .select(`#${id}`)
          .selectAll('stop')
          .data(stops)
          .join('stop')
          .attr('offset', (d) => d.offset)
          .attr('stop-color', (d) => d.color);
        const g = fig.g.colorBars.selectAll<SVGGElement, number>(`g.${cls}`).data([0]).join('g').attr('class', cls) as unknown as G;
        g.attr('transform', `translate(${dx}, 0)`);
        g.selectAll('rect')
          .data([0])
          .join('rect')
          .attr('width', SIDE.barWidth)
          .attr('height', h)
          .attr('fill', `url(#${id})`)
          .attr('stroke', 'currentColor')
          .attr('stroke-opacity', 0.3);
        // drawValueAxis gives the group its class: select by that one, so a redraw reuses the group.
        const axisG = g
          .selectAll<SVGGElement, number>('g.lc-axis-value')
          .data([0])
          .join('g')
          .attr('transform', `translate(${SIDE.barWidth}, 0)`) as unknown as G;
        drawValueAxis(axisG, scaleLinear().domain(domain).range([h, 0]), '.1f');
        g.selectAll('text.lc-bar-label')
          .data([label])
          .join('text')
          .attr('class', 'lc-bar-label')
          .attr('transform', `translate(${SIDE.barWidth / 2}, -6)`)
          .attr('text-anchor', 'middle')
          .attr('font-size', 10)
          .attr('fill', 'currentColor')
          .text((d) => d);
      };
      bar('lc-bar-cam', fig.ids.camGradient, colormapStops(state.colormap), [0, 1], 'CAM', 0);
      bar(
        'lc-bar-lm',
        fig.ids.logMelGradient,
        colormapStops('greys'),
        [output.logMel.min, output.logMel.max],
        'log-mel',
        SIDE.barWidth + SIDE.barAxis,
      );
    },
  };
}

/** "12.3% of attention above 1.5 kHz": the share of the band profile above the attention threshold. */
export function thresholdText(v: ViewData): string {
  return `${(thresholdShare(v) * 100).toFixed(1)}% of attention above ${formatHz(v.state.attentionThresholdHz)}`;
}

export function thresholdShare({ output, selection, state }: ViewData): number {
  return shareAboveCutoff(selection.bandProfile, output.axes.bandCentersHz, state.attentionThresholdHz).attentionShare;
}

/** The dashed attention-threshold line across the map, with its share. */
function thresholdLine(fig: CamFigure): Part {
  return {
    reads: ['attentionThresholdHz', 'map'],
    draw(v) {
      const { layout, y, state } = v;
      const text = thresholdText(v);
      const yy = layout.rows.map.top + y(state.attentionThresholdHz);
      fig.g.cutoff
        .selectAll('line')
        .data([yy])
        .join('line')
        .attr('x1', 0)
        .attr('x2', layout.plotWidth)
        .attr('y1', (d) => d)
        .attr('y2', (d) => d)
        .attr('stroke', THRESHOLD_COLOUR)
        .attr('stroke-width', 1.5)
        .attr('stroke-dasharray', '6 3');
      fig.g.cutoff
        .selectAll('text')
        .data([text])
        .join('text')
        .attr('x', layout.plotWidth - 4)
        .attr('y', yy - 4)
        .attr('text-anchor', 'end')
        .attr('font-size', 11)
        .attr('fill', THRESHOLD_COLOUR)
        .attr('paint-order', 'stroke')
        .attr('stroke', 'black')
        .attr('stroke-width', 2.5)
        .attr('stroke-opacity', 0.6)
        .text((d) => d);
    },
  };
}

/**
 * The bands the shown band cutoff removed, veiled across the map and labelled: darkened where the model
 * never saw them (trained without them), hatched where a what-if masked them with a neutral value (the
 * model saw that value there, so its map shows through).
 */
function removedBands(fig: CamFigure): Part {
  return {
    reads: ['bandCutoffHz', 'map'],
    draw({ output, layout, cutoffs: { shown } }) {
      const { axes } = output;
      const height = layout.rows.map.height;
      const yOfBand = (b: number) => layout.rows.map.top + height * (1 - b / axes.bands);
      const cutLabel = formatHz(shown.bandCutoffHz ?? axes.fmax);
      const zones = [];
      // Above the model's own bands: never seen. Between the cutoff and them: masked in a what-if.
      if (shown.bands < axes.bands) {
        zones.push({
          from: shown.bands,
          fill: 'rgba(0, 0, 0, 0.55)',
          label:
            shown.cutoffMode === 'masked'
              ? `model ${shown.modelId} never saw these bands`
              : `removed above ${cutLabel}: model ${shown.modelId} never saw these bands`,
        });
      }
      if (shown.cutoffMode === 'masked' && shown.keptBands < shown.bands) {
        zones.push({
          from: shown.keptBands,
          to: shown.bands,
          fill: `url(#${fig.ids.maskHatch})`,
          label: `masked above ${cutLabel} (what-if: ${shown.maskFill ?? 'floor'})`,
        });
      }
      const placed = zones.map((z) => ({
        ...z,
        top: yOfBand('to' in z && z.to !== undefined ? z.to : axes.bands),
        bottom: yOfBand(z.from),
      }));
      fig.g.removed
        .selectAll('rect')
        .data(placed)
        .join('rect')
        .attr('x', 0)
        .attr('y', (z) => z.top)
        .attr('width', layout.plotWidth)
        .attr('height', (z) => z.bottom - z.top)
        .attr('fill', (z) => z.fill);
      fig.g.removed
        .selectAll('text')
        .data(placed)
        .join('text')
        .attr('x', 6)
        .attr('y', (z) => z.top + 14)
        .attr('font-size', 11)
        .attr('fill', 'white')
        .attr('paint-order', 'stroke')
        .attr('stroke', 'black')
        .attr('stroke-width', 2.5)
        .attr('stroke-opacity', 0.6)
        .text((z) => z.label);
    },
  };
}
