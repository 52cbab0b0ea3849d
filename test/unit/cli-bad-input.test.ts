// Input the CLI must refuse at once, or process with a warning, whatever the command: special files
// (named pipes with no writer, devices, folders, symlink loops), names that would misbehave on a terminal
// or are not UTF-8, and audio that is nonsense (empty, too short, NaN/Infinity, silent, clipped throughout).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLungcam, assertOneLineError, type CliResult } from './cliHarness';
import { chunk, encodeSamples, fmtBody, pcm16Wav, riff, sine } from './audio/wavBuilder';

const MODEL = path.resolve(__dirname, '../../samples/models/baseline');
let dir: string;
before(() => { dir = mkdtempSync(path.join(tmpdir(), 'lungcam-bad-input-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const f32Wav = (values: number[], rate = 16000) => riff([chunk('fmt ', fmtBody(3, 1, rate, 32)), chunk('data', encodeSamples(values, 'f32'))]);
/** A breath-like noise (seeded), so a model has something to look at. */
const noise = (seconds: number, amplitude = 0.3) => {
  let s = 12345;
  return Array.from({ length: Math.round(seconds * 16000) }, () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 2 * amplitude);
};

/** A bad-input run: exit 2, one stderr line matching `mention`, no output and no temp file left. */
function refused(r: CliResult, mention: RegExp, out?: string): string {
  assert.equal(r.code, 2, `exit code ${r.code} (stderr: ${r.stderr})`);
  const line = assertOneLineError(r);
  assert.match(line, mention);
  if (out) {
    assert.ok(!existsSync(out), 'no output file');
    assert.deepEqual(readdirSync(path.dirname(out)).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  }
  return line;
}

const features = (input: string, out = path.join(dir, 'out.npy')) => ({ r: runLungcam(['features', input, '--out', out], { timeoutMs: 30_000 }), out });

test('a named pipe nobody writes to is refused at once by features, classify and gradcam (no hang)', () => {
  const fifo = path.join(dir, 'stream.wav');
  execFileSync('mkfifo', [fifo]);
  const f = features(fifo);
  refused(f.r, /stream\.wav: is a named pipe \(FIFO\), not a file/, f.out);
  refused(runLungcam(['classify', '--model', MODEL, fifo], { timeoutMs: 30_000 }), /named pipe/);
  refused(runLungcam(['gradcam', '--model', MODEL, fifo, '--out', path.join(dir, 'g.json')], { timeoutMs: 30_000 }), /named pipe/);
});

test('devices are never read: features /dev/zero, classify /dev/zero and /dev/urandom exit 2 at once', () => {
  refused(features('/dev/zero').r, /\/dev\/zero: is a device, not a file/);
  refused(runLungcam(['classify', '--model', MODEL, '/dev/zero'], { timeoutMs: 30_000 }), /\/dev\/zero: is a device/);
  refused(runLungcam(['classify', '--model', MODEL, '/dev/urandom'], { timeoutMs: 30_000 }), /\/dev\/urandom: is a device/);
});

test('a folder given as a recording, and a symlink loop, are input errors (exit 2), not internal errors', () => {
  refused(features(dir).r, /is a folder, not a file/);
  const loop = path.join(dir, 'loop.wav');
  symlinkSync(loop, loop);
  refused(features(loop).r, /loop\.wav: too many levels of symbolic links/);
  refused(runLungcam(['classify', '--model', MODEL, loop]), /symbolic links/);
});

test('a file name with terminal escape sequences is printed escaped, in errors and in summaries', () => {
  const evil = file('bad\x1b]0;pwned\x07\x1b[31m.wav', 'not audio at all');
  const f = features(evil);
  const line = refused(f.r, /bad\\x1b\]0;pwned\\x07\\x1b\[31m\.wav: it is a text file, not a WAV/);
  assert.ok(!line.includes('\x1b') && !line.includes('\x07'), JSON.stringify(line));
  const out = path.join(dir, 'ok\x1b[2J.npy');
  const ok = runLungcam(['features', file('fine.wav', pcm16Wav(sine(440, 1, 16000, 0.5))), '--out', out]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ok\\x1b\[2J\.npy: 98 frames/);
  assert.ok(!ok.stdout.includes('\x1b'));
});

test('a name that is not UTF-8 is reported as such, not as a plain "not found"', () => {
  // Node hands the CLI this argument with U+FFFD for the byte that is not UTF-8.
  const raw = Buffer.concat([Buffer.from(path.join(dir, 'caf')), Buffer.from([0xe9]), Buffer.from('.wav')]);
  writeFileSync(raw, pcm16Wav(sine(440, 1, 16000, 0.5)));
  const r = runLungcam(['features', `${path.join(dir, 'caf')}\ufffd.wav`, '--out', path.join(dir, 'x.npy')]);
  refused(r, /not UTF-8/);
});

test('empty and too-short recordings: every command refuses with the reason', () => {
  const empty = file('empty-data.wav', pcm16Wav([]));
  refused(features(empty).r, /holds no audio \(0 samples\)/);
  refused(runLungcam(['classify', '--model', MODEL, empty]), /holds no audio/);
  const blip = file('blip.wav', pcm16Wav(sine(440, 0.02, 16000, 0.5))); // 20 ms: not one 25 ms frame
  refused(features(blip).r, /shorter than one 25 ms frame/);
  const r = runLungcam(['classify', '--model', MODEL, blip, '--json']);
  refused(r, /shorter than one 25 ms frame/);
  assert.equal(r.stdout, '', 'no "normal 75 %" for no audio');
  const short = file('short.wav', pcm16Wav(noise(0.3)));
  assert.equal(features(short).r.code, 0, 'a 0.3 s log-mel is still a log-mel');
  refused(runLungcam(['classify', '--model', MODEL, short]), /a model needs at least 48 \(0\.48 s/);
});

test('a recording between 0.48 and 0.96 s is classified, with a warning that its one patch is padded', () => {
  const r = runLungcam(['classify', '--model', MODEL, file('padded.wav', pcm16Wav(noise(0.7)))]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^lungcam: warning: .*padded\.wav: the recording is 0\.\d+ s long, shorter than one 0\.96 s patch/m);
  assert.match(r.stdout, /padded\.wav: \w+ \(/);
});

test('NaN or infinite samples are refused by every command, naming the first one', () => {
  const values = noise(2);
  values[16000] = NaN;
  const nan = file('nan.wav', f32Wav(values));
  refused(features(nan).r, /nan\.wav: 1 sample\(s\) are NaN or infinite \(the first at 1\.000 s\)/);
  refused(runLungcam(['classify', '--model', MODEL, nan]), /NaN or infinite/);
  values[16000] = 0;
  values[100] = Infinity;
  values[200] = -Infinity;
  const inf = file('inf.wav', f32Wav(values));
  refused(features(inf).r, /2 sample\(s\) are NaN or infinite \(the first at 0\.006 s\)/);
  refused(runLungcam(['gradcam', '--model', MODEL, inf, '--out', path.join(dir, 'inf.json')]), /NaN or infinite/, path.join(dir, 'inf.json'));
});

test('silence and clipping throughout: features computes with a warning, classify and gradcam refuse', () => {
  const silent = file('silent.wav', pcm16Wav(new Array(32000).fill(0)));
  const f = features(silent, path.join(dir, 'silent.npy'));
  assert.equal(f.r.code, 0, f.r.stderr);
  assert.match(f.r.stderr, /warning: .*silent\.wav: the recording is silent \(every sample is 0\)/);
  refused(runLungcam(['classify', '--model', MODEL, silent]), /silent\.wav: the recording is silent .* would say nothing about breath sounds/);
  const square = file('clipped.wav', pcm16Wav(Array.from({ length: 32000 }, (_, i) => (Math.floor(i / 40) % 2 ? 1 : -1))));
  const c = features(square, path.join(dir, 'clipped.npy'));
  assert.equal(c.r.code, 0, c.r.stderr);
  assert.match(c.r.stderr, /clipped throughout \(100 % of the samples at full scale\)/);
  refused(runLungcam(['classify', '--model', MODEL, square]), /clipped throughout/);
  refused(runLungcam(['gradcam', '--model', MODEL, square, '--out', path.join(dir, 'sq.png')]), /clipped throughout/, path.join(dir, 'sq.png'));
});

test('classify rec.wave reads the recording once, as audio: never as its own annotation file', () => {
  const wave = file('rec.wave', pcm16Wav(noise(2)));
  const r = runLungcam(['classify', '--model', MODEL, wave]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rec\.wave: \w+ \(.*; 2 patches, 2\.0 s\)/);
  assert.doesNotMatch(r.stdout, /cycle/);
  assert.equal(r.stderr.replace(/^lungcam: TensorFlow\.js backend .*\n/m, ''), '', 'no annotation error, no header bytes on the terminal');
});
