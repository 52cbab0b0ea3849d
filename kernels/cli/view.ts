/**
 * `lungcam view <wav> --out F.json`: the renderer's outputs for one recording in one JSON file —
 * `{ spectrogram, predictions, cam }` (kernels/shared/outputTypes.ts), the CAM for every layer × class.
 * The extension's Quick Analysis panel and its renderer messaging (recompute with another method) run
 * this in a child process, so the VS Code extension host never does the heavy work itself.
 * Progress goes to stderr as `progress: <step>` lines; the file is written atomically.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { Option } from 'commander';
import { extname } from 'node:path';
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
  const { checkOutputPath } = await import('../engine/io/atomicWrite');
  checkOutputPath(opts.out);
  const { resolveMethod } = await import('../engine/cam/layers');
  const method = resolveMethod(opts.method);
  const modelDir = opts.model ?? defaultModelDir();
  const { readModelMetadata, checkFeatureParams, loadModel } = await import('../engine/model/modelIO');
  const meta = readModelMetadata(modelDir);
  const { checkViewCutoff } = await import('../engine/show/viewOutputs');
  checkViewCutoff(meta, opts.cutoff);
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
  const { viewOutputs } = await import('../engine/show/viewOutputs');
  const out = await viewOutputs(loaded, logMel, wav, {
    method, ...(opts.requestId ? { requestId: opts.requestId } : {}),
    onProgress: (step, done) => { if (done === undefined || done === 0) progress(step); },
  });
  progress('writing');
  const { writeJsonFile } = await import('../engine/io/jsonStream');
  await writeJsonFile(opts.out, out);
  process.stdout.write(`${printable(opts.out)}: ${method} of ${loaded.meta.name}, label ${out.predictions.label}, ${logMel.frames} frames × ${logMel.bands} bands\n`);
}
