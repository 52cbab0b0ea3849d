/**
 * The training recipe's options, shared by `lungcam train` and `lungcam study` (the study trains every
 * model of its ladder with the recipe it is given, so a study's models and `train`'s are made alike).
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseNonNegativeInt, parseNumber, parsePositiveInt } from './args';
import type { TrainDatasetOptions } from '../engine/model/trainDataset';

export interface RecipeOptionValues {
  epochs: number;
  batchSize: number;
  patience: number;
  learningRate: number;
  filters?: number[];
  augment: boolean;
  deviceEq?: number;
  trainHop: number;
  labels: 'cycles' | 'events';
  sampling: 'shuffle' | 'balanced';
  mixup?: number;
  aggregation?: 'mean' | 'max-flags';
  splitFile?: string;
  yamnet?: string;
  yamnetBlocks: number;
  freezeBelow: number;
}

function parseProbability(value: string): number {
  const v = parseNumber(value);
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError('expected a probability between 0 and 1.');
  return v;
}

function parsePositive(value: string): number {
  const v = parseNumber(value);
  if (!(v > 0)) throw new InvalidArgumentError('expected a number above 0.');
  return v;
}

function parseFilters(value: string): number[] {
  const list = value.split(',').map((s) => parsePositiveInt(s.trim()));
  if (list.length < 1 || list.length > 6) throw new InvalidArgumentError('expected 1 to 6 comma-separated filter counts, e.g. 16,32,64,128.');
  return list;
}

/** Adds the recipe options; `epochs` and `patience` defaults differ between train and study. */
export function addRecipeOptions(cmd: Command, defaults: { epochs: number; patience: number }): Command {
  return cmd
    .addOption(new Option('--epochs <n>', 'most epochs').argParser(parsePositiveInt).default(defaults.epochs))
    .option('--split-file <file>', 'patient-wise split: lines "NAME-or-PATIENT<tab>train|validation|test"; validation patients select the epoch (default: official_split.txt in the folder, else seeded by patient)')
    .addOption(new Option('--batch-size <n>', 'patches per batch').argParser(parsePositiveInt).default(32))
    .addOption(new Option('--patience <n>', 'stop after this many epochs without a better validation score (0: never)').argParser(parseNonNegativeInt).default(defaults.patience))
    .addOption(new Option('--learning-rate <x>', 'Adam learning rate').argParser(parseNumber).default(0.001))
    .addOption(new Option('--filters <list>', 'conv filters per block, input side first (default 16,32,64,128)').argParser(parseFilters))
    .addOption(new Option('--train-hop <frames>', 'hop between training patches inside a cycle (96: no overlap)').argParser(parsePositiveInt).default(48))
    .addOption(new Option('--labels <source>', 'training patch labels: the cycle annotation, or the events in NAME.events.json (synthetic corpora; cycles then scored with max-flags)').choices(['cycles', 'events']).default('cycles'))
    .addOption(new Option('--sampling <how>', 'each epoch: every patch once (shuffle, class-weighted loss), or class-balanced draws').choices(['shuffle', 'balanced']).default('shuffle'))
    .addOption(new Option('--mixup <alpha>', 'mix each training patch with another of its batch, λ ~ Beta(α, α), labels alike (default: off)').argParser(parsePositive))
    .addOption(new Option('--aggregation <rule>', 'cycle label from its patches, saved with the model: mean probability, or max-flags with thresholds calibrated on the validation patients (default: mean; max-flags with --labels events)').choices(['mean', 'max-flags']))
    .option('--yamnet <dir>', "start from YAMNet's AudioSet-pretrained blocks (the tfjs layers model in this folder, e.g. ../shared/pretrained/yamnet) instead of the small CNN; fine-tuned, Apache-2.0")
    .addOption(new Option('--yamnet-blocks <n>', "with --yamnet: keep YAMNet's blocks 1…n (1–14)").argParser(parsePositiveInt).default(9))
    .addOption(new Option('--freeze-below <n>', 'with --yamnet: blocks below this one keep their pretrained weights').argParser(parsePositiveInt).default(1))
    .option('--no-augment', 'train without augmentation')
    .addOption(new Option('--device-eq <probability>', 'augmentation: share of training patches coloured like another stethoscope (random tilt and resonances, smooth across bands; default 0)').argParser(parseProbability));
}

/** The recipe as trainOnDataset's options. */
export async function recipeFrom(opts: RecipeOptionValues): Promise<Omit<TrainDatasetOptions, 'featureParams' | 'seed'>> {
  const { DEFAULT_AUGMENT } = await import('../engine/model/augment');
  return {
    epochs: opts.epochs,
    splitFile: opts.splitFile,
    batchSize: opts.batchSize,
    patience: opts.patience,
    learningRate: opts.learningRate,
    augment: !opts.augment ? false : opts.deviceEq ? { ...DEFAULT_AUGMENT, deviceEqProbability: opts.deviceEq } : undefined,
    model: opts.yamnet ? { backbone: { dir: opts.yamnet, layers: opts.yamnetBlocks, trainableFrom: opts.freezeBelow } }
      : opts.filters ? { filters: opts.filters } : undefined,
    trainHopFrames: opts.trainHop,
    labels: opts.labels,
    sampling: opts.sampling,
    mixupAlpha: opts.mixup,
    aggregation: opts.aggregation,
  };
}
