/**
 * The report of a band-cutoff sweep (sweep.ts): report.md with the numbers over seeds, report.json with
 * every number, the seed's Figures 3–4 from the first seed, profiles of score and attention against the
 * cutoff, and the first seed's models as a model family (models/family.json). Written atomically.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { atomicWriteDir } from '../io/atomicWrite';
import { saveModel } from '../model/modelIO';
import { FAMILY_MANIFEST, writeFamilyManifest } from '../model/family';
import { profilePng, profileSvg, type ProfileFigure, type ProfileSeries } from '../export/profile';
import type { Rgb } from '../../shared/view/colormaps';
import { checkTarget, writeStudyFigures } from './report';
import type { RungSummary, SweepResult } from './sweep';
import type { SeedSummary } from './seedStats';

const pct = (v: number | null | undefined, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : `${(100 * v).toFixed(d)}`);
/** "61.2 (57.8–64.6)" in percent; the interval only with ≥ 2 seeds. */
const ci = (s: SeedSummary | undefined, signed = false) => {
  if (!s) return 'n/a';
  const f = (v: number) => `${signed && v > 0 ? '+' : ''}${pct(v)}`;
  // Shares and scores live in [0, 1]: a t interval from few seeds can overshoot, so it is clipped there.
  const clip = (v: number) => (signed ? v : Math.min(1, Math.max(0, v)));
  return s.low === null || s.high === null ? f(s.mean) : `${f(s.mean)} (${f(clip(s.low))} to ${f(clip(s.high))})`;
};
const rungName = (c: number | null) => (c === null ? 'full band 100–2000 Hz' : `cut at ${c} Hz`);
const memberDir = (c: number | null) => (c === null ? 'full' : `cut${c}`);

const COLOURS: Rgb[] = [[188, 55, 84], [33, 145, 140], [59, 82, 139], [253, 187, 45], [94, 201, 98], [120, 120, 120]];

export function sweepJson(r: SweepResult, command: string) {
  const { study: _s, firstSeedModels: _m, ...rest } = r;
  return {
    kind: 'lungcam-sweep', version: 1, command, ...rest,
    firstSeed: { example: r.study.testSetForFigures[0].logMels.length, aboveCutoff: r.study.aboveCutoff, lowerHalf: r.study.lowerHalf, blankAboveCutoff: r.study.blankAboveCutoff },
    family: 'models/family.json',
  };
}

function verdict(r: SweepResult): string {
  const primary = r.retrained.find((x) => x.cutoffHz === r.primaryCutoffHz)!;
  const d = primary.delta;
  const lh = [r.retrained[0].lowerHalf, primary.lowerHalf];
  const scoreWord = d.low !== null && d.high !== null
    ? (d.low > 0 ? 'helps' : d.high < 0 ? 'hurts' : 'makes no difference we can tell from')
    : (d.mean > 0 ? 'helps (one seed)' : 'hurts (one seed)');
  const attWord = lh[1].mean > lh[0].mean + 0.02 ? 'moves towards' : lh[1].mean < lh[0].mean - 0.02 ? 'moves away from' : 'stays about where it was in';
  return `Cutting at ${r.primaryCutoffHz} Hz and retraining ${scoreWord} the score: ${ci(d, true)} points (mean of the databases' ICBHI scores, paired over ${d.n} seeds, 95 % CI). Attention ${attWord} the lower half of the spectrogram (${ci(lh[0])} % → ${ci(lh[1])} %).`;
}

function rungRows(r: SweepResult): string {
  const dbs = Object.keys(r.retrained[0].byDatabase);
  const head = `| model | score (mean of databases) | ${dbs.map((d) => `${d} score`).join(' | ')} | Δ score vs full band | attention in lower half | attention above ${r.primaryCutoffHz} Hz |`;
  const sep = `|${'---|'.repeat(5 + dbs.length)}`;
  const row = (s: RungSummary, label: string) =>
    `| ${label} | ${ci(s.score)} | ${dbs.map((d) => ci(s.byDatabase[d])).join(' | ')} | ${s.cutoffHz === null ? '–' : ci(s.delta, true)} | ${ci(s.lowerHalf)} | ${ci(s.above[String(r.primaryCutoffHz)])} |`;
  const lines = [head, sep, ...r.retrained.map((s) => row(s, `${rungName(s.cutoffHz)}, retrained`))];
  for (const f of r.fills) lines.push(...r.maskedSummary[f].map((s) => row(s, `full band, masked above ${s.cutoffHz} Hz (${f})`)));
  return lines.join('\n');
}

function perSeedRows(r: SweepResult): string {
  const dbs = Object.keys(r.runs[0].byDatabase);
  const lines = [`| seed | model | ${dbs.map((d) => `${d} Se / Sp / score`).join(' | ')} | lower-half attention | best epoch |`, `|${'---|'.repeat(4 + dbs.length)}`];
  for (const run of r.runs) {
    lines.push(`| ${run.seed} | ${rungName(run.cutoffHz)} | ${dbs.map((d) => { const s = run.byDatabase[d]; return `${pct(s?.sensitivity)} / ${pct(s?.specificity)} / ${pct(s?.icbhiScore)}`; }).join(' | ')} | ${pct(run.lowerHalf)} | ${run.bestEpoch} of ${run.epochsRun} |`);
  }
  return lines.join('\n');
}

