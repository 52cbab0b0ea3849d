/**
 * `lungcam classify <wav|dir> [--model DIR] [--json]`: per-patch probabilities, a recording label and,
 * when annotations sit beside the WAV (NAME.txt ICBHI cycles or NAME.json SPRSound events), one label per
 * cycle or event against the annotated one.
 */
import type { Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../engine/errors';
import { addModelOptions, loadModelFromOptions, type ModelOptionValues } from './modelOptions';

export function register(program: Command): void {
  const cmd = program
    .command('classify')
    .description('Classify breath-sound recordings: probabilities per 0.96 s patch, a recording label, and cycle labels when NAME.txt (ICBHI) or NAME.json (SPRSound) annotations exist.')
    .argument('<wav|dir>', 'a WAV file, or a folder of WAV files');
  addModelOptions(cmd).action(async (input: string, opts: ModelOptionValues) => runClassify(input, opts));
}

function wavFiles(input: string): string[] {
  if (!existsSync(input)) throw new LungcamInputError('no such file or folder', input);
  if (!statSync(input).isDirectory()) return [input];
  const wavs = readdirSync(input).filter((f) => /\.wav$/i.test(f)).sort().map((f) => path.join(input, f));
  if (wavs.length === 0) throw new LungcamInputError(`no WAV files in ${input}`, input);
  return wavs;
}

const pct = (p: number) => `${(100 * p).toFixed(0)}%`;

async function runClassify(input: string, opts: ModelOptionValues): Promise<void> {
  const files = wavFiles(input);
  const loaded = await loadModelFromOptions(opts);
  const { logMelFromFile } = await import('../engine/audio/features');
  const { readRecordingAnnotations } = await import('../engine/data/annotations');
  const { classifyLogMel } = await import('../engine/model/classify');
  const { cycleLaneOf } = await import('../engine/show/cycleLane');
  const { cycleSummary, cycleNoun } = await import('../shared/view/cycleVerdicts');
  const { classWords, plural } = await import('../shared/view/words');
  const results = [];
  for (const file of files) {
    const mel = await logMelFromFile(file, loaded.meta.featureParams);
    for (const w of mel.warnings) process.stderr.write(`lungcam: warning: ${w}\n`);
    const annotations = readRecordingAnnotations(file, { durationSeconds: mel.source?.durationSeconds });
    for (const w of annotations?.warnings ?? []) process.stderr.write(`lungcam: warning: ${w}\n`);
    const r = {
      file, durationSeconds: mel.source?.durationSeconds ?? 0, sampleRate: mel.source?.originalSampleRate ?? 0,
      ...classifyLogMel(loaded, mel, annotations),
    };
    results.push(r);
    if (!opts.json) {
      const probs = r.classes.map((c, i) => `${c} ${pct(r.probabilities[i])}`).join(', ');
      const lines = [`${file}: ${r.label} (${probs}; ${plural(r.patches.length, 'patch', 'patches')}, ${r.durationSeconds.toFixed(1)} s)`];
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
  if (opts.json) {
    const out = { model: loaded.meta.name, modelDir: path.resolve(loaded.dir), featureParams: loaded.meta.featureParams, recordings: results };
    process.stdout.write(JSON.stringify(statSync(input).isDirectory() ? out : { ...out, recordings: undefined, ...results[0] }, null, 1) + '\n');
  }
}
