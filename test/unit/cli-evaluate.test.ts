// `lungcam evaluate --json` on small subsets of the real databases (read in place through symlinks):
// Se, Sp, ICBHI score with intervals over patients, counts per class, per database and device, and the
// recordings skipped with why.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLungcam, assertOneLineError, repoRoot } from './cliHarness';

const REAL = process.env.LUNGCAM_REALDATA_DIR ?? path.resolve(__dirname, '../../../shared/realdata');
const noReal = !existsSync(REAL) && `no real data at ${REAL} (set LUNGCAM_REALDATA_DIR)`;
const MODEL = path.join(repoRoot, 'samples/models/baseline');
const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-evaluate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function linkSubset(into: string, sub: string, annotationExt: string, pick: (name: string, i: number) => boolean): string[] {
  const names = readdirSync(path.join(REAL, sub)).filter((f) => f.endsWith(annotationExt)).map((f) => f.slice(0, -annotationExt.length)).sort().filter(pick);
  for (const n of names) for (const ext of ['.wav', annotationExt]) symlinkSync(path.join(REAL, sub, n + ext), path.join(into, n + ext));
  return names;
}

test('evaluate --json on a mixed real subset: figures with intervals, counts per class, per database and device, skipped recordings', { skip: noReal }, () => {
  const icbhi = linkSubset(dir, 'icbhi', '.txt', (_, i) => i % 13 === 0);
  const recordLabel = (name: string) => JSON.parse(readFileSync(path.join(REAL, 'sprsound', `${name}.json`), 'utf8')).record_annotation;
  const spr = linkSubset(dir, 'sprsound', '.json', (name, i) => i % 60 === 0 && recordLabel(name) !== 'Poor Quality');
  // One Poor Quality recording (never scored) and one broken annotation (named, skipped).
  linkSubset(dir, 'sprsound', '.json', (name) => recordLabel(name) === 'Poor Quality').slice(1).forEach((n) => {
    for (const ext of ['.wav', '.json']) rmSync(path.join(dir, n + ext));
  });
  symlinkSync(path.join(REAL, 'sprsound', `${spr[0]}.wav`), path.join(dir, '99999999_1_0_p1_1.wav'));
  writeFileSync(path.join(dir, '99999999_1_0_p1_1.json'), JSON.stringify({ record_annotation: 'CAS', event_annotation: [{ start: 0, end: 500, type: 'Squeak' }] }));

  const r = runLungcam(['evaluate', dir, '--model', MODEL, '--json', '--resamples', '200'], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.recordings, icbhi.length + spr.length);
  for (const k of ['sensitivity', 'specificity', 'icbhiScore']) {
    assert.ok(out[k] >= 0 && out[k] <= 1, `${k} = ${out[k]}`);
    const ci = out.intervals[k];
    assert.equal(ci.estimate, out[k]);
    assert.ok(ci.low <= ci.estimate + 1e-12 && ci.estimate <= ci.high + 1e-12, `${k} inside its interval ${ci.low}–${ci.high}`);
  }
  assert.equal(out.intervals.level, 0.95);
  assert.deepEqual(Object.keys(out.countsPerClass), ['normal', 'crackle', 'wheeze', 'both']);
  assert.equal(Object.values(out.countsPerClass as Record<string, number>).reduce((a, b) => a + b, 0), out.count);
  assert.deepEqual(Object.keys(out.byDatabase), ['icbhi', 'sprsound']);
  assert.equal(out.byDatabase.icbhi.recordings + out.byDatabase.sprsound.recordings, out.recordings);
  assert.ok('Yunting II' in out.byDevice);
  assert.equal(out.skippedRecordings.count, 2);
  assert.deepEqual(out.skippedRecordings.byReason, { 'annotation-error': 1, 'poor-quality': 1 });
  assert.match(r.stderr, /99999999_1_0_p1_1\.json: event_annotation\[0\]\.type: unknown event type "Squeak"/);
});

test('evaluate on a folder with no readable recordings is one line and exit 2', () => {
  const empty = mkdtempSync(path.join(dir, 'empty-'));
  writeFileSync(path.join(empty, '1_1_0_p1_1.wav'), 'RIFF junk');
  writeFileSync(path.join(empty, '1_1_0_p1_1.json'), '{"record_annotation": "Normal", "event_annotation": []}');
  const r = runLungcam(['evaluate', empty, '--model', MODEL, '--json']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(assertOneLineError(r), /no readable annotated recordings in .*: all 1 were skipped \(1 unreadable audio\)/);
});
