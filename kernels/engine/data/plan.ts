/**
 * What the synthetic corpus will contain, decided before any sound is made: patients (physiology and
 * condition), their recordings (device, sample rate, noise conditions) and each recording's respiratory
 * cycles with their labels. Everything is drawn from seeded streams forked by patient and recording index,
 * so the first N recordings are the same whatever the corpus size.
 *
 * Class balance (cycle level): patients take their condition from a shuffled 7-slot pattern
 * (1 normal, 2 crackle, 2 wheeze, 2 both); abnormal recordings also hold some normal cycles and a few of
 * a neighbouring class (as ICBHI recordings do), in proportions that make the four classes equally
 * common in expectation (MIXTURES below).
 */
import { Rng } from './random';
import type { CycleLabel } from './labels';
import type { ValveClickKind } from './heart';
import { CYCLE_LABELS } from './labels';

export type CrackleKind = 'fine' | 'coarse';
export type BreathPhase = 'inspiration' | 'expiration';

export interface PatientPlan {
  id: string;
  index: number;
  /** The patient's dominant condition (the label most of their cycles carry). */
  condition: CycleLabel;
  breathRatePerMinute: number;
  /** Expiration / inspiration duration (I:E of 1:1.5–2). */
  ieRatio: number;
  heartRateBpm: number;
  crackleKind: CrackleKind;
  /** Crackles per crackle cycle, before per-cycle variation. */
  cracklesPerCycle: number;
  /** Crackle peak amplitude relative to the inspiratory breath-sound RMS. */
  crackleLevel: number;
  /**
   * Knee of the lung and chest-wall low-pass the crackles reach the stethoscope through (12 dB/octave
   * above it): low values give the dull, low-band crackles of many real recordings, high values the
   * sharp full-band lines of others.
   */
  crackleTransmissionHz: number;
  /** Typical wheeze fundamental; below 200 Hz the wheezes are rhonchi. */
  wheezeBaseHz: number;
  wheezePhase: BreathPhase | 'both';
  /** Wheeze RMS relative to the inspiratory breath-sound RMS. */
  wheezeLevel: number;
  /** Share of this patient's wheezes that are short (0.15–0.5 s) instead of filling most of the phase. */
  shortWheezeShare: number;
  /** Vesicular spectrum: flat to the knee, then falling slopeDbPerOctave. */
  kneeInspirationHz: number;
  kneeExpirationHz: number;
  slopeDbPerOctave: number;
  /** Expiratory breath-sound level relative to inspiratory (expiration is quieter). */
  expirationLevel: number;
}

export interface DevicePlan {
  /** Low-pass corner of the device (stethoscope chest piece + electronics), Hz. */
  lowpassHz: number;
  lowpassDbPerOctave: number;
  highpassHz: number;
  highpassDbPerOctave: number;
  /** Device noise floor, as RMS of white noise over 0–8 kHz (what a 16 kHz resampling keeps). */
  floorRms16k: number;
  bitsPerSample: 16 | 24;
}

export interface CyclePlan {
  startSeconds: number;
  inspirationEndSeconds: number;
  endSeconds: number;
  label: CycleLabel;
  /** Relative flow (breath-sound amplitude) of this cycle. */
  flow: number;
  /** False for the partial cycles before the first and after the last annotated one. */
  annotated: boolean;
}

export interface RecordingPlan {
  name: string;
  index: number;
  patientId: string;
  recordingIndex: number;
  chestLocation: string;
  sampleRate: number;
  /** Rate the sound is rendered at before the device stage upsamples to sampleRate (a divisor of it). */
  renderRate: number;
  durationSeconds: number;
  cycles: CyclePlan[];
  device: DevicePlan;
  /** RMS of the inspiratory breath sound in the written file (sets the loudness). */
  breathRms: number;
  /** Levels below are relative to the inspiratory breath-sound RMS. */
  heartLevel: number;
  /** Broadband valve clicks with each heart sound, relative to the heart sound's peak (0: none). */
  heartClickLevel: number;
  /** Shape of the valve clicks (see heart.ts): 'thud' when the clicks are asked for (--valve-clicks). */
  heartClickKind: ValveClickKind;
  bodyNoiseLevel: number;
  ambientLevel: number;
  hum: { hz: 50 | 60; level: number } | null;
  /** Friction clicks and stethoscope knocks per second (not adventitious sounds; never annotated). */
  artefactsPerSecond: number;
}

