// The synthetic corpus: determinism, ICBHI layout read back by the reader, truthful events, class
// balance, sample-rate variety, the device low-pass, and the CLI. Small counts and short durations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSynthCorpus, renderRecording } from '../../../kernels/engine/data/synth';
import { writeSynthCorpusParallel } from '../../../kernels/engine/data/synthPool';
import { planCorpus } from '../../../kernels/engine/data/plan';
import { readDataset } from '../../../kernels/engine/data/dataset';
import { CYCLE_LABELS } from '../../../kernels/engine/data/labels';
import type { SynthEvent } from '../../../kernels/engine/data/events';
import { logMelSpectrogram } from '../../../kernels/engine/audio/logMel';
import { resample } from '../../../kernels/engine/audio/resample';
import { decodeWav } from '../../../kernels/engine/audio/wav';
import { runLungcam, assertOneLineError } from '../cliHarness';

const SHORT = { minSeconds: 4, maxSeconds: 7 };
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lungcam-synth-'));
  dirs.push(d);
  return d;
}
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f))]));
}

// One small corpus shared by the read-back tests.
const corpusDir = tempDir();
writeSynthCorpus(corpusDir, { count: 8, seed: 11, ...SHORT });

test('the same seed gives the same bytes; another seed gives other sounds', () => {
  const a = tempDir();
  const b = tempDir();
  const c = tempDir();
  writeSynthCorpus(a, { count: 3, seed: 5, ...SHORT });
  writeSynthCorpus(b, { count: 3, seed: 5, ...SHORT });
  writeSynthCorpus(c, { count: 3, seed: 6, ...SHORT });
  const fa = filesOf(a);
  const fb = filesOf(b);
  assert.deepEqual([...fa.keys()], [...fb.keys()]);
  for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name) as Buffer), `${name} differs between two runs`);
  const wavA = [...fa].filter(([n]) => n.endsWith('.wav')).map(([, b]) => b);
  const wavC = [...filesOf(c)].filter(([n]) => n.endsWith('.wav')).map(([, b]) => b);
  assert.ok(wavA.every((w, i) => !w.equals(wavC[i])), 'seed 6 should not reproduce seed 5');
});

test('worker threads write the same bytes as one thread', async () => {
  const parallel = tempDir();
  const order: string[] = [];
  const summary = await writeSynthCorpusParallel(parallel, { count: 8, seed: 11, ...SHORT }, (_done, _total, rec) => order.push(rec.name), 2);
  assert.equal(summary.recordings, 8);
  assert.equal(order.length, 8);
  const serial = filesOf(corpusDir);
  const got = filesOf(parallel);
  assert.deepEqual([...got.keys()], [...serial.keys()]);
  for (const [name, bytes] of serial) assert.ok(bytes.equals(got.get(name) as Buffer), `${name} differs between 2 threads and 1`);
});

test('a bigger corpus starts with the recordings of a smaller one (same seed)', () => {
  const small = tempDir();
  writeSynthCorpus(small, { count: 2, seed: 11, ...SHORT });
  const big = filesOf(corpusDir);
  for (const [name, bytes] of filesOf(small)) {
    if (name === 'synth.json') continue;
    assert.ok(big.get(name)?.equals(bytes), `${name} should be identical in the 8-recording corpus`);
  }
});

test('the reader reads the corpus back: ICBHI names, patients, cycles equal to the ground truth', () => {
  const ds = readDataset(corpusDir);
  assert.equal(ds.recordings.length, 8);
  assert.deepEqual(ds.warnings, []);
  for (const r of ds.recordings) {
    assert.match(r.name, /^S\d{3}_\d+b1_(Tc|Al|Ar|Pl|Pr|Ll|Lr)_sc_SYNTH$/);
    assert.equal(r.patientId, r.name.slice(0, 4));
    assert.ok(r.eventsPath, 'events.json found beside the recording');
    const truth = JSON.parse(readFileSync(r.eventsPath as string, 'utf8'));
    assert.ok(r.cycles.length >= 1);
    assert.deepEqual(
      r.cycles.map((c) => [c.startSeconds, c.endSeconds, c.label]),
      truth.cycles.map((c: { startSeconds: number; endSeconds: number; label: string }) => [c.startSeconds, c.endSeconds, c.label]),
    );
    const audio = decodeWav(readFileSync(r.wavPath), r.wavPath);
    assert.equal(audio.sampleRate, truth.sampleRate);
    assert.ok(r.cycles[r.cycles.length - 1].endSeconds <= audio.durationSeconds, 'cycles lie inside the audio');
  }
});

