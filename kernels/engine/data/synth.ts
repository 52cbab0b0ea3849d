/**
 * The synthetic breath-sound corpus (`lungcam synth`): recordings in the ICBHI 2017 layout —
 * `NAME.wav`, `NAME.txt` (one cycle a line: start_s end_s crackles wheezes, tab separated) — plus
 * `NAME.events.json` with the ground-truth adventitious events, and `synth.json` describing the corpus.
 *
 * One recording = breath sound (vesicular spectrum, per-phase flow envelopes) + crackles + wheezes
 * (per the cycle labels) + heart sounds + body rumble + room noise + artefacts, rendered at ≈ 10 kHz,
 * passed through the device (band-limit, upsample to the file's rate), then a noise floor, mains hum,
 * loudness and the sample format. Deterministic: the same seed gives the same bytes.
 */
import { mkdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CycleLabel } from './labels';
import { CYCLE_LABELS, flagsFromLabel } from './labels';
import type { PatientPlan, RecordingPlan, SynthOptions } from './plan';
import { planCorpus, rootRng } from './plan';
import type { SynthEvent } from './events';
import { renderBreath } from './breath';
import { addCrackles } from './crackles';
import { addWheezes } from './wheezes';
import { renderHeart } from './heart';
import { addArtefacts, addHum, renderBackground } from './noise';
import { addNoiseFloor, throughDevice } from './device';
import { encodeWav } from './wavWrite';
import { atomicWriteFileSync as writeFileAtomically } from '../io/atomicWrite';
import { LungcamInputError } from '../errors';

export type { SynthOptions } from './plan';

export const SYNTH_GENERATOR = 'lungcam synth v1';

export interface AnnotatedCycle {
  startSeconds: number;
  endSeconds: number;
  /** End of inspiration inside the cycle (not part of the ICBHI annotation; in events.json). */
  inspirationEndSeconds: number;
  crackles: boolean;
  wheezes: boolean;
  label: CycleLabel;
}

export interface SynthRecording {
  name: string;
  patientId: string;
  sampleRate: number;
  /** Samples in −1..1 at sampleRate, as they will be written (before quantisation). */
  samples: Float32Array;
  cycles: AnnotatedCycle[];
  events: SynthEvent[];
  plan: RecordingPlan;
  patient: PatientPlan;
}

/** Renders one planned recording. */
export function renderRecording(seed: number, patient: PatientPlan, plan: RecordingPlan): SynthRecording {
  const rng = rootRng(seed).fork('render', patient.index, plan.recordingIndex);
  const rate = plan.renderRate;
  const n = Math.round((plan.durationSeconds * plan.sampleRate) / (plan.sampleRate / rate));
  // Adventitious sounds must stay audible through the device and below Nyquist.
  const ceilingHz = Math.min(plan.device.lowpassHz, 0.45 * plan.sampleRate);

  const mix = renderBreath(rng.fork('breath'), patient, plan.cycles, rate, n);
  const crackles = addCrackles(rng.fork('crackles'), mix, rate, plan.cycles, patient, ceilingHz);
  const wheezes = addWheezes(rng.fork('wheezes'), mix, rate, plan.cycles, patient, ceilingHz);
  const heart = renderHeart(rng.fork('heart'), patient.heartRateBpm, rate, n, plan.heartClickLevel, plan.heartClickKind);
  const { body, ambient } = renderBackground(rng.fork('background'), rate, n);
  for (let i = 0; i < n; i++) {
    mix[i] += plan.heartLevel * heart[i] + plan.bodyNoiseLevel * body[i] + plan.ambientLevel * ambient[i];
  }
  if (plan.artefactsPerSecond > 0) addArtefacts(rng.fork('artefacts'), mix, rate, plan.artefactsPerSecond);

  const out = throughDevice(mix, rate, plan.sampleRate, plan.device);
  for (let i = 0; i < out.length; i++) out[i] *= plan.breathRms;
  addNoiseFloor(rng.fork('floor'), out, plan.sampleRate, plan.device.floorRms16k);
  if (plan.hum) addHum(rng.fork('hum'), out, plan.sampleRate, plan.hum.hz, plan.hum.level * plan.breathRms);
  // Loud recordings are turned down to fit the format rather than clipped.
  let peak = 0;
  for (let i = 0; i < out.length; i++) peak = Math.max(peak, Math.abs(out[i]));
  const gain = peak > 0.98 ? 0.98 / peak : 1;
  const samples = new Float32Array(out.length);
  for (let i = 0; i < out.length; i++) samples[i] = out[i] * gain;

  const cycles: AnnotatedCycle[] = plan.cycles
    .filter((c) => c.annotated)
    .map((c) => ({
      startSeconds: c.startSeconds,
      endSeconds: c.endSeconds,
      inspirationEndSeconds: c.inspirationEndSeconds,
      label: c.label,
      ...flagsFromLabel(c.label),
    }));
  const events = [...crackles, ...wheezes].sort((a, b) => a.startSeconds - b.startSeconds || a.type.localeCompare(b.type));
  return { name: plan.name, patientId: patient.id, sampleRate: plan.sampleRate, samples, cycles, events, plan, patient };
}

