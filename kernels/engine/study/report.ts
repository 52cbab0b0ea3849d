/**
 * Writes the study's report folder: report.md (the story with the numbers), report.json (every number),
 * the seed's Figures 3 and 4 as Grad-CAM heatmaps (one test recording, and the mean over the test set)
 * and the attention-by-band profiles, as PNG and SVG. All files go to a temporary folder that replaces
 * the target at the end, so a failed run leaves no half-written report.
 */
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { atomicWriteDir } from '../io/atomicWrite';
import { CLASSES, convLayerNames } from '../model/model';
import { saveModel } from '../model/modelIO';
import { recordingCam, type CamModel } from '../cam/explain';
import { figureFor } from '../export/json';
import { camFigurePng } from '../export/png';
import { camFigureSvg } from '../export/svg';
import { profilePng, profileSvg } from '../export/profile';
import type { CamFigure } from '../../shared/view/figure';
import type { StudyArm, StudyResult } from './study';
import { PATCH_FRAMES } from '../types';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)} %`);

function armJson(a: StudyArm) {
  return {
    params: a.params,
    bands: a.bands,
    bandCentersHz: a.bandCentersHz.map((v) => Number(v.toFixed(2))),
    train: a.train,
    test: a.test,
    attention: { layer: a.attention.layer, patches: a.attention.patches, byBand: a.attention.byBand.map((v) => Number(v.toFixed(5))) },
    localisation: a.localisation,
  };
}

export function studyJson(r: StudyResult, command: string) {
  return {
    kind: 'lungcam-study',
    version: 1,
    command,
    dataset: r.dataset,
    seed: r.seed,
    epochs: r.epochs,
    cutoffHz: r.cutoffHz,
    seconds: Number(r.seconds.toFixed(1)),
    blankAboveCutoff: r.blankAboveCutoff,
    aboveCutoff: r.aboveCutoff,
    lowerHalf: r.lowerHalf,
    headline: {
      fullBand: { accuracy: r.full.test.cycles.accuracy, icbhiScore: r.full.test.cycles.icbhiScore, sensitivity: r.full.test.cycles.sensitivity, specificity: r.full.test.cycles.specificity },
      cut: { accuracy: r.cut.test.cycles.accuracy, icbhiScore: r.cut.test.cycles.icbhiScore, sensitivity: r.cut.test.cycles.sensitivity, specificity: r.cut.test.cycles.specificity },
    },
    fullBand: armJson(r.full),
    cut: armJson(r.cut),
    figures: FIGURES,
    models: { fullBand: 'models/full-band', cut: 'models/cut' },
  };
}

const FIGURES = {
  figure3: 'fig3-full-band.png',
  figure4: 'fig4-cut.png',
  figure3Mean: 'fig3-mean-full-band.png',
  figure4Mean: 'fig4-mean-cut.png',
  profile: 'attention-by-band.png',
};

export function studyMarkdown(r: StudyResult, command: string, example: string): string {
  const row = (name: string, a: StudyArm) =>
    `| ${name} | ${a.bands} | ${pct(a.test.cycles.accuracy)} | ${pct(a.test.cycles.sensitivity)} | ${pct(a.test.cycles.specificity)} | ${pct(a.test.cycles.icbhiScore)} | ${pct(a.test.patches.icbhiScore)} |`;
  return `# Band-cutoff study (the seed's experiment)

