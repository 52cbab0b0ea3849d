// The band profile beside the map (mean attention per mel band, an SVG area) and the points of the time
// profile under it (mean attention per native time step; drawn on the marks canvas, see marks.ts).
import { area, curveMonotoneX } from 'd3-shape';
import { scaleLinear } from 'd3-scale';
import type { Selection } from 'd3-selection';
import type { CamMap, FeatureAxes, PatchInfo } from '../../../kernels/shared/outputTypes';

type G = Selection<SVGGElement, unknown, null, undefined>;

/** Band profile: x = attention (0 at the map's edge, `max` at the full width), y = the band's row on the map. */
export function drawBandProfile(g: G, profile: ArrayLike<number>, axes: FeatureAxes, mapHeight: number, widthPx: number, max = Math.max(1e-9, ...Array.from(profile))): void {
  const v = scaleLinear().domain([0, max]).range([0, widthPx]);
  const rowPx = mapHeight / axes.bands;
  const points = Array.from(profile, (p, b) => ({ y: mapHeight - (b + 0.5) * rowPx, v: p }));
  const path = area<{ y: number; v: number }>().y((d) => d.y).x0(0).x1((d) => v(d.v)).curve(curveMonotoneX);
  g.attr('class', 'lc-band-profile');
  g.selectAll('path').data([points]).join('path')
    .attr('d', (d) => path(d) ?? '')
    .attr('fill', 'currentColor').attr('fill-opacity', 0.35)
    .attr('stroke', 'currentColor').attr('stroke-width', 1);
  g.selectAll('rect.lc-frame').data([0]).join('rect').attr('class', 'lc-frame')
    .attr('width', widthPx).attr('height', mapHeight).attr('fill', 'none')
    .attr('stroke', 'currentColor').attr('stroke-opacity', 0.3);
  g.selectAll('text').data(['Band profile']).join('text')
    .attr('x', widthPx / 2).attr('y', mapHeight + 14).attr('text-anchor', 'middle').attr('font-size', 10)
    .attr('fill', 'currentColor').text((d) => d);
}

export interface TimePoint {
  seconds: number;
  value: number;
}

/** Points of the time profile for the patches [first, last], at the centre of each native time step. */
export function timeProfilePoints(profile: ArrayLike<number>, map: CamMap, patches: PatchInfo, hopSeconds: number, first: number, last: number): TimePoint[] {
  const out: TimePoint[] = [];
  const stepFrames = patches.frames / map.timeSteps;
  for (let p = Math.max(0, first); p <= last; p++) {
    for (let t = 0; t < map.timeSteps; t++) {
      out.push({ seconds: (patches.startFrame[p] + t * stepFrames) * hopSeconds, value: profile[p * map.timeSteps + t] });
    }
  }
  return out;
}
