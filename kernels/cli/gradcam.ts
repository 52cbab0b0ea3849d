/**
 * `lungcam gradcam <wav> --out F.json|F.npy|F.png|F.svg|F.html`: where the model looks in a recording.
 * The map is aligned frame for frame with `lungcam features` on the same file and parameters (which come
 * from the model unless given). JSON carries axes, parameters, per-patch probabilities, summaries and,
 * on request, faithfulness and sanity numbers; PNG/SVG are figures; HTML is one interactive page.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { Option } from 'commander';
import { basename, extname } from 'node:path';
import { defaultModelDir } from './modelOptions';
import { LungcamInputError, printable } from '../engine/errors';
import { addBackendOption, addFeatureOptions, attentionThresholdOption, featureFlagsGiven, parsePositiveInt, requestedFeatures, type BackendChoice, type FeatureOptionValues } from './args';
import type { MaskFill } from '../engine/cutoff/bandMask';
import { CAM_COLORMAPS, DEFAULT_CAM_COLORMAP, type ColormapName } from '../shared/view/colormaps';
import { PlotColumns, plotWidth } from '../shared/view/figure';
import { CAM_METHODS, DEFAULT_CAM_METHOD } from '../shared/view/methods';
import { DEFAULT_NORMALISATION, NORMALISATIONS, type CamNormalisation } from '../shared/view/normalisation';
import { CAM_BATCH } from '../engine/cam/camBatch';
import type { StreamedCam } from '../engine/cam/chunks';
import { MapFile, mapInMemory } from '../engine/cam/mapRows';
import type { CamModel } from '../engine/cam/explain';
import type { LogMel } from '../engine/types';

export interface GradcamCliOptions extends Omit<FeatureOptionValues, 'cutoff'> {
  model?: string;
  /** The band cutoff to look at, as typed (checked against the model or family: cutoff/plan.ts). */
  cutoff?: string;
  maskFill: MaskFill;
  layer?: string[];
  class?: string;
  method?: string;
  raw?: boolean;
  normalise: CamNormalisation;
  out: string;
  events?: string;
  attentionThreshold: number;
  faithfulness?: boolean;
  sanity?: boolean;
  /** Patches per forward/backward pass (default CAM_BATCH). */
  batchSize?: number;
  colormap: ColormapName;
  backend: BackendChoice;
  quiet?: boolean;
}

const OUTPUTS = ['.json', '.npy', '.png', '.svg', '.html'];


const parseList = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('gradcam')
    .description('Grad-CAM of a recording: where in time and frequency the model looks for a class.')
    .argument('<wav>', 'input WAV file')
    .requiredOption('--out <file>', 'output: .json (map + axes + numbers), .npy ([frames, bands] float32), .png/.svg (figure) or .html (interactive page)')
    .option('--model <dir>', 'model folder or model family folder (default: the shipped samples/models/baseline)')
    .addOption(new Option('--layer <names>', 'conv layer(s), comma-separated; several are averaged (default: the last conv layer)').argParser(parseList))
    .option('--class <name>', 'class to explain (default: the predicted class)')
    .option('--method <name>', CAM_METHODS.join(', '), DEFAULT_CAM_METHOD)
    .addOption(new Option('--normalise <how>', `how the map is scaled to 0..1: ${NORMALISATIONS.map((n) => `${n.normalisation} (${n.meaning})`).join('; ')}`)
      .choices(NORMALISATIONS.map((n) => n.normalisation)).default(DEFAULT_NORMALISATION))
    .option('--raw', 'unnormalised map (comparable between recordings) instead of 0..1');
  addFeatureOptions(cmd, 'view');
  addBackendOption(cmd)
    .option('--events <file>', 'ground-truth events JSON for localisation (default: NAME.events.json beside the WAV, if present)')
    .addOption(attentionThresholdOption())
    .option('--faithfulness', 'add deletion/insertion curves (AUC) against random and energy baselines (slower)')
    .option('--sanity', 'add the model-randomisation sanity check (slower)')
    .addOption(new Option('--batch-size <n>', `patches per pass (default ${CAM_BATCH}: the wasm heap grows to the largest pass and never shrinks; larger passes are no faster)`).argParser(parsePositiveInt))
    .addOption(new Option('--colormap <name>', 'colour map of .png/.svg figures and the .html view (the views\' lungcam.colormap)').choices(CAM_COLORMAPS).default(DEFAULT_CAM_COLORMAP))
    .option('--quiet', 'do not print the summary line')
    .action(async (wav: string, opts: GradcamCliOptions) => runGradcam(wav, opts));
}

