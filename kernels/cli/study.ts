/**
 * `lungcam study <dataset-dir> --out <report-dir> [--cutoff 1500] [--sweep 1000,1250,…] [--seeds N]`: the
 * seed's band-cutoff experiment end to end (train full band → Grad-CAM attention by band → cut → retrain →
 * compare). One seed and one cutoff: the classic report. With --seeds N > 1 or --sweep: every rung of the
 * ladder trained with N seeds, the masking what-if of the full-band model at each cutoff, figures over
 * seeds with intervals, and the first seed's models as a family. Written as report.md + report.json +
 * figures (PNG and SVG).
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { printable } from '../engine/errors';
import { addBackendOption, cutoffOption, parseNonNegativeInt, parsePositiveInt, type BackendChoice } from './args';
import { addRecipeOptions, recipeFrom, type RecipeOptionValues } from './recipeOptions';

interface StudyCliOptions extends RecipeOptionValues {
  cutoff: number;
  sweep?: number[];
  seeds: number;
  ladderSeeds?: number;
  out: string;
  seed: number;
  quiet?: boolean;
  backend?: BackendChoice;
}

function parseCutoffs(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((v) => !(v > 100 && v < 2000))) throw new InvalidArgumentError('expected cutoffs in Hz inside the study\'s 100–2000 Hz band, comma-separated, e.g. 1000,1250,1500,1750.');
  return [...new Set(list)].sort((a, b) => a - b);
}

export function register(program: Command): void {
  const cmd = program
    .command('study')
    .description('The band-cutoff study: full-band model, Grad-CAM attention by band, cut, retrain, compare — at one cutoff or a ladder, over several seeds.')
    .argument('<dataset-dir>', 'dataset folder (ICBHI and/or SPRSound layout, subfolders included), e.g. ../shared/realdata or one made by `lungcam synth`')
    .requiredOption('--out <dir>', 'report folder (report.md, report.json, figures)')
    .addOption(cutoffOption('drop mel bands whose centre lies above this frequency, Hz (the figures\' cutoff with --sweep)').default(1500))
    .addOption(new Option('--sweep <list>', 'a ladder of cutoffs, e.g. 1000,1250,1500,1750: each retrained, and the full-band model masked at each').argParser(parseCutoffs))
    .addOption(new Option('--seeds <n>', 'training seeds per model (seed, seed+1, …): scores with intervals over seeds').argParser(parsePositiveInt).default(1))
    .addOption(new Option('--ladder-seeds <n>', 'with --sweep: train the rungs other than the full band and --cutoff with only the first n seeds (default: all --seeds)').argParser(parsePositiveInt))
    .addOption(new Option('--seed <s>', 'first random seed (split without a split file, initialisation, shuffling)').argParser(parseNonNegativeInt).default(1));
  addRecipeOptions(addBackendOption(cmd), { epochs: 12, patience: 6 })
    .option('--quiet', 'no progress lines')
    .action(async (dir: string, opts: StudyCliOptions) => runStudyCli(dir, opts));
}

/** Flags of `study` that `train` has not (with whether they take a value). */
const STUDY_ONLY: Record<string, boolean> = { '--out': true, '--cutoff': true, '--sweep': true, '--seeds': true, '--ladder-seeds': true, '--seed': true, '--quiet': false };

/**
 * The `lungcam train` command that trains one of the study's models: the study's own arguments (dataset and
 * recipe) without the study's flags, plus the seed recipe's features, this model's cutoff and seed.
 */
export function trainCommand(studyArgv: readonly string[], seed: number, cutoffHz: number | null): string {
  const kept: string[] = [];
  for (let i = 0; i < studyArgv.length; i++) {
    const a = studyArgv[i];
    if (i === 0 && a === 'study') continue;
    const [flag] = a.split('=');
    if (flag in STUDY_ONLY) {
      if (STUDY_ONLY[flag] && !a.includes('=')) i++;
      continue;
    }
    kept.push(a);
  }
  const features = ['--fmin', '100', '--fmax', '2000', '--bands', '64', ...(cutoffHz !== null ? ['--cutoff', String(cutoffHz)] : [])];
  return ['lungcam', 'train', ...kept, ...features, '--seed', String(seed), '--out', cutoffHz === null ? 'full' : `cut${cutoffHz}`].join(' ');
}

async function runStudyCli(dir: string, opts: StudyCliOptions): Promise<void> {
  const { LungcamInputError } = await import('../engine/errors');
  if (!(opts.cutoff > 100 && opts.cutoff < 2000)) {
    throw new LungcamInputError(`the cutoff must lie inside the study's 100–2000 Hz band (got ${opts.cutoff})`, '--cutoff');
  }
  const { initBackend } = await import('../engine/model/backend');
  await initBackend(opts.backend);
  const start = Date.now();
  const say = (m: string) => {
    if (!opts.quiet) process.stderr.write(`[${((Date.now() - start) / 1000).toFixed(0).padStart(5)} s] ${m}\n`);
  };
  const recipe = await recipeFrom(opts);
  const argv = process.argv.slice(2);
  const command = ['lungcam', ...argv].join(' ');
  const commandFor = (seed: number, cutoffHz: number | null) => trainCommand(argv, seed, cutoffHz);
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  if (opts.sweep || opts.seeds > 1) {
    const { runSweep } = await import('../engine/study/sweep');
    const { writeSweepReport } = await import('../engine/study/sweepReport');
    const { databaseCitations } = await import('../engine/study/citations');
    const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.seed + i);
    const result = await runSweep(dir, { cutoffs: opts.sweep ?? [opts.cutoff], primaryCutoffHz: opts.cutoff, seeds, ladderSeeds: opts.ladderSeeds, splitFile: opts.splitFile, recipe, commandFor, onProgress: say });
    const dbs = Object.keys(result.blankAbove);
    await writeSweepReport(result, opts.out, command, databaseCitations(dbs));
    const full = result.retrained[0];
    process.stdout.write(`${printable(opts.out)}: ${result.runs.length} models (${seeds.length} seeds); score ${result.retrained.map((r) => `${r.cutoffHz ?? 'full'} ${pct(r.score.mean)}`).join(', ')}; lower-half attention ${pct(full.lowerHalf.mean)} full band; what-if fill ${result.chosenFill} (${(result.seconds / 60).toFixed(1)} min)\n`);
    return;
  }
  const { runStudy } = await import('../engine/study/study');
  const { writeStudyReport } = await import('../engine/study/report');
  const result = await runStudy(dir, { cutoffHz: opts.cutoff, seed: opts.seed, epochs: opts.epochs, patience: opts.patience, splitFile: opts.splitFile, recipe, commandFor, onProgress: say });
  await writeStudyReport(result, opts.out, command);
  const f = result.full.test.cycles;
  const c = result.cut.test.cycles;
  process.stdout.write(`${printable(opts.out)}: ICBHI score ${pct(f.icbhiScore)} full band → ${pct(c.icbhiScore)} cut at ${opts.cutoff} Hz; attention above the cutoff ${pct(result.aboveCutoff.attentionShare)} (area ${pct(result.aboveCutoff.areaShare)}); lower-half attention ${pct(result.lowerHalf.before)} → ${pct(result.lowerHalf.after)} (${(result.seconds / 60).toFixed(1)} min)\n`);
}