export function sweepMarkdown(r: SweepResult, command: string, example: string, citation: string): string {
  const s = r.study;
  const primary = r.retrained.find((x) => x.cutoffHz === r.primaryCutoffHz)!;
  const full = r.retrained[0];
  const blank = Object.entries(r.blankAbove).map(([db, m]) => `${m.byCutoff[String(r.primaryCutoffHz)]} of ${m.of} ${db}`).join(' and ');
  const agree = r.fills.map((f) => `${f}: score error ${pct(r.fillAgreement[f].scoreError)} points, lower-half attention error ${pct(r.fillAgreement[f].attentionError)} points`).join('; ');
  const trainMinutes = r.runs.reduce((a, x) => a + x.seconds, 0) / 60;
  return `# Band-cutoff study on real recordings

Command: \`${command}\`

Data: ${r.dataset.dir} — ${r.dataset.recordings} recordings; ${r.dataset.split} split${r.dataset.splitFile ? ` (\`${path.basename(r.dataset.splitFile)}\`)` : ''}: ${r.dataset.train} training, ${r.dataset.validation} validation (model selection), ${r.dataset.test} test recordings (${Object.entries(r.dataset.testPatients).map(([db, n]) => `${n} ${db} patients`).join(', ')}). ${citation}

Models: the seed recipe (VGGish log-mel 100–2000 Hz, 64 bands, 0.96 s patches), full band and retrained at ${r.cutoffs.map((c) => `${c}`).join(', ')} Hz, ${seedText(r)} (${r.runs.length} models, ${trainMinutes.toFixed(0)} min of training; ${(r.seconds / 60).toFixed(0)} min in all). Scores are on the test patients only: ICBHI cycles and SPRSound events are scored separately ("score" = ICBHI score = (Se + Sp)/2; "mean of databases" weighs both the same). Intervals are 95 % t intervals over the training seeds (training variance, not patient sampling).

**${verdict(r)}**

## 1. Where the full-band model looks

Grad-CAM of the last conv layer for the predicted class, over the ${s.full.attention.patches} test patches: the band above ${r.primaryCutoffHz} Hz (${pct(s.aboveCutoff.areaShare)} % of the bands) gets ${ci(full.above[String(r.primaryCutoffHz)])} % of the attention (mean over seeds). It is blank (mean log-mel within 1 of the ln(0.01) floor) in ${blank} test recordings.

![Figure 3: Grad-CAM of a test recording, full-band model (seed ${r.seeds[0]})](fig3-full-band.png)

![Figure 3 (mean over the test patches)](fig3-mean-full-band.png)

## 2. Cut and retrain, and the masking what-if, at every cutoff

${rungRows(r)}

"masked": the full-band model itself with the bands above the cutoff replaced (the what-if, no retraining): \`floor\` = ln(0.01), \`bandMean\` = each band's mean over the recording, \`noise\` = draws from each band's mean and spread. Does masking predict retraining? Mean absolute difference between the what-if's Δ score and the retrained Δ score over the cutoffs — ${agree}. Chosen fill: **${r.chosenFill}** (the smallest score error); the product's what-if uses it.

![Score against cutoff](score-vs-cutoff.png)

![Attention in the lower half against cutoff](attention-vs-cutoff.png)

## 3. Attention before and after the cut (${r.primaryCutoffHz} Hz)

Share of attention in the lower half of the full-band spectrogram (band centres ≤ ${r.lowerHalfHz.toFixed(0)} Hz): **${ci(full.lowerHalf)} % before → ${ci(primary.lowerHalf)} % after** the cut (mean over seeds).

![Figure 4: the same recording, cut model](fig4-cut.png)

![Figure 4 (mean over the test patches)](fig4-mean-cut.png)

![Attention by band, seed ${r.seeds[0]}](attention-by-band.png)

![Attention by band, every rung (mean over seeds)](attention-by-band-sweep.png)

Example recording in Figures 3 and 4: \`${example}\` (a test recording). Every figure is also in SVG beside its PNG; every number is in report.json.

## Localisation on real events (SPRSound test patients)

${locText(r)}

## Per seed

${perSeedRows(r)}

The first seed's models are in \`models/\` as a model family (\`models/${FAMILY_MANIFEST}\`).
`;
}

function locText(r: SweepResult): string {
  const rows = r.retrained.filter((s) => s.localisationRatio);
  if (!rows.length) return 'No test recording with timed events.';
  const first = r.runs.find((x) => x.cutoffHz === null && x.localisation)?.localisation;
  const byClass = first ? Object.entries(first.byClass).map(([k, v]) => `${k} ${v.meanRatio.toFixed(2)}× / ${pct(v.pointingGameRate)} % (${v.events})`).join('; ') : '';
  return `SPRSound events carry time bounds (no frequency bounds). For each crackle, wheeze or both event, the Grad-CAM map of the event's own class (last conv layer): its energy inside the event's time window against the window's share of time, within the patches the event overlaps (1× = no better than an even spread), and the pointing game in time (the map's maximum lies inside the window).

| model | energy / time share | pointing game |
|---|---|---|
${rows.map((s) => `| ${rungName(s.cutoffHz)} | ${s.localisationRatio!.mean.toFixed(2)}× (${s.localisationRatio!.low?.toFixed(2) ?? '–'}–${s.localisationRatio!.high?.toFixed(2) ?? '–'}) | ${ci(s.pointingGame)} % |`).join('\n')}

First seed, full band, by class (ratio / pointing game (events)): ${byClass}; ${first?.events ?? 0} events in ${first?.recordings ?? 0} recordings.`;
}

