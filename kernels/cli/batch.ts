/**
 * `lungcam batch DATASET --out DIR [--what classify,gradcam,features] [--scheduler tcp://HOST:8786 | --local N]`:
 * every recording of a dataset (ICBHI, SPRSound, mixed, or a plain folder of WAVs) explained into
 * per-recording outputs (DIR/recordings/) and one summary table (DIR/summary.csv, summary.json).
 * Resumable (recordings with a record are skipped), deterministic (the same files whatever ran them).
 * Without --local/--scheduler the shards run one after another in this process.
 *
 * `lungcam batch-shard DIR --shard I` is what a worker runs: the plan (DIR/batch-plan.json) tells it
 * everything; one JSON line per recording on stdout.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LungcamInputError } from '../engine/errors';
import { parsePositiveInt, parseNonNegativeInt } from './args';
import { defaultModelDir } from './modelOptions';

interface BatchCliOptions {
  out: string;
  what: string;
  model?: string;
  method: string;
  local?: number;
  scheduler?: string;
  workerCommand?: string;
  shardSize: number;
  retries: number;
}

export function register(program: Command): void {
  program
    .command('batch')
    .description('Explain every recording of a dataset into per-recording outputs and one summary table, on this machine or a Dask cluster.')
    .argument('<dataset>', 'a dataset folder: ICBHI (NAME.wav + NAME.txt), SPRSound (NAME.wav + NAME.json), both, or plain WAVs')
    .requiredOption('--out <dir>', 'output folder (rerun into it to resume)')
    .option('--what <list>', 'classify, gradcam, features (comma-separated)', 'classify,gradcam')
    .option('--model <dir>', 'model folder (default: the shipped samples/models/baseline)')
    .option('--method <name>', 'CAM method for gradcam', 'gradcam')
    .addOption(new Option('--local <n>', 'run the shards in N local processes (no Dask)').argParser(parsePositiveInt).conflicts('scheduler'))
    .option('--scheduler <address>', 'run the shards on a Dask cluster, e.g. tcp://HOST:8786 (needs Python with dask distributed)')
    .option('--worker-command <cmd>', 'how Dask workers run LungCAM (default: this Node and package), e.g. "lungcam"')
    .addOption(new Option('--shard-size <n>', 'recordings per Dask task (each task starts LungCAM and loads the model once)').argParser(parsePositiveInt).default(16))
    .addOption(new Option('--retries <n>', 'tries again for a shard that fails').argParser(parseNonNegativeInt).default(2))
    .action(async (dataset: string, opts: BatchCliOptions) => runBatch(dataset, opts));

  program
    .command('batch-shard', { hidden: true })
    .description('run one shard of a batch planned in DIR (what `lungcam batch` workers run)')
    .argument('<dir>', 'the batch output folder (holds batch-plan.json)')
    .requiredOption('--shard <list>', 'shard number(s), comma-separated: one process runs them in turn', parseShardList)
    .action(async (dir: string, opts: { shard: number[] }) => {
      const { readPlan, PLAN_FILE } = await import('../batch/plan');
      const { runShards } = await import('../batch/shard');
      const plan = readPlan(path.join(dir, PLAN_FILE));
      await runShards(plan, dir, opts.shard, { onRecording: (r) => process.stdout.write(JSON.stringify({ name: r.name, ...(r.error ? { error: r.error } : {}) }) + '\n') });
    });
}

function parseShardList(value: string): number[] {
  return value.split(',').map((v) => parseNonNegativeInt(v.trim()));
}

export async function runBatch(dataset: string, opts: BatchCliOptions): Promise<void> {
  const plans = await import('../batch/plan');
  const what = plans.parseOutputs(opts.what);
  const { resolveMethod } = await import('../engine/cam/layers');
  const method = resolveMethod(opts.method);
  const dask = await import('../batch/dask');
  if (opts.scheduler) dask.checkSchedulerAddress(opts.scheduler);
  const { readModelMetadata } = await import('../engine/model/modelIO');
  const model = path.resolve(opts.model ?? defaultModelDir());
  readModelMetadata(model); // a wrong folder fails before the dataset is read
  const { readDataset } = await import('../engine/data/dataset');
  const data = readDataset(dataset, { allowUnannotated: true });
  const settings = { dataset: path.resolve(dataset), model, what, method };
  const out = path.resolve(opts.out);
  const planPath = path.join(out, plans.PLAN_FILE);
  if (existsSync(planPath)) plans.checkSameBatch(plans.readPlan(planPath).settings, settings, out);
  else if (existsSync(out) && !statSync(out).isDirectory()) throw new LungcamInputError('is not a folder', out);
  mkdirSync(out, { recursive: true });
  const plan = plans.makePlan(data, settings, opts.shardSize);
  const { atomicWriteFile } = await import('../engine/io/atomicWrite');
  await atomicWriteFile(planPath, JSON.stringify(plan, null, 1) + '\n');

  const todo = plans.shardsToDo(plan, out);
  const already = plan.recordings.filter((r) => plans.isDone(out, r.name)).length;
  const where = opts.scheduler ? `on the Dask cluster at ${opts.scheduler}` : opts.local ? `in ${opts.local} local process(es)` : 'in this process';
  process.stderr.write(`lungcam: batch of ${plan.recordings.length} recording(s)${plan.skipped.length ? ` (${plan.skipped.length} skipped by the reader)` : ''}, ${already} done before, ${plan.recordings.length - already} to do in ${todo.length} shard(s) ${where}\n`);
  const { ProgressBar } = await import('../batch/progress');
  const bar = new ProgressBar(plan.recordings.length, already);
  const started = Date.now();
  let failed = 0;
  const onRecording = (r: { name: string; error?: string }) => {
    if (r.error) {
      failed++;
      process.stderr.write(`lungcam: warning: ${r.name}: ${r.error}\n`);
    }
    bar.add();
  };
  try {
    if (todo.length === 0) {
      /* everything was done before */
    } else if (opts.scheduler) {
      await dask.runOnDask(out, todo, { scheduler: opts.scheduler, retries: opts.retries, onRecording, workerCommand: opts.workerCommand?.split(' ').filter(Boolean) });
    } else if (opts.local) {
      const { runLocalWorkers } = await import('../batch/localWorkers');
      await runLocalWorkers(out, todo, { workers: opts.local, retries: opts.retries, onRecording });
    } else {
      const { runShards } = await import('../batch/shard');
      await runShards(plan, out, todo, { onRecording });
    }
  } finally {
    bar.finish();
  }
  const { writeSummary } = await import('../batch/summary');
  const s = await writeSummary(plan, out);
  const minutes = (Date.now() - started) / 60_000;
  const done = plan.recordings.length - already;
  const rate = done > 0 && minutes > 0 ? `, ${(done / minutes).toFixed(1)} recordings/min` : '';
  const cycles = s.cycles ? `; cycles right ${s.cyclesRight}/${s.cycles}` : '';
  process.stdout.write(`${s.csv}: ${s.recordings} recording(s), ${s.explained} explained${s.failed ? `, ${s.failed} with an error` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}${cycles}; ${done} this run${rate}\n`);
  if (failed && failed === done) throw new LungcamInputError('no recording could be explained (see the warnings above)', dataset);
}
