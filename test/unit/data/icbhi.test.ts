// The ICBHI reader: annotation parsing with file:line errors, dataset folders, official and
// patient-wise splits, and patches cut within cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAnnotations, parseRecordingName } from '../../../kernels/engine/data/icbhi';
import { cyclePatches, type Cycle } from '../../../kernels/engine/data/cycles';
import { readDataset } from '../../../kernels/engine/data/dataset';
import { splitByPatient } from '../../../kernels/engine/data/split';
import { encodeWav } from '../../../kernels/engine/data/wavWrite';
import { isInputError } from '../../../kernels/engine/errors';
import type { LogMel } from '../../../kernels/engine/types';

const REAL = process.env.LUNGCAM_REALDATA_DIR ?? path.resolve(__dirname, '../../../../shared/realdata');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lungcam-icbhi-'));
  dirs.push(d);
  return d;
}
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const silentWav = encodeWav(new Float32Array(4000), 4000);

function inputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isInputError(e), `expected a LungcamInputError, got ${e}`);
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

test('annotations parse: tabs or spaces, CRLF, blank lines; labels from the two flags', () => {
  const cycles = parseAnnotations('0.036\t0.579\t0\t0\r\n0.579 2.45 1 0\n\n2.45\t3.893\t0\t1\n3.893\t5.793\t1\t1\n', 'x.txt');
  assert.deepEqual(cycles.map((c) => c.label), ['normal', 'crackle', 'wheeze', 'both']);
  assert.deepEqual(cycles.map((c) => c.line), [1, 2, 4, 5]);
  assert.deepEqual([cycles[1].startSeconds, cycles[1].endSeconds], [0.579, 2.45]);
});

test('an annotation line that does not parse is reported as file:line', () => {
  inputError(() => parseAnnotations('0 1 0 0\n1 2 0\n', 'a.txt'), /^a\.txt:2: 3 fields instead of 4/);
  inputError(() => parseAnnotations('0 1 0 0\n1 2 0 0\nx 3 0 0\n', 'b.txt'), /^b\.txt:3: start and end must be numbers/);
  inputError(() => parseAnnotations('0 1 2 0\n', 'c.txt'), /^c\.txt:1: the crackle and wheeze flags must be 0 or 1/);
  inputError(() => parseAnnotations('\n\n5 4 0 0\n', 'd.txt'), /^d\.txt:3: a cycle must have 0 ≤ start < end/);
});

