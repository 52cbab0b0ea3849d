// Dataset folders of both databases: ICBHI + SPRSound layouts in one folder and its subfolders, Poor
// Quality and broken annotations skipped with counts (never a wrong label), split files, patient-wise
// splits that never share a patient, and the real recordings of ../shared/realdata read in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDataset, type DatasetRecording } from '../../../kernels/engine/data/dataset';
import { annotationPaths, readRecordingAnnotations } from '../../../kernels/engine/data/annotations';
import { encodeWav } from '../../../kernels/engine/data/wavWrite';
import { isInputError } from '../../../kernels/engine/errors';

const REAL = process.env.LUNGCAM_REALDATA_DIR ?? path.resolve(__dirname, '../../../../shared/realdata');
const noReal = !existsSync(REAL) && `no real data at ${REAL} (set LUNGCAM_REALDATA_DIR)`;
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lungcam-dataset-'));
  dirs.push(d);
  return d;
}
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const twoSeconds = encodeWav(new Float32Array(8000), 4000);
const put = (dir: string, name: string, content: string | Uint8Array) => writeFileSync(path.join(dir, name), content);
const spr = (events: unknown[], record = 'DAS') => JSON.stringify({ record_annotation: record, event_annotation: events });

function inputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isInputError(e), `expected a LungcamInputError, got ${e}`);
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

const labels = (r: DatasetRecording) => r.cycles.map((c) => c.label).join(',');

test('one folder holding both layouts: ICBHI cycles and SPRSound events, each with its database and patient', () => {
  const dir = tempDir();
  put(dir, '101_1b1_Al_sc_Meditron.wav', twoSeconds);
  put(dir, '101_1b1_Al_sc_Meditron.txt', '0.1\t0.9\t0\t1\n0.9\t1.8\t1\t1\n');
  mkdirSync(path.join(dir, 'sprsound'));
  put(path.join(dir, 'sprsound'), '40069321_15.3_0_p4_984.wav', twoSeconds);
  put(path.join(dir, 'sprsound'), '40069321_15.3_0_p4_984.json', spr([{ start: '100', end: '700', type: 'Fine Crackle' }, { start: 800, end: 1900, type: 'Rhonchi' }]));
  const ds = readDataset(dir);
  assert.deepEqual(ds.recordings.map((r) => [r.name, r.database, r.patientId, labels(r)]), [
    ['101_1b1_Al_sc_Meditron', 'icbhi', '101', 'wheeze,both'],
    ['40069321_15.3_0_p4_984', 'sprsound', '40069321', 'crackle,wheeze'],
  ]);
  assert.equal(ds.recordings[1].recordLabel, 'DAS');
  assert.equal(ds.recordings[1].device, 'Yunting II');
  assert.deepEqual(ds.skipped, []);
});

test('Poor Quality recordings are skipped with a count, not scored', () => {
  const dir = tempDir();
  put(dir, '1_1_0_p1_1.wav', twoSeconds);
  put(dir, '1_1_0_p1_1.json', spr([], 'Poor Quality'));
  put(dir, '2_1_0_p1_2.wav', twoSeconds);
  put(dir, '2_1_0_p1_2.json', spr([{ start: 0, end: 1000, type: 'Normal' }], 'Normal'));
  const ds = readDataset(dir);
  assert.deepEqual(ds.recordings.map((r) => r.name), ['2_1_0_p1_2']);
  assert.deepEqual(ds.skipped.map((s) => [s.name, s.reason]), [['1_1_0_p1_1', 'poor-quality']]);
});

