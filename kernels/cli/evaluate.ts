/**
 * `lungcam evaluate <dataset-dir> [--model DIR] [--json]`: cycle-level accuracy, sensitivity,
 * specificity, ICBHI score, confusion matrix and per-class figures of a model on an ICBHI-layout dataset.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { Option } from 'commander';
import * as path from 'node:path';
import { parseNonNegativeInt } from './args';
import { addModelOptions, loadModelFromOptions, type ModelOptionValues } from './modelOptions';

interface EvaluateOptions extends ModelOptionValues {
  split: 'all' | 'train' | 'test';
  seed?: number;
  cycles?: boolean;
  aggregation?: 'mean' | 'max-flags';
}

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('Evaluate a model on a dataset folder (ICBHI layout): ICBHI score, sensitivity, specificity, confusion matrix.')
    .argument('<dataset-dir>', 'folder of NAME.wav + NAME.txt');
  addModelOptions(cmd)
    .addOption(new Option('--split <set>', 'which recordings: all, or the train/test side of the split').choices(['all', 'train', 'test']).default('all'))
    .addOption(new Option('--seed <s>', "seed of the patient-wise split without official_split.txt (default: the model's training seed, so --split test is the model's own test set)").argParser(parseNonNegativeInt))
    .addOption(new Option('--aggregation <method>', "cycle label from its patches: mean probability, or max-flags (crackle/wheeze if any patch shows it); default: the model's").choices(['mean', 'max-flags']))
    .option('--cycles', 'with --json: include every cycle\'s prediction')
    .action(async (dir: string, opts: EvaluateOptions) => runEvaluate(dir, opts));
}

async function runEvaluate(dir: string, opts: EvaluateOptions): Promise<void> {
  const { readDataset } = await import('../engine/data/icbhi');
  const loaded = await loadModelFromOptions(opts);
  const dataset = readDataset(dir, { seed: opts.seed ?? loaded.meta.training?.seed ?? 1 });
  printWarnings(dataset.warnings);
  const { evaluateRecordings } = await import('../engine/model/dataset');
  const { formatMetrics } = await import('../engine/model/metrics');
  const recordings = opts.split === 'all' ? dataset.recordings : dataset.split[opts.split];
  const evaluation = await evaluateRecordings(loaded, recordings, { aggregation: opts.aggregation });
  if (opts.json) {
    process.stdout.write(JSON.stringify({
      model: loaded.meta.name, modelDir: path.resolve(loaded.dir), dataset: path.resolve(dir), split: opts.split,
      recordings: evaluation.recordings, skippedCycles: evaluation.skippedCycles, ...evaluation.metrics,
      ...(opts.cycles ? { cycles: evaluation.cycles } : {}),
    }, null, 1) + '\n');
    return;
  }
  const skipped = evaluation.skippedCycles ? ` (${evaluation.skippedCycles} cycles past the end of their audio not scored)` : '';
  process.stdout.write(`model ${loaded.meta.name} on ${dir} (${opts.split}: ${evaluation.recordings} recordings)${skipped}\n${formatMetrics(evaluation.metrics)}\n`);
}