export interface SynthOptions {
  count: number;
  seed: number;
  /** Conditions to draw patients from (default: all four). */
  classes?: readonly CycleLabel[];
  minSeconds?: number;
  maxSeconds?: number;
  /** Sample rates to draw from (default: ICBHI-like mix from 4 kHz to 44.1 kHz). */
  sampleRates?: readonly number[];
  /** Range of the device low-pass for band-limited devices, Hz (default 1200–2500). */
  lowpassHz?: readonly [number, number];
  /** Share of recordings made with a band-limited device (default 0.65). */
  bandLimitedShare?: number;
  /** Multiplies background, body and device noise levels (default 1). */
  noiseScale?: number;
  /**
   * Unannotated clicks per second in every recording, drawn log-uniformly from this range (default: 40 % of
   * recordings, 0.03–0.3/s). Real recordings can be full of them (some ICBHI normal cycles hold several a
   * second); a training corpus with many teaches a model that a click is not a crackle.
   */
  clicksPerSecond?: readonly [number, number];
  /**
   * Corner of the lung and chest-wall low-pass each patient's crackles pass through, Hz, drawn log-uniformly
   * (default 350–2000). Many annotated crackles in ICBHI recordings are dull low-band bursts (a corner of a
   * few hundred hertz), while sharp full-band lines there are mostly clicks.
   */
  crackleTransmissionHz?: readonly [number, number];
  /** Crackle peak relative to the breath sound's RMS, drawn log-uniformly per patient (default 8–25). */
  crackleLevel?: readonly [number, number];
  /**
   * Wheeze RMS relative to the breath sound's RMS, drawn log-uniformly per patient (default 1.2–5). Some
   * annotated ICBHI wheezes are faint lines well under the breath noise (AKGC417L recording 107).
   */
  wheezeLevel?: readonly [number, number];
  /** Share of wheezes that are short, 0.15–0.5 s (default 0.15; the rest fill most of their phase). */
  shortWheezeShare?: number;
  /**
   * Heart-valve clicks in every recording, level relative to the heart sound's peak, drawn log-uniformly
   * (default: 25 % of recordings, 0.05–0.4). Electronic stethoscopes can pick up one with every heart sound.
   */
  valveClickLevel?: readonly [number, number];
}

export const DEFAULT_SAMPLE_RATES = [4000, 8000, 10000, 16000, 22050, 44100] as const;
const SAMPLE_RATE_WEIGHTS = [0.15, 0.1, 0.15, 0.15, 0.1, 0.35];
const CHEST_LOCATIONS = ['Tc', 'Al', 'Ar', 'Pl', 'Pr', 'Ll', 'Lr'];
const CONDITION_PATTERN: CycleLabel[] = ['normal', 'crackle', 'crackle', 'wheeze', 'wheeze', 'both', 'both'];

/** Cycle-label mixture inside a recording of a patient with each condition (see the header). */
const MIXTURES: Record<CycleLabel, Array<[CycleLabel, number]>> = {
  normal: [['normal', 1]],
  crackle: [['crackle', 0.8125], ['normal', 0.125], ['both', 0.0625]],
  wheeze: [['wheeze', 0.8125], ['normal', 0.125], ['both', 0.0625]],
  both: [['both', 0.75], ['normal', 0.125], ['crackle', 0.0625], ['wheeze', 0.0625]],
};

export function rootRng(seed: number): Rng {
  return new Rng(`lungcam-synth/v1/${seed}`);
}

export function patientId(index: number): string {
  return `S${String(index + 1).padStart(3, '0')}`;
}

/** The condition of patient `index`: a seeded shuffle of the 7-slot pattern per block of 7 patients. */
export function patientCondition(root: Rng, index: number, classes: readonly CycleLabel[]): CycleLabel {
  const pattern = CONDITION_PATTERN.filter((c) => classes.includes(c));
  const slots = pattern.length > 0 ? pattern : [...classes];
  const block = Math.floor(index / slots.length);
  const order = root.fork('schedule', block).shuffle(slots);
  return order[index % slots.length];
}

