// The band profile beside the map (mean attention per mel band) and the time profile under it (mean
// attention per native time step), as SVG paths drawn with the map's own scales.
import { area, curveMonotoneX, curveStepAfter } from 'd3-shape';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import type { Selection } from 'd3-selection';
import type { CamMap, FeatureAxes, PatchInfo } from '../../kernels/shared/outputTypes';

type G = Selection<SVGGElement, unknown, null, undefined>;

/** Band profile: x = attention (0 at the map's edge), y = the band's row on the map. */
export function drawBandProfile(g: G, profile: ArrayLike<number>, axes: FeatureAxes, mapHeight: number, widthPx: number): void {
  const max = Math.max(1e-9, ...Array.from(profile));
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

/** Time profile under the map: a step area per native time step (what the layer actually resolves). */
export function drawTimeProfile(g: G, points: TimePoint[], x: ScaleLinear<number, number>, widthPx: number, heightPx: number, maxValue: number): void {
  const v = scaleLinear().domain([0, Math.max(1e-9, maxValue)]).range([heightPx, 0]);
  const path = area<TimePoint>().x((d) => x(d.seconds)).y0(heightPx).y1((d) => v(d.value)).curve(curveStepAfter);
  g.attr('class', 'lc-time-profile');
  g.selectAll('path').data([points]).join('path')
    .attr('d', (d) => path(d) ?? '')
    .attr('fill', 'currentColor').attr('fill-opacity', 0.35)
    .attr('stroke', 'currentColor').attr('stroke-width', 1);
  g.selectAll('rect.lc-frame').data([0]).join('rect').attr('class', 'lc-frame')
    .attr('width', widthPx).attr('height', heightPx).attr('fill', 'none')
    .attr('stroke', 'currentColor').attr('stroke-opacity', 0.3);
  g.selectAll('text.lc-label').data(['Time profile']).join('text').attr('class', 'lc-label')
    .attr('x', -8).attr('y', heightPx / 2 + 3).attr('text-anchor', 'end').attr('font-size', 10)
    .attr('fill', 'currentColor').text((d) => d);
}