/** Which seeds trained which rungs. */
function seedText(r: SweepResult): string {
  const by = r.retrained.map((s) => `${s.cutoffHz ?? 'full'}: ${s.score.n}`);
  const all = r.retrained.every((s) => s.score.n === r.seeds.length);
  return all ? `each with seeds ${r.seeds.join(', ')}` : `with seeds ${r.seeds.join(', ')} (seeds per rung — ${by.join(', ')})`;
}

function cutoffAxis(r: SweepResult): number[] {
  return [...r.cutoffs, 2000];
}

/**
 * One figure against cutoff: a figure (`of`) of each rung retrained there and of the full-band model masked
 * there with each fill, the full band's own value at 2000 Hz on every line.
 */
function againstCutoff(r: SweepResult, of: (s: RungSummary) => number, title: string, yLabel: string): ProfileFigure {
  const x = cutoffAxis(r);
  const full = of(r.retrained[0]);
  const at = (rows: RungSummary[]) => [...r.cutoffs.map((c) => of(rows.find((s) => s.cutoffHz === c)!)), full];
  const series: ProfileSeries[] = [
    { label: 'retrained at the cutoff', bandCentersHz: x, values: at(r.retrained), colour: COLOURS[0] },
    ...r.fills.map((f, i) => ({ label: `full band, masked (${f})`, bandCentersHz: x, values: at(r.maskedSummary[f]), colour: COLOURS[i + 1] })),
  ];
  const all = series.flatMap((s) => s.values);
  return {
    title, axisCentersHz: x, series, yLabel, xLabel: 'cutoff (Hz)', xTicksHz: x, markers: true,
    yRange: [Math.max(0, Math.min(...all) - 0.05), Math.min(1, Math.max(...all) + 0.05)],
  };
}

const scoreFigure = (r: SweepResult) => againstCutoff(r, (s) => s.score.mean,
  `Score (mean of the databases' ICBHI scores) against cutoff, mean of ${r.seeds.length} seeds; 2000 Hz = full band`, 'score');

const attentionFigure = (r: SweepResult) => againstCutoff(r, (s) => s.lowerHalf.mean,
  `Attention in the lower half (≤ ${r.lowerHalfHz.toFixed(0)} Hz) against cutoff, mean of ${r.seeds.length} seeds`, 'share of attention');

function bandFigure(r: SweepResult): ProfileFigure {
  return {
    title: `Grad-CAM attention by band over the test patches, mean of ${r.seeds.length} seeds`,
    axisCentersHz: r.retrained[0].bandCentersHz,
    series: r.retrained.map((s, i) => ({ label: rungName(s.cutoffHz), bandCentersHz: s.bandCentersHz, values: s.byBand, colour: COLOURS[i % COLOURS.length] })),
    yLabel: 'mean attention',
  };
}

/** Writes the sweep's report folder (refuses to replace a folder that is not an earlier report). */
export async function writeSweepReport(r: SweepResult, outDir: string, command: string, citation = ''): Promise<void> {
  checkTarget(outDir);
  await atomicWriteDir(path.resolve(outDir), async (tmp) => {
    const example = await writeStudyFigures(tmp, r.study);
    for (const [file, fig] of [['score-vs-cutoff', scoreFigure(r)], ['attention-vs-cutoff', attentionFigure(r)], ['attention-by-band-sweep', bandFigure(r)]] as const) {
      await fs.writeFile(path.join(tmp, `${file}.png`), profilePng(fig));
      await fs.writeFile(path.join(tmp, `${file}.svg`), profileSvg(fig));
    }
    const models = path.join(tmp, 'models');
    await fs.mkdir(models);
    for (const m of r.firstSeedModels) await saveModel(path.join(models, memberDir(m.cutoffHz)), m.model, { ...m.meta, name: memberDir(m.cutoffHz) });
    await writeFamilyManifest(models, {
      name: 'seed recipe by cutoff',
      description: `The seed recipe (log-mel 100–2000 Hz, 64 bands) trained the same way at each cutoff (seed ${r.seeds[0]}): ${command}`,
      members: r.firstSeedModels.map((m) => ({ bandCutoffHz: m.cutoffHz, dir: memberDir(m.cutoffHz) })),
    });
    await fs.writeFile(path.join(tmp, 'report.json'), JSON.stringify(sweepJson(r, command), null, 1) + '\n');
    await fs.writeFile(path.join(tmp, 'report.md'), sweepMarkdown(r, command, example, citation));
  });
}
