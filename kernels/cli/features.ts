/**
 * `lungcam features <wav> --out F.npy|F.json`: the VGGish log-mel of a recording ([frames, bands], or
 * [patches, 96, bands] with --patches). JSON carries its own axes and the parameters that produced it.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { Option } from 'commander';
import { extname } from 'node:path';
import type { RowFile } from '../engine/io/rowFile';
import { LungcamInputError, printable } from '../engine/errors';
import type { LogMel, Patches } from '../engine/types';
import { addFeatureOptions, featureParamsFrom, parsePositiveInt, type FeatureOptionValues } from './args';

interface FeaturesOptions extends FeatureOptionValues {
  out: string;
  patches?: boolean;
  hop?: number;
  tail: 'pad' | 'drop';
  dtype: 'float32' | 'float64';
  quiet?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('features')
    .description('Compute the VGGish log-mel spectrogram of a WAV file ([frames, bands], ln(mel + 0.01)).')
    .argument('<wav>', 'input WAV file (PCM 8/16/24/32, float 32/64, μ-law, A-law; any rate and channels)')
    .requiredOption('--out <file>', 'output file: .npy (float32/float64, C order) or .json (with axes)');
  addFeatureOptions(cmd, 'set')
    .option('--patches', 'cut into 0.96 s patches: [patches, 96, bands]')
    .addOption(new Option('--hop <frames>', 'patch hop in frames (with --patches; 96 = no overlap)').argParser(parsePositiveInt))
    .addOption(new Option('--tail <policy>', 'last partial patch (with --patches): pad it with silence when ≥ 0.48 s, or drop it').choices(['pad', 'drop']).default('pad'))
    .addOption(new Option('--dtype <type>', 'NPY element type').choices(['float32', 'float64']).default('float32'))
    .option('--quiet', 'do not print the summary line')
    .action(async (wav: string, opts: FeaturesOptions) => runFeatures(wav, opts));
}

async function runFeatures(wav: string, opts: FeaturesOptions): Promise<void> {
  const ext = extname(opts.out).toLowerCase();
  if (ext !== '.npy' && ext !== '.json') throw new LungcamInputError('the output must end in .npy or .json', opts.out);
  if (opts.hop !== undefined && !opts.patches) throw new LungcamInputError('--hop only applies with --patches', '--hop');
  // Loaded here so `lungcam --help` and other commands do not pay for them.
  const { resolveFeatureParams } = await import('../engine/audio/melFilter');
  const { logMelFromFile } = await import('../engine/audio/features');
  const { toPatches } = await import('../engine/audio/patches');
  const { checkOutputPath } = await import('../engine/io/atomicWrite');
  const params = resolveFeatureParams(featureParamsFrom(opts));
  checkOutputPath(opts.out);

  const compute = async (rowsTo?: (frames: number, bands: number) => RowFile) => {
    const mel = await logMelFromFile(wav, params, rowsTo ? { rowsTo } : {});
    printWarnings(mel.warnings);
    if (mel.frames === 0) {
      throw new LungcamInputError(`the recording is ${mel.source?.durationSeconds.toFixed(3)} s long, shorter than one 25 ms frame`, wav);
    }
    return mel;
  };

  let logMel: LogMel;
  let patches: Patches | null = null;
  if (ext === '.npy' && !opts.patches && opts.dtype === 'float32') {
    // The common case: each thread writes the rows it computes straight into the file.
    const { writeNpyRows } = await import('../engine/io/npy');
    let done: LogMel | undefined;
    await writeNpyRows(opts.out, async (begin) => { done = await compute(begin); });
    logMel = done!;
  } else {
    logMel = await compute();
    patches = opts.patches ? toPatches(logMel, { hopFrames: opts.hop, tail: opts.tail }) : null;
    const shape = patches ? [patches.count, patches.frames, patches.bands] : [logMel.frames, logMel.bands];
    const data = patches ? patches.data : logMel.data;
    if (ext === '.npy') {
      const { writeNpy } = await import('../engine/io/npy');
      await writeNpy(opts.out, data, shape, opts.dtype);
    } else {
      const { featuresJson } = await import('./featuresJson');
      const { writeJsonFile } = await import('../engine/io/jsonStream');
      await writeJsonFile(opts.out, featuresJson(logMel, patches, shape, data));
    }
  }
  if (!opts.quiet) {
    const what = patches ? `${patches.count} patches × 96 frames × ${patches.bands} bands${patches.padded.some(Boolean) ? ` (${patches.padded.filter(Boolean).length} padded)` : ''}` : `${logMel.frames} frames × ${logMel.bands} bands`;
    process.stdout.write(`${printable(opts.out)}: ${what} (${logMel.source?.durationSeconds.toFixed(2)} s at ${logMel.source?.originalSampleRate} Hz)\n`);
  }
}
