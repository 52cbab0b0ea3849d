/**
 * Options shared by the model commands (classify, evaluate): --model (default: the shipped baseline,
 * found from the package root, not the working directory) and optional feature flags that must agree
 * with the model's own feature parameters.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import * as path from 'node:path';
import { findPackageRoot } from '../client/packageRoot';
import { parseNumber, parsePositiveInt } from './args';
import type { FeatureParams } from '../engine/types';

export const DEFAULT_MODEL = path.join('samples', 'models', 'baseline');

/** The shipped baseline model's folder, wherever the package is installed. */
export function defaultModelDir(): string {
  return path.join(findPackageRoot(__dirname), DEFAULT_MODEL);
}

export interface ModelOptionValues {
  model?: string;
  fmin?: number;
  fmax?: number;
  bands?: number;
  cutoff?: number;
  json?: boolean;
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--model <dir>', `model folder made by \`lungcam train\` (default: ${DEFAULT_MODEL} in the LungCAM package)`)
    .addOption(new Option('--fmin <hz>', "check: the model's lowest mel edge (default: the model's)").argParser(parseNumber))
    .addOption(new Option('--fmax <hz>', "check: the model's highest mel edge (default: the model's)").argParser(parseNumber))
    .addOption(new Option('--bands <n>', "check: the model's band count (default: the model's)").argParser(parsePositiveInt))
    .addOption(new Option('--cutoff <hz>', "check: the model's band cutoff (default: the model's)").argParser(parseNumber))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .option('--json', 'print JSON instead of text');
}

/** The feature flags the user actually gave (to check against the model). */
export function requestedFeatures(opts: ModelOptionValues): Partial<FeatureParams> {
  const r: Partial<FeatureParams> = {};
  if (opts.fmin !== undefined) r.fmin = opts.fmin;
  if (opts.fmax !== undefined) r.fmax = opts.fmax;
  if (opts.bands !== undefined) r.bands = opts.bands;
  if (opts.cutoff !== undefined) r.bandCutoffHz = opts.cutoff;
  return r;
}

/** Loads the model named by --model (or the default) after starting the backend. */
export async function loadModelFromOptions(opts: ModelOptionValues) {
  const { initBackend } = await import('../engine/model/backend');
  const { loadModel, checkFeatureParams, readModelMetadata } = await import('../engine/model/modelIO');
  const dir = opts.model ?? defaultModelDir();
  // Metadata and feature flags first: cheap, and the likeliest mistakes.
  const meta = readModelMetadata(dir);
  checkFeatureParams(meta, requestedFeatures(opts), opts.cutoff !== undefined ? '--cutoff' : '--fmin/--fmax/--bands');
  await initBackend(opts.backend ?? 'auto');
  return loadModel(dir);
}
