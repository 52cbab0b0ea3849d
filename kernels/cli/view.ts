/**
 * `lungcam view <wav> --out F.json`: the renderer's outputs for one recording in one JSON file —
 * `{ spectrogram, predictions, cam }` (kernels/shared/outputTypes.ts), the CAM for every layer × class.
 * The extension's Quick Analysis panel and its renderer messaging (recompute with another method) run
 * this in a child process, so the VS Code extension host never does the heavy work itself.
 * Progress goes to stderr as `progress: <step>` lines; the file is written atomically.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { basename, extname } from 'node:path';
import { defaultModelDir } from './modelOptions';
import { LungcamInputError } from '../engine/errors';
import { parseNumber } from './args';

export interface ViewCliOptions {
  out: string;
  model?: string;
  method: string;
  cutoff?: number;
  requestId?: string;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

/** The CAM methods the engine implements (the renderer's method dropdown offers these). */
export const VIEW_METHODS = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'eigencam', 'scorecam'];

export function register(program: Command): void {
  program
    .command('view')
    .description('Spectrogram, predictions and Grad-CAM (every layer × class) of a recording as the renderer\'s JSON.')
    .argument('<wav>', 'input WAV file')
    .requiredOption('--out <file.json>', 'output JSON: { spectrogram, predictions, cam }')
    .option('--model <dir>', 'model folder (default: the shipped samples/models/baseline)')
    .option('--method <name>', VIEW_METHODS.join(', '), 'gradcam')
    .addOption(new Option('--cutoff <hz>', "check: the model's band cutoff (a model is trained with one cutoff)").argParser(parseNumber))
    .option('--request-id <id>', 'opaque id stored in the CAM output, for recomputation requests from the view')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .action(async (wav: string, opts: ViewCliOptions) => runView(wav, opts));
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
  const params = checkFeatureParams(meta, {}, 'features');
  progress('reading the recording');
  const { logMelFromFile } = await import('../engine/audio/features');
  const logMel = await logMelFromFile(wav, params);
  for (const w of logMel.warnings) process.stderr.write(`lungcam: warning: ${w}\n`);
  progress('loading the model');
  const { initBackend } = await import('../engine/model/backend');
  await initBackend(opts.backend, { quiet: true });
  const loaded = await loadModel(modelDir);
  const fileName = basename(wav);
  progress('classifying');
  const { annotatedPrediction } = await import('./annotatedPrediction');
  const { predictionsOutput, spectrogramOutput } = await import('../engine/show/toOutput');
  const { cycleLaneOf } = await import('../engine/show/cycleLane');
  const prediction = await annotatedPrediction(loaded, logMel, wav);
  progress('computing Grad-CAM for every layer and class');
  const { recordingCam, readEvents } = await import('../engine/cam/explain');
  const { camOutput } = await import('../engine/cam/output');
  const rc = await recordingCam(loaded, logMel, { method, everything: true, prediction });
  const events = readEvents(wav);
  const lane = cycleLaneOf(prediction);
  const annotations = lane || events ? { ...lane, ...(events ? { events } : {}) } : undefined;
  const source = logMel.source ?? { fileName, durationSeconds: logMel.frames / 100, originalSampleRate: 16000, channels: 1 };
  const cam = {
    ...camOutput({
      result: rc.result, logMel: { ...logMel, source }, patches: rc.patches, modelId: rc.modelId,
      defaultLayer: rc.layers[rc.layers.length - 1], defaultClass: rc.className,
      ...(annotations ? { annotations } : {}),
      ...(opts.requestId ? { requestId: opts.requestId } : {}),
    }),
    methods: VIEW_METHODS,
  };
  const out = {
    spectrogram: { ...spectrogramOutput(logMel, { fileName }), ...(annotations ? { annotations } : {}) },
    predictions: predictionsOutput({ ...prediction, file: wav }, { fileName, modelId: rc.modelId }),
    cam,
  };
  progress('writing');
  await atomicWriteFile(opts.out, JSON.stringify(out));
  const { cycleSummary } = await import('../shared/view/cycleVerdicts');
  const { plural } = await import('../shared/view/words');
  const verdicts = lane?.cycles ? ` ${cycleSummary(lane.cycles, lane.source)}` : '';
  process.stdout.write(`${opts.out}: ${method} of ${rc.modelId}, label ${prediction.label} over ${plural(rc.patches.count, 'patch', 'patches')}, ${logMel.frames} frames × ${logMel.bands} bands.${verdicts}\n`);
}
