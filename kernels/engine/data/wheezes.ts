/**
 * Wheezes: continuous tonal sounds, fundamental 100–1000 Hz (often 200–800 Hz), lasting more than
 * 100–250 ms, with harmonics, often gliding in pitch; rhonchi are the low (< 200 Hz) kind with richer
 * harmonics. Each wheeze is additive synthesis of a gliding fundamental and its overtones under a smooth
 * attack and release; a quarter of wheeze cycles are polyphonic (a second, non-harmonic voice).
 */
import type { Rng } from './random';
import type { BreathPhase, CyclePlan, PatientPlan } from './plan';
import type { HarmonicBand, WheezeEvent } from './events';
import { round4 } from './crackles';

export interface WheezeVoice {
  startSeconds: number;
  endSeconds: number;
  startHz: number;
  endHz: number;
  /** Harmonic amplitude ratio: overtone h has amplitude ratio^(h−1). */
  harmonicRatio: number;
  harmonics: number;
  /** RMS relative to the breath sound's inspiratory RMS. */
  level: number;
  vibratoDepth: number;
  vibratoHz: number;
}

/** Fundamental at time t (seconds from the wheeze's start): an eased glide with a little vibrato. */
export function wheezePitchHz(v: WheezeVoice, t: number): number {
  const d = v.endSeconds - v.startSeconds;
  const u = Math.min(1, Math.max(0, t / d));
  const eased = u * u * (3 - 2 * u);
  const base = v.startHz * Math.pow(v.endHz / v.startHz, eased);
  return base * (1 + v.vibratoDepth * Math.sin(2 * Math.PI * v.vibratoHz * t));
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
  patient: PatientPlan,
  window: [number, number],
  baseHz: number,
  ceilingHz: number,
  levelScale: number,
): WheezeVoice | null {
  const [p0, p1] = window;
  const room = p1 - p0 - 0.04;
  if (room < 0.15) return null;
  const duration = Math.min(room, Math.max(0.15, (p1 - p0) * rng.uniform(0.4, 0.9)));
  const start = p0 + 0.02 + rng.uniform(0, room - duration);
  const glideOctaves = Math.max(-0.6, Math.min(0.6, 0.25 * rng.normal()));
  let startHz = baseHz * rng.uniform(0.85, 1.15);
  let endHz = startHz * Math.pow(2, glideOctaves);
  // Keep the fundamental audible: below the device low-pass, above 100 Hz (below it is not a wheeze).
  const top = Math.max(startHz, endHz);
  if (top > 0.85 * ceilingHz) {
    const k = (0.85 * ceilingHz) / top;
    startHz *= k;
    endHz *= k;
  }
  const bottom = Math.min(startHz, endHz);
  if (bottom < 100) {
    const k = 100 / bottom;
    startHz *= k;
    endHz *= k;
  }
  const rhonchus = Math.max(startHz, endHz) < 200;
  const maxHarmonics = rhonchus ? 8 : 4;
  const highest = Math.max(startHz, endHz);
  const harmonics = Math.max(1, Math.min(maxHarmonics, Math.floor((1.1 * ceilingHz) / highest)));
  return {
    startSeconds: start,
    endSeconds: start + duration,
    startHz,
    endHz,
    harmonicRatio: rhonchus ? rng.uniform(0.4, 0.8) : rng.uniform(0.15, 0.5),
    harmonics,
    level: patient.wheezeLevel * rng.logUniform(0.6, 1.6) * levelScale,
    vibratoDepth: rng.uniform(0, 0.02),
    vibratoHz: rng.uniform(3, 8),
  };
}

function voiceEvent(v: WheezeVoice, phase: BreathPhase, cycle: number, ceilingHz: number): WheezeEvent {
  // The vibrato widens the swept band a little.
  const lowHz = Math.min(v.startHz, v.endHz) * (1 - v.vibratoDepth);
  const highHz = Math.max(v.startHz, v.endHz) * (1 + v.vibratoDepth);
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
    fundamentalStartHz: Math.round(v.startHz),
    fundamentalEndHz: Math.round(v.endHz),
    harmonics,
    rhonchus: Math.max(v.startHz, v.endHz) < 200,
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
      const voice = drawVoice(rng, patient, window, patient.wheezeBaseHz, ceilingHz, 1);
      if (!voice) return;
      renderWheeze(rng, signal, rate, voice);
      events.push(voiceEvent(voice, phase, annotatedIndex, ceilingHz));
      if (rng.chance(0.25)) {
        const second = drawVoice(rng, patient, window, patient.wheezeBaseHz * rng.uniform(1.3, 1.8), ceilingHz, 0.6);
        if (second) {
          renderWheeze(rng, signal, rate, second);
          events.push(voiceEvent(second, phase, annotatedIndex, ceilingHz));
        }
      }
    }
  }
  return events.sort((a, b) => a.startSeconds - b.startSeconds);
}
