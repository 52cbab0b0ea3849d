// D3 axes for the CAM and spectrogram views: time in seconds under the picture, frequency in Hz on the
// left (low at the bottom), with axis titles naming the units.
import { axisBottom, axisLeft, axisRight } from 'd3-axis';
import type { ScaleLinear } from 'd3-scale';
import type { Selection } from 'd3-selection';
import { format } from 'd3-format';

type G = Selection<SVGGElement, unknown, null, undefined>;

const secondsFormat = (span: number) => format(span < 2 ? '.2f' : span < 20 ? '.1f' : 'd');

export function drawTimeAxis(g: G, x: ScaleLinear<number, number>, widthPx: number, title = 'Time (s)'): void {
  const [t0, t1] = x.domain();
  g.attr('class', 'lc-axis lc-axis-time')
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(widthPx / 70))).tickFormat((d) => secondsFormat(t1 - t0)(d as number)));
  g.selectAll('.lc-axis-title').data([title]).join('text')
    .attr('class', 'lc-axis-title')
    .attr('x', widthPx / 2)
    .attr('y', 30)
    .attr('text-anchor', 'middle')
    .text((d) => d);
}

export function drawHzAxis(g: G, y: ScaleLinear<number, number>, ticks: number[], heightPx: number, title = 'Frequency (Hz)'): void {
  g.attr('class', 'lc-axis lc-axis-hz')
    .call(axisLeft(y).tickValues(ticks).tickFormat((d) => format('d')(d as number)));
  g.selectAll('.lc-axis-title').data([title]).join('text')
    .attr('class', 'lc-axis-title')
    .attr('transform', `translate(-46, ${heightPx / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text((d) => d);
}

/** A value axis on the right of a colour bar. */
export function drawValueAxis(g: G, v: ScaleLinear<number, number>, fmt: string, ticks = 4): void {
  g.attr('class', 'lc-axis lc-axis-value').call(axisRight(v).ticks(ticks).tickFormat(format(fmt)));
}