export function planPatient(root: Rng, index: number, classes: readonly CycleLabel[], opts: Pick<SynthOptions, 'crackleTransmissionHz' | 'crackleLevel' | 'wheezeLevel' | 'shortWheezeShare'> = {}): PatientPlan {
  const rng = root.fork('patient', index);
  const condition = patientCondition(root, index, classes);
  const rhonchi = rng.chance(0.2);
  return {
    id: patientId(index),
    index,
    condition,
    breathRatePerMinute: rng.uniform(12, 25),
    ieRatio: rng.uniform(1.5, 2),
    heartRateBpm: rng.uniform(60, 100),
    crackleKind: rng.chance(0.55) ? 'fine' : 'coarse',
    cracklesPerCycle: rng.logUniform(3, 20),
    // Annotators mark crackles they hear: the quietest stand ≈ 5 dB above the breath sound in their frames.
    crackleLevel: rng.logUniform(...(opts.crackleLevel ?? [8, 25])),
    wheezeBaseHz: rhonchi ? rng.uniform(100, 200) : rng.logUniform(200, 900),
    wheezePhase: rng.weighted<BreathPhase | 'both'>(['expiration', 'inspiration', 'both'], [0.3, 0.1, 0.6]),
    // Likewise wheezes: a tonal line at least as strong as the breath noise in its band.
    wheezeLevel: rng.logUniform(...(opts.wheezeLevel ?? [1.2, 5])),
    shortWheezeShare: opts.shortWheezeShare ?? 0.15,
    kneeInspirationHz: rng.uniform(430, 600),
    kneeExpirationHz: rng.uniform(280, 410),
    slopeDbPerOctave: rng.uniform(13, 20),
    expirationLevel: rng.uniform(0.3, 0.7),
    crackleTransmissionHz: rng.logUniform(...(opts.crackleTransmissionHz ?? [350, 2000])),
  };
}

function planDevice(rng: Rng, sampleRate: number, opts: SynthOptions): DevicePlan {
  const nyquistCap = 0.45 * sampleRate;
  const [lo, hi] = opts.lowpassHz ?? [1200, 2500];
  const bandLimited = sampleRate <= 4000 || rng.chance(opts.bandLimitedShare ?? 0.65);
  const lowpassHz = bandLimited ? rng.logUniform(lo, hi) : rng.uniform(3000, 5000);
  // Below the render rate's Nyquist too (the device stage filters at the render rate).
  const cap = Math.min(nyquistCap, 0.42 * renderRateFor(sampleRate));
  return {
    lowpassHz: Math.min(lowpassHz, cap),
    lowpassDbPerOctave: bandLimited ? rng.uniform(36, 72) : rng.uniform(12, 24),
    highpassHz: rng.logUniform(20, 120),
    highpassDbPerOctave: rng.uniform(6, 12),
    floorRms16k: rng.logUniform(3e-5, 1.5e-3) * (opts.noiseScale ?? 1),
    bitsPerSample: rng.chance(0.2) ? 24 : 16,
  };
}

