/**
 * `lungcam synth <dir> [--count N] [--seed S]`: writes a synthetic breath-sound corpus in the ICBHI 2017
 * layout (NAME.wav + NAME.txt, plus NAME.events.json ground truth and synth.json). Deterministic per seed.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseNonNegativeInt, parseNumber, parsePositiveInt } from './args';
import type { CycleLabel } from '../engine/data/labels';
import { CYCLE_LABELS, isCycleLabel } from '../engine/data/labels';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../engine/errors';

interface SynthCliOptions {
  count: number;
  seed: number;
  classes?: CycleLabel[];
  seconds?: [number, number];
  rates?: number[];
  lowpass?: [number, number];
  bandLimited?: number;
  noise?: number;
  clicks?: [number, number];
  crackleTransmission?: [number, number];
  valveClicks?: [number, number];
  crackleLevel?: [number, number];
  wheezeLevel?: [number, number];
  shortWheezes?: number;
  quiet?: boolean;
}

function parseClasses(value: string): CycleLabel[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!isCycleLabel(n)) throw new InvalidArgumentError(`unknown class "${n}" (use ${CYCLE_LABELS.join(', ')}).`);
  }
  return names as CycleLabel[];
}

/** "8-20" or "12" (a fixed value). */
function parseRange(value: string): [number, number] {
  const parts = value.split(/[-:]/).map((s) => s.trim());
  if (parts.length > 2 || parts.some((p) => p === '')) throw new InvalidArgumentError('expected MIN-MAX (e.g. 8-20) or one number.');
  const [lo, hi] = parts.map(parseNumber);
  return [lo, hi ?? lo];
}

function parseRates(value: string): number[] {
  return value.split(',').map((s) => parsePositiveInt(s.trim()));
}

function parseShare(value: string): number {
  const n = parseNumber(value);
  if (n < 0 || n > 1) throw new InvalidArgumentError('expected a share between 0 and 1.');
  return n;
}

export function register(program: Command): void {
  program
    .command('synth')
    .description('Write a synthetic breath-sound corpus in the ICBHI layout (NAME.wav, NAME.txt, NAME.events.json).')
    .argument('<dir>', 'output folder (created if missing; files of the same names are replaced)')
    .addOption(new Option('--count <n>', 'number of recordings').argParser(parsePositiveInt).default(40))
    .addOption(new Option('--seed <s>', 'random seed (same seed, same bytes)').argParser(parseNonNegativeInt).default(0))
    .addOption(new Option('--classes <list>', `patient conditions to draw from, comma separated (${CYCLE_LABELS.join(',')})`).argParser(parseClasses))
    .addOption(new Option('--seconds <min-max>', 'recording durations in seconds (default 8-20)').argParser(parseRange))
    .addOption(new Option('--rates <list>', 'sample rates to draw from, Hz, comma separated (default 4000–44100 mix)').argParser(parseRates))
    .addOption(new Option('--lowpass <min-max>', 'low-pass range of band-limited devices, Hz (default 1200-2500)').argParser(parseRange))
    .addOption(new Option('--band-limited <share>', 'share of recordings from band-limited devices (default 0.65)').argParser(parseShare))
    .addOption(new Option('--noise <scale>', 'multiply background and device noise levels (default 1)').argParser(parseNumber))
    .addOption(new Option('--clicks <min-max>', 'unannotated friction clicks and knocks per second in every recording, drawn log-uniformly (default: 40 % of recordings, 0.03-0.3)').argParser(parseRange))
    .addOption(new Option('--crackle-transmission <min-max>', 'corner of the chest low-pass crackles pass through, Hz, drawn log-uniformly per patient (default 350-2000; lower = duller crackles)').argParser(parseRange))
    .addOption(new Option('--crackle-level <min-max>', 'crackle peak relative to the breath sound RMS, drawn log-uniformly per patient (default 8-25)').argParser(parseRange))
    .addOption(new Option('--wheeze-level <min-max>', 'wheeze RMS relative to the breath sound RMS, drawn log-uniformly per patient (default 1.2-5; lower = fainter wheezes)').argParser(parseRange))
    .addOption(new Option('--short-wheezes <share>', 'share of wheezes that are short, 0.15-0.5 s (default 0.15)').argParser(parseShare))
    .addOption(new Option('--valve-clicks <min-max>', 'heart-valve clicks with every heart sound in every recording, level relative to the heart sound (default: 25 % of recordings, 0.05-0.4)').argParser(parseRange))
    .option('--quiet', 'print only the summary line')
    .action(async (dir: string, opts: SynthCliOptions) => runSynth(dir, opts));
}

/**
 * Creates the output folder one level at a time. Node's recursive mkdirSync never returns on a file
 * system that refuses new folders with ENOENT although the parent exists (/proc), so `synth /proc/x`
 * hung; here every refusal becomes one line naming the folder.
 */
export function createOutputFolder(dir: string): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let at = target;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    throw new LungcamInputError(at === target ? 'exists and is not a folder.' : `cannot create the output folder: ${at} is a file, not a folder`, dir);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      const why =
        code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : code === 'EROFS' ? 'read-only file system'
            : code === 'ENOSPC' ? 'no space left on the device'
              : code === 'ENOENT' ? `${path.dirname(d)} does not accept new folders`
                : (e as Error).message;
      throw new LungcamInputError(`cannot create the output folder (${why}): choose a folder you can write to`, dir);
    }
  }
}

async function runSynth(dir: string, opts: SynthCliOptions): Promise<void> {
  const { writeSynthCorpusParallel } = await import('../engine/data/synthPool');
  const { checkSynthOptions } = await import('../engine/data/synth');
  const options = {
    count: opts.count,
    seed: opts.seed,
    classes: opts.classes,
    minSeconds: opts.seconds?.[0],
    maxSeconds: opts.seconds?.[1],
    sampleRates: opts.rates,
    lowpassHz: opts.lowpass,
    bandLimitedShare: opts.bandLimited,
    noiseScale: opts.noise,
    clicksPerSecond: opts.clicks,
    crackleTransmissionHz: opts.crackleTransmission,
    valveClickLevel: opts.valveClicks,
    crackleLevel: opts.crackleLevel,
    wheezeLevel: opts.wheezeLevel,
    shortWheezeShare: opts.shortWheezes,
  };
  checkSynthOptions(options); // bad options: no folder created
  createOutputFolder(dir);
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const summary = await writeSynthCorpusParallel(
    dir,
    options,
    (done, total, rec) => {
      if (opts.quiet) return;
      const line = `synth ${done}/${total} ${rec.name} (${rec.sampleRate} Hz, ${rec.labels.length} cycles)`;
      if (tty) process.stderr.write(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
      else process.stderr.write(`${line}\n`);
    },
  );
  const c = summary.cycles;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${summary.recordings} recordings of ${summary.patients} patients (${summary.seconds} s of audio; cycles: ` +
      `normal ${c.normal}, crackle ${c.crackle}, wheeze ${c.wheeze}, both ${c.both}) to ${dir} in ${seconds} s\n`,
  );
}
