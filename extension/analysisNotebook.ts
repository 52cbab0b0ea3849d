/**
 * The notebook "Open WAV File in Notebook…" writes: the quickstart's analysis cells (listen, log-mel,
 * classify, Grad-CAM for every layer × class) for one recording and one model. Pure: no vscode import.
 */
import * as path from 'node:path';
import { defaultNotebookMetadata, newCellId, splitLines, stringifyNotebook, type NbCell, type NbNotebook } from './nbformat';

export interface AnalysisNotebookOptions {
  /** The WAV file, absolute. */
  wavPath: string;
  /** Where the notebook will be saved, absolute (paths in cells are written relative to its folder). */
  notebookPath: string;
  /** The model folder, absolute. */
  modelDir: string;
  /** A model family folder, absolute: the Grad-CAM cell shows every member's cutoff (modelDir is one of them). */
  familyDir?: string;
  /** CAM method (`lungcam.method`). */
  method?: string;
}

/**
 * A path as a cell should spell it: relative to the notebook's folder when it climbs at most `maxUp`
 * folders (so the notebook moves with its recordings), else absolute.
 */
export function cellPath(target: string, notebookPath: string, maxUp = 2): string {
  const rel = path.relative(path.dirname(notebookPath), target).split(path.sep).join('/');
  const ups = rel.split('/').filter((p) => p === '..').length;
  if (!rel || path.isAbsolute(rel) || ups > maxUp) return target;
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const md = (text: string): NbCell => ({ cell_type: 'markdown', id: newCellId(), metadata: {}, source: splitLines(text) });
const code = (text: string): NbCell => ({ cell_type: 'code', id: newCellId(), metadata: {}, source: splitLines(text), outputs: [], execution_count: null });

export function analysisNotebook(o: AnalysisNotebookOptions): NbNotebook {
  const name = path.basename(o.wavPath);
  const method = o.method && o.method !== 'gradcam' ? o.method : undefined;
  const cells: NbCell[] = [
    md(`# ${name}\n\nLungCAM analysis of this recording: listen, look at its log-mel spectrogram, classify it and explain the decision with Grad-CAM. Run all cells (they run in the LungCAM kernel, in its own process).`),
    code([
      'import * as lc from "lungcam";',
      '',
      `const wavPath = ${JSON.stringify(cellPath(o.wavPath, o.notebookPath))};`,
      'const audio = await lc.readWav(wavPath);',
      `lc.show(audio, { fileName: ${JSON.stringify(name)} });`,
    ].join('\n')),
    md('## Log-mel spectrogram\n\nThe features the model sees, computed with the band range the model was trained on.'),
    code([
      'await lc.initBackend();',
      // the model folder: relative only when it lies beside or below the notebook (an installed extension's folder moves with its version)
      `const model = await lc.loadModel(${JSON.stringify(cellPath(o.modelDir, o.notebookPath, 0))});`,
      'const logMel = await lc.logMelFromFile(wavPath, model.meta.featureParams);',
      'lc.show(logMel);',
    ].join('\n')),
    md('## Classify\n\nProbabilities per 0.96 s patch; the recording\'s label is the class with the highest mean probability.'),
    code([
      'const prediction = lc.classifyLogMel(model, logMel);',
      `lc.show(prediction, { fileName: ${JSON.stringify(name)} });`,
    ].join('\n')),
    md('## Grad-CAM\n\nWhere in time and frequency the model looks, for every conv layer and class: switch layer and class in the view, move the attention threshold to see how much attention lies above it, and the band cutoff to see the model without the bands above (a model trained without them, or a what-if).'),
    o.familyDir
      ? code([
        '// Every member of the model family, precomputed: the band-cutoff control switches between them.',
        `const cam = await lc.cutoffView(wavPath, ${JSON.stringify(cellPath(o.familyDir, o.notebookPath, 0))}${method ? `, { method: ${JSON.stringify(method)} }` : ''});`,
        'lc.show(cam);',
      ].join('\n'))
      : code([
        'const camModel = { model: model.model, id: model.meta.name, classes: model.meta.classes, convLayers: model.meta.convLayers };',
        `const cam = await lc.recordingCam(camModel, logMel, { everything: true${method ? `, method: ${JSON.stringify(method)}` : ''} });`,
        'lc.show(cam, { modelId: model.meta.name });',
      ].join('\n')),
  ];
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: defaultNotebookMetadata(),
    cells,
  };
}

export function analysisNotebookText(o: AnalysisNotebookOptions): string {
  return stringifyNotebook(analysisNotebook(o));
}

/** A free notebook name beside the WAV: NAME.lungnb, else NAME-2.lungnb, … */
export function notebookPathFor(wavPath: string, exists: (p: string) => boolean): string {
  const base = path.join(path.dirname(wavPath), path.basename(wavPath, path.extname(wavPath)));
  for (let i = 1; ; i++) {
    const candidate = `${base}${i === 1 ? '' : `-${i}`}.lungnb`;
    if (!exists(candidate)) return candidate;
  }
}