test('a broken annotation skips its recording with a warning naming file and field; the rest is read', () => {
  const dir = tempDir();
  const good = (n: number) => {
    put(dir, `${n}_1_0_p1_${n}.wav`, twoSeconds);
    put(dir, `${n}_1_0_p1_${n}.json`, spr([{ start: 0, end: 1000, type: 'Normal' }], 'Normal'));
  };
  good(1);
  good(2);
  const broken: Record<string, string> = {
    '10_1_0_p1_10': spr([{ start: 0, end: 900, type: 'Crackles' }]),
    '11_1_0_p1_11': spr([{ start: 900, end: 100, type: 'Normal' }]),
    '12_1_0_p1_12': '[]',
    '13_1_0_p1_13': '{"record_annotation": "Normal", "event_annotation": [',
  };
  for (const [name, json] of Object.entries(broken)) {
    put(dir, `${name}.wav`, twoSeconds);
    put(dir, `${name}.json`, json);
  }
  put(dir, '14_1b1_Al_sc_Meditron.wav', twoSeconds);
  put(dir, '14_1b1_Al_sc_Meditron.txt', '0.1\t0.9\t0\t0\n0.9\tlater\t0\t0\n');
  put(dir, '15_1b1_Al_sc_Meditron.wav', 'not a wav at all');
  put(dir, '15_1b1_Al_sc_Meditron.txt', '0.1\t0.9\t0\t0\n');
  const ds = readDataset(dir);
  assert.deepEqual(ds.recordings.map((r) => r.name), ['1_1_0_p1_1', '2_1_0_p1_2']);
  const why = Object.fromEntries(ds.skipped.map((s) => [s.name, `${s.reason}: ${s.message}`]));
  assert.match(why['10_1_0_p1_10'], /^annotation-error: .*10_1_0_p1_10\.json: event_annotation\[0\]\.type: unknown event type "Crackles"/);
  assert.match(why['11_1_0_p1_11'], /^annotation-error: .*event_annotation\[0\]: an event must have 0 ≤ start < end/);
  assert.match(why['12_1_0_p1_12'], /^annotation-error: .*12_1_0_p1_12\.json: the annotation is a list, not an object/);
  assert.match(why['13_1_0_p1_13'], /^annotation-error: .*13_1_0_p1_13\.json: not valid JSON/);
  assert.match(why['14_1b1_Al_sc_Meditron'], /^annotation-error: .*14_1b1_Al_sc_Meditron\.txt:2: start and end must be numbers/);
  assert.match(why['15_1b1_Al_sc_Meditron'], /^unreadable-audio: .*15_1b1_Al_sc_Meditron\.wav/);
  assert.equal(ds.warnings.filter((w) => w.startsWith('skipped ')).length, 6, 'each skip is a warning');
});

test('events that start after the audio ends are dropped with a warning; a folder with nothing readable is one clear error', () => {
  const dir = tempDir();
  put(dir, '1_1_0_p1_1.wav', twoSeconds);
  put(dir, '1_1_0_p1_1.json', spr([{ start: 0, end: 1500, type: 'Wheeze' }, { start: 2500, end: 3000, type: 'Wheeze' }], 'CAS'));
  const ds = readDataset(dir);
  assert.equal(ds.recordings[0].cycles.length, 1);
  assert.match(ds.warnings.join('\n'), /1_1_0_p1_1\.json: 1 event start after the recording ends at 2\.00 s \(event_annotation\[1\]\): not scored/);

  const bad = tempDir();
  put(bad, '1_1_0_p1_1.wav', twoSeconds);
  put(bad, '1_1_0_p1_1.json', spr([{ start: 0, end: 100, type: 'Squeak' }]));
  inputError(() => readDataset(bad), /no readable annotated recordings in .*: all 1 were skipped \(1 annotation error\); first: .*unknown event type "Squeak"/);
});

test('annotations are found from the recording\'s own name whatever its extension, never the recording itself', () => {
  const dir = tempDir();
  put(dir, 'rec.wave', twoSeconds);
  assert.deepEqual(annotationPaths(path.join(dir, 'rec.wave')), { icbhi: path.join(dir, 'rec.txt'), sprsound: path.join(dir, 'rec.json') });
  assert.equal(readRecordingAnnotations(path.join(dir, 'rec.wave')), null);
  put(dir, 'rec.txt', '0\t1\t1\t0\n');
  assert.equal(readRecordingAnnotations(path.join(dir, 'rec.wave'))?.cycles[0].label, 'crackle');
  // A recording that is itself named .txt is not its own annotation file.
  assert.equal(annotationPaths(path.join(dir, 'odd.txt')).icbhi, null);
  // A LungCAM output saved beside the recording as NAME.json is not an annotation.
  put(dir, 'out.wav', twoSeconds);
  put(dir, 'out.json', JSON.stringify({ shape: [10, 64], hopSeconds: 0.01 }));
  assert.equal(readRecordingAnnotations(path.join(dir, 'out.wav')), null);
});

