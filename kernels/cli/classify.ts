/**
 * `lungcam classify <wav|dir> [--model DIR] [--json]`: per-patch probabilities, a recording label and,
 * when annotations sit beside the WAV (NAME.txt ICBHI cycles or NAME.json SPRSound events), one label per
 * cycle or event against the annotated one.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError, printable } from '../engine/errors';
import { notRegularFileReason, statInput } from '../engine/io/inputFile';
import { addModelOptions, loadModelFromOptions, modelMetadataFromOptions, type ModelOptionValues } from './modelOptions';

export function register(program: Command): void {
  const cmd = program
    .command('classify')
    .description('Classify breath-sound recordings: probabilities per 0.96 s patch, a recording label, and cycle labels when NAME.txt (ICBHI) or NAME.json (SPRSound) annotations exist.')
    .argument('<wav|dir>', 'a WAV file, or a folder of WAV files');
  addModelOptions(cmd).action(async (input: string, opts: ModelOptionValues) => runClassify(input, opts));
}

/** The WAV files to classify: the file itself, or a folder's *.wav; anything else is refused before any read. */
function wavFiles(input: string): string[] {
  const st = statInput(input);
  if (!st.isDirectory()) {
    const reason = notRegularFileReason(st);
    if (reason) throw new LungcamInputError(reason, input);
    return [input];
  }
  const wavs = readdirSync(input).filter((f) => /\.wav$/i.test(f)).sort().map((f) => path.join(input, f));
  if (wavs.length === 0) throw new LungcamInputError(`no WAV files in ${input}`, input);
  return wavs;
}

const pct = (p: number) => `${(100 * p).toFixed(0)}%`;

async function runClassify(input: string, opts: ModelOptionValues): Promise<void> {
  const files = wavFiles(input);
  const meta = await modelMetadataFromOptions(opts);
  const { logMelFromFile } = await import('../engine/audio/features');
  const { checkModelInput } = await import('../engine/audio/audioCheck');
  const { readRecordingAnnotations } = await import('../engine/data/annotations');
  const { classifyLogMel } = await import('../engine/model/classify');
  const { cycleLaneOf } = await import('../engine/model/cycleLane');
  const { cycleSummary, cycleNoun } = await import('../shared/view/cycleVerdicts');
  const { classWords, plural } = await import('../shared/view/words');
  const results = [];
  // Loaded once the first recording has passed its checks: bad input is refused before the backend starts.
  let loaded: Awaited<ReturnType<typeof loadModelFromOptions>> | undefined;
  for (const file of files) {
    const mel = await logMelFromFile(file, meta.featureParams);
    const annotations = readRecordingAnnotations(file, { durationSeconds: mel.source?.durationSeconds });
    printWarnings([...mel.warnings, ...checkModelInput(mel, file), ...(annotations?.warnings ?? [])]);
    loaded ??= await loadModelFromOptions(opts);
    const r = {
      file, durationSeconds: mel.source?.durationSeconds ?? 0, sampleRate: mel.source?.originalSampleRate ?? 0,
      ...classifyLogMel(loaded, mel, annotations),
    };
    results.push(r);
    if (!opts.json) {
      const probs = r.classes.map((c, i) => `${c} ${pct(r.probabilities[i])}`).join(', ');
      const lines = [`${printable(file)}: ${r.label} (${probs}; ${plural(r.patches.length, 'patch', 'patches')}, ${r.durationSeconds.toFixed(1)} s)`];
      const lane = cycleLaneOf(r);
      const noun = cycleNoun(lane?.source);
      for (const c of r.cycles ?? []) {
        const mark = c.trueLabel ? (c.trueLabel === c.label ? ' ✓' : ` ✗ annotated ${classWords(c.trueLabel)}`) : '';
        lines.push(`  ${noun} ${c.startSeconds.toFixed(2)}–${c.endSeconds.toFixed(2)} s: ${classWords(c.label)} ${pct(Math.max(...c.probabilities))}${mark}`);
      }
      if (lane?.cycles) lines.push(`  ${cycleSummary(lane.cycles, lane.source)}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
  }
  if (opts.json && loaded) {
    const out = { model: loaded.meta.name, modelDir: path.resolve(loaded.dir), featureParams: loaded.meta.featureParams, recordings: results };
    process.stdout.write(JSON.stringify(statSync(input).isDirectory() ? out : { ...out, recordings: undefined, ...results[0] }, null, 1) + '\n');
  }
}
