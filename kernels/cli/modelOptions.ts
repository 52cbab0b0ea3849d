/**
 * Options shared by the model commands (classify, evaluate): --model (default: the shipped baseline,
 * found from the package root, not the working directory; a model family folder means its member at
 * --cutoff, else its widest) and optional feature flags that must agree with the model's own feature parameters.
 */
import type { Command } from 'commander';
import * as path from 'node:path';
import { findPackageRoot } from '../client/packageRoot';
import { addBackendOption, addFeatureOptions, featureFlagsGiven, requestedFeatures, type BackendChoice, type FeatureOptionValues } from './args';

export const DEFAULT_MODEL = path.join('samples', 'models', 'baseline');

/** The shipped baseline model's folder, wherever the package is installed. */
export function defaultModelDir(): string {
  return path.join(findPackageRoot(__dirname), DEFAULT_MODEL);
}

export interface ModelOptionValues extends FeatureOptionValues {
  model?: string;
  json?: boolean;
  backend?: BackendChoice;
}

export function addModelOptions(cmd: Command): Command {
  cmd.option('--model <dir>', `model folder made by \`lungcam train\`, or a model family folder (its member at --cutoff, else the widest) (default: ${DEFAULT_MODEL} in the LungCAM package)`);
  addFeatureOptions(cmd, 'model');
  return addBackendOption(cmd).option('--json', 'print JSON instead of text');
}

/**
 * The model folder --model names. A family answers with its member trained at --cutoff (then the cutoff
 * has chosen the model and is not checked again), else its widest member; a cutoff no member was
 * trained at is one line naming the members (what-ifs are gradcam's and view's).
 */
export async function modelDirFromOptions(opts: ModelOptionValues): Promise<{ dir: string; checks: ModelOptionValues }> {
  const dir = opts.model ?? defaultModelDir();
  const { isModelFamilyFolder, describeFamily } = await import('../engine/model/family');
  if (!isModelFamilyFolder(dir)) return { dir, checks: opts };
  const { openModelSource, planBandCutoff, readBandCutoff } = await import('../engine/cutoff/plan');
  const source = openModelSource(dir);
  const plan = planBandCutoff(source, opts.cutoff === undefined ? null : readBandCutoff(opts.cutoff, source));
  if (plan.cutoffMode !== 'model' && source.kind === 'family') {
    const { LungcamInputError } = await import('../engine/errors');
    throw new LungcamInputError(`no member of family ${describeFamily(source.family)} was trained at ${opts.cutoff} Hz; for a what-if with the bands above masked use lungcam gradcam or view --cutoff`, '--cutoff');
  }
  return { dir: plan.member.dir, checks: { ...opts, cutoff: undefined } };
}

/** The metadata of the model named by --model (or the default), checked against the feature flags: cheap, no weights. */
export async function modelMetadataFromOptions(opts: ModelOptionValues) {
  const { checkFeatureParams, readModelMetadata } = await import('../engine/model/modelIO');
  const { dir, checks } = await modelDirFromOptions(opts);
  const meta = readModelMetadata(dir);
  checkFeatureParams(meta, requestedFeatures(checks), featureFlagsGiven(checks));
  return meta;
}

/** Loads the model named by --model (or the default) after starting the backend. */
export async function loadModelFromOptions(opts: ModelOptionValues) {
  const { initBackend } = await import('../engine/model/backend');
  const { loadModel } = await import('../engine/model/modelIO');
  // Metadata and feature flags first: cheap, and the likeliest mistakes.
  await modelMetadataFromOptions(opts);
  await initBackend(opts.backend);
  return loadModel((await modelDirFromOptions(opts)).dir);
}