/** The ICBHI annotation file: `start\tend\tcrackles\twheezes`, one cycle a line. */
export function annotationText(cycles: readonly AnnotatedCycle[]): string {
  return cycles
    .map((c) => `${c.startSeconds.toFixed(3)}\t${c.endSeconds.toFixed(3)}\t${c.crackles ? 1 : 0}\t${c.wheezes ? 1 : 0}\n`)
    .join('');
}

export function eventsDocument(rec: SynthRecording, seed: number): object {
  const { plan, patient } = rec;
  const r = (x: number) => Math.round(x * 10000) / 10000;
  return {
    format: 'lungcam-synth-events',
    version: 1,
    generator: SYNTH_GENERATOR,
    seed,
    recording: rec.name,
    patientId: rec.patientId,
    sampleRate: rec.sampleRate,
    durationSeconds: r(rec.samples.length / rec.sampleRate),
    device: {
      lowpassHz: Math.round(plan.device.lowpassHz),
      lowpassDbPerOctave: r(plan.device.lowpassDbPerOctave),
      highpassHz: Math.round(plan.device.highpassHz),
      bitsPerSample: plan.device.bitsPerSample,
      noiseFloorRms16k: Number(plan.device.floorRms16k.toPrecision(3)),
    },
    conditions: {
      breathRms: r(plan.breathRms),
      heartLevel: r(plan.heartLevel),
      heartClickLevel: r(plan.heartClickLevel),
      // Only when asked for, so the default corpus's files stay as they were.
      ...(plan.heartClickKind === 'thud' ? { heartClickKind: plan.heartClickKind } : {}),
      bodyNoiseLevel: r(plan.bodyNoiseLevel),
      ambientLevel: r(plan.ambientLevel),
      hum: plan.hum ? { hz: plan.hum.hz, level: r(plan.hum.level) } : null,
      artefactsPerSecond: r(plan.artefactsPerSecond),
    },
    patient: {
      condition: patient.condition,
      breathRatePerMinute: r(patient.breathRatePerMinute),
      heartRateBpm: r(patient.heartRateBpm),
      crackleKind: patient.crackleKind,
      crackleTransmissionHz: Math.round(patient.crackleTransmissionHz),
      wheezeBaseHz: Math.round(patient.wheezeBaseHz),
      kneeInspirationHz: Math.round(patient.kneeInspirationHz),
      kneeExpirationHz: Math.round(patient.kneeExpirationHz),
      slopeDbPerOctave: r(patient.slopeDbPerOctave),
    },
    cycles: rec.cycles.map((c) => ({
      startSeconds: c.startSeconds,
      inspirationEndSeconds: c.inspirationEndSeconds,
      endSeconds: c.endSeconds,
      label: c.label,
    })),
    events: rec.events,
  };
}

export interface CorpusSummary {
  dir: string;
  recordings: number;
  patients: number;
  cycles: Record<CycleLabel, number>;
  sampleRates: Record<string, number>;
  seconds: number;
}

