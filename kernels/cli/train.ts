/**
 * `lungcam train <dataset-dir> --out <model-dir>`: trains the LungCAM CNN on a dataset folder (ICBHI and/or
 * SPRSound layout; official_split.txt, a --split file or a seeded patient-wise split) and saves a model folder.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { printable } from '../engine/errors';
import { addBackendOption, addFeatureOptions, featureParamsFrom, parseNonNegativeInt, parseNumber, type BackendChoice, type FeatureOptionValues } from './args';
import { addRecipeOptions, recipeFrom, type RecipeOptionValues } from './recipeOptions';

interface TrainCliOptions extends FeatureOptionValues, RecipeOptionValues {
  out: string;
  seed: number;
  maxMinutes?: number;
  backend: BackendChoice;
  quiet?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('Train the LungCAM CNN on a dataset folder (ICBHI and/or SPRSound layout) and save a model folder.')
    .argument('<dataset-dir>', 'folder of NAME.wav + NAME.txt (ICBHI 2017 layout, also `lungcam synth`) and/or NAME.wav + NAME.json (SPRSound), subfolders included')
    .requiredOption('--out <model-dir>', 'model folder to write (model.json, weights.bin, metadata.json)');
  addRecipeOptions(addBackendOption(addFeatureOptions(cmd, 'set')), { epochs: 30, patience: 6 })
    .addOption(new Option('--seed <s>', 'seed: split, initial weights, shuffling, augmentation').argParser(parseNonNegativeInt).default(1))
    .addOption(new Option('--max-minutes <m>', 'time budget: no epoch starts that would end after it (best weights kept)').argParser(parseNumber))
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
    ...(await recipeFrom(opts)),
    featureParams: params,
    seed: opts.seed,
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
        (e.valByStratum ? `; by database ${e.valByStratum.map((m) => `${((m.icbhiScore ?? 0) * 100).toFixed(1)}%`).join(' / ')}, mean ${((e.valSelection ?? 0) * 100).toFixed(1)}%` : '') +
        ` ${e.seconds.toFixed(1)} s${e.improved ? ' *' : ''}`);
    },
  }, opts.out);
  say(`best epoch ${result.bestEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}; ${result.msPerSamplePerEpoch.toFixed(1)} ms per patch per epoch on ${loaded.meta.backend}`);
  if (test) say(`test set (cycle level):\n${formatMetrics(test.metrics)}`);
  process.stdout.write(`${printable(opts.out)}: model saved (${loaded.meta.inputBands} bands, ${loaded.meta.featureParams.fmin}–${loaded.meta.featureParams.fmax} Hz${loaded.meta.featureParams.bandCutoffHz !== null ? `, cut at ${loaded.meta.featureParams.bandCutoffHz} Hz` : ''}; test ICBHI score ${test?.metrics.icbhiScore != null ? (test.metrics.icbhiScore * 100).toFixed(1) + '%' : 'n/a'})\n`);
}
