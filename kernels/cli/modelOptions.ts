/**
 * Options shared by the model commands (classify, evaluate): --model (default: the shipped baseline,
 * found from the package root, not the working directory) and optional feature flags that must agree
 * with the model's own feature parameters.
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
  cmd.option('--model <dir>', `model folder made by \`lungcam train\` (default: ${DEFAULT_MODEL} in the LungCAM package)`);
  addFeatureOptions(cmd, 'model');
  return addBackendOption(cmd).option('--json', 'print JSON instead of text');
}

/** The metadata of the model named by --model (or the default), checked against the feature flags: cheap, no weights. */
export async function modelMetadataFromOptions(opts: ModelOptionValues) {
  const { checkFeatureParams, readModelMetadata } = await import('../engine/model/modelIO');
  const meta = readModelMetadata(opts.model ?? defaultModelDir());
  checkFeatureParams(meta, requestedFeatures(opts), featureFlagsGiven(opts));
  return meta;
}

/** Loads the model named by --model (or the default) after starting the backend. */
export async function loadModelFromOptions(opts: ModelOptionValues) {
  const { initBackend } = await import('../engine/model/backend');
  const { loadModel } = await import('../engine/model/modelIO');
  // Metadata and feature flags first: cheap, and the likeliest mistakes.
  await modelMetadataFromOptions(opts);
  await initBackend(opts.backend);
  return loadModel(opts.model ?? defaultModelDir());
}
