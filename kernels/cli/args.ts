/**
 * Option parsing shared by the CLI commands. Parsers throw commander's InvalidArgumentError, which
 * commander reports as one line naming the flag (exit 2 through kernels/cli/run.ts).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_PREFERENCES, VGGISH_PARAMS, type BackendPreference, type FeatureParams } from '../engine/types';
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

/** The band cutoff flag (the study's cutoff too, with its own description and default). */
export function cutoffOption(description = 'drop the bands whose centre lies above this frequency, Hz'): Option {
  return new Option('--cutoff <hz>', description).argParser(parseNumber);
}

const FEATURE_FLAGS = [
  { flags: '--fmin <hz>', what: 'lowest mel band edge, Hz', parse: parseNumber, vggish: VGGISH_PARAMS.fmin },
  { flags: '--fmax <hz>', what: 'highest mel band edge, Hz (at most 8000)', parse: parseNumber, vggish: VGGISH_PARAMS.fmax },
  { flags: '--bands <n>', what: 'number of mel bands', parse: parsePositiveInt, vggish: VGGISH_PARAMS.bands },
];

/**
 * Adds --fmin, --fmax, --bands and --cutoff, declared once for every command. `set` (features, train): the
 * features to compute, VGGish defaults; read them with featureParamsFrom(). `model` (classify, evaluate):
 * the model's own by default, and a flag given must agree with the model (requestedFeatures() for
 * checkFeatureParams). `view` (gradcam, view): --fmin/--fmax/--bands as `model`, and --cutoff the band
 * cutoff to look at (bandCutoffOption: a family's member or the what-if).
 */
export function addFeatureOptions(cmd: Command, use: 'set' | 'model' | 'view'): Command {
  const check = (what: string) => (use === 'set' ? what : `check: the model's ${what} (default: the model's)`);
  for (const f of FEATURE_FLAGS) {
    const option = new Option(f.flags, check(f.what)).argParser(f.parse);
    cmd.addOption(use === 'set' ? option.default(f.vggish) : option);
  }
  if (use === 'view') return cmd.addOption(bandCutoffOption()).addOption(maskFillOption());
  return cmd.addOption(cutoffOption(check('band cutoff: drop the bands whose centre lies above this frequency, Hz')));
}

/**
 * `--cutoff HZ` on gradcam and view: the band cutoff to look at. Read as text and checked once the model or
 * family is known (cutoff/plan.ts readBandCutoff), so every error can name the valid range.
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

/** FeatureParams from the values of addFeatureOptions(cmd, 'set') (checked later by resolveFeatureParams). */
export function featureParamsFrom(opts: FeatureOptionValues): FeatureParams {
  return {
    fmin: opts.fmin ?? VGGISH_PARAMS.fmin,
    fmax: opts.fmax ?? VGGISH_PARAMS.fmax,
    bands: opts.bands ?? VGGISH_PARAMS.bands,
    bandCutoffHz: opts.cutoff ?? null,
  };
}

/** The feature flags the user actually gave with addFeatureOptions(cmd, 'model'), to check against the model. */
export function requestedFeatures(opts: FeatureOptionValues): Partial<FeatureParams> {
  const r: Partial<FeatureParams> = {};
  if (opts.fmin !== undefined) r.fmin = opts.fmin;
  if (opts.fmax !== undefined) r.fmax = opts.fmax;
  if (opts.bands !== undefined) r.bands = opts.bands;
  if (opts.cutoff !== undefined) r.bandCutoffHz = opts.cutoff;
  return r;
}

/** The feature flags given, as the subject of a mismatch error ("--fmin/--cutoff"). */
export function featureFlagsGiven(opts: FeatureOptionValues): string {
  const given = (['fmin', 'fmax', 'bands', 'cutoff'] as const).filter((k) => opts[k] !== undefined).map((k) => `--${k}`);
  return given.length ? given.join('/') : 'features';
}

export type BackendChoice = BackendPreference;

/** --backend, declared once; without it the engine takes env LUNGCAM_BACKEND, else auto. */
export function addBackendOption(cmd: Command): Command {
  return cmd.addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: $LUNGCAM_BACKEND, else auto)').choices(BACKEND_PREFERENCES));
}
