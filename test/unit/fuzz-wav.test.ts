// Fuzz: thousands of mutated WAV headers and truncations (seeded, reproducible). Each must end in a decoded
// result or a LungcamInputError — never another exception, a crash or a hang. A subset also runs the
// whole feature pipeline on what decoded. Then the inputs that are not audio at all: NaN/Infinity
// samples, empty data, millions of chunks, pipes and devices.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeWav, openWavStream } from '../../kernels/engine/audio/wav';
import { parseWavLayout } from '../../kernels/engine/audio/wavHeader';
import { logMelFromAudio, logMelFromFile } from '../../kernels/engine/audio/features';
import { toPatches } from '../../kernels/engine/audio/patches';
import { isInputError } from '../../kernels/engine/errors';
import { makeRandom } from '../../kernels/engine/model/augment';
import { chunk, encodeSamples, fmtBody, riff } from './audio/wavBuilder';

const CASES = 4000;
/** A hang guard, not a speed test: one case taking this long means a runaway loop or allocation. */
const MAX_CASE_MS = 3000;

function seeds(): Uint8Array[] {
  const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  return [
    riff([chunk('fmt ', fmtBody(1, 2, 44100, 16)), chunk('data', encodeSamples(ramp(800, (i) => (i * 37) % 20000 - 10000), 'i16'))]),
    riff([chunk('fmt ', fmtBody(1, 1, 8000, 24)), chunk('LIST', new Uint8Array(9)), chunk('data', encodeSamples(ramp(500, (i) => i * 1000), 'i24'))]),
    riff([chunk('data', encodeSamples(ramp(400, (i) => Math.sin(i)), 'f32')), chunk('fmt ', fmtBody(3, 1, 16000, 32))]),
    riff([chunk('fmt ', fmtBody(7, 1, 8000, 8)), chunk('data', encodeSamples(ramp(801, (i) => i % 256), 'raw8'))]),
    riff([chunk('fmt ', fmtBody(1, 6, 48000, 32, 1)), chunk('data', encodeSamples(ramp(600, (i) => i * 999999), 'i32'))]),
    riff([chunk('fmt ', fmtBody(3, 2, 22050, 64)), chunk('data', encodeSamples(ramp(300, (i) => Math.cos(i)), 'f64'))]),
    riff([chunk('fmt ', fmtBody(6, 1, 4000, 8)), chunk('data', encodeSamples(ramp(333, (i) => (i * 7) % 256), 'raw8'))]),
  ];
}

function mutate(base: Uint8Array, rnd: () => number): Uint8Array {
  const b = base.slice();
  const dv = new DataView(b.buffer);
  const headerSpan = Math.min(b.length, 80);
  const ops = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < ops; k++) {
    const kind = Math.floor(rnd() * 6);
    const at = Math.floor(rnd() * headerSpan);
    if (kind === 0) b[at] = Math.floor(rnd() * 256);
    else if (kind === 1) b[at] ^= 1 << Math.floor(rnd() * 8);
    else if (kind === 2 && at + 4 <= b.length) {
      const extremes = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, Math.floor(rnd() * 2 ** 32)];
      dv.setUint32(at & ~1, extremes[Math.floor(rnd() * extremes.length)] >>> 0, true);
    } else if (kind === 3 && at + 2 <= b.length) {
      dv.setUint16(at & ~1, [0, 1, 2, 3, 6, 7, 0xfffe, 0xffff, 0x55, Math.floor(rnd() * 65536)][Math.floor(rnd() * 10)], true);
    } else if (kind === 4) {
      return b.subarray(0, Math.floor(rnd() * b.length)); // truncation
    } else {
      b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256); // anywhere, incl. audio
    }
  }
  return b;
}

test(`${CASES} mutated headers and truncations each decode or fail cleanly`, () => {
  const rnd = makeRandom(20260301);
  const bases = seeds();
  const outcomes = { decoded: 0, inputError: 0, pipelined: 0 };
  for (let i = 0; i < CASES; i++) {
    const bytes = mutate(bases[i % bases.length], rnd);
    const started = Date.now();
    try {
      const audio = decodeWav(bytes, `case${i}.wav`);
      assert.ok(audio.samples.length >= 0 && audio.sampleRate > 0 && audio.channels > 0);
      outcomes.decoded++;
      if (i % 10 === 0) {
        const mel = logMelFromAudio(audio, undefined, `case${i}.wav`);
        if (mel.frames > 0) toPatches(mel);
        outcomes.pipelined++;
      }
    } catch (e) {
      if (!isInputError(e)) assert.fail(`case ${i}: ${(e as Error)?.stack ?? e}`);
      assert.ok(!/\n/.test((e as Error).message), `case ${i}: multi-line message`);
      outcomes.inputError++;
    }
    const ms = Date.now() - started;
    assert.ok(ms < MAX_CASE_MS, `case ${i} took ${ms} ms`);
  }
  // The mutations must exercise both outcomes, or the fuzzer is not testing anything.
  assert.ok(outcomes.decoded > CASES / 20, JSON.stringify(outcomes));
  assert.ok(outcomes.inputError > CASES / 20, JSON.stringify(outcomes));
  console.log(`fuzz outcomes: ${JSON.stringify(outcomes)}`);
});

