/**
 * `lungcam study <dataset-dir> [--cutoff 1500] --out <report-dir> [--seed S] [--epochs N]`: the seed's
 * band-cutoff experiment end to end (train full band → Grad-CAM attention by band → cut → retrain →
 * compare), written as report.md + report.json + figures (PNG and SVG).
 */
import type { Command } from 'commander';
import { printable } from '../engine/errors';
import { Option } from 'commander';
import { addBackendOption, cutoffOption, parseNonNegativeInt, parsePositiveInt, type BackendChoice } from './args';

interface StudyCliOptions {
  cutoff: number;
  out: string;
  seed: number;
  epochs: number;
  quiet?: boolean;
  backend?: BackendChoice;
}

export function register(program: Command): void {
  const cmd = program
    .command('study')
    .description('Reproduce the band-cutoff study: full-band model, Grad-CAM attention by band, cut, retrain, compare.')
    .argument('<dataset-dir>', 'ICBHI-layout folder (NAME.wav + NAME.txt), e.g. made by `lungcam synth`')
    .requiredOption('--out <dir>', 'report folder (report.md, report.json, figures)')
    .addOption(cutoffOption('drop mel bands whose centre lies above this frequency, Hz').default(1500))
    .addOption(new Option('--seed <s>', 'random seed (split, initialisation, shuffling)').argParser(parseNonNegativeInt).default(1))
    .addOption(new Option('--epochs <n>', 'maximum epochs per model (early stopping on validation)').argParser(parsePositiveInt).default(12))
    .option('--quiet', 'no progress lines');
  addBackendOption(cmd)
    .action(async (dir: string, opts: StudyCliOptions) => runStudyCli(dir, opts));
}

async function runStudyCli(dir: string, opts: StudyCliOptions): Promise<void> {
  const { LungcamInputError } = await import('../engine/errors');
  if (!(opts.cutoff > 100 && opts.cutoff < 2000)) {
    throw new LungcamInputError(`the cutoff must lie inside the study's 100–2000 Hz band (got ${opts.cutoff})`, '--cutoff');
  }
  const { initBackend } = await import('../engine/model/backend');
  const { runStudy } = await import('../engine/study/study');
  const { writeStudyReport } = await import('../engine/study/report');
  await initBackend(opts.backend);
  const start = Date.now();
  const say = (m: string) => {
    if (!opts.quiet) process.stderr.write(`[${((Date.now() - start) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
  };
  const result = await runStudy(dir, { cutoffHz: opts.cutoff, seed: opts.seed, epochs: opts.epochs, onProgress: say });
  const command = `lungcam study ${dir} --cutoff ${opts.cutoff} --seed ${opts.seed} --epochs ${opts.epochs} --out ${opts.out}`;
  await writeStudyReport(result, opts.out, command);
  const f = result.full.test.cycles;
  const c = result.cut.test.cycles;
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  process.stdout.write(`${printable(opts.out)}: ICBHI score ${pct(f.icbhiScore)} full band → ${pct(c.icbhiScore)} cut at ${opts.cutoff} Hz; attention above the cutoff ${pct(result.aboveCutoff.attentionShare)} (area ${pct(result.aboveCutoff.areaShare)}); lower-half attention ${pct(result.lowerHalf.before)} → ${pct(result.lowerHalf.after)} (${(result.seconds / 60).toFixed(1)} min)\n`);
}
