/**
 * `lungcam train <dataset-dir> --out <model-dir>`: trains the LungCAM CNN on a dataset folder (ICBHI and/or
 * SPRSound layout; official_split.txt, a --split file or a seeded patient-wise split) and saves a model folder.
 */
import type { Command } from 'commander';
import { printable } from '../engine/errors';
import { InvalidArgumentError, Option } from 'commander';
import { addBackendOption, addFeatureOptions, featureParamsFrom, parseNonNegativeInt, parseNumber, parsePositiveInt, type BackendChoice, type FeatureOptionValues } from './args';

interface TrainCliOptions extends FeatureOptionValues {
  out: string;
  epochs: number;
  seed: number;
  splitFile?: string;
  batchSize: number;
  patience: number;
  learningRate: number;
  filters?: number[];
  augment: boolean;
  deviceEq?: number;
  trainHop: number;
  labels: 'cycles' | 'events';
  maxMinutes?: number;
  backend: BackendChoice;
  quiet?: boolean;
}

function parseProbability(value: string): number {
  const v = parseNumber(value);
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError('expected a probability between 0 and 1.');
  return v;
}

function parseFilters(value: string): number[] {
  const list = value.split(',').map((s) => parsePositiveInt(s.trim()));
  if (list.length < 1 || list.length > 6) throw new InvalidArgumentError('expected 1 to 6 comma-separated filter counts, e.g. 16,32,64,128.');
  return list;
}

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('Train the LungCAM CNN on a dataset folder (ICBHI and/or SPRSound layout) and save a model folder.')
    .argument('<dataset-dir>', 'folder of NAME.wav + NAME.txt (ICBHI 2017 layout, also `lungcam synth`) and/or NAME.wav + NAME.json (SPRSound), subfolders included')
    .requiredOption('--out <model-dir>', 'model folder to write (model.json, weights.bin, metadata.json)');
  addBackendOption(addFeatureOptions(cmd, 'set'))
    .addOption(new Option('--epochs <n>', 'most epochs').argParser(parsePositiveInt).default(30))
    .addOption(new Option('--seed <s>', 'seed: split, initial weights, shuffling, augmentation').argParser(parseNonNegativeInt).default(1))
    .option('--split-file <file>', 'patient-wise split: lines "NAME-or-PATIENT<tab>train|test" (default: official_split.txt in the folder, else seeded by patient)')
    .addOption(new Option('--batch-size <n>', 'patches per batch').argParser(parsePositiveInt).default(32))
    .addOption(new Option('--patience <n>', 'stop after this many epochs without a better validation score (0: never)').argParser(parseNonNegativeInt).default(6))
    .addOption(new Option('--learning-rate <x>', 'Adam learning rate').argParser(parseNumber).default(0.001))
    .addOption(new Option('--filters <list>', 'conv filters per block, input side first (default 16,32,64,128)').argParser(parseFilters))
    .addOption(new Option('--train-hop <frames>', 'hop between training patches inside a cycle (96: no overlap)').argParser(parsePositiveInt).default(48))
    .addOption(new Option('--labels <source>', 'training patch labels: the cycle annotation, or the events in NAME.events.json (synthetic corpora; cycles then scored with max-flags)').choices(['cycles', 'events']).default('cycles'))
    .addOption(new Option('--max-minutes <m>', 'time budget: no epoch starts that would end after it (best weights kept)').argParser(parseNumber))
    .option('--no-augment', 'train without augmentation')
    .addOption(new Option('--device-eq <probability>', 'augmentation: share of training patches coloured like another stethoscope (random tilt and resonances, smooth across bands; default 0)').argParser(parseProbability))
    .option('--quiet', 'print only the final summary')
    .action(async (dir: string, opts: TrainCliOptions) => runTrain(dir, opts));
}

function bar(fraction: number, width = 24): string {
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

async function runTrain(dir: string, opts: TrainCliOptions): Promise<void> {
  const { resolveFeatureParams } = await import('../engine/audio/melFilter');
  const { checkOutputPath } = await import('../engine/io/atomicWrite');
  const params = resolveFeatureParams(featureParamsFrom(opts));
  checkOutputPath(opts.out);
  const { initBackend } = await import('../engine/model/backend');
  const { trainOnDataset } = await import('../engine/model/trainDataset');
  const { formatMetrics } = await import('../engine/model/metrics');
  const { DEFAULT_AUGMENT } = await import('../engine/model/augment');
  await initBackend(opts.backend);
  const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
  const say = (line: string) => {
    if (!opts.quiet) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  };
  const command = ['lungcam', ...process.argv.slice(2)].join(' ');
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    say('interrupted: stopping after this epoch (press Ctrl-C again to abort without saving)');
    process.once('SIGINT', () => process.exit(130));
  });
  const { loaded, result, test } = await trainOnDataset(dir, {
    featureParams: params,
    epochs: opts.epochs,
    seed: opts.seed,
    splitFile: opts.splitFile,
    batchSize: opts.batchSize,
    patience: opts.patience,
    learningRate: opts.learningRate,
    augment: !opts.augment ? false : opts.deviceEq ? { ...DEFAULT_AUGMENT, deviceEqProbability: opts.deviceEq } : undefined,
    model: opts.filters ? { filters: opts.filters } : undefined,
    trainHopFrames: opts.trainHop,
    labels: opts.labels,
    maxSeconds: opts.maxMinutes !== undefined ? opts.maxMinutes * 60 : undefined,
    // First Ctrl-C: finish this epoch, keep the best weights, evaluate and save; a second one aborts.
    shouldStop: () => interrupted,
    command,
    log: say,
    onBatch: tty ? ({ epoch, batch, batches, loss }) => {
      process.stderr.write(`\r\x1b[Kepoch ${epoch}/${opts.epochs} ${bar(batch / batches)} ${batch}/${batches} loss ${loss.toFixed(3)}`);
    } : undefined,
    onEpoch: (e) => {
      const v = e.val;
      say(`epoch ${e.epoch}/${opts.epochs}: train loss ${e.trainLoss.toFixed(3)}` +
        (e.valLoss !== null ? `, validation loss ${e.valLoss.toFixed(3)}, ICBHI score ${((v?.icbhiScore ?? 0) * 100).toFixed(1)}% (Se ${((v?.sensitivity ?? 0) * 100).toFixed(1)}%, Sp ${((v?.specificity ?? 0) * 100).toFixed(1)}%)` : '') +
        ` ${e.seconds.toFixed(1)} s${e.improved ? ' *' : ''}`);
    },
  }, opts.out);
  say(`best epoch ${result.bestEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}; ${result.msPerSamplePerEpoch.toFixed(1)} ms per patch per epoch on ${loaded.meta.backend}`);
  if (test) say(`test set (cycle level):\n${formatMetrics(test.metrics)}`);
  process.stdout.write(`${printable(opts.out)}: model saved (${loaded.meta.inputBands} bands, ${loaded.meta.featureParams.fmin}–${loaded.meta.featureParams.fmax} Hz${loaded.meta.featureParams.bandCutoffHz !== null ? `, cut at ${loaded.meta.featureParams.bandCutoffHz} Hz` : ''}; test ICBHI score ${test?.metrics.icbhiScore != null ? (test.metrics.icbhiScore * 100).toFixed(1) + '%' : 'n/a'})\n`);
}