/**
 * Faithfulness and the sanity check score every unpadded patch with the model many times over, holding
 * those patches and their maps: longer recordings than this are refused before any work.
 */
export const MAX_SCORED_SECONDS = 600;
/** An interactive page holds the whole recording (every layer × class) in one document: up to this long. */
export const MAX_HTML_SECONDS = 1200;

export async function runGradcam(wav: string, opts: GradcamCliOptions): Promise<void> {
  const ext = extname(opts.out).toLowerCase();
  if (!OUTPUTS.includes(ext)) throw new LungcamInputError(`the output must end in ${OUTPUTS.join(', ')}`, opts.out);
  const { checkOutputPath, atomicWriteFile } = await import('../engine/io/atomicWrite');
  checkOutputPath(opts.out);
  const { checkRegularFile } = await import('../engine/io/inputFile');
  checkRegularFile(wav);
  const { initBackend, backendDescription } = await import('../engine/model/backend');
  const { checkFeatureParams } = await import('../engine/model/modelIO');
  const { logMelFromFile } = await import('../engine/audio/features');
  const { checkModelInput } = await import('../engine/audio/audioCheck');
  const { resolveMethod, resolveLayers, resolveClasses } = await import('../engine/cam/layers');
  const { readEvents } = await import('../engine/cam/explain');
  const { openModelSource, planBandCutoff, readBandCutoff, cutoffFields, describePlan } = await import('../engine/cutoff/plan');
  const { MemberModels, camModelOf, cutoffInput } = await import('../engine/cutoff/cutoffCam');

  const method = resolveMethod(opts.method);
  // Check the user's choices before the (slow) audio and CAM work: the model or family, the cutoff.
  const source = openModelSource(opts.model ?? defaultModelDir());
  const plan = planBandCutoff(source, opts.cutoff === undefined ? null : readBandCutoff(opts.cutoff, source), opts.maskFill);
  const features = { ...opts, cutoff: undefined };
  checkFeatureParams(plan.member.meta, requestedFeatures(features), featureFlagsGiven(features));
  // Quiet: stderr is kept for errors (one line); the backend is named in the summary line.
  await initBackend(opts.backend, { quiet: true });
  const models = new MemberModels(source);
  const loaded = await models.get(plan.member);
  const cm = camModelOf(loaded);
  resolveLayers(cm.model, opts.layer, cm.convLayers);
  if (opts.class !== undefined) resolveClasses([opts.class], cm.classes);
  const scored = ext === '.json' && (opts.faithfulness || opts.sanity);
  if (scored || ext === '.html') {
    // Outputs that hold the whole recording at once have a length limit, checked before any work.
    const { openWavStream } = await import('../engine/audio/wav');
    const stream = openWavStream(wav);
    const seconds = stream.layout.frames / stream.layout.format.sampleRate;
    stream.close();
    const minutes = (seconds / 60).toFixed(1);
    if (scored && seconds > MAX_SCORED_SECONDS) {
      throw new LungcamInputError(`--faithfulness and --sanity score the whole recording in memory, up to ${MAX_SCORED_SECONDS / 60} minutes; this one is ${minutes} minutes: leave them out (the map and its summaries stream at any length) or run them on an excerpt`, wav);
    }
    if (ext === '.html' && seconds > MAX_HTML_SECONDS) {
      throw new LungcamInputError(`an interactive page holds the whole recording in one file, up to ${MAX_HTML_SECONDS / 60} minutes; this one is ${minutes} minutes: choose --out F.json or F.npy (the map, streamed at any length) or F.png, or open the recording with Quick Analysis in VS Code (it fetches layers as you pick them)`, wav);
    }
  }
  // The planned model's input: its own bands of the recording, masked above the cutoff for a what-if (the
  // full-band log-mel is not kept beside it: a long recording's is as large as its map).
  let logMel = await (async () => {
    const full = await logMelFromFile(wav, source.featureParams);
    printWarnings([...full.warnings, ...checkModelInput(full, wav)]);
    return cutoffInput(full, plan);
  })();
  const events = ext === '.npy' ? null : readEvents(wav, opts.events);
  // The classification with the annotated cycles (when NAME.txt/NAME.json sit beside the WAV): the
  // cycle lane of every output but the bare map, and the same numbers `classify` prints.
  const { annotatedPrediction } = await import('./annotatedPrediction');
  const prediction = ext === '.npy' ? undefined : await annotatedPrediction(loaded, logMel, wav);
  const { cycleLaneOf } = await import('../engine/model/cycleLane');
  const lane = cycleLaneOf(prediction);

  if (ext === '.html') {
    const { viewCamOutput } = await import('../engine/cam/viewChunks');
    const { camHtml } = await import('../engine/export/html');
    const out = await viewCamOutput(cm, logMel, { method, batchSize: opts.batchSize, ...(lane || events ? { annotations: { ...lane, ...(events ? { events } : {}) } } : {}) });
    await atomicWriteFile(opts.out, camHtml(out, opts.colormap));
    if (!opts.quiet) process.stdout.write(`${printable(opts.out)}: ${method} of ${cm.id}, every layer × class${out.omittedLayers ? ` (left out: ${out.omittedLayers.join(', ')})` : ''}, ${logMel.frames} frames × ${logMel.bands} bands; backend ${backendDescription()}\n`);
    return;
  }

  const { streamRecordingCam } = await import('../engine/cam/chunks');
  const { eventClasses } = await import('../engine/export/json');
  const { frames, bands } = logMel;
  const camOptions = {
    // The predicted class is the classification's (the one rule), so the CAM needs no pass of its own for it.
    layers: opts.layer, className: opts.class ?? prediction?.label, method, raw: opts.raw, normalisation: opts.normalise ?? DEFAULT_NORMALISATION,
    batchSize: opts.batchSize, ...(events ? { localisedClasses: eventClasses(events, cm.classes) } : {}),
  };
  let cam: StreamedCam;
  let map = new Float32Array(0);
  let mapFile: MapFile | null = null;
  let columns: PlotColumns | null = null;
  const classMaps = new Map<number, Float32Array>();
  if (ext === '.npy') {
    // Rows go straight into the file as each chunk is done.
    const { writeNpyRows } = await import('../engine/io/npy');
    const { writeRows } = await import('../engine/io/rowFile');
    await writeNpyRows(opts.out, async (begin) => {
      const file = begin(frames, bands);
      cam = await streamRecordingCam(cm, logMel, camOptions, (rows) => writeRows(file, bands, rows.rowStart, rows.data));
    });
  } else if (ext === '.json' && !events) {
    // A long recording's map would be as large as its log-mel: it waits in a temporary file.
    const file = (mapFile = new MapFile(frames, bands));
    try {
      cam = await streamRecordingCam(cm, logMel, camOptions, (rows) => file.write(rows.rowStart, rows.data));
    } catch (e) {
      file.close();
      throw e;
    }
  } else if ((ext === '.png' || ext === '.svg') && frames > plotWidth(frames)) {
    // A figure shows a column per pixel: a long recording's map is gathered into its columns as it comes.
    const gathered = (columns = new PlotColumns(frames, bands));
    cam = await streamRecordingCam(cm, logMel, camOptions, (rows) => {
      if (rows.shown) gathered.add(rows.rowStart, rows.data);
    });
  } else {
    map = new Float32Array(frames * bands);
    cam = await streamRecordingCam(cm, logMel, camOptions, (rows) => {
      if (rows.shown) map.set(rows.data, rows.rowStart * bands);
      if (!rows.localised) return;
      if (rows.shown) classMaps.set(rows.classIndex, map);
      else (classMaps.get(rows.classIndex) ?? classMaps.set(rows.classIndex, new Float32Array(frames * bands)).get(rows.classIndex)!).set(rows.data, rows.rowStart * bands);
    });
  }
  const fileName = logMel.source?.fileName ?? basename(wav);
  const { recordingProbabilities } = await import('../shared/view/recordingLabel');
  const mean = recordingProbabilities(cam!.probabilities, cm.classes.length);

  if (ext === '.json') {
    const { gradcamDocument } = await import('../engine/export/json');
    const { writeJsonFile } = await import('../engine/io/jsonStream');
    const scoredInput = scored ? await scoredPatches(cm, logMel, cam!, method) : undefined;
    // The log-mel is not needed any more: a long recording's is as large as its map.
    logMel = { ...logMel, data: new Float32Array(0) };
    try {
      const rows = mapFile ?? mapInMemory(map, frames, bands);
      await writeJsonFile(opts.out, await gradcamDocument({ cam: cam!, logMel, map: rows, classMaps, scored: scoredInput, lane }, cm, {
        wav, events: opts.events, attentionThresholdHz: opts.attentionThreshold, faithfulness: opts.faithfulness, sanity: opts.sanity, method, cutoff: cutoffFields(plan, source),
      }));
    } finally {
      mapFile?.close();
    }
  } else if (ext === '.png' || ext === '.svg') {
    const { camFigure } = await import('../engine/export/json');
    const fig = camFigure({
      fileName, method, layers: cam!.layers, classIndex: cam!.classIndex, classes: cm.classes, recordingProbabilities: mean, patchCount: cam!.placement.startFrame.length,
      modelId: cm.id, raw: cam!.raw, normalisation: cam!.normalisation, logMel, map: columns ?? map, events, lane, colormap: opts.colormap,
    });
    if (ext === '.png') {
      const { camFigurePng } = await import('../engine/export/png');
      await atomicWriteFile(opts.out, camFigurePng(fig));
    } else {
      const { camFigureSvg } = await import('../engine/export/svg');
      await atomicWriteFile(opts.out, camFigureSvg(fig));
    }
  }
  if (!opts.quiet) {
    const { argmax } = await import('../shared/view/recordingLabel');
    const { plural } = await import('../shared/view/words');
    const top = argmax(mean);
    const shown = cam!.classIndex;
    const explained = top === shown ? `the predicted class ${cam!.className} (p ${mean[top].toFixed(2)})` : `class ${cam!.className} (p ${mean[shown].toFixed(2)}; predicted ${cm.classes[top]}, p ${mean[top].toFixed(2)})`;
    process.stdout.write(`${printable(opts.out)}: ${method} of ${describePlan(plan)}, layer ${cam!.layers.join('+')}, ${explained}, over ${plural(cam!.placement.startFrame.length, 'patch', 'patches')}, ${frames} frames × ${bands} bands; backend ${backendDescription()}\n`);
  }

}

/** The unpadded patches and their maps at the patch size, for faithfulness and the sanity check. */
async function scoredPatches(cm: CamModel, logMel: LogMel, cam: StreamedCam, method: string) {
  const { cutPatches } = await import('../engine/audio/patches');
  const { gradCam, patchMaps } = await import('../engine/cam/cam');
  const keep = cam.placement.padded.map((p, i) => (p ? -1 : i)).filter((i) => i >= 0);
  const use = keep.length ? keep : [0];
  const starts = use.map((i) => cam.placement.startFrame[i]);
  const patches = { data: cutPatches(logMel, starts, 0, starts.length), count: starts.length, frames: 96, bands: logMel.bands };
  const result = await gradCam(cm.model, patches, { layers: cam.layers, classes: [cam.classIndex], method, classNames: cm.classes, convLayers: cm.convLayers, batchSize: 4 });
  return { patches, saliency: patchMaps(result, cam.classIndex, { layers: cam.layers }) };
}
