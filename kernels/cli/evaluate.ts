/**
 * `lungcam evaluate <dataset-dir> [--model DIR] [--json]`: cycle-level (ICBHI) or event-level (SPRSound)
 * sensitivity, specificity and ICBHI score with bootstrap intervals over patients, overall, per database
 * and per device; counts per class; the confusion matrix; and the recordings skipped, with why.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { Option } from 'commander';
import * as path from 'node:path';
import { parseNonNegativeInt, parsePositiveInt } from './args';
import { addModelOptions, loadModelFromOptions, modelMetadataFromOptions, type ModelOptionValues } from './modelOptions';

interface EvaluateOptions extends ModelOptionValues {
  split: 'all' | 'train' | 'test';
  splitFile?: string;
  seed?: number;
  cycles?: boolean;
  aggregation?: 'mean' | 'max-flags';
  resamples: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('Evaluate a model on a dataset folder (ICBHI and/or SPRSound layout): Se, Sp and ICBHI score with 95 % intervals over patients, per database and device.')
    .argument('<dataset-dir>', 'folder of NAME.wav + NAME.txt (ICBHI) and/or NAME.wav + NAME.json (SPRSound), subfolders included');
  addModelOptions(cmd)
    .addOption(new Option('--split <set>', 'which recordings: all, or the train/test side of the split').choices(['all', 'train', 'test']).default('all'))
    .option('--split-file <file>', 'patient-wise split: lines "NAME-or-PATIENT<tab>train|test" (default: official_split.txt in the folder, else seeded by patient)')
    .addOption(new Option('--seed <s>', "seed of the patient-wise split without a split file (default: the model's training seed, so --split test is the model's own test set)").argParser(parseNonNegativeInt))
    .addOption(new Option('--aggregation <method>', "cycle label from its patches: mean probability, or max-flags (crackle/wheeze if any patch shows it); default: the model's").choices(['mean', 'max-flags']))
    .addOption(new Option('--resamples <n>', 'bootstrap resamples of patients for the 95 % intervals').argParser(parsePositiveInt).default(2000))
    .option('--cycles', 'with --json: include every cycle\'s prediction')
    .action(async (dir: string, opts: EvaluateOptions) => runEvaluate(dir, opts));
}

async function runEvaluate(dir: string, opts: EvaluateOptions): Promise<void> {
  const { readDataset, skipSummary } = await import('../engine/data/dataset');
  // The dataset before the model: a folder that cannot be read is the likelier mistake, and cheap to find.
  const trainingSeed = (await modelMetadataFromOptions(opts)).training?.seed;
  const dataset = readDataset(dir, { seed: opts.seed ?? trainingSeed ?? 1, splitFile: opts.splitFile });
  const loaded = await loadModelFromOptions(opts);
  printWarnings(dataset.warnings);
  const { evaluateRecordings } = await import('../engine/model/dataset');
  const { evaluationReport } = await import('../engine/model/evaluationReport');
  const recordings = opts.split === 'all' ? dataset.recordings : dataset.split[opts.split];
  const evaluation = await evaluateRecordings(loaded, recordings, { aggregation: opts.aggregation });
  const report = evaluationReport(evaluation.cycles, loaded.meta.classes, { resamples: opts.resamples });
  const skippedRecordings = {
    count: dataset.skipped.length,
    byReason: Object.fromEntries([...new Set(dataset.skipped.map((s) => s.reason))].map((r) => [r, dataset.skipped.filter((s) => s.reason === r).length])),
    recordings: dataset.skipped.map((s) => ({ name: s.name, reason: s.reason, message: s.message })),
  };
  if (opts.json) {
    const { metrics, intervals, recordings: _scored, ...rest } = report;
    process.stdout.write(JSON.stringify({
      model: loaded.meta.name, modelDir: path.resolve(loaded.dir), dataset: path.resolve(dir),
      split: opts.split, splitSource: dataset.split.source, splitFile: dataset.split.file && path.resolve(dataset.split.file),
      recordings: evaluation.recordings, skippedRecordings, skippedCycles: evaluation.skippedCycles,
      ...metrics, intervals, ...rest,
      ...(opts.cycles ? { cycles: evaluation.cycles } : {}),
    }, null, 1) + '\n');
    return;
  }
  const { formatMetrics } = await import('../engine/model/metrics');
  const { formatInterval } = await import('../engine/model/intervals');
  const lines = [`model ${loaded.meta.name} on ${dir} (${opts.split}: ${evaluation.recordings} recordings, ${report.patients} patients)`];
  if (dataset.skipped.length) lines.push(`skipped ${dataset.skipped.length} recordings: ${skipSummary(dataset.skipped)}`);
  if (evaluation.skippedCycles) lines.push(`${evaluation.skippedCycles} cycles past the end of their audio not scored`);
  lines.push(formatMetrics(report.metrics), '', `95 % intervals (bootstrap over ${report.patients} patients, ${opts.resamples} resamples):`);
  const row = (name: string, g: typeof report) =>
    `  ${name.padEnd(12)} ${String(g.metrics.count).padStart(5)} cycles, ${String(g.patients).padStart(3)} patients: score ${formatInterval(g.intervals.icbhiScore)}, Se ${formatInterval(g.intervals.sensitivity)}, Sp ${formatInterval(g.intervals.specificity)}`;
  lines.push(row('all', report));
  const groups = (title: string, g: Record<string, typeof report>) => {
    if (Object.keys(g).length > 1) lines.push(`by ${title}:`, ...Object.entries(g).map(([k, v]) => row(k, v as typeof report)));
  };
  groups('database', report.byDatabase as Record<string, typeof report>);
  groups('device', report.byDevice as Record<string, typeof report>);
  process.stdout.write(lines.join('\n') + '\n');
}
