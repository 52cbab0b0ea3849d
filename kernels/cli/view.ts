/**
 * `lungcam view <wav> --out F.json`: the renderer's outputs for one recording in one JSON file —
 * `{ spectrogram, predictions, cam, cutoff }` (kernels/shared/outputTypes.ts), the CAM for every layer ×
 * class. With a model family (`--model FAMILY`) the CAM carries every member's maps and predictions, so the
 * view switches cutoffs without coming back; `--cutoff HZ` opens at a cutoff (a member, or the what-if).
 * The editor's Quick Analysis and the view's recomputations get the same outputs (show/viewOutputs.ts) from
 * the warm engine (kernels/engineServer); a kernel on a Jupyter Server recomputes with this command.
 * Progress goes to stderr as `progress: <step>` lines; the file is written atomically.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { extname } from 'node:path';
import { defaultModelDir } from './modelOptions';
import { LungcamInputError, printable } from '../engine/errors';
import { addBackendOption, addFeatureOptions, featureFlagsGiven, requestedFeatures, type BackendChoice, type FeatureOptionValues } from './args';
import { CAM_METHODS, DEFAULT_CAM_METHOD } from '../shared/view/methods';
import type { MaskFill } from '../engine/cutoff/bandMask';

export interface ViewCliOptions extends Omit<FeatureOptionValues, 'cutoff'> {
  out: string;
  model?: string;
  method: string;
  /** The band cutoff to open at, as typed (checked against the model or family: cutoff/plan.ts). */
  cutoff?: string;
  maskFill: MaskFill;
  onlyCutoff?: boolean;
  requestId?: string;
  backend: BackendChoice;
}

export function register(program: Command): void {
  const cmd = program
    .command('view')
    .description('Spectrogram, predictions and Grad-CAM (every layer × class) of a recording as the renderer\'s JSON.')
    .argument('<wav>', 'input WAV file')
    .requiredOption('--out <file.json>', 'output JSON: { spectrogram, predictions, cam, cutoff }')
    .option('--model <dir>', 'model folder or model family folder (default: the shipped samples/models/baseline)')
    .option('--method <name>', CAM_METHODS.join(', '), DEFAULT_CAM_METHOD)
    .option('--request-id <id>', 'opaque id stored in the CAM output, for recomputation requests from the view');
  addFeatureOptions(cmd, 'view');
  addBackendOption(cmd)
    .option('--only-cutoff', 'with a family: only the cutoff asked, not the other members (a what-if for a view that has them)')
    .action(async (wav: string, opts: ViewCliOptions) => runView(wav, opts));
}

const progress = (step: string) => process.stderr.write(`progress: ${step}\n`);

export async function runView(wav: string, opts: ViewCliOptions): Promise<void> {
  if (extname(opts.out).toLowerCase() !== '.json') throw new LungcamInputError('the output must end in .json', opts.out);
  const { checkOutputPath } = await import('../engine/io/atomicWrite');
  checkOutputPath(opts.out);
  const { planCutoffView } = await import('../engine/cutoff/cutoffView');
  const { describePlan } = await import('../engine/cutoff/plan');
  const { checkFeatureParams } = await import('../engine/model/modelIO');
  const modelDir = opts.model ?? defaultModelDir();
  // The model or family, the cutoff and the feature flags are checked before the slow work.
  const planned = planCutoffView(modelDir, { bandCutoffHz: opts.cutoff, maskFill: opts.maskFill });
  const features = { ...opts, cutoff: undefined };
  checkFeatureParams(planned.plan.member.meta, requestedFeatures(features), featureFlagsGiven(features));
  const { initBackend } = await import('../engine/model/backend');
  await initBackend(opts.backend, { quiet: true });
  const { viewOutputs } = await import('../engine/cutoff/viewOutputs');
  const { view, outputs } = await viewOutputs(wav, modelDir, {
    method: opts.method, bandCutoffHz: opts.cutoff, maskFill: opts.maskFill, onlyCutoff: opts.onlyCutoff,
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    onProgress: (step, done) => { if (done === undefined || done === 0) progress(step); },
    onWarnings: printWarnings,
  });
  const { source, plan, full, cam } = view;
  progress('writing');
  const { writeJsonFile } = await import('../engine/io/jsonStream');
  await writeJsonFile(opts.out, outputs);
  const { cycleSummary } = await import('../shared/view/cycleVerdicts');
  const { plural } = await import('../shared/view/words');
  const cycles = cam.annotations?.cycles;
  const verdicts = cycles?.length ? ` ${cycleSummary(cycles, cam.annotations?.source)}` : '';
  const rungs = cam.rungs?.length ? ` and ${plural(cam.rungs.length, 'more cutoff')} of family ${source.name}` : '';
  process.stdout.write(`${printable(opts.out)}: ${cam.method} of ${describePlan(plan)}${rungs}, label ${outputs.predictions.label} over ${plural(cam.patches.startFrame.length, 'patch', 'patches')}, ${full.frames} frames × ${full.bands} bands.${verdicts}\n`);
}
