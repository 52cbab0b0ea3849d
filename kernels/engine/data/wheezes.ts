/**
 * Wheezes: continuous tonal sounds, fundamental 100–1000 Hz (often 200–800 Hz), lasting more than
 * 100–250 ms, with harmonics, often gliding in pitch; rhonchi are the low (< 200 Hz) kind with richer
 * harmonics. Each wheeze is additive synthesis of a gliding fundamental and its overtones under a smooth
 * attack and release. Pitch contours glide, arch and wander (real wheezes are rarely flat lines); about
 * a third of wheeze phases hold a second voice at a non-harmonic pitch (polyphonic wheeze).
 */
import type { Rng } from './random';
import type { BreathPhase, CyclePlan, PatientPlan } from './plan';
import type { HarmonicBand, WheezeEvent } from './events';
import { round4 } from './crackles';

export interface WheezeVoice {
  startSeconds: number;
  endSeconds: number;
  /** Fundamental at the start, before the contour terms. */
  baseHz: number;
  /** Overall glide over the wheeze, octaves (eased). */
  glideOctaves: number;
  /** A rise-and-fall (or fall-and-rise, if negative) over the wheeze, octaves. */
  archOctaves: number;
  /** Slow pitch wander: a few low-frequency sinusoids, amplitudes in octaves. */
  wander: Array<{ hz: number; octaves: number; phase: number }>;
  /** Harmonic amplitude ratio: overtone h has amplitude ratio^(h−1). */
  harmonicRatio: number;
  harmonics: number;
  /** RMS relative to the breath sound's inspiratory RMS. */
  level: number;
  vibratoDepth: number;
  vibratoHz: number;
}

/** Fundamental at time t (seconds from the wheeze's start): glide + arch + wander + vibrato. */
export function wheezePitchHz(v: WheezeVoice, t: number): number {
  const d = v.endSeconds - v.startSeconds;
  const u = Math.min(1, Math.max(0, t / d));
  let octaves = v.glideOctaves * u * u * (3 - 2 * u) + v.archOctaves * Math.sin(Math.PI * u);
  for (const w of v.wander) octaves += w.octaves * (Math.sin(2 * Math.PI * w.hz * t + w.phase) - Math.sin(w.phase));
  return v.baseHz * Math.pow(2, octaves) * (1 + v.vibratoDepth * Math.sin(2 * Math.PI * v.vibratoHz * t));
}

/** Lowest and highest fundamental over the wheeze (sampled densely). */
export function wheezePitchRange(v: WheezeVoice): [number, number] {
  let lo = Infinity;
  let hi = 0;
  const d = v.endSeconds - v.startSeconds;
  for (let i = 0; i <= 400; i++) {
    const f = wheezePitchHz(v, (i / 400) * d);
    lo = Math.min(lo, f);
    hi = Math.max(hi, f);
  }
  return [lo, hi];
}

/** Adds one voice to the signal (additive synthesis with a phase accumulator per harmonic). */
export function renderWheeze(rng: Rng, signal: Float64Array, rate: number, v: WheezeVoice): void {
  const i0 = Math.round(v.startSeconds * rate);
  const i1 = Math.min(signal.length, Math.round(v.endSeconds * rate));
  const n = i1 - i0;
  if (n <= 0) return;
  const ramp = Math.min(Math.round(rng.uniform(0.02, 0.08) * rate), Math.floor(n / 3));
  const phases = Array.from({ length: v.harmonics }, () => rng.uniform(0, 2 * Math.PI));
  const amps = phases.map((_, h) => Math.pow(v.harmonicRatio, h));
  const power = amps.reduce((s, a) => s + (a * a) / 2, 0);
  const scale = v.level / Math.sqrt(power);
  const tremoloHz = rng.uniform(2, 6);
  const tremoloDepth = rng.uniform(0, 0.25);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f = wheezePitchHz(v, t);
    let env = 1;
    if (i < ramp) env = 0.5 - 0.5 * Math.cos((Math.PI * i) / ramp);
    else if (i >= n - ramp) env = 0.5 - 0.5 * Math.cos((Math.PI * (n - i)) / ramp);
    env *= 1 - tremoloDepth * (0.5 + 0.5 * Math.sin(2 * Math.PI * tremoloHz * t));
    let s = 0;
    for (let h = 0; h < v.harmonics; h++) {
      phases[h] += (2 * Math.PI * (h + 1) * f) / rate;
      s += amps[h] * Math.sin(phases[h]);
    }
    signal[i0 + i] += scale * env * s;
  }
}