test('pure truncations at every length of a small file decode or fail cleanly', () => {
  for (const base of seeds()) {
    for (let n = 0; n <= base.length; n++) {
      try {
        decodeWav(base.subarray(0, n));
      } catch (e) {
        if (!isInputError(e)) assert.fail(`length ${n}: ${(e as Error)?.stack ?? e}`);
      }
    }
  }
});

test('float WAVs with NaN or ±Infinity anywhere are refused, never decoded into a result', () => {
  const rnd = makeRandom(20261207);
  const specials = [NaN, Infinity, -Infinity];
  for (let i = 0; i < 200; i++) {
    const n = 1 + Math.floor(rnd() * 4000);
    const values = Array.from({ length: n }, () => rnd() - 0.5);
    const bad = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < bad; k++) values[Math.floor(rnd() * n)] = specials[Math.floor(rnd() * 3)];
    const enc = rnd() < 0.5 ? 'f32' : 'f64';
    const bytes = riff([chunk('fmt ', fmtBody(3, 1 + Math.floor(rnd() * 2), 16000, enc === 'f32' ? 32 : 64)), chunk('data', encodeSamples(values, enc))]);
    assert.throws(() => decodeWav(bytes, `nan${i}.wav`), (e: Error) => isInputError(e) && /NaN or infinite/.test(e.message), `case ${i}`);
  }
});

test('WAVs with no audio (empty data chunk, or a header only) are refused', () => {
  for (const enc of ['i16', 'f32', 'raw8'] as const) {
    const tag = enc === 'f32' ? 3 : 1;
    const bits = enc === 'f32' ? 32 : enc === 'raw8' ? 8 : 16;
    const bytes = riff([chunk('fmt ', fmtBody(tag, 1, 8000, bits)), chunk('data', new Uint8Array(0))]);
    assert.throws(() => decodeWav(bytes), (e: Error) => isInputError(e) && /no audio \(0 samples\)/.test(e.message));
    const f = path.join(scratch(), `empty-${enc}.wav`);
    writeFileSync(f, bytes);
    assert.throws(() => readWavSync(f), (e: Error) => isInputError(e) && /no audio/.test(e.message));
  }
});

test('two million empty chunks before the audio: the chunk walk reads the file in windows, not once per chunk', async () => {
  const chunks = 2_000_000;
  const head = riff([chunk('fmt ', fmtBody(1, 1, 16000, 16))]);
  const audio = riff([chunk('data', encodeSamples(Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin(i / 7))), 'i16'))]).subarray(12);
  const bytes = new Uint8Array(head.length + 8 * chunks + audio.length);
  bytes.set(head, 0);
  for (let k = 0, at = head.length; k < chunks; k++, at += 8) bytes.set([0x4a, 0x55, 0x4e, 0x4b], at); // 'JUNK', size 0
  bytes.set(audio, head.length + 8 * chunks);
  let reads = 0;
  const layout = parseWavLayout((offset, length) => {
    reads++;
    return bytes.subarray(offset, Math.min(bytes.length, offset + length));
  }, bytes.length, 'junk.wav');
  assert.equal(layout.frames, 16000);
  // One read per 64 KiB of headers (≈ 245), where reading per chunk made two million.
  assert.ok(reads <= Math.ceil(bytes.length / 65536) + 4, `${reads} reads`);
  const f = path.join(scratch(), 'junk.wav');
  writeFileSync(f, bytes);
  const mel = await logMelFromFile(f);
  assert.equal(mel.frames, 98);
});

test('named pipes, devices and folders are refused before any read (a pipe with no writer does not block)', () => {
  const fifo = path.join(scratch(), 'pipe.wav');
  execFileSync('mkfifo', [fifo]);
  for (const [p, reason] of [[fifo, /named pipe/], ['/dev/zero', /is a device/], ['/dev/null', /is a device/], [scratch(), /is a folder/]] as const) {
    assert.throws(() => openWavStream(p), (e: Error) => isInputError(e) && reason.test(e.message), p);
  }
});

let scratchDir: string | undefined;
function scratch(): string {
  scratchDir ??= mkdtempSync(path.join(tmpdir(), 'lungcam-fuzz-'));
  return scratchDir;
}
after(() => { if (scratchDir) rmSync(scratchDir, { recursive: true, force: true }); });

/** readWav without the promise (it does its work synchronously). */
function readWavSync(p: string): void {
  const s = openWavStream(p);
  s.close();
  decodeWav(readFileSync(p), p);
}