/** Rendering rate: a divisor of the output rate that still covers 0–4 kHz (all breath-sound content). */
export function renderRateFor(sampleRate: number): number {
  for (const factor of [4, 2]) {
    if (sampleRate % factor === 0 && sampleRate / factor >= 8000) return sampleRate / factor;
  }
  return sampleRate;
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function drawLabel(rng: Rng, condition: CycleLabel, classes: readonly CycleLabel[]): CycleLabel {
  const mix = MIXTURES[condition].filter(([label]) => classes.includes(label));
  return rng.weighted(mix.map(([l]) => l), mix.map(([, w]) => w));
}

/** Respiratory cycles filling `durationSeconds`: a partial lead-in, complete annotated cycles, a partial tail. */
export function planCycles(rng: Rng, patient: PatientPlan, durationSeconds: number, classes: readonly CycleLabel[]): CyclePlan[] {
  const cycles: CyclePlan[] = [];
  const nextCycle = (start: number, annotated: boolean): CyclePlan => {
    const length = Math.min(6, Math.max(1.5, (60 / patient.breathRatePerMinute) * (1 + 0.12 * rng.normal())));
    const ie = patient.ieRatio * (1 + 0.08 * rng.normal());
    const inspiration = length / (1 + Math.max(1.2, ie));
    // Millisecond boundaries: the annotation file holds exactly the times the sound was made with.
    return {
      startSeconds: roundMs(start),
      inspirationEndSeconds: roundMs(start + inspiration),
      endSeconds: roundMs(start + length),
      label: annotated ? drawLabel(rng, patient.condition, classes) : 'normal',
      flow: rng.uniform(0.75, 1.25),
      annotated,
    };
  };
  // Lead-in: the recording starts inside an unannotated cycle; the first annotated one starts within 1 s.
  const lead = nextCycle(0, false);
  const shift = lead.endSeconds - lead.startSeconds - rng.uniform(0.03, Math.min(1, 0.9 * (lead.endSeconds - lead.startSeconds)));
  lead.startSeconds = roundMs(lead.startSeconds - shift);
  lead.inspirationEndSeconds = roundMs(lead.inspirationEndSeconds - shift);
  lead.endSeconds = roundMs(lead.endSeconds - shift);
  cycles.push(lead);
  // Complete cycles while they fit (at least one), then an unannotated partial cycle as the tail.
  let t = lead.endSeconds;
  for (;;) {
    const c = nextCycle(t, true);
    if (c.endSeconds > durationSeconds && cycles.length > 1) break;
    cycles.push(c);
    t = c.endSeconds;
  }
  cycles.push(nextCycle(t, false));
  return cycles;
}

export function planRecording(
  root: Rng,
  patient: PatientPlan,
  recordingIndex: number,
  index: number,
  chestLocation: string,
  opts: SynthOptions,
): RecordingPlan {
  const rng = root.fork('recording', patient.index, recordingIndex);
  const classes = opts.classes ?? CYCLE_LABELS;
  const rates = opts.sampleRates ?? DEFAULT_SAMPLE_RATES;
  const sampleRate = opts.sampleRates ? rng.pick(rates) : rng.weighted(rates, SAMPLE_RATE_WEIGHTS);
  const minSeconds = opts.minSeconds ?? 8;
  const maxSeconds = Math.max(minSeconds, opts.maxSeconds ?? 20);
  const cycles = planCycles(rng, patient, rng.uniform(minSeconds, maxSeconds), classes);
  // The recording stops shortly after the last complete cycle (as ICBHI recordings mostly do).
  const lastAnnotated = cycles.filter((c) => c.annotated).pop() as CyclePlan;
  const durationSeconds = lastAnnotated.endSeconds + rng.uniform(0.05, 0.6);
  const noise = opts.noiseScale ?? 1;
  const name = `${patient.id}_${recordingIndex + 1}b1_${chestLocation}_sc_SYNTH`;
  return {
    name,
    index,
    patientId: patient.id,
    recordingIndex,
    chestLocation,
    sampleRate,
    renderRate: renderRateFor(sampleRate),
    durationSeconds: Math.round(durationSeconds * sampleRate) / sampleRate,
    cycles,
    device: planDevice(rng, sampleRate, opts),
    breathRms: rng.logUniform(0.002, 0.03),
    heartLevel: rng.logUniform(1, 10),
    // Valve clicks and artefacts are crackle-like but never annotated: present, but rarer and quieter than
    // crackles, as in recordings an annotator could label.
    heartClickKind: opts.valveClickLevel ? 'thud' : 'white',
    heartClickLevel: opts.valveClickLevel ? rng.logUniform(opts.valveClickLevel[0], opts.valveClickLevel[1]) : rng.chance(0.25) ? rng.logUniform(0.05, 0.4) : 0,
    bodyNoiseLevel: rng.logUniform(1, 6) * noise,
    ambientLevel: rng.logUniform(0.02, 0.15) * noise,
    hum: rng.chance(0.3) ? { hz: rng.chance(0.5) ? 50 : 60, level: rng.logUniform(0.02, 0.5) * noise } : null,
    // Last draw of the recording's stream, so the option leaves everything before it unchanged.
    artefactsPerSecond: opts.clicksPerSecond ? rng.logUniform(opts.clicksPerSecond[0], opts.clicksPerSecond[1]) : rng.chance(0.4) ? rng.logUniform(0.03, 0.3) : 0,
  };
}

/** Patients and recordings for a corpus of `opts.count` recordings. */
export function planCorpus(opts: SynthOptions): { patients: PatientPlan[]; recordings: Array<{ patient: PatientPlan; plan: RecordingPlan }> } {
  const root = rootRng(opts.seed);
  const classes = opts.classes ?? CYCLE_LABELS;
  const patients: PatientPlan[] = [];
  const recordings: Array<{ patient: PatientPlan; plan: RecordingPlan }> = [];
  for (let p = 0; recordings.length < opts.count; p++) {
    const patient = planPatient(root, p, classes, opts);
    patients.push(patient);
    const prng = root.fork('locations', p);
    const n = prng.weighted([1, 2, 3], [0.5, 0.3, 0.2]);
    const locations = prng.shuffle(CHEST_LOCATIONS).slice(0, n);
    for (let k = 0; k < n && recordings.length < opts.count; k++) {
      recordings.push({ patient, plan: planRecording(root, patient, k, recordings.length, locations[k], opts) });
    }
  }
  return { patients, recordings };
}
