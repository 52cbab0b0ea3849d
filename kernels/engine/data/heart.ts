/**
 * Heart sounds as heard through the chest wall at a lung site: S1 and S2 once per beat (60–100 bpm with a
 * little beat-to-beat variation), each a few low-frequency (< 150 Hz) Gabor atoms of 10–30 ms.
 * Returned at unit RMS over the whole recording; the caller sets the level.
 */
import type { Rng } from './random';
import { rms } from './spectrum';

function addAtom(signal: Float64Array, rate: number, centreSeconds: number, hz: number, sigmaSeconds: number, amp: number): void {
  const c = centreSeconds * rate;
  const half = Math.ceil(3.5 * sigmaSeconds * rate);
  const phase = Math.PI * 0.5;
  for (let i = Math.max(0, Math.floor(c - half)); i < Math.min(signal.length, Math.ceil(c + half)); i++) {
    const t = (i - c) / rate;
    signal[i] += amp * Math.exp(-0.5 * (t / sigmaSeconds) ** 2) * Math.sin(2 * Math.PI * hz * t + phase);
  }
}

function addHeartSound(rng: Rng, signal: Float64Array, rate: number, at: number, loHz: number, hiHz: number, amp: number): void {
  const atoms = rng.int(2, 3);
  for (let k = 0; k < atoms; k++) {
    addAtom(signal, rate, at + rng.uniform(-0.015, 0.015), rng.uniform(loHz, hiHz), rng.uniform(0.01, 0.025), amp * rng.uniform(0.5, 1));
  }
}

/**
 * Valve clicks: 'white' is a 2–5 ms white burst (the paired vertical lines of some electronic stethoscopes);
 * 'thud' is what the Meditron recordings of ICBHI show with every heart sound: a transient whose excess over
 * the breath falls smoothly from the heart band to ≈ 1.5 kHz (in log-mel, a line bright at the bottom). It
 * looks like a dull crackle in the mid bands, but comes with every beat, in both breath phases.
 */
export type ValveClickKind = 'white' | 'thud';

function addWhiteClick(rng: Rng, signal: Float64Array, rate: number, i0: number, level: number): void {
  const length = Math.max(2, Math.round(rng.uniform(0.002, 0.005) * rate));
  const amp = level * rng.uniform(0.5, 1);
  for (let i = 0; i < length; i++) {
    if (i0 + i >= 0 && i0 + i < signal.length) signal[i0 + i] += amp * rng.normal() * Math.exp((-3 * i) / length);
  }
}

/** Short atoms, one or two cycles each, from 100 Hz to ≈ 1.5 kHz, weaker as they go up (≈ 1/f). */
function addThud(rng: Rng, signal: Float64Array, rate: number, i0: number, level: number): void {
  const amp = level * rng.uniform(0.5, 1);
  const atoms = rng.int(4, 7);
  const topHz = Math.min(1500, 0.4 * rate);
  for (let k = 0; k < atoms; k++) {
    const hz = rng.logUniform(100, topHz);
    addAtom(signal, rate, (i0 + rng.uniform(-0.003, 0.003) * rate) / rate, hz, rng.uniform(0.6, 1.2) / hz, amp * (100 / hz) * rng.uniform(0.5, 1));
  }
}

/**
 * `clickLevel` > 0 adds a valve click of `clickKind` to each heart sound (picked up by an electronic
 * stethoscope), relative to the atoms' peak.
 */
export function renderHeart(rng: Rng, heartRateBpm: number, rate: number, n: number, clickLevel = 0, clickKind: ValveClickKind = 'white'): Float64Array {
  const signal = new Float64Array(n);
  const clicks: number[] = [];
  const duration = n / rate;
  const s2Level = rng.uniform(0.5, 1);
  let t = rng.uniform(0, 60 / heartRateBpm);
  while (t < duration) {
    const beat = (60 / heartRateBpm) * (1 + 0.03 * rng.normal());
    const systole = rng.uniform(0.28, 0.34) * Math.sqrt(beat);
    addHeartSound(rng, signal, rate, t, 30, 110, 1);
    addHeartSound(rng, signal, rate, t + systole, 40, 150, s2Level);
    clicks.push(t, t + systole);
    t += beat;
  }
  const r = rms(signal) || 1;
  for (let i = 0; i < n; i++) signal[i] /= r;
  if (clickLevel > 0) {
    let peak = 0;
    for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(signal[i]));
    for (const at of clicks) {
      const i0 = Math.round((at + rng.uniform(-0.01, 0.01)) * rate);
      if (clickKind === 'thud') addThud(rng, signal, rate, i0, clickLevel * peak);
      else addWhiteClick(rng, signal, rate, i0, clickLevel * peak);
    }
  }
  return signal;
}