function drawVoice(
  rng: Rng,
  window: [number, number],
  baseHz: number,
  ceilingHz: number,
  level: number,
  shortShare: number,
): WheezeVoice | null {
  const [p0, p1] = window;
  const room = p1 - p0 - 0.04;
  if (room < 0.15) return null;
  // Most wheezes (85 % by default) fill most of the phase, the rest are short (0.15–0.5 s); low voices
  // are long, gently gliding snores, never short harmonic ladders.
  const low = baseHz < 220;
  const long = rng.chance(1 - shortShare);
  const wanted = long || low ? (p1 - p0) * rng.uniform(0.5, 0.95) : rng.uniform(0.15, 0.5);
  const duration = Math.min(room, Math.max(low ? 0.3 : 0.15, wanted));
  const start = p0 + 0.02 + rng.uniform(0, room - duration);
  const v: WheezeVoice = {
    startSeconds: start,
    endSeconds: start + duration,
    baseHz: baseHz * rng.uniform(0.8, 1.2),
    glideOctaves: Math.max(-0.8, Math.min(0.8, (low ? 0.1 : 0.3) * rng.normal())),
    archOctaves: rng.chance(0.35) ? rng.uniform(-0.4, 0.4) : 0,
    wander: Array.from({ length: 3 }, () => ({ hz: rng.uniform(0.5, 4), octaves: rng.uniform(0, 0.05), phase: rng.uniform(0, 2 * Math.PI) })),
    harmonicRatio: 0,
    harmonics: 1,
    level,
    vibratoDepth: rng.uniform(0, 0.02),
    vibratoHz: rng.uniform(3, 8),
  };
  // Keep the fundamental audible: below the device low-pass, and at or above 100 Hz (below is no wheeze).
  let [lo, hi] = wheezePitchRange(v);
  if (hi > 0.85 * ceilingHz) v.baseHz *= (0.85 * ceilingHz) / hi;
  [lo, hi] = wheezePitchRange(v);
  if (lo < 100) v.baseHz *= 100 / lo;
  [lo, hi] = wheezePitchRange(v);
  const rhonchus = hi < 200;
  // Rhonchi sit among heart sounds and body rumble; they are loud snoring-like sounds, or nobody hears them.
  if (rhonchus) v.level *= 1.6;
  v.harmonicRatio = rhonchus ? rng.uniform(0.3, 0.6) : rng.uniform(0.1, 0.45);
  v.harmonics = Math.max(1, Math.min(rhonchus ? 8 : 4, Math.floor((1.1 * ceilingHz) / hi)));
  return v;
}

function voiceEvent(v: WheezeVoice, phase: BreathPhase, cycle: number, ceilingHz: number): WheezeEvent {
  const [lowHz, highHz] = wheezePitchRange(v);
  const harmonics: HarmonicBand[] = [];
  for (let h = 2; h <= v.harmonics && h * lowHz < ceilingHz; h++) {
    harmonics.push({ order: h, lowHz: Math.round(h * lowHz), highHz: Math.round(Math.min(h * highHz, ceilingHz)) });
  }
  return {
    type: 'wheeze',
    startSeconds: round4(v.startSeconds),
    endSeconds: round4(v.endSeconds),
    lowHz: Math.round(lowHz),
    highHz: Math.round(highHz),
    fundamentalStartHz: Math.round(wheezePitchHz(v, 0)),
    fundamentalEndHz: Math.round(wheezePitchHz(v, v.endSeconds - v.startSeconds)),
    harmonics,
    rhonchus: highHz < 200,
    phase,
    cycle,
  };
}

/** Adds wheezes to every annotated cycle whose label has wheezes; returns their events. */
export function addWheezes(
  rng: Rng,
  signal: Float64Array,
  rate: number,
  cycles: CyclePlan[],
  patient: PatientPlan,
  ceilingHz: number,
): WheezeEvent[] {
  const events: WheezeEvent[] = [];
  let annotatedIndex = -1;
  for (const c of cycles) {
    if (!c.annotated) continue;
    annotatedIndex++;
    if (c.label !== 'wheeze' && c.label !== 'both') continue;
    const wanted: BreathPhase[] =
      patient.wheezePhase === 'both' ? ['inspiration', 'expiration'] : [patient.wheezePhase];
    const before = events.length;
    for (const phase of wanted) addInPhase(phase);
    // If the preferred phase was too short for a wheeze, the other phase takes it.
    if (events.length === before) addInPhase(wanted[0] === 'inspiration' ? 'expiration' : 'inspiration');

    function addInPhase(phase: BreathPhase): void {
      const window: [number, number] =
        phase === 'inspiration' ? [c.startSeconds, c.inspirationEndSeconds] : [c.inspirationEndSeconds, c.endSeconds];
      const level = () => patient.wheezeLevel * rng.logUniform(0.6, 1.6);
      const voice = drawVoice(rng, window, patient.wheezeBaseHz, ceilingHz, level(), patient.shortWheezeShare);
      if (!voice) return;
      renderWheeze(rng, signal, rate, voice);
      events.push(voiceEvent(voice, phase, annotatedIndex, ceilingHz));
      if (rng.chance(0.3)) {
        // A second voice: polyphonic (a non-harmonic pitch) or a later wheeze in the same phase.
        const second = drawVoice(rng, window, patient.wheezeBaseHz * rng.uniform(1.3, 1.8), ceilingHz, 0.6 * level(), patient.shortWheezeShare);
        if (second) {
          renderWheeze(rng, signal, rate, second);
          events.push(voiceEvent(second, phase, annotatedIndex, ceilingHz));
        }
      }
    }
  }
  return events.sort((a, b) => a.startSeconds - b.startSeconds);
}
