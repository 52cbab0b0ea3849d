/**
 * The notebook "Open WAV File in Notebook…" writes: the quickstart's analysis cells (listen, log-mel,
 * classify, Grad-CAM for every layer × class) for one recording and one model. Pure: no vscode import.
 */
import * as path from 'node:path';
import { defaultNotebookMetadata, newCellId, splitLines, stringifyNotebook, type NbCell, type NbNotebook } from './nbformat';
import { portableModelRef, relativeWhenNear } from '../kernels/engine/formats';

export interface AnalysisNotebookOptions {
  /** The WAV file, absolute. */
  wavPath: string;
  /** Where the notebook will be saved, absolute (paths in cells are written relative to its folder). */
  notebookPath: string;
  /** The model folder, absolute (the cells name it portably: portableModelRef). */
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
  return relativeWhenNear(target, path.dirname(notebookPath), maxUp);
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
    md('## Log-mel spectrogram\n\nThe features the model sees, computed with the band range the model was trained on. The Grad-CAM view below draws this spectrogram under its maps (overlay opacity 0 shows it alone), so the notebook keeps it once; `lc.show(logMel)` shows it on its own.'),
    code([
      'await lc.initBackend();',
      // a shipped model by its name, a nearby one by a relative path: the notebook still runs when shared or after an upgrade
      `const model = await lc.loadModel(${JSON.stringify(portableModelRef(o.modelDir, path.dirname(o.notebookPath)))});`,
      'const logMel = await lc.logMelFromFile(wavPath, model.meta.featureParams);',
      'console.log(`${logMel.frames} frames × ${logMel.bands} bands, ${logMel.axes.fmin}–${logMel.axes.fmax} Hz (model ${model.meta.name})`);',
    ].join('\n')),
    md([
      '## Classify',
      '',
      'The recording is cut into 0.96 s patches (from its start; a last, shorter stretch of at least 0.48 s becomes one more patch, filled with silence). The model gives each patch a probability per class; the recording\'s label is the class with the highest mean.',
      '',
      'When an annotation sits beside the recording (`NAME.txt` from ICBHI 2017, `NAME.json` from SPRSound), each annotated cycle is classified too, and the views draw the annotated class over the model\'s, marking the cycles it gets wrong.',
    ].join('\n')),
    code([
      'const truth = lc.readRecordingAnnotations(wavPath); // null when the recording has no annotation',
      'const prediction = lc.classifyLogMel(model, logMel, truth);',
      `lc.show(prediction, { fileName: ${JSON.stringify(name)} });`,
    ].join('\n')),
    md('## Grad-CAM\n\nWhere in time and frequency the model looks, for every conv layer and class: switch layer and class in the view, move the attention threshold to see how much attention lies above it, and the band cutoff to see the model without the bands above (a model trained without them, or a what-if). By default the maps share one scale across classes, weighted by each class\'s probability, so a class the model rejects stays dark; the view also offers per recording and per patch (pytorch-grad-cam\'s).'),
    o.familyDir
      ? code([
        '// Every member of the model family, precomputed: the band-cutoff control switches between them.',
        `const cam = await lc.cutoffView(wavPath, ${JSON.stringify(portableModelRef(o.familyDir, path.dirname(o.notebookPath)))}${method ? `, { method: ${JSON.stringify(method)} }` : ''});`,
        'lc.show(cam);',
      ].join('\n'))
      : code([
        `const cam = await lc.recordingCam(model, logMel, { everything: true, prediction: prediction${method ? `, method: ${JSON.stringify(method)}` : ''} });`,
        'lc.show(cam);',
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