test('every event lies inside its cycle, and the cycle flags match the events', () => {
  for (const name of readdirSync(corpusDir).filter((f) => f.endsWith('.events.json'))) {
    const doc = JSON.parse(readFileSync(path.join(corpusDir, name), 'utf8'));
    const events = doc.events as SynthEvent[];
    doc.cycles.forEach((c: { startSeconds: number; endSeconds: number; label: string }, i: number) => {
      const mine = events.filter((e) => e.cycle === i);
      const hasCrackle = mine.some((e) => e.type === 'crackle');
      const hasWheeze = mine.some((e) => e.type === 'wheeze');
      assert.equal(hasCrackle, c.label === 'crackle' || c.label === 'both', `${name} cycle ${i} (${c.label}) crackles`);
      assert.equal(hasWheeze, c.label === 'wheeze' || c.label === 'both', `${name} cycle ${i} (${c.label}) wheezes`);
      for (const e of mine) {
        assert.ok(e.startSeconds >= c.startSeconds && e.endSeconds <= c.endSeconds, `${name}: ${e.type} at ${e.startSeconds}–${e.endSeconds} outside cycle ${c.startSeconds}–${c.endSeconds}`);
        assert.ok(e.lowHz < e.highHz && e.lowHz > 0);
      }
    });
    for (const e of events) {
      const seconds = e.endSeconds - e.startSeconds;
      if (e.type === 'crackle') assert.ok(seconds <= 0.0201, `crackle of ${seconds} s is over 20 ms`);
      else {
        assert.ok(seconds >= 0.15, `wheeze of ${seconds} s is under 150 ms`);
        assert.ok(e.lowHz >= 99 && e.highHz <= Math.min(doc.device.lowpassHz, doc.sampleRate / 2), `wheeze ${e.lowHz}–${e.highHz} Hz outside 100 Hz–device band`);
        for (const h of e.harmonics) assert.ok(h.lowHz >= h.order * e.lowHz - 1);
      }
    }
  }
});

test('cycle classes are balanced across normal, crackle, wheeze and both', () => {
  const { recordings } = planCorpus({ count: 400, seed: 3 });
  const counts = Object.fromEntries(CYCLE_LABELS.map((l) => [l, 0])) as Record<string, number>;
  for (const { plan } of recordings) for (const c of plan.cycles) if (c.annotated) counts[c.label]++;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  for (const l of CYCLE_LABELS) {
    const share = counts[l] / total;
    assert.ok(share > 0.2 && share < 0.3, `${l}: ${(100 * share).toFixed(1)}% of ${total} cycles`);
  }
  // Abnormal recordings also hold normal cycles, as ICBHI recordings do.
  const mixed = recordings.filter(({ plan }) => new Set(plan.cycles.filter((c) => c.annotated).map((c) => c.label)).size > 1);
  assert.ok(mixed.length > 40, `${mixed.length} mixed-class recordings of 400`);
});

test('sample rates vary from 4 kHz to 44.1 kHz; durations and loudness vary', () => {
  const { recordings } = planCorpus({ count: 100, seed: 4 });
  const rates = new Set(recordings.map(({ plan }) => plan.sampleRate));
  assert.ok(rates.has(4000) && rates.has(44100) && rates.size >= 5, `rates ${[...rates]}`);
  const durations = recordings.map(({ plan }) => plan.durationSeconds);
  assert.ok(Math.max(...durations) - Math.min(...durations) > 6);
  const loudness = recordings.map(({ plan }) => plan.breathRms);
  assert.ok(Math.max(...loudness) / Math.min(...loudness) > 4);
  // The written files carry the rates too.
  const rateOf = (f: string) => readFileSync(path.join(corpusDir, f)).readUInt32LE(24);
  const written = new Set(readdirSync(corpusDir).filter((f) => f.endsWith('.wav')).map(rateOf));
  assert.ok(written.size >= 2, `8 recordings at rates ${[...written]}`);
});

