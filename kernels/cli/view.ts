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
import { bandCutoffOption, maskFillOption } from './args';
import type { MaskFill } from '../engine/cutoff/bandMask';

export interface ViewCliOptions {
  out: string;
  model?: string;
  method: string;
  cutoff?: string;
  maskFill: MaskFill;
  onlyCutoff?: boolean;
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
    .option('--model <dir>', 'model folder or model family folder (default: the shipped samples/models/baseline)')
    .option('--method <name>', VIEW_METHODS.join(', '), 'gradcam')
    .addOption(bandCutoffOption())
    .addOption(maskFillOption())
    .option('--only-cutoff', 'with a family: only the cutoff asked, not the other members (a what-if for a view that has them)')
    .option('--request-id <id>', 'opaque id stored in the CAM output, for recomputation requests from the view')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .action(async (wav: string, opts: ViewCliOptions) => runView(wav, opts));
}

const progress = (step: string) => process.stderr.write(`progress: ${step}\n`);

export async function runView(wav: string, opts: ViewCliOptions): Promise<void> {
  if (extname(opts.out).toLowerCase() !== '.json') throw new LungcamInputError('the output must end in .json', opts.out);
  const { checkOutputPath, atomicWriteFile } = await import('../engine/io/atomicWrite');
  checkOutputPath(opts.out);
  const { planCutoffView, computeCutoffView } = await import('../engine/cutoff/cutoffView');
  const { cutoffFields, describePlan } = await import('../engine/cutoff/plan');
  const modelDir = opts.model ?? defaultModelDir();
  // The model or family and the cutoff are checked before the slow work; the backend before the models load.
  planCutoffView(modelDir, { bandCutoffHz: opts.cutoff, maskFill: opts.maskFill });
  const { initBackend } = await import('../engine/model/backend');
  await initBackend(opts.backend, { quiet: true });
  const view = await computeCutoffView(wav, modelDir, {
    method: opts.method, bandCutoffHz: opts.cutoff, maskFill: opts.maskFill, onlyCutoff: opts.onlyCutoff,
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    onProgress: progress,
    onWarning: (w) => process.stderr.write(`lungcam: warning: ${w}\n`),
  });
  const { source, plan, full, main } = view;
  const fileName = basename(wav);
  progress('classifying');
  const { classifyLogMel } = await import('../engine/model/classify');
  const { cutoffInput } = await import('../engine/cutoff/cutoffCam');
  const { predictionsOutput, spectrogramOutput } = await import('../engine/show/toOutput');
  const prediction = classifyLogMel(main.loaded, cutoffInput(full, plan));
  const cam = { ...view.cam, methods: VIEW_METHODS };
  const out = {
    spectrogram: spectrogramOutput(full, { fileName }),
    predictions: predictionsOutput({ ...prediction, file: wav }, { fileName, modelId: main.loaded.meta.name }),
    cam,
    cutoff: cutoffFields(plan, source),
  };
  progress('writing');
  await atomicWriteFile(opts.out, JSON.stringify(out));
  process.stdout.write(`${opts.out}: ${cam.method} of ${describePlan(plan)}${cam.rungs?.length ? ` and ${cam.rungs.length} more cutoff(s) of family ${source.name}` : ''}, label ${prediction.label}, ${full.frames} frames × ${full.bands} bands\n`);
}