/** Renders every recording of a corpus, in order (a generator: one recording in memory at a time). */
export function* synthesizeCorpus(opts: SynthOptions): Generator<SynthRecording> {
  const { recordings } = planCorpus(opts);
  for (const { patient, plan } of recordings) yield renderRecording(opts.seed, patient, plan);
}

export function checkSynthOptions(opts: SynthOptions): void {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new LungcamInputError('expected a whole number of at least 1.', '--count');
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new LungcamInputError('expected a whole number of at least 0.', '--seed');
  if (opts.classes && opts.classes.length === 0) throw new LungcamInputError('name at least one class.', '--classes');
  const min = opts.minSeconds ?? 8;
  const max = opts.maxSeconds ?? 20;
  if (!(min > 0) || !(max >= min) || max > 600) {
    throw new LungcamInputError(`durations must satisfy 0 < min ≤ max ≤ 600 s (got ${min}–${max}).`, '--seconds');
  }
  for (const rate of opts.sampleRates ?? []) {
    if (!Number.isInteger(rate) || rate < 4000 || rate > 192000) {
      throw new LungcamInputError(`sample rate ${rate} is outside 4000–192000 Hz.`, '--rates');
    }
  }
  if (opts.lowpassHz) {
    const [lo, hi] = opts.lowpassHz;
    if (!(lo >= 200 && hi >= lo && hi <= 20000)) throw new LungcamInputError(`low-pass range ${lo}–${hi} Hz must satisfy 200 ≤ low ≤ high ≤ 20000.`, '--lowpass');
  }
  if (opts.noiseScale !== undefined && !(opts.noiseScale >= 0)) throw new LungcamInputError('expected a number ≥ 0.', '--noise');
  if (opts.clicksPerSecond) {
    const [lo, hi] = opts.clicksPerSecond;
    if (!(lo > 0 && hi >= lo && hi <= 50)) throw new LungcamInputError(`click rate range ${lo}–${hi} per second must satisfy 0 < low ≤ high ≤ 50.`, '--clicks');
  }
  if (opts.crackleTransmissionHz) {
    const [lo, hi] = opts.crackleTransmissionHz;
    if (!(lo >= 50 && hi >= lo && hi <= 8000)) throw new LungcamInputError(`crackle transmission range ${lo}–${hi} Hz must satisfy 50 ≤ low ≤ high ≤ 8000.`, '--crackle-transmission');
  }
  if (opts.crackleLevel) {
    const [lo, hi] = opts.crackleLevel;
    if (!(lo > 0 && hi >= lo && hi <= 1000)) throw new LungcamInputError(`crackle level range ${lo}–${hi} must satisfy 0 < low ≤ high ≤ 1000.`, '--crackle-level');
  }
  if (opts.wheezeLevel) {
    const [lo, hi] = opts.wheezeLevel;
    if (!(lo > 0 && hi >= lo && hi <= 100)) throw new LungcamInputError(`wheeze level range ${lo}–${hi} must satisfy 0 < low ≤ high ≤ 100.`, '--wheeze-level');
  }
  if (opts.shortWheezeShare !== undefined && !(opts.shortWheezeShare >= 0 && opts.shortWheezeShare <= 1)) {
    throw new LungcamInputError('expected a share between 0 and 1.', '--short-wheezes');
  }
  if (opts.valveClickLevel) {
    const [lo, hi] = opts.valveClickLevel;
    if (!(lo > 0 && hi >= lo && hi <= 10)) throw new LungcamInputError(`valve click level range ${lo}–${hi} must satisfy 0 < low ≤ high ≤ 10.`, '--valve-clicks');
  }
}

/** The three files of one recording, ready to write (what a worker thread hands back). */
export interface RecordingFiles {
  name: string;
  patientId: string;
  sampleRate: number;
  seconds: number;
  labels: CycleLabel[];
  wav: Uint8Array;
  txt: string;
  eventsJson: string;
}