/** Mean log-mel (100–2000 Hz, 64 bands) of the bands centred above 1500 Hz. */
function upperBandMean(samples: Float32Array, rate: number): number {
  const lm = logMelSpectrogram(resample(samples, rate, 16000), { fmin: 100, fmax: 2000, bands: 64, bandCutoffHz: null });
  const upper = lm.axes.bandCentersHz.map((hz, k) => (hz > 1500 ? k : -1)).filter((k) => k >= 0);
  let s = 0;
  for (let f = 0; f < lm.frames; f++) for (const k of upper) s += lm.data[f * lm.bands + k];
  return s / (lm.frames * upper.length);
}

test('a band-limited device darkens the upper band (log-mel above 1500 Hz near silence)', () => {
  const opts = { count: 3, seed: 21, ...SHORT, sampleRates: [16000], noiseScale: 0.2 };
  const limited = planCorpus({ ...opts, bandLimitedShare: 1, lowpassHz: [1200, 1200] as const }).recordings;
  const wide = planCorpus({ ...opts, bandLimitedShare: 0 }).recordings;
  const silence = Math.log(0.01);
  for (let i = 0; i < 3; i++) {
    // Loud breathing, so that the breath sound reaches 2 kHz unless the device cuts it.
    limited[i].plan.breathRms = wide[i].plan.breathRms = 0.05;
    const a = renderRecording(21, limited[i].patient, limited[i].plan);
    const b = renderRecording(21, wide[i].patient, wide[i].plan);
    assert.equal(a.samples.length, b.samples.length, 'same recording apart from the device');
    const dark = upperBandMean(a.samples, 16000) - silence;
    const open = upperBandMean(b.samples, 16000) - silence;
    assert.ok(dark < 0.35, `low-passed upper band ${dark.toFixed(2)} above silence should be near 0`);
    assert.ok(dark < 0.5 * open, `upper band above silence: wide device ${open.toFixed(2)}, low-passed ${dark.toFixed(2)}`);
  }
});

test('wheeze events mark where the log-mel has tonal energy', () => {
  const { recordings } = planCorpus({ count: 12, seed: 8, ...SHORT, classes: ['wheeze'] });
  let inside = 0;
  let outside = 0;
  let n = 0;
  for (const { patient, plan } of recordings.slice(0, 4)) {
    const rec = renderRecording(8, patient, plan);
    const lm = logMelSpectrogram(resample(rec.samples, rec.sampleRate, 16000), { fmin: 100, fmax: 2000, bands: 64, bandCutoffHz: null });
    const edges = lm.axes.bandEdgesHz;
    for (const e of rec.events) {
      if (e.type !== 'wheeze' || e.endSeconds - e.startSeconds < 0.25) continue;
      const f0 = Math.round(e.startSeconds * 100) + 5;
      const f1 = Math.round(e.endSeconds * 100) - 5;
      // Bands overlapping the fundamental's sweep vs bands clear of every harmonic.
      const bands = [...Array(lm.bands).keys()];
      const near = (k: number, lo: number, hi: number) => edges[k + 2] >= lo && edges[k] <= hi;
      const tonal = bands.filter((k) => near(k, e.lowHz, e.highHz));
      const clear = bands.filter((k) => !near(k, 0.7 * e.lowHz, 1.3 * e.highHz) && !e.harmonics.some((h) => near(k, 0.7 * h.lowHz, 1.3 * h.highHz)) && edges[k + 1] > e.lowHz);
      if (tonal.length === 0 || clear.length === 0 || f1 <= f0) continue;
      // The strongest frame-wise band in the sweep vs the strongest clear band, averaged over the event.
      for (let f = f0; f < f1; f++) {
        inside += Math.max(...tonal.map((k) => lm.data[f * lm.bands + k]));
        outside += Math.max(...clear.map((k) => lm.data[f * lm.bands + k]));
        n++;
      }
    }
  }
  assert.ok(n > 50, `only ${n} wheeze frames`);
  assert.ok((inside - outside) / n > 0.5, `wheeze band ${(inside / n).toFixed(2)} vs clear bands ${(outside / n).toFixed(2)}`);
});

