// Fuzz: thousands of mutated WAV headers and truncations (seeded, reproducible). Each must end in a decoded
// result or a LungcamInputError — never another exception, a crash or a hang. A subset also runs the
// whole feature pipeline on what decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWav } from '../../kernels/engine/audio/wav';
import { logMelFromAudio } from '../../kernels/engine/audio/features';
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