Command: \`${command}\`

Dataset: ${r.dataset.dir} — ${r.dataset.recordings} recordings${r.dataset.corpus ? ` (synthetic corpus, ${r.dataset.corpus})` : ''}; ${r.dataset.split} split: ${r.dataset.trainRecordings} train + ${r.dataset.validationRecordings} validation (held-out patients, for model selection) / ${r.dataset.testRecordings} test recordings. Seed ${r.seed}, up to ${r.epochs} epochs (early stopping on validation ICBHI score). Ran in ${(r.seconds / 60).toFixed(1)} min.

## 1. Where the full-band model looks

${verdictAbove(r)}

Features 100–2000 Hz, 64 mel bands. Grad-CAM (last conv layer \`${r.full.attention.layer}\`, class = the model's prediction per patch) over the ${r.full.attention.patches} test patches:

- Share of attention above ${r.cutoffHz} Hz: **${pct(r.aboveCutoff.attentionShare)}**, for ${pct(r.aboveCutoff.areaShare)} of the bands (an even spread would give the latter).
- The band above ${r.cutoffHz} Hz is blank (mean log-mel within 1 of the ln(0.01) floor) in **${r.blankAboveCutoff.recordings} of ${r.blankAboveCutoff.of}** test recordings.

![Figure 3: Grad-CAM of a test recording, full-band model](${FIGURES.figure3})

![Figure 3 (mean over the test set)](${FIGURES.figure3Mean})

## 2. Cut at ${r.cutoffHz} Hz and retrain

Same seed and recipe; features keep the ${r.cut.bands} bands whose centre is at or below ${r.cutoffHz} Hz.

| model | bands | accuracy (cycles) | Se | Sp | ICBHI score (cycles) | ICBHI score (patches) |
|---|---|---|---|---|---|---|
${row('full band 100–2000 Hz', r.full)}
${row(`cut at ${r.cutoffHz} Hz`, r.cut)}

## Localisation against the ground-truth events

Energy of the event's own class map (crackle → \`crackle\`, wheeze → \`wheeze\`) inside the event's time × frequency box, within the patches that overlap it, against the box's share of that area (1 = no better than an even spread); pointing game = the map's maximum lies in the box.

${locRow('full band', r.full)}
${locRow(`cut at ${r.cutoffHz} Hz`, r.cut)}

## 3. Attention before and after the cut

${verdictLower(r)}

Share of attention in the lower half of the full-band spectrogram (band centres ≤ ${r.lowerHalf.hz.toFixed(0)} Hz): **${pct(r.lowerHalf.before)} before → ${pct(r.lowerHalf.after)} after** the cut.

![Figure 4: the same recording, cut model](${FIGURES.figure4})

![Figure 4 (mean over the test set)](${FIGURES.figure4Mean})

![Attention by band before and after](${FIGURES.profile})

Example recording in Figures 3 and 4: \`${example}\`. Every figure is also in SVG beside its PNG; every number is in report.json.

Training: full band ${r.full.train.epochsRun} epochs (best ${r.full.train.bestEpoch}), cut ${r.cut.train.epochsRun} epochs (best ${r.cut.train.bestEpoch}); model selection on ${r.full.train.validationRecordings} validation recordings. Both models are in \`models/\` beside this report (\`lungcam gradcam REC.wav --model models/cut --out F.html\`).

Caveats: a synthetic corpus and a small test set (${r.full.test.cycles.count} cycles, ${r.dataset.testRecordings} recordings); validation on a handful of recordings makes early stopping noisy, so score differences between the two models mix the cut's effect with training variance (one seed). The attention profiles are the more robust part of the result.
`;
}

function verdictAbove(r: StudyResult): string {
  const ratio = r.aboveCutoff.areaShare > 0 ? r.aboveCutoff.attentionShare / r.aboveCutoff.areaShare : 0;
  const word = ratio < 0.8 ? 'less attention than' : ratio > 1.2 ? 'more attention than' : 'about as much attention as';
  return `The band above ${r.cutoffHz} Hz gets ${word} its share of the bands (${pct(r.aboveCutoff.attentionShare)} of the attention for ${pct(r.aboveCutoff.areaShare)} of the bands, ratio ${ratio.toFixed(2)}).`;
}

function verdictLower(r: StudyResult): string {
  const d = r.lowerHalf.after - r.lowerHalf.before;
  const word = d > 0.05 ? 'moves towards' : d < -0.05 ? 'moves away from' : 'stays about as it was in';
  const s = r.cut.test.cycles.icbhiScore ?? 0;
  const f = r.full.test.cycles.icbhiScore ?? 0;
  const score = s > f + 0.02 ? 'higher' : s < f - 0.02 ? 'lower' : 'about the same';
  return `After the cut, attention ${word} the lower half of the spectrogram, and the cycle-level ICBHI score is ${score} (${pct(f)} → ${pct(s)}).`;
}

function locRow(name: string, a: StudyArm): string {
  const l = a.localisation;
  if (!l) return `- ${name}: no events.json in the test set`;
  const line = (f: { meanRatio: number; meanEnergyShare: number; meanAreaShare: number; pointingGameRate: number; events: number; byType: Record<string, { meanRatio: number; pointingGameRate: number; events: number }> }) =>
    `**${f.meanRatio.toFixed(2)}×** the area share (energy ${pct(f.meanEnergyShare)} in ${pct(f.meanAreaShare)} of the area), pointing game **${pct(f.pointingGameRate)}** over ${f.events} events; by type: ` +
    Object.entries(f.byType).map(([t, v]) => `${t} ${v.meanRatio.toFixed(2)}× / ${pct(v.pointingGameRate)} (${v.events})`).join('; ');
  const r = l.atMapResolution;
  return `- ${name} (${l.recordings} recordings), event boxes as annotated: ${line(l)}\n- ${name}, boxes widened to one map cell (${r.minFrames} frames × ${r.minBands} bands, the layer's resolution): ${line(r)}`;
}

function meanFigure(arm: StudyArm, logMelMean: Float32Array, title: string, valueMax: number): CamFigure {
  return {
    title,
    logMel: { data: logMelMean, frames: PATCH_FRAMES, bands: arm.bands },
    map: { data: arm.attention.meanMap, frames: PATCH_FRAMES, bands: arm.bands },
    hopSeconds: 0.01,
    bandCentersHz: arm.bandCentersHz,
    valueRange: [0, valueMax],
    valueLabel: 'mean attention',
  };
}