test('a split file assigns recordings or whole patients; one that puts a patient on both sides is refused', () => {
  const dir = tempDir();
  for (const name of ['101_1b1_Al_sc_Meditron', '101_1b1_Ar_sc_Meditron', '102_1b1_Ar_sc_Meditron', '103_1b1_Ar_sc_Meditron']) {
    put(dir, `${name}.wav`, twoSeconds);
    put(dir, `${name}.txt`, '0.1\t0.9\t0\t0\n');
  }
  const splits = tempDir();
  put(splits, 'by-patient.txt', '# test patients\n101\ttest\n102\ttrain\n');
  const ds = readDataset(dir, { splitFile: path.join(splits, 'by-patient.txt') });
  assert.equal(ds.split.source, 'file');
  assert.deepEqual(ds.split.test.map((r) => r.name), ['101_1b1_Al_sc_Meditron', '101_1b1_Ar_sc_Meditron']);
  assert.deepEqual(ds.split.train.map((r) => r.name), ['102_1b1_Ar_sc_Meditron']);
  assert.match(ds.warnings.join(), /1 recording is not listed in .*by-patient\.txt: left out of both sets \(103_1b1_Ar_sc_Meditron\)/);
  put(splits, 'leaky.txt', '101_1b1_Al_sc_Meditron\ttest\n101_1b1_Ar_sc_Meditron\ttrain\n');
  inputError(() => readDataset(dir, { splitFile: path.join(splits, 'leaky.txt') }), /leaky\.txt: patient 101 is in both the train and the test set: every split must be by patient/);
  inputError(() => readDataset(dir, { splitFile: path.join(splits, 'nope.txt') }), /nope\.txt: split file not found/);
});

test('real ICBHI recordings (icbhi/) read in place with the README counts', { skip: noReal }, () => {
  const ds = readDataset(path.join(REAL, 'icbhi'));
  assert.equal(ds.recordings.length, 65);
  assert.equal(new Set(ds.recordings.map((r) => r.patientId)).size, 26);
  const count = (label: string) => ds.recordings.reduce((s, r) => s + r.cycles.filter((c) => c.label === label).length, 0);
  assert.deepEqual(['normal', 'crackle', 'wheeze', 'both'].map(count), [421, 140, 74, 12]);
  const devices = new Map<string, number>();
  for (const r of ds.recordings) devices.set(r.device, (devices.get(r.device) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(devices), { AKGC417L: 9, Litt3200: 14, LittC2SE: 4, Meditron: 38 });
  assert.deepEqual(ds.skipped, []);
});

test('real SPRSound recordings read in place: events mapped, Poor Quality skipped and counted', { skip: noReal }, () => {
  const ds = readDataset(path.join(REAL, 'sprsound'));
  assert.equal(ds.recordings.length, 621);
  assert.deepEqual(ds.skipped.map((s) => s.reason), new Array(30).fill('poor-quality'));
  assert.equal(new Set([...ds.recordings, ...ds.skipped].map((r) => r.name.split('_')[0])).size, 175);
  const count = (label: string) => ds.recordings.reduce((s, r) => s + r.cycles.filter((c) => c.label === label).length, 0);
  // README: 1209 normal; 783 fine + 44 coarse crackle; 452 wheeze + 39 rhonchi + 15 stridor; 30 wheeze+crackle.
  assert.deepEqual(['normal', 'crackle', 'wheeze', 'both'].map(count), [1209, 827, 506, 30]);
  assert.ok(ds.recordings.every((r) => r.database === 'sprsound' && r.durationSeconds > 0));
});

test('a mixed real subset (symlinks, not copies) splits by patient within each database, never sharing a patient', { skip: noReal }, () => {
  const dir = tempDir();
  const link = (sub: string, files: string[]) => {
    for (const f of files) for (const ext of ['.wav', sub === 'sprsound' ? '.json' : '.txt']) symlinkSync(path.join(REAL, sub, f + ext), path.join(dir, f + ext));
  };
  const names = (sub: string, ext: string) => readdirSync(path.join(REAL, sub)).filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length)).sort();
  link('icbhi', names('icbhi', '.txt').filter((_, i) => i % 3 === 0));
  link('sprsound', names('sprsound', '.json').filter((_, i) => i % 8 === 0));
  for (let seed = 0; seed < 5; seed++) {
    const ds = readDataset(dir, { seed });
    const train = new Set(ds.split.train.map((r) => r.patientId));
    assert.ok(ds.split.test.every((r) => !train.has(r.patientId)), `seed ${seed}: no patient on both sides`);
    for (const db of ['icbhi', 'sprsound']) {
      assert.ok(ds.split.test.some((r) => r.database === db) && ds.split.train.some((r) => r.database === db), `seed ${seed}: ${db} on both sides`);
    }
  }
});