test('lungcam synth writes the corpus and a summary; bad options give one line and exit 2', () => {
  const out = path.join(tempDir(), 'corpus');
  const r = runLungcam(['synth', out, '--count', '2', '--seed', '3', '--seconds', '4-6', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote 2 recordings of \d+ patients? .*cycles: normal \d+, crackle \d+, wheeze \d+, both \d+/);
  const files = readdirSync(out);
  assert.equal(files.filter((f) => f.endsWith('.wav')).length, 2);
  assert.equal(files.filter((f) => f.endsWith('.txt')).length, 2);
  assert.equal(files.filter((f) => f.endsWith('.events.json')).length, 2);
  assert.ok(!files.some((f) => f.endsWith('.tmp')), 'no temporary files left');

  for (const args of [['--count', '0'], ['--classes', 'rales'], ['--seconds', '9-3'], ['--rates', '2000']]) {
    const bad = runLungcam(['synth', path.join(tempDir(), 'x'), ...args]);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assertOneLineError(bad);
  }
});

test('clinical-recording knobs: dull quieter crackles, valve clicks everywhere; defaults unchanged', () => {
  const base = planCorpus({ count: 40, seed: 3 });
  const knobs = planCorpus({ count: 40, seed: 3, crackleTransmissionHz: [150, 300], crackleLevel: [3, 5], valveClickLevel: [0.5, 1] });
  for (const { patient } of knobs.recordings) {
    assert.ok(patient.crackleTransmissionHz >= 150 && patient.crackleTransmissionHz <= 300, `transmission ${patient.crackleTransmissionHz} Hz`);
    assert.ok(patient.crackleLevel >= 3 && patient.crackleLevel <= 5, `crackle level ${patient.crackleLevel}`);
  }
  assert.ok(knobs.recordings.every(({ plan }) => plan.heartClickLevel >= 0.5 && plan.heartClickLevel <= 1 && plan.heartClickKind === 'thud'));
  assert.ok(base.recordings.every(({ plan }) => plan.heartClickKind === 'white'));
  // Without the knobs most recordings have no valve clicks, and the plans are those of before.
  assert.ok(base.recordings.filter(({ plan }) => plan.heartClickLevel === 0).length > 20);
  assert.deepEqual(base.recordings.map(({ plan }) => plan.cycles), knobs.recordings.map(({ plan }) => plan.cycles), 'the knobs change sounds, not cycles');

  // Dull crackles: events say so, and the log-mel above 1 kHz barely moves when they sound.
  const dir = tempDir();
  writeSynthCorpus(dir, { count: 2, seed: 4, classes: ['crackle'], ...SHORT, crackleTransmissionHz: [150, 200] });
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.events.json'))) {
    for (const e of JSON.parse(readFileSync(path.join(dir, name), 'utf8')).events as SynthEvent[]) {
      if (e.type === 'crackle') assert.ok(e.highHz <= 400, `${name}: a crackle up to ${e.highHz} Hz through a ≤ 200 Hz chest`);
    }
  }

  for (const args of [['--crackle-transmission', '10-200'], ['--crackle-level', '5-2'], ['--valve-clicks', '0-1']]) {
    const bad = runLungcam(['synth', path.join(tempDir(), 'x'), ...args]);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assertOneLineError(bad);
  }
});

test('wheeze knobs: faint wheezes and short wheezes; bad values exit 2', () => {
  const faint = planCorpus({ count: 20, seed: 5, wheezeLevel: [0.2, 0.4] });
  assert.ok(faint.recordings.every(({ patient }) => patient.wheezeLevel >= 0.2 && patient.wheezeLevel <= 0.4));
  assert.ok(planCorpus({ count: 20, seed: 5 }).recordings.every(({ patient }) => patient.wheezeLevel >= 1.2));

  // Every tonal (non-rhonchus) wheeze lasts 0.15–0.5 s when all are short; by default most fill their phase.
  const durations = (shortWheezeShare?: number) => {
    const { recordings } = planCorpus({ count: 4, seed: 6, ...SHORT, classes: ['wheeze'], shortWheezeShare });
    return recordings.flatMap(({ patient, plan }) => renderRecording(6, patient, plan).events)
      .filter((e) => e.type === 'wheeze' && !e.rhonchus).map((e) => e.endSeconds - e.startSeconds);
  };
  const short = durations(1);
  assert.ok(short.length >= 4 && short.every((d) => d <= 0.5 + 1e-3), `short wheezes: ${short.map((d) => d.toFixed(2))}`);
  const usual = durations();
  assert.ok(usual.filter((d) => d > 0.5).length > usual.length / 2, `default wheezes: ${usual.map((d) => d.toFixed(2))}`);

  for (const args of [['--wheeze-level', '0-1'], ['--short-wheezes', '1.5']]) {
    const bad = runLungcam(['synth', path.join(tempDir(), 'x'), ...args]);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assertOneLineError(bad);
  }
});
