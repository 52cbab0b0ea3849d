/**
 * `lungcam view <wav> --out F.json`: the renderer's outputs for one recording in one JSON file —
 * `{ spectrogram, predictions, cam }` (kernels/shared/outputTypes.ts), the CAM for every layer × class.
 * The extension's Quick Analysis panel and its renderer messaging (recompute with another method) run
 * this in a child process, so the VS Code extension host never does the heavy work itself.
 * Progress goes to stderr as `progress: <step>` lines; the file is written atomically.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { basename, extname } from 'node:path';
import { defaultModelDir } from './modelOptions';
import { LungcamInputError, printable } from '../engine/errors';
import { addBackendOption, addFeatureOptions, featureFlagsGiven, requestedFeatures, type BackendChoice, type FeatureOptionValues } from './args';
import { CAM_METHODS, DEFAULT_CAM_METHOD } from '../shared/view/methods';

export interface ViewCliOptions extends FeatureOptionValues {
  out: string;
  model?: string;
  method: string;
  requestId?: string;
  backend: BackendChoice;
}


export function register(program: Command): void {
  const cmd = program
    .command('view')
    .description('Spectrogram, predictions and Grad-CAM (every layer × class) of a recording as the renderer\'s JSON.')
    .argument('<wav>', 'input WAV file')
    .requiredOption('--out <file.json>', 'output JSON: { spectrogram, predictions, cam }')
    .option('--model <dir>', 'model folder (default: the shipped samples/models/baseline)')
    .option('--method <name>', CAM_METHODS.join(', '), DEFAULT_CAM_METHOD)
    .option('--request-id <id>', 'opaque id stored in the CAM output, for recomputation requests from the view');
  addFeatureOptions(cmd, 'model');
  addBackendOption(cmd).action(async (wav: string, opts: ViewCliOptions) => runView(wav, opts));
}

const progress = (step: string) => process.stderr.write(`progress: ${step}\n`);

export async function runView(wav: string, opts: ViewCliOptions): Promise<void> {
  if (extname(opts.out).toLowerCase() !== '.json') throw new LungcamInputError('the output must end in .json', opts.out);
  const { checkOutputPath, atomicWriteFile } = await import('../engine/io/atomicWrite');
  checkOutputPath(opts.out);
  const { resolveMethod } = await import('../engine/cam/layers');
  const method = resolveMethod(opts.method);
  const modelDir = opts.model ?? defaultModelDir();
  const { readModelMetadata, checkFeatureParams, loadModel } = await import('../engine/model/modelIO');
  const meta = readModelMetadata(modelDir);
  if (opts.cutoff !== undefined && opts.cutoff !== (meta.featureParams.cutoffHz ?? null)) {
    throw new LungcamInputError(
      `model ${meta.name} was trained ${meta.featureParams.cutoffHz === null ? 'on the full band' : `with a cutoff at ${meta.featureParams.cutoffHz} Hz`}; to compare a cutoff at ${opts.cutoff} Hz, train a model with --cutoff ${opts.cutoff} and select it`,
      '--cutoff',
    );
  }
  const params = checkFeatureParams(meta, requestedFeatures(opts), featureFlagsGiven(opts));
  progress('reading the recording');
  const { logMelFromFile } = await import('../engine/audio/features');
  const { checkModelInput } = await import('../engine/audio/audioCheck');
  const logMel = await logMelFromFile(wav, params);
  printWarnings([...logMel.warnings, ...checkModelInput(logMel, wav)]);
  progress('loading the model');
  const { initBackend } = await import('../engine/model/backend');
  await initBackend(opts.backend, { quiet: true });
  const loaded = await loadModel(modelDir);
  const fileName = basename(wav);
  progress('classifying');
  const { classifyLogMel } = await import('../engine/model/classify');
  const { predictionsOutput, spectrogramOutput } = await import('../engine/show/toOutput');
  const prediction = classifyLogMel(loaded, logMel);
  progress('computing Grad-CAM for every layer and class');
  const { recordingCam, readEvents } = await import('../engine/cam/explain');
  const { camOutput } = await import('../engine/cam/output');
  const cm = { model: loaded.model, id: loaded.meta.name, classes: loaded.meta.classes, convLayers: loaded.meta.convLayers };
  const rc = await recordingCam(cm, logMel, { method, everything: true });
  const events = readEvents(wav);
  const source = logMel.source ?? { fileName, durationSeconds: logMel.frames / 100, originalSampleRate: 16000, channels: 1 };
  const cam = {
    ...camOutput({
      result: rc.result, logMel: { ...logMel, source }, patches: rc.patches, modelId: cm.id,
      defaultLayer: rc.layers[rc.layers.length - 1], defaultClass: rc.className,
      ...(events ? { annotations: { events } } : {}),
      ...(opts.requestId ? { requestId: opts.requestId } : {}),
    }),
    // The methods the view's dropdown offers: every one the engine computes.
    methods: [...CAM_METHODS],
  };
  const out = {
    spectrogram: spectrogramOutput(logMel, { fileName }),
    predictions: predictionsOutput({ ...prediction, file: wav }, { fileName, modelId: cm.id }),
    cam,
  };
  progress('writing');
  await atomicWriteFile(opts.out, JSON.stringify(out));
  process.stdout.write(`${printable(opts.out)}: ${method} of ${cm.id}, label ${prediction.label}, ${logMel.frames} frames × ${logMel.bands} bands\n`);
}
