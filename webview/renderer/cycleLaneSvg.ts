// The cycle lane of the predictions and spectrogram views, in SVG (few cycles, no panning at 60 fps): each
// annotated cycle's class on top and, when the output carries them, the model's label under it; a cycle
// the model gets wrong is framed and crossed; hovering a cycle shows both labels (its <title>, and the
// caller's read-out line through `onHover`). The CAM view draws the same lane on its marks canvas.
import type { Selection } from 'd3-selection';
import type { ScaleLinear } from 'd3-scale';
import type { Annotations } from '../../kernels/shared/outputTypes';
import { classColour } from '../../kernels/shared/view/classColours';
import { cycleHoverText, verdictOf } from '../../kernels/shared/view/cycleVerdicts';
import { annotatedLabel } from './cam/lanes';

type G = Selection<SVGGElement, unknown, null, undefined>;

export const LANE_ROW = 8;
export const LANE_GAP = 2;

/** Height of the lane for these annotations (0 without cycles; one or two rows). */
export function laneHeight(annotations: Annotations | undefined): number {
  const cycles = annotations?.cycles ?? [];
  if (!cycles.length) return 0;
  return cycles.some((c) => c.predicted) ? 2 * LANE_ROW + LANE_GAP : LANE_ROW;
}

export function drawCycleLaneSvg(g: G, annotations: Annotations | undefined, classes: readonly string[], x: ScaleLinear<number, number>, onHover?: (text: string | null) => void): void {
  const cycles = annotations?.cycles ?? [];
  const twoRows = laneHeight(annotations) > LANE_ROW;
  g.attr('class', 'lc-cycle-lane');
  g.selectAll('text.lc-lane-label').data(twoRows ? ['annotated', 'model'] : cycles.length ? ['cycles'] : []).join('text')
    .attr('class', 'lc-lane-label').attr('x', -8).attr('y', (_, i) => i * (LANE_ROW + LANE_GAP) + LANE_ROW - 1)
    .attr('text-anchor', 'end').attr('font-size', 9).attr('fill', 'currentColor').text((d) => d);
  const cell = g.selectAll<SVGGElement, number>('g.lc-cycle').data(cycles.map((_, i) => i)).join('g')
    .attr('class', (i) => `lc-cycle ${verdictOf(cycles[i])}`)
    .attr('transform', (i) => `translate(${x(cycles[i].startSeconds)}, 0)`);
  const width = (i: number) => Math.max(1, x(cycles[i].endSeconds) - x(cycles[i].startSeconds) - 1);
  cell.selectAll('title').data((i) => [i]).join('title').text((i) => cycleHoverText(cycles[i], i, classes, annotations?.source));
  cell.selectAll('rect.lc-annotated').data((i) => [i]).join('rect').attr('class', 'lc-annotated')
    .attr('width', width).attr('height', LANE_ROW).attr('fill', (i) => classColour(annotatedLabel(cycles[i]), classes)).attr('fill-opacity', 0.9);
  cell.selectAll('rect.lc-predicted').data((i) => (twoRows && cycles[i].predicted && cycles[i].predicted!.label !== 'none' ? [i] : [])).join('rect')
    .attr('class', 'lc-predicted').attr('y', LANE_ROW + LANE_GAP).attr('width', width).attr('height', LANE_ROW)
    .attr('fill', (i) => classColour(cycles[i].predicted!.label, classes)).attr('fill-opacity', 0.9);
  const wrong = (i: number) => (verdictOf(cycles[i]) === 'wrong' ? [i] : []);
  cell.selectAll('rect.lc-wrong').data(wrong).join('rect').attr('class', 'lc-wrong')
    .attr('x', -0.5).attr('y', -0.5).attr('width', (i) => width(i) + 1).attr('height', 2 * LANE_ROW + LANE_GAP + 1)
    .attr('fill', 'none').attr('stroke', 'currentColor').attr('stroke-width', 1.5);
  cell.selectAll('path.lc-cross').data((i) => (width(i) >= 8 ? wrong(i) : [])).join('path').attr('class', 'lc-cross')
    .attr('d', (i) => {
      const cx = width(i) / 2;
      const cy = LANE_ROW + LANE_GAP + LANE_ROW / 2;
      return `M${cx - 3.5},${cy - 3.5}L${cx + 3.5},${cy + 3.5}M${cx - 3.5},${cy + 3.5}L${cx + 3.5},${cy - 3.5}`;
    })
    .attr('stroke', '#ffffff').attr('stroke-width', 1.75).attr('stroke-linecap', 'round')
    .attr('paint-order', 'stroke');
  // On top of the cell, both rows and the gap between them: the pointer anywhere over a cycle finds it.
  cell.selectAll('rect.lc-cycle-hit').data((i) => [i]).join('rect').attr('class', 'lc-cycle-hit')
    .attr('width', width).attr('height', twoRows ? 2 * LANE_ROW + LANE_GAP : LANE_ROW).attr('fill', 'transparent');
  if (onHover) {
    cell.on('mouseenter', (_e, i) => onHover(cycleHoverText(cycles[i], i, classes, annotations?.source))).on('mouseleave', () => onHover(null));
  }
}
