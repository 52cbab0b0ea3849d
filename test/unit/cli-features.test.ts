// `lungcam features` end to end in a child process: outputs, --help, usage errors and every bad input
// the CLI contract names (one stderr line naming the file, exit 2, no stack, no partial output).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLungcam, assertOneLineError } from './cliHarness';
import { decodeNpy } from '../../kernels/engine/io/npy';
import { chunk, encodeSamples, fmtBody, pcm16Wav, riff, sine } from './audio/wavBuilder';

const GOLDEN = path.resolve(__dirname, '../../../shared/golden');
let dir: string;

before(() => { dir = mkdtempSync(path.join(tmpdir(), 'lungcam-features-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

/** Runs features on a bad input and checks the contract; returns the error line. */
function expectBadInput(args: string[], outName: string, mention: RegExp): string {
  const out = path.join(dir, outName);
  const before = new Set(readdirSync(path.dirname(out)));
  const r = runLungcam(['features', ...args, '--out', out]);
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const line = assertOneLineError(r);
  assert.match(line, mention);
  assert.ok(!existsSync(out), 'no output file');
  assert.deepEqual(new Set(readdirSync(path.dirname(out))), before, 'no temp files left');
  return line;
}

test('features --out F.npy writes [frames, bands] float32 matching the golden file', () => {
  const out = path.join(dir, 'sine.npy');
  const r = runLungcam(['features', path.join(GOLDEN, 'sine1k_16k_pcm16.wav'), '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /298 frames × 64 bands/);
  const got = decodeNpy(readFileSync(out));
  const want = decodeNpy(readFileSync(path.join(GOLDEN, 'sine1k_16k_pcm16.vggish.npy')));
  assert.deepEqual(got.shape, [298, 64]);
  assert.equal(got.dtype, 'float32');
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
  assert.ok(max < 2e-3, `max diff ${max}`);
});

test('features with the seed parameters, a cutoff and --patches, as JSON with axes', () => {
  const out = path.join(dir, 'seed.json');
  const r = runLungcam(['features', path.join(GOLDEN, 'chirp_16k_float.wav'), '--fmin', '100', '--fmax', '2000', '--cutoff', '1500', '--patches', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.kind, 'features');
  assert.equal(doc.frames, 498);
  assert.ok(doc.bands < 64 && doc.bands === doc.bandCentersHz.length);
  assert.equal(doc.bandEdgesHz.length, doc.bands + 2);
  assert.ok(doc.bandCentersHz.every((c: number) => c <= 1500));
  assert.equal(doc.hopSeconds, 0.01);
  assert.deepEqual(doc.params, { fmin: 100, fmax: 2000, bands: 64, bandCutoffHz: 1500 });
  // 498 frames: 5 full patches (480) and an 18-frame tail, dropped (< 48 frames).
  assert.deepEqual(doc.shape, [5, 96, doc.bands]);
  assert.deepEqual(doc.patches.startFrame, [0, 96, 192, 288, 384]);
  assert.equal(doc.data.length, 5);
  assert.equal(doc.data[0].length, 96);
  assert.equal(doc.source.fileName, 'chirp_16k_float.wav');
});

test('a 0.5 s recording gives one padded patch; --dtype float64', () => {
  const wav = file('short.wav', pcm16Wav(sine(440, 0.5, 16000, 0.5)));
  const out = path.join(dir, 'short.npy');
  const r = runLungcam(['features', wav, '--patches', '--dtype', 'float64', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 patches × 96 frames × 64 bands \(1 padded\)/);
  const a = decodeNpy(readFileSync(out));
  assert.deepEqual(a.shape, [1, 96, 64]);
  assert.equal(a.dtype, 'float64');
  assert.ok(Math.abs(a.data[95 * 64] - Math.log(0.01)) < 1e-6);
});

test('--help works on the program and on features', () => {
  const top = runLungcam(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /features/);
  const r = runLungcam(['features', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--out', '--fmin', '--fmax', '--bands', '--cutoff', '--patches']) assert.ok(r.stdout.includes(flag), flag);
});

test('usage errors exit 2 with one line: unknown flag, bad number, missing --out, bad extension, fmax above Nyquist', () => {
  const wav = path.join(GOLDEN, 'sine1k_16k_pcm16.wav');
  const cases: Array<[string[], RegExp]> = [
    [['features', wav, '--out', path.join(dir, 'u.npy'), '--frobnicate'], /unknown option '--frobnicate'/],
    [['features', wav, '--out', path.join(dir, 'u.npy'), '--fmin', 'abc'], /--fmin/],
    [['features', wav], /--out/],
    [['features', wav, '--out', path.join(dir, 'u.txt')], /u\.txt: .*\.npy or \.json/],
    [['features', wav, '--out', path.join(dir, 'u.npy'), '--fmax', '9000'], /--fmax: .*Nyquist/],
    [['nosuchcommand'], /unknown command/],
  ];
  for (const [args, msg] of cases) {
    const r = runLungcam(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(assertOneLineError(r), msg);
  }
  assert.ok(!existsSync(path.join(dir, 'u.npy')));
});

test('bad input: an empty file', () => {
  expectBadInput([file('empty.wav', new Uint8Array(0))], 'o1.npy', /empty\.wav: the file is empty/);
});

test('bad input: a text file', () => {
  expectBadInput([file('notes.wav', 'patient 101, left anterior\nrecorded 2017\n')], 'o2.npy', /notes\.wav: .*text file/);
});

test('bad input: an MP3 renamed .wav', () => {
  const mp3 = new Uint8Array(2048);
  mp3.set([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0x21]);
  mp3.set([0xff, 0xfb, 0x90, 0x64], 43);
  expectBadInput([file('song.wav', mp3)], 'o3.npy', /song\.wav: .*MP3/);
  const frames = new Uint8Array(2048);
  frames.set([0xff, 0xfb, 0x90, 0x64]);
  expectBadInput([file('raw.wav', frames)], 'o3b.npy', /raw\.wav: .*MP3/);
});

test('bad input: a header declaring more data than the file has', () => {
  const ok = riff([chunk('fmt ', fmtBody(1, 1, 16000, 16)), chunk('data', encodeSamples(new Array(16000).fill(100), 'i16'))]);
  const lying = ok.slice();
  new DataView(lying.buffer).setUint32(40, 4_000_000, true); // data size; RIFF size left as the real file's
  expectBadInput([file('lying.wav', lying)], 'o4.npy', /lying\.wav: the header declares 4000000 bytes of audio/);
  const lyingBoth = lying.slice();
  new DataView(lyingBoth.buffer).setUint32(4, 4_000_036, true); // RIFF size agrees with the lie
  expectBadInput([file('lying2.wav', lyingBoth)], 'o4b.npy', /lying2\.wav: .*less than half/);
});

test('bad input: a chunk size of 0xFFFFFFFF', () => {
  const ok = riff([chunk('fmt ', fmtBody(1, 1, 16000, 16)), chunk('data', encodeSamples(new Array(1600).fill(100), 'i16'))]);
  const bad = ok.slice();
  new DataView(bad.buffer).setUint32(40, 0xffffffff, true);
  expectBadInput([file('stream.wav', bad)], 'o5.npy', /stream\.wav: chunk 'data' declares a size of 0xFFFFFFFF/);
  const badFmt = ok.slice();
  new DataView(badFmt.buffer).setUint32(16, 0xffffffff, true);
  expectBadInput([file('stream2.wav', badFmt)], 'o5b.npy', /stream2\.wav: chunk 'fmt ' declares a size of 0xFFFFFFFF/);
});

test('bad input: 0 channels', () => {
  expectBadInput([file('nochan.wav', riff([chunk('fmt ', fmtBody(1, 0, 16000, 16)), chunk('data', new Uint8Array(100))]))], 'o6.npy', /nochan\.wav: .*0 channels/);
});

test('bad input: sample rate 0', () => {
  expectBadInput([file('norate.wav', riff([chunk('fmt ', fmtBody(1, 1, 0, 16)), chunk('data', new Uint8Array(100))]))], 'o7.npy', /norate\.wav: .*sample rate of 0 Hz/);
});

test('bad input: a missing file', () => {
  expectBadInput([path.join(dir, 'nope.wav')], 'o8.npy', /nope\.wav: file not found/);
});

test('bad input: an unwritable output path', () => {
  const wav = path.join(GOLDEN, 'sine1k_16k_pcm16.wav');
  const r1 = runLungcam(['features', wav, '--out', path.join(dir, 'no', 'such', 'folder', 'x.npy')]);
  assert.equal(r1.code, 2);
  assert.match(assertOneLineError(r1), /x\.npy: cannot write the output: folder .* does not exist/);
  const aFile = file('plain.txt', 'x');
  const r2 = runLungcam(['features', wav, '--out', path.join(aFile, 'x.json')]);
  assert.equal(r2.code, 2);
  assert.match(assertOneLineError(r2), /x\.json: cannot write the output/);
  mkdirSync(path.join(dir, 'adir.npy'));
  const r3 = runLungcam(['features', wav, '--out', path.join(dir, 'adir.npy')]);
  assert.equal(r3.code, 2);
  assert.match(assertOneLineError(r3), /adir\.npy: cannot write the output: it is a folder/);
});

test('a truncated data chunk is read to the end with a warning (exit 0)', () => {
  const full = pcm16Wav(sine(300, 2, 16000, 0.5));
  const wav = file('cut.wav', full.subarray(0, full.length - 10001));
  const out = path.join(dir, 'cut.npy');
  const r = runLungcam(['features', wav, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*cut\.wav: truncated data chunk/);
  assert.deepEqual(decodeNpy(readFileSync(out)).shape, [1 + Math.floor(((full.length - 10001 - 44) / 2 - 400) / 160), 64]);
});
