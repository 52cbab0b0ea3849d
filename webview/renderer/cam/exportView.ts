// The CAM view as it stands, as a standalone SVG (and a PNG drawn from that SVG): the canvases in
// drawing order under the figure's SVG marks, in the theme's colours, titled with what is shown.
import { exportedHeight, svgToPngDataUrl, viewToSvg, type ExportInput, type ExportLayer } from '../export';
import { formatSeconds } from '../scales';
import type { CamFigure } from './figure';
import { SIDE, marksHeight } from './layout';
import type { ViewData } from './part';
import { figureNotes } from '../../../kernels/shared/view/figure';
import { recordingProbabilities } from '../../../kernels/shared/view/recordingLabel';

function themeColours(container: HTMLElement): Pick<ExportInput, 'foreground' | 'background' | 'fontFamily'> {
  const cs = getComputedStyle(container);
  const body = getComputedStyle(document.body);
  const bg = body.getPropertyValue('--vscode-editor-background').trim() || body.backgroundColor;
  return { foreground: cs.color, background: bg && bg !== 'rgba(0, 0, 0, 0)' ? bg : '#ffffff', fontFamily: cs.fontFamily };
}

function exportInput(fig: CamFigure, container: HTMLElement, v: ViewData): ExportInput {
  const { layout, state, output } = v;
  const { plotWidth, rows } = layout;
  const { canvases } = fig;
  const layer = (canvas: HTMLCanvasElement, y: number, height: number, opacity = 1): ExportLayer => ({
    canvas,
    x: SIDE.left,
    y,
    width: plotWidth,
    height,
    opacity,
  });
  const layers = [
    layer(canvases.spectrogram, rows.map.top, rows.map.height),
    layer(canvases.cam, rows.map.top, rows.map.height, state.opacity),
    layer(canvases.marks, 0, marksHeight(layout)),
  ];
  if (rows.overview) {
    layers.push(layer(canvases.overviewSpectrogram, rows.overview.top, rows.overview.height));
    layers.push(layer(canvases.overviewCam, rows.overview.top, rows.overview.height, state.opacity));
  }
  const [start, end] = state.window;
  return {
    svg: fig.svgNode,
    layers,
    width: layout.width,
    height: layout.height,
    title: `${output.source.fileName} · ${output.method} · layer ${state.layer} · class ${state.className} · ${formatSeconds(start)}–${formatSeconds(end)}`,
    notes: exportNotes(v),
    ...themeColours(container),
  };
}

/** The lines under an export's title: the prediction, the cycles' verdicts, the normalisation (figure.ts's words). */
function exportNotes({ output, state }: ViewData): string[] {
  return figureNotes({
    classes: output.classes, recordingProbabilities: recordingProbabilities(output.probabilities, output.classes.length),
    classIndex: Math.max(0, output.classes.indexOf(state.className)), patchCount: output.patches.startFrame.length,
    annotations: output.annotations, normalisation: state.normalisation,
  });
}

export function exportSvg(fig: CamFigure, container: HTMLElement, v: ViewData): string {
  return viewToSvg(exportInput(fig, container, v));
}

/** A PNG data URL drawn from the exported SVG text, so both files show the same. */
export function exportPng(svgText: string, v: ViewData): Promise<string> {
  return svgToPngDataUrl(svgText, v.layout.width, exportedHeight(v.layout.height, exportNotes(v).length));
}
