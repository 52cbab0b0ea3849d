/**
 * Option parsing shared by the CLI commands. Parsers throw commander's InvalidArgumentError, which
 * commander reports as one line naming the flag (exit 2 through kernels/cli/run.ts).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { FeatureParams } from '../engine/types';
import { VGGISH_PARAMS } from '../engine/types';
import { DEFAULT_MASK_FILL, MASK_FILLS } from '../engine/cutoff/bandMask';
import { DEFAULT_ATTENTION_THRESHOLD_HZ } from '../shared/cutoff';

/** A finite number (e.g. `--fmin 125`). */
export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}

/** A whole number ≥ 1 (e.g. `--bands 64`, `--count 10`). */
export function parsePositiveInt(value: string): number {
  const n = parseNumber(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/** A whole number ≥ 0 (e.g. `--seed 0`). */
export function parseNonNegativeInt(value: string): number {
  const n = parseNumber(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of at least 0.');
  return n;
}

/** Options as commander hands them to an action after addFeatureOptions(). */
export interface FeatureOptionValues {
  fmin?: number;
  fmax?: number;
  bands?: number;
  cutoff?: number;
}

/** Adds --fmin, --fmax, --bands, --cutoff (VGGish defaults) to a command; read them with featureParamsFrom(). */
export function addFeatureOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--fmin <hz>', 'lowest mel band edge, Hz').argParser(parseNumber).default(VGGISH_PARAMS.fmin))
    .addOption(new Option('--fmax <hz>', 'highest mel band edge, Hz (at most 8000)').argParser(parseNumber).default(VGGISH_PARAMS.fmax))
    .addOption(new Option('--bands <n>', 'number of mel bands').argParser(parsePositiveInt).default(VGGISH_PARAMS.bands))
    .addOption(new Option('--cutoff <hz>', 'drop the bands whose centre lies above this frequency').argParser(parseNumber));
}

/** FeatureParams from the values of addFeatureOptions() (checked later by resolveFeatureParams). */
export function featureParamsFrom(opts: FeatureOptionValues): FeatureParams {
  return {
    fmin: opts.fmin ?? VGGISH_PARAMS.fmin,
    fmax: opts.fmax ?? VGGISH_PARAMS.fmax,
    bands: opts.bands ?? VGGISH_PARAMS.bands,
    bandCutoffHz: opts.cutoff ?? null,
  };
}

/**
 * `--cutoff HZ` on commands that run a model: the band cutoff to look at. Read as text and checked once the
 * model or family is known (cutoff/plan.ts readBandCutoff), so every error can name the valid range.
 */
export function bandCutoffOption(): Option {
  return new Option('--cutoff <hz>', 'band cutoff: remove the bands above it (a family\'s model trained at that cutoff when it has one, otherwise a what-if: the same model with those bands masked); "full" = the full band');
}

/** `--mask-fill`: the neutral value of a masked what-if. */
export function maskFillOption(): Option {
  return new Option('--mask-fill <fill>', 'what a masked what-if puts in place of the removed bands: floor = ln(0.01) (silence), bandMean = each band\'s mean, noise = band mean + its own spread')
    .choices([...MASK_FILLS]).default(DEFAULT_MASK_FILL);
}

/** `--attention-threshold HZ`: where the share of attention above is reported (changes nothing the model sees). */
export function attentionThresholdOption(): Option {
  return new Option('--attention-threshold <hz>', 'report the share of attention above this frequency (a display threshold: the model\'s input is unchanged)')
    .argParser(parseNumber).default(DEFAULT_ATTENTION_THRESHOLD_HZ);
}