/** Prepares the report folder target: refuse to replace a folder that is not an earlier report. */
function checkTarget(dir: string): void {
  const parent = path.dirname(path.resolve(dir));
  if (!existsSync(parent)) throw new LungcamInputError(`cannot write the report: folder ${parent} does not exist`, dir);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new LungcamInputError('cannot write the report: a file with this name exists', dir);
    const entries = readdirSync(dir);
    if (entries.length && !entries.includes('report.json')) {
      throw new LungcamInputError('refusing to overwrite: the folder exists and is not a study report; choose another --out', dir);
    }
  }
}

export async function writeStudyReport(r: StudyResult, outDir: string, command: string): Promise<void> {
  checkTarget(outDir);
  const target = path.resolve(outDir);
  await atomicWriteDir(target, async (tmp) => {
    const [fullTest, cutTest] = r.testSetForFigures;
    // Example: the test recording with the most abnormal cycles among those blank above the cutoff.
    let example = 0;
    let best = -1;
    fullTest.logMels.forEach((_, i) => {
      const abnormal = fullTest.cycles.filter((c) => c.recording === i && c.label !== 0).length;
      if (abnormal > best) { best = abnormal; example = i; }
    });
    const name = fullTest.logMels[example].source?.fileName ?? `recording ${example}`;
    for (const [arm, set, file] of [[r.full, fullTest, 'fig3-full-band'], [r.cut, cutTest, 'fig4-cut']] as const) {
      const cm: CamModel = { model: arm.model, id: arm.name === 'cut' ? `cut${r.cutoffHz}` : 'full-band', classes: [...CLASSES], convLayers: convLayerNames(arm.model) };
      const rc = await recordingCam(cm, set.logMels[example], { normalisation: 'patch' });
      const fig = figureFor(rc, cm, 'gradcam', null);
      fig.title = `Figure ${arm.name === 'cut' ? 4 : 3}: ${fig.title}`;
      await fs.writeFile(path.join(tmp, `${file}.png`), camFigurePng(fig));
      await fs.writeFile(path.join(tmp, `${file}.svg`), camFigureSvg(fig));
    }
    const meanLogMel = (set: typeof fullTest) => {
      const size = PATCH_FRAMES * set.bands;
      const m = new Float32Array(size);
      for (let p = 0; p < set.count; p++) for (let i = 0; i < size; i++) m[i] += set.x[p * size + i] / set.count;
      return m;
    };
    const vmax = Math.max(...r.full.attention.meanMap, ...r.cut.attention.meanMap);
    for (const [arm, set, file, n] of [[r.full, fullTest, 'fig3-mean-full-band', 3], [r.cut, cutTest, 'fig4-mean-cut', 4]] as const) {
      const fig = meanFigure(arm, meanLogMel(set), `Figure ${n} (mean of ${set.count} test patches): ${arm.name} model, Grad-CAM ${arm.attention.layer}, predicted class`, vmax);
      await fs.writeFile(path.join(tmp, `${file}.png`), camFigurePng(fig));
      await fs.writeFile(path.join(tmp, `${file}.svg`), camFigureSvg(fig));
    }
    const profile = {
      title: `Grad-CAM attention by band over the test set (${r.full.attention.patches} patches)`,
      axisCentersHz: r.full.bandCentersHz,
      series: [
        { label: 'full band 100–2000 Hz', bandCentersHz: r.full.bandCentersHz, values: r.full.attention.byBand, colour: [188, 55, 84] as [number, number, number] },
        { label: `cut at ${r.cutoffHz} Hz, retrained`, bandCentersHz: r.cut.bandCentersHz, values: r.cut.attention.byBand, colour: [33, 145, 140] as [number, number, number] },
      ],
      cutoffHz: r.cutoffHz,
      yLabel: 'mean attention',
    };
    await fs.writeFile(path.join(tmp, 'attention-by-band.png'), profilePng(profile));
    await fs.writeFile(path.join(tmp, 'attention-by-band.svg'), profileSvg(profile));
    // The two trained models, so their maps can be explored again (`lungcam gradcam --model …/models/cut`).
    await fs.mkdir(path.join(tmp, 'models'));
    for (const arm of [r.full, r.cut]) {
      await saveModel(path.join(tmp, 'models', arm.name), arm.model, { ...arm.meta, name: arm.name });
    }
    await fs.writeFile(path.join(tmp, 'report.json'), JSON.stringify(studyJson(r, command), null, 1) + '\n');
    await fs.writeFile(path.join(tmp, 'report.md'), studyMarkdown(r, command, name));
  });
}