test('a dataset folder without WAV files, or a WAV without its annotation, is a clear error', () => {
  const empty = tempDir();
  writeFileSync(path.join(empty, 'notes.txt'), 'hello');
  inputError(() => readDataset(empty), new RegExp(`no WAV files in ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  inputError(() => readDataset(path.join(empty, 'missing')), /missing: no such folder/);

  const dir = tempDir();
  writeFileSync(path.join(dir, '101_1b1_Al_sc_Meditron.wav'), silentWav);
  inputError(() => readDataset(dir), /101_1b1_Al_sc_Meditron\.wav: no annotation file 101_1b1_Al_sc_Meditron\.txt/);
  const kept = readDataset(dir, { allowUnannotated: true });
  assert.equal(kept.recordings[0].cycles.length, 0);
  assert.equal(kept.warnings.length, 1);

  writeFileSync(path.join(dir, '101_1b1_Al_sc_Meditron.txt'), '0.1\t0.9\t0\t0\n0.9\tnope\t0\t0\n');
  inputError(() => readDataset(dir), /101_1b1_Al_sc_Meditron\.txt:2: start and end must be numbers/);
});

test('recording names give patient, recording index, chest location, mode and device', () => {
  assert.deepEqual(parseRecordingName('130_1p2_Ar_mc_AKGC417L'), { patientId: '130', recordingIndex: '1p2', chestLocation: 'Ar', mode: 'mc', device: 'AKGC417L' });
  assert.equal(parseRecordingName('lonely').patientId, 'lonely');
});

/** A fake dataset folder: patient → number of recordings, each with `cycles` cycles of one label. */
function fakeDataset(patients: number, perPatient: (p: number) => number): string {
  const dir = tempDir();
  for (let p = 0; p < patients; p++) {
    for (let r = 0; r < perPatient(p); r++) {
      const name = `${200 + p}_${r + 1}b1_Al_sc_Litt3200`;
      writeFileSync(path.join(dir, `${name}.wav`), silentWav);
      const flags = [`0\t0`, `1\t0`, `0\t1`, `1\t1`][(p + r) % 4];
      writeFileSync(path.join(dir, `${name}.txt`), `0.0\t0.5\t${flags}\n0.5\t1.0\t${flags}\n`);
    }
  }
  return dir;
}

test('without official_split.txt the split is by patient, seeded, and near the test share', () => {
  const dir = fakeDataset(30, (p) => 1 + (p % 3));
  const a = readDataset(dir, { seed: 1 });
  assert.equal(a.split.source, 'patient');
  const trainPatients = new Set(a.split.train.map((r) => r.patientId));
  const testPatients = new Set(a.split.test.map((r) => r.patientId));
  assert.ok([...testPatients].every((p) => !trainPatients.has(p)), 'no patient in both sets');
  assert.equal(a.split.train.length + a.split.test.length, a.recordings.length);
  const cycles = (rs: typeof a.recordings) => rs.reduce((s, r) => s + r.cycles.length, 0);
  const share = cycles(a.split.test) / cycles(a.recordings);
  assert.ok(share > 0.3 && share < 0.5, `test share ${share}`);
  // Every class is in both sets.
  for (const label of ['normal', 'crackle', 'wheeze', 'both']) {
    assert.ok(a.split.test.some((r) => r.cycles.some((c) => c.label === label)), `${label} in test`);
    assert.ok(a.split.train.some((r) => r.cycles.some((c) => c.label === label)), `${label} in train`);
  }
  const again = readDataset(dir, { seed: 1 });
  assert.deepEqual(again.split.test.map((r) => r.name), a.split.test.map((r) => r.name), 'same seed, same split');
  const other = [2, 3, 4, 5].map((seed) => readDataset(dir, { seed }).split.test.map((r) => r.name).join());
  assert.ok(other.some((names) => names !== a.split.test.map((r) => r.name).join()), 'other seeds give other splits');
});

test('splitByPatient never puts a patient on both sides (many seeds, uneven patients)', () => {
  const recs = Array.from({ length: 60 }, (_, i) => ({
    patientId: `P${Math.floor(Math.sqrt(i * 7))}`,
    cycles: Array.from({ length: 1 + (i % 5) }, (_, k) => ({ label: ['normal', 'crackle', 'wheeze', 'both'][(i + k) % 4] })),
  }));
  for (let seed = 0; seed < 20; seed++) {
    const { train, test } = splitByPatient(recs, seed, 0.4);
    const t = new Set(test.map((r) => r.patientId));
    assert.ok(train.every((r) => !t.has(r.patientId)), `seed ${seed}`);
    assert.equal(train.length + test.length, recs.length);
    assert.ok(test.length > 0 && train.length > 0);
  }
});

test('official_split.txt is used when present; a bad line is reported as file:line', () => {
  const dir = fakeDataset(4, () => 1);
  writeFileSync(path.join(dir, 'official_split.txt'), '200_1b1_Al_sc_Litt3200\ttrain\n201_1b1_Al_sc_Litt3200\ttest\n202_1b1_Al_sc_Litt3200\ttrain\n');
  const ds = readDataset(dir);
  assert.equal(ds.split.source, 'official');
  assert.deepEqual(ds.split.test.map((r) => r.name), ['201_1b1_Al_sc_Litt3200']);
  assert.deepEqual(ds.split.train.map((r) => r.name), ['200_1b1_Al_sc_Litt3200', '202_1b1_Al_sc_Litt3200']);
  assert.match(ds.warnings.join(), /1 recording is not listed in .*official_split\.txt: left out of both sets \(203_1b1_Al_sc_Litt3200\)/);
  writeFileSync(path.join(dir, 'official_split.txt'), '200_1b1_Al_sc_Litt3200\ttrain\n201_1b1_Al_sc_Litt3200\tvalidation\n');
  inputError(() => readDataset(dir), /official_split\.txt:2: expected "NAME<tab>train\|test"/);
  // The name the ICBHI download uses works too.
  rmSync(path.join(dir, 'official_split.txt'));
  writeFileSync(path.join(dir, 'ICBHI_challenge_train_test.txt'), '200_1b1_Al_sc_Litt3200\ttest\n201_1b1_Al_sc_Litt3200\ttrain\n202_1b1_Al_sc_Litt3200\ttrain\n203_1b1_Al_sc_Litt3200\ttrain\n');
  const icbhi = readDataset(dir);
  assert.equal(icbhi.split.source, 'official');
  assert.deepEqual(icbhi.split.test.map((r) => r.name), ['200_1b1_Al_sc_Litt3200']);
});

/** A log-mel whose value at frame f, band b is f + b / 100 (so patches show where they came from). */
function rampLogMel(frames: number, bands = 4): LogMel {
  const data = new Float32Array(frames * bands);
  for (let f = 0; f < frames; f++) for (let b = 0; b < bands; b++) data[f * bands + b] = f + b / 100;
  return {
    data, frames, bands, params: { fmin: 100, fmax: 2000, bands, bandCutoffHz: null },
    axes: { sampleRate: 16000, fmin: 100, fmax: 2000, melBands: bands, bands, bandCutoffHz: null, frames, hopSeconds: 0.01, windowSeconds: 0.025, bandCentersHz: [], bandEdgesHz: [] },
  };
}

const cycle = (startSeconds: number, endSeconds: number, crackles = false, wheezes = false): Cycle => ({
  startSeconds, endSeconds, crackles, wheezes, line: 1,
  label: crackles && wheezes ? 'both' : crackles ? 'crackle' : wheezes ? 'wheeze' : 'normal',
});

test('patches are cut within cycles and carry the cycle label', () => {
  const lm = rampLogMel(1000);
  // 0.5–3.0 s: frames whose centre (f·10 ms + 12.5 ms) lies in the cycle are 49..298 (250 frames).
  const p = cyclePatches(lm, [cycle(0.5, 3.0, true, false), cycle(3.0, 5.0, false, true)]);
  // 250 frames: full patches at 49 and 145, then one aligned to the end (203) since 58 frames were left;
  // 3.0–5.0 s = frames 299..498: patches at 299 and 395, the 8 frames left are not worth a patch.
  assert.deepEqual(p.startFrame, [49, 145, 203, 299, 395]);
  assert.deepEqual(p.labels, ['crackle', 'crackle', 'crackle', 'wheeze', 'wheeze']);
  assert.deepEqual([...p.labelIndex], p.labels.map((l) => ['normal', 'crackle', 'wheeze', 'both'].indexOf(l)));
  assert.equal(p.data.length, p.count * 96 * 4);
  for (let i = 0; i < p.count; i++) {
    const first = p.data[i * 96 * 4];
    const last = p.data[(i * 96 + 95) * 4];
    assert.equal(first, p.startFrame[i]);
    const c = p.cycleIndex[i] === 0 ? [49, 299] : [299, 499];
    assert.ok(first >= c[0] && last < c[1], `patch ${i} (frames ${first}–${last}) stays inside its cycle ${c}`);
  }
  assert.ok(p.padded.every((x) => !x));
});

test('a cycle shorter than 0.96 s gives one padded patch (repeated frames, or silence with pad: floor)', () => {
  const lm = rampLogMel(300);
  const short = [cycle(1.0, 1.4, false, false)];
  const p = cyclePatches(lm, short);
  assert.equal(p.count, 1);
  assert.deepEqual(p.padded, [true]);
  const frame = (i: number) => p.data[i * 4];
  assert.equal(frame(0), 99);
  assert.equal(frame(40), 99, 'the 40 cycle frames repeat');
  const q = cyclePatches(lm, short, { pad: 'floor' });
  assert.equal(q.data[39 * 4], 138);
  assert.ok(Math.abs(q.data[40 * 4] - Math.log(0.01)) < 1e-6, 'then silence');
  // A cycle annotated past the end of the audio gives no patch.
  assert.equal(cyclePatches(lm, [cycle(5, 6)]).count, 0);
});

test('the six real ICBHI recordings read with their README cycle counts', { skip: !existsSync(REAL) && `no real data at ${REAL}` }, () => {
  const ds = readDataset(REAL);
  const six = ds.recordings.filter((r) => path.dirname(r.wavPath) === REAL);
  assert.equal(six.length, 6);
  const count = (label: string) => six.reduce((s, r) => s + r.cycles.filter((c) => c.label === label).length, 0);
  assert.deepEqual(['normal', 'crackle', 'wheeze', 'both'].map(count), [32, 9, 14, 7]);
  assert.deepEqual(six.map((r) => r.device), ['Meditron', 'Meditron', 'LittC2SE', 'Litt3200', 'LittC2SE', 'AKGC417L']);
  assert.ok(six.every((r) => r.database === 'icbhi' && r.annotationFormat === 'icbhi'));
});
