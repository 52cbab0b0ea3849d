// Moving through time: d3-zoom on the map (drag pans; Ctrl/⌘ + wheel zooms, a plain wheel keeps scrolling
// the notebook) and, for long recordings, the overview's brush. Both report the window the user asks for;
// `follow` and `showWindow` move them quietly when the window changed elsewhere (keys, buttons).
import { zoom as d3zoom, zoomIdentity, type ZoomTransform } from 'd3-zoom';
import type { ScaleLinear } from 'd3-scale';
import { drawTimeAxis } from '../axes';
import { createOverview, type Overview } from './overview';
import type { CamFigure } from './figure';
import type { CamLayout } from './layout';

export interface Navigation {
  /** Puts the zoom transform on a window chosen elsewhere, without reporting it back. */
  follow(window: [number, number]): void;
  /** Moves the overview's brush (when there is an overview), without reporting it back. */
  showWindow(window: [number, number]): void;
}

export interface NavigationEvents {
  /** Drag or wheel on the map: the window as the zoom transform gives it. */
  zoomed(window: [number, number]): void;
  /** A brush selection or a click on the overview: a window to clamp and show. */
  brushed(start: number, end: number): void;
}

export function attachNavigation(
  fig: CamFigure,
  layout: CamLayout,
  xFull: ScaleLinear<number, number>,
  totalSeconds: number,
  on: NavigationEvents,
): Navigation {
  const { plotWidth, rows } = layout;
  let overview: Overview | undefined;
  if (rows.overview) {
    const axisG = fig.g.overviewAxis.attr('transform', `translate(0, ${rows.overview.top + rows.overview.height})`);
    drawTimeAxis(axisG, xFull, plotWidth, '');
    axisG.attr('class', 'lc-axis lc-axis-overview');
    overview = createOverview(fig.g.overviewBrush, xFull, plotWidth, rows.overview.height, on.brushed);
  }
  let following = false;
  const zoom = d3zoom<SVGRectElement, unknown>()
    .scaleExtent([1, Math.max(1, totalSeconds)])
    .extent([
      [0, 0],
      [plotWidth, rows.map.height],
    ])
    .translateExtent([
      [0, 0],
      [plotWidth, rows.map.height],
    ])
    .filter((event: Event) => {
      if (event.type === 'wheel') return (event as WheelEvent).ctrlKey || (event as WheelEvent).metaKey;
      return !(event as MouseEvent).button;
    })
    .on('zoom', (event: { transform: ZoomTransform }) => {
      if (following) return;
      const [start, end] = event.transform.rescaleX(xFull).domain();
      on.zoomed([Math.max(0, start), Math.min(totalSeconds, end)]);
    });
  fig.hit.call(zoom).on('dblclick.zoom', null);
  return {
    follow([start, end]) {
      following = true;
      fig.hit.call(zoom.transform, zoomIdentity.scale(totalSeconds / (end - start)).translate(-xFull(start), 0));
      following = false;
    },
    showWindow([start, end]) {
      overview?.setWindow(start, end);
    },
  };
}
