// The band-cutoff sweep end to end on a small real subset (symlinks into ../shared/realdata, never copies;
// skipped with a reason when that folder is absent): two seeds, the full band and two cutoffs, a tiny net
// and one epoch — the shape of the result and the report, not the science. Plus the CLI's bad ladders.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { runSweep } from '../../../kernels/engine/study/sweep';
import { writeSweepReport } from '../../../kernels/engine/study/sweepReport';
import { readModelFamily } from '../../../kernels/engine/model/family';
import { runCli } from '../../../kernels/cli/run';
import { register as registerStudy, trainCommand } from '../../../kernels/cli/study';

const REAL = process.env.LUNGCAM_REALDATA_DIR ?? path.resolve(__dirname, '../../../../shared/realdata');
const noReal = !existsSync(path.join(REAL, 'sprsound')) && `no real data at ${REAL} (set LUNGCAM_REALDATA_DIR)`;
const root = mkdtempSync(path.join(tmpdir(), 'lungcam-sweep-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

before(async () => {
  await initBackend('wasm', { quiet: true });
});

/** Four ICBHI patients and nine SPRSound patients, linked; a split file over their patients. */
function subset(): { dir: string; splitFile: string } {
  const dir = path.join(root, 'data');
  mkdirSync(dir);
  const icbhi = ['101_1b1_Al_sc_Meditron', '102_1b1_Ar_sc_Meditron', '103_2b2_Ar_mc_LittC2SE', '104_1b1_Ar_sc_Litt3200', '106_2b1_Pl_mc_LittC2SE', '107_2b3_Ar_mc_AKGC417L'];
  for (const n of icbhi) for (const ext of ['.wav', '.txt']) symlinkSync(path.join(REAL, n + ext), path.join(dir, n + ext));
  const spr = readdirSync(path.join(REAL, 'sprsound')).filter((f) => f.endsWith('.json')).sort().filter((_, i) => i % 50 === 3).map((f) => f.slice(0, -5));
  for (const n of spr) for (const ext of ['.wav', '.json']) symlinkSync(path.join(REAL, 'sprsound', n + ext), path.join(dir, n + ext));
  const sides = ['train', 'validation', 'test'];
  const lines = ['101\ttrain', '103\ttrain', '107\ttrain', '106\tvalidation', '102\ttest', '104\ttest'];
  [...new Set(spr.map((n) => n.split('_')[0]))].forEach((p, i) => lines.push(`${p}\t${sides[i % 3]}`));
  const splitFile = path.join(root, 'split.tsv');
  writeFileSync(splitFile, lines.join('\n') + '\n');
  return { dir, splitFile };
}

test('a two-seed sweep over two cutoffs on real recordings: figures per rung, the what-if per fill, a report and a family', { skip: noReal }, async () => {
  const { dir, splitFile } = subset();
  const r = await runSweep(dir, {
    cutoffs: [1000, 1500], seeds: [1, 2], splitFile, recipe: { epochs: 1, patience: 0, model: { filters: [4, 8] }, trainHopFrames: 96 }, maskFills: ['floor', 'bandMean'],
    commandFor: (seed, cutoffHz) => `train seed ${seed} cutoff ${cutoffHz}`,
  });
  assert.equal(r.runs.length, 6, 'two seeds × (full band + two cutoffs)');
  assert.deepEqual(r.retrained.map((s) => s.cutoffHz), [null, 1000, 1500]);
  assert.deepEqual(r.retrained.map((s) => s.bandCentersHz.length), [64, 40, 54]);
  for (const s of r.retrained) {
    assert.equal(s.score.n, 2);
    assert.ok(s.score.low !== null && s.score.low <= s.score.mean && s.score.mean <= (s.score.high as number));
    assert.deepEqual(Object.keys(s.byDatabase), ['icbhi', 'sprsound']);
    assert.ok(s.lowerHalf.mean > 0 && s.lowerHalf.mean <= 1);
  }
  // A model cut at 1000 Hz has no attention above 1000 Hz; the full band has some.
  assert.equal(r.retrained[1].above['1000'].mean, 0);
  assert.ok(r.retrained[0].above['1000'].mean > 0);
  assert.equal(r.retrained[0].delta.mean, 0, 'the full band against itself');
  assert.equal(r.masked.length, 2 * 2 * 2, 'seeds × cutoffs × fills');
  assert.ok(['floor', 'bandMean'].includes(r.chosenFill));
  assert.ok(r.runs.every((x) => x.localisation === null || x.localisation.events >= 0));
  assert.deepEqual(r.firstSeedModels.map((m) => m.cutoffHz), [null, 1000, 1500]);

  const out = path.join(root, 'report');
  await writeSweepReport(r, out, 'lungcam study (test)', 'citation');
  const md = readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(md, /\| cut at 1000 Hz, retrained \|/);
  assert.match(md, /\| full band, masked above 1500 Hz \(bandMean\) \|/);
  for (const f of ['score-vs-cutoff.png', 'attention-vs-cutoff.svg', 'fig3-full-band.png', 'fig4-cut.png', 'report.json']) assert.ok(existsSync(path.join(out, f)), f);
  const family = readModelFamily(path.join(out, 'models'));
  // Read back with the engine's family loader (fewest bands first, the full band last).
  assert.deepEqual(family.members.map((m) => m.bandCutoffHz), [1000, 1500, null]);
  assert.deepEqual(family.members.map((m) => m.meta.inputBands), [40, 54, 64]);
  assert.deepEqual(family.members.map((m) => m.meta.featureParams.bandCutoffHz), [1000, 1500, null]);
  assert.deepEqual(family.members.map((m) => m.meta.training.command), ['train seed 1 cutoff 1000', 'train seed 1 cutoff 1500', 'train seed 1 cutoff null']);
  assert.equal(JSON.parse(readFileSync(path.join(out, 'models', 'family.json'), 'utf8')).members[0].bandCutoffHz, null);
  const json = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(json.kind, 'lungcam-sweep');
  assert.equal(json.runs.length, 6);
});

test('study: a ladder outside 100–2000 Hz or not a list of numbers is one clear line, exit 2', async () => {
  for (const [sweep, pattern] of [['1000,2500', /expected cutoffs in Hz inside the study's 100–2000 Hz band/], ['1000,abc', /expected cutoffs in Hz|not a number/]] as const) {
    let stderr = '';
    const code = await runCli([registerStudy], ['node', 'lungcam', 'study', root, '--out', path.join(root, 'x'), '--sweep', sweep], {
      stdout: () => undefined, stderr: (t) => { stderr += t; },
    });
    const r = { code, stderr };
    assert.equal(r.code, 2, `exit code for --sweep ${sweep}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test("each study model's metadata names the `lungcam train` command that makes it", () => {
  const argv = ['study', 'data', '--split-file', 's.tsv', '--sweep', '1000,1500', '--seeds', '5', '--ladder-seeds=3', '--epochs', '15', '--aggregation', 'max-flags', '--out', 'report', '--quiet', '--cutoff', '1500'];
  assert.equal(trainCommand(argv, 2, 1000), 'lungcam train data --split-file s.tsv --epochs 15 --aggregation max-flags --fmin 100 --fmax 2000 --bands 64 --cutoff 1000 --seed 2 --out cut1000');
  assert.equal(trainCommand(argv, 1, null), 'lungcam train data --split-file s.tsv --epochs 15 --aggregation max-flags --fmin 100 --fmax 2000 --bands 64 --seed 1 --out full');
});
