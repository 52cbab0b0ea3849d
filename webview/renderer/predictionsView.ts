// A predictions output: the recording's label, bars of its class probabilities, a per-patch stacked
// strip over time with the annotated cycles and the model's verdict on each above it, and a table for
// screen readers (all strings inserted as text).
import { select, type Selection } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import type { PredictionsOutput } from '../../kernels/shared/outputTypes';
import { classColourAt } from '../../kernels/shared/view/classColours';
import { cycleNoun, cycleSummary, verdictCounts } from '../../kernels/shared/view/cycleVerdicts';
import { classWords, plural } from '../../kernels/shared/view/words';
import { drawTimeAxis } from './axes';
import { formatSeconds } from './scales';
import { el, svgEl } from './dom';
import { drawCycleLaneSvg, laneHeight } from './cycleLaneSvg';

// left: room for the longest class name in words ("crackle+wheeze") beside the bars
const L = { left: 104, barHeight: 16, stripTop: 0, stripHeight: 36, axis: 40, right: 20, laneGap: 6 };


export function renderPredictionsView(root: HTMLElement, output: PredictionsOutput): { dispose(): void } {
  const container = el('div', { class: 'lungcam lc-predictions', role: 'figure', 'aria-label': `Predictions for ${output.source.fileName}` });
  const title = el('div', { class: 'lc-title' });
  const name = el('span', { class: 'lc-file' });
  name.textContent = output.source.fileName;
  const meta = el('span', { class: 'lc-meta' });
  const li = output.classes.indexOf(output.label);
  meta.textContent = ` · ${classWords(output.label)} (${(output.recordingProbabilities[li] ?? 0).toFixed(2)}) · model ${output.modelId} · ${plural(output.probabilities.length, 'patch', 'patches')}`;
  title.append(name, meta);
  container.append(title);
  const cycles = output.annotations?.cycles ?? [];
  const hint = `Hover over an annotated ${cycleNoun(output.annotations?.source)} for both its labels.`;
  const verdicts = el('p', { class: 'lc-verdicts' });
  verdicts.hidden = cycles.length === 0;
  verdicts.textContent = cycles.length ? cycleSummary(cycles, output.annotations?.source) : '';
  verdicts.dataset.wrong = String(verdictCounts(cycles).wrong);
  const readout = el('div', { class: 'lc-readout' });
  container.append(verdicts);
  root.replaceChildren(container);

  const width = Math.max(480, Math.min(1600, (root.clientWidth || 900) - 4));
  const plotWidth = width - L.left - L.right;
  const colour = classColourAt;

  // Recording-level bars.
  const barsH = output.classes.length * (L.barHeight + 4);
  const bars = select(container.appendChild(svgEl('svg', { width: String(width), height: String(barsH + 4) })) as SVGSVGElement);
  const bx = scaleLinear().domain([0, 1]).range([0, plotWidth]);
  const rows = bars.append('g').attr('transform', `translate(${L.left}, 2)`).selectAll('g').data(output.classes).join('g')
    .attr('transform', (_, i) => `translate(0, ${i * (L.barHeight + 4)})`);
  rows.append('text').attr('x', -8).attr('y', L.barHeight - 4).attr('text-anchor', 'end').attr('fill', 'currentColor').attr('font-size', 11).text((d) => classWords(d));
  rows.append('rect').attr('height', L.barHeight).attr('width', (_, i) => bx(output.recordingProbabilities[i] ?? 0)).attr('fill', (_, i) => colour(i));
  rows.append('text').attr('x', (_, i) => bx(output.recordingProbabilities[i] ?? 0) + 4).attr('y', L.barHeight - 4)
    .attr('fill', 'currentColor').attr('font-size', 11).text((_, i) => (output.recordingProbabilities[i] ?? 0).toFixed(2));

  // The cycle lane, then the per-patch stacked strip over time.
  const hop = 0.01;
  const end = output.patches.startFrame.length ? (output.patches.startFrame[output.patches.startFrame.length - 1] + output.patches.frames) * hop : 1;
  const x = scaleLinear().domain([0, end]).range([0, plotWidth]);
  const lane = laneHeight(output.annotations);
  const top = lane ? lane + L.laneGap : 0;
  const strip = select(container.appendChild(svgEl('svg', { width: String(width), height: String(top + L.stripHeight + L.axis) })) as SVGSVGElement);
  if (lane) {
    drawCycleLaneSvg(strip.append('g').attr('transform', `translate(${L.left}, 0)`) as unknown as Selection<SVGGElement, unknown, null, undefined>,
      output.annotations, output.classes, x, (text) => { readout.textContent = text ?? hint; });
  }
  const g = strip.append('g').attr('transform', `translate(${L.left}, ${top})`);
  g.append('text').attr('x', -8).attr('y', L.stripHeight / 2 + 4).attr('text-anchor', 'end').attr('fill', 'currentColor').attr('font-size', 11).text('Per patch');
  const cells = output.probabilities.flatMap((probs, p) => {
    let acc = 0;
    return probs.map((v, c) => {
      const cell = { p, c, y0: acc, y1: acc + v };
      acc += v;
      return cell;
    });
  });
  const yy = scaleLinear().domain([0, 1]).range([L.stripHeight, 0]);
  g.append('g').selectAll('rect').data(cells).join('rect')
    .attr('x', (d) => x(output.patches.startFrame[d.p] * hop))
    .attr('width', () => Math.max(0.5, x(output.patches.frames * hop) - x(0)))
    .attr('y', (d) => yy(d.y1)).attr('height', (d) => Math.max(0, yy(d.y0) - yy(d.y1)))
    .attr('fill', (d) => colour(d.c));
  drawTimeAxis(g.append('g').attr('transform', `translate(0, ${L.stripHeight})`) as unknown as Selection<SVGGElement, unknown, null, undefined>, x, plotWidth);

  // The same numbers as a table (screen readers, copy-paste), patch rows limited for long recordings.
  const table = el('table', { class: 'lc-table' });
  const head = el('tr');
  for (const h of ['Patch', 'Start', ...output.classes]) {
    const th = el('th');
    th.textContent = h;
    head.append(th);
  }
  table.append(head);
  const shown = Math.min(output.probabilities.length, 20);
  for (let p = 0; p < shown; p++) {
    const tr = el('tr');
    for (const v of [String(p + 1), formatSeconds(output.patches.startFrame[p] * hop), ...output.probabilities[p].map((q) => q.toFixed(2))]) {
      const td = el('td');
      td.textContent = v;
      tr.append(td);
    }
    table.append(tr);
  }
  if (lane) {
    readout.textContent = hint;
    container.append(readout);
  }
  const details = el('details');
  const sum = el('summary');
  sum.textContent = `Probabilities per patch${shown < output.probabilities.length ? ` (first ${shown} of ${output.probabilities.length})` : ''}`;
  details.append(sum, table);
  container.append(details);
  return { dispose: () => root.replaceChildren() };
}