export function recordingFiles(rec: SynthRecording, seed: number): RecordingFiles {
  const format = rec.plan.device.bitsPerSample === 24 ? 'pcm24' : 'pcm16';
  return {
    name: rec.name,
    patientId: rec.patientId,
    sampleRate: rec.sampleRate,
    seconds: rec.samples.length / rec.sampleRate,
    labels: rec.cycles.map((c) => c.label),
    wav: encodeWav(rec.samples, rec.sampleRate, format),
    txt: annotationText(rec.cycles),
    eventsJson: `${JSON.stringify(eventsDocument(rec, seed), null, 1)}\n`,
  };
}

/** Renders recording `index` of the corpus `opts` describes (plans are cached per options). */
let planCache: { key: string; plans: ReturnType<typeof planCorpus>['recordings'] } | null = null;
export function renderCorpusRecording(opts: SynthOptions, index: number): RecordingFiles {
  const key = JSON.stringify(opts);
  if (!planCache || planCache.key !== key) planCache = { key, plans: planCorpus(opts).recordings };
  const { patient, plan } = planCache.plans[index];
  return recordingFiles(renderRecording(opts.seed, patient, plan), opts.seed);
}

/** Progress callback: after each recording is written. */
export type OnRecording = (done: number, total: number, rec: RecordingFiles) => void;

/** Collects counts while recordings are written, in any order, and writes synth.json at the end. */
export class CorpusWriter {
  private readonly cycles = Object.fromEntries(CYCLE_LABELS.map((l) => [l, 0])) as Record<CycleLabel, number>;
  private readonly sampleRates: Record<string, number> = {};
  private readonly patients = new Set<string>();
  private seconds = 0;
  private done = 0;

  constructor(private readonly dir: string, private readonly opts: SynthOptions, private readonly onRecording?: OnRecording) {
    checkSynthOptions(opts);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new LungcamInputError('exists and is not a folder.', dir);
    mkdirSync(dir, { recursive: true });
  }

  write(files: RecordingFiles): void {
    const base = path.join(this.dir, files.name);
    writeFileAtomically(`${base}.wav`, Buffer.from(files.wav.buffer, files.wav.byteOffset, files.wav.byteLength));
    writeFileAtomically(`${base}.txt`, files.txt);
    writeFileAtomically(`${base}.events.json`, files.eventsJson);
    for (const l of files.labels) this.cycles[l]++;
    this.sampleRates[files.sampleRate] = (this.sampleRates[files.sampleRate] ?? 0) + 1;
    this.patients.add(files.patientId);
    this.seconds += files.seconds;
    this.done++;
    this.onRecording?.(this.done, this.opts.count, files);
  }

  finish(): CorpusSummary {
    const sampleRates = Object.fromEntries(Object.entries(this.sampleRates).sort((a, b) => Number(a[0]) - Number(b[0])));
    const summary: CorpusSummary = {
      dir: this.dir,
      recordings: this.done,
      patients: this.patients.size,
      cycles: this.cycles,
      sampleRates,
      seconds: Math.round(this.seconds * 10) / 10,
    };
    const manifest = {
      format: 'lungcam-synth-corpus',
      version: 1,
      generator: SYNTH_GENERATOR,
      options: { ...this.opts },
      recordings: summary.recordings,
      patients: summary.patients,
      cycles: summary.cycles,
      sampleRates,
      seconds: summary.seconds,
    };
    writeFileAtomically(path.join(this.dir, 'synth.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    return summary;
  }
}

/**
 * Writes a corpus into `dir` (created if needed), one recording after another on this thread. Each file
 * is written atomically. Returns counts. (writeSynthCorpusParallel in synthPool.ts uses worker threads.)
 */
export function writeSynthCorpus(dir: string, opts: SynthOptions, onRecording?: OnRecording): CorpusSummary {
  const writer = new CorpusWriter(dir, opts, onRecording);
  const { recordings } = planCorpus(opts);
  for (const { patient, plan } of recordings) writer.write(recordingFiles(renderRecording(opts.seed, patient, plan), opts.seed));
  return writer.finish();
}
