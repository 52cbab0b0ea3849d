// An audio output: the waveform envelope (min/max per bucket) on canvas with a time axis, the recording's
// cycles, and a player when the kernel included a small WAV.
import { select, type Selection } from 'd3-selection';
import { scaleLinear } from 'd3-scale';
import type { AudioOutput } from '../../kernels/shared/outputTypes';
import { drawTimeAxis } from './axes';
import { setupCanvas } from './heatmap';
import { formatSeconds } from './scales';
import { el, svgEl } from './dom';
import { CYCLE_CLASSES, classColour } from '../../kernels/shared/view/classColours';
import { annotatedLabel } from './cam/lanes';

const L = { left: 70, top: 10, height: 90, axis: 40, right: 20 };

/** Only a WAV data: URL may become the player's source (never a remote or script URL). */
export function isPlayableDataUrl(url: string | null | undefined): url is string {
  return typeof url === 'string' && /^data:audio\/(wav|x-wav|wave);base64,[A-Za-z0-9+/=]+$/.test(url);
}

export function renderAudioView(root: HTMLElement, output: AudioOutput): { dispose(): void } {
  const container = el('div', { class: 'lungcam lc-audio', role: 'figure', 'aria-label': `Waveform of ${output.source.fileName}` });
  const title = el('div', { class: 'lc-title' });
  const name = el('span', { class: 'lc-file' });
  name.textContent = output.source.fileName;
  const meta = el('span', { class: 'lc-meta' });
  meta.textContent = ` · ${formatSeconds(output.source.durationSeconds)} · ${output.source.originalSampleRate} Hz · ${output.source.channels} channel(s)`;
  title.append(name, meta);
  const figure = el('div', { class: 'lc-figure' });
  const canvas = el('canvas') as HTMLCanvasElement;
  const svgNode = svgEl('svg') as SVGSVGElement;
  figure.append(canvas, svgNode);
  container.append(title, figure);
  root.replaceChildren(container);

  const width = Math.max(480, Math.min(1600, (root.clientWidth || 900) - 4));
  const plotWidth = width - L.left - L.right;
  figure.style.width = `${width}px`;
  figure.style.height = `${L.top + L.height + L.axis}px`;
  const { min, max, bucketSeconds } = output.envelope;
  const total = Math.max(output.source.durationSeconds, min.length * bucketSeconds);
  const x = scaleLinear().domain([0, total]).range([0, plotWidth]);
  const peak = Math.max(1e-6, ...max.map(Math.abs), ...min.map(Math.abs));
  const y = scaleLinear().domain([-peak, peak]).range([L.height, 0]);
  const ctx = setupCanvas(canvas, plotWidth, L.height);
  canvas.style.left = `${L.left}px`;
  canvas.style.top = `${L.top}px`;
  ctx.fillStyle = getComputedStyle(container).color || '#888';
  for (let i = 0; i < min.length; i++) {
    const x0 = x(i * bucketSeconds);
    const x1 = Math.max(x0 + 0.6, x((i + 1) * bucketSeconds));
    ctx.fillRect(x0, y(max[i]), x1 - x0, Math.max(0.6, y(min[i]) - y(max[i])));
  }
  const svg = select(svgNode).attr('width', width).attr('height', L.top + L.height + L.axis);
  const plot = svg.append('g').attr('transform', `translate(${L.left}, ${L.top})`);
  plot.append('g').selectAll('rect').data(output.annotations?.cycles ?? []).join('rect')
    .attr('x', (d) => x(d.startSeconds)).attr('width', (d) => Math.max(1, x(d.endSeconds) - x(d.startSeconds)))
    .attr('y', 0).attr('height', L.height)
    .attr('fill', (d) => classColour(annotatedLabel(d), CYCLE_CLASSES)).attr('fill-opacity', 0.12);
  drawTimeAxis(plot.append('g').attr('transform', `translate(0, ${L.height})`) as unknown as Selection<SVGGElement, unknown, null, undefined>, x, plotWidth);
  if (isPlayableDataUrl(output.wavDataUrl)) {
    const audio = el('audio', { controls: '', preload: 'metadata', 'aria-label': `Play ${output.source.fileName}` }) as HTMLAudioElement;
    audio.src = output.wavDataUrl;
    container.append(audio);
  } else {
    const note = el('p', { class: 'lc-reason' });
    note.textContent = 'No player: the recording is too long to embed in the notebook (over about 10 minutes); play the file itself.';
    container.append(note);
  }
  return { dispose: () => root.replaceChildren() };
}
