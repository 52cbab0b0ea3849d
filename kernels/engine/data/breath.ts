/**
 * Normal (vesicular) breath sound: turbulent-flow noise whose spectrum is flat to a knee (≈430–600 Hz on
 * inspiration, ≈280–410 Hz on expiration) and then falls 13–20 dB per octave, shaped in amplitude by the
 * flow of each phase. Expiration is quieter and darker. The output is scaled so that the RMS over
 * inspirations is 1 (every other source is levelled against it).
 */
import type { Rng } from './random';
import type { CyclePlan, PatientPlan } from './plan';
import { colouredNoisePair, kneeResponse, rms } from './spectrum';

/** Inspiratory and expiratory flow envelopes (0 outside their phase). */
export function breathEnvelopes(rng: Rng, cycles: CyclePlan[], rate: number, n: number, expirationLevel: number) {
  const inspiration = new Float64Array(n);
  const expiration = new Float64Array(n);
  for (const c of cycles) {
    const power = rng.uniform(0.8, 1.6);
    const active = rng.uniform(0.6, 0.95); // share of expiration with flow (then the end-expiratory pause)
    const expGain = expirationLevel * c.flow * rng.uniform(0.85, 1.15);
    const i0 = Math.max(0, Math.round(c.startSeconds * rate));
    const i1 = Math.min(n, Math.round(c.inspirationEndSeconds * rate));
    const i2 = Math.min(n, Math.round(c.endSeconds * rate));
    const inspLength = (c.inspirationEndSeconds - c.startSeconds) * rate;
    const expLength = (c.endSeconds - c.inspirationEndSeconds) * rate * active;
    const inspStart = c.startSeconds * rate;
    const expStart = c.inspirationEndSeconds * rate;
    for (let i = i0; i < i1; i++) {
      const u = (i - inspStart) / inspLength;
      if (u > 0 && u < 1) inspiration[i] = c.flow * Math.pow(Math.sin(Math.PI * u), power);
    }
    for (let i = Math.max(0, i1); i < i2; i++) {
      const v = (i - expStart) / expLength;
      // Expiratory flow peaks early and tails off (v^0.6 skews the hump forward).
      if (v > 0 && v < 1) expiration[i] = expGain * Math.pow(Math.sin(Math.PI * Math.pow(v, 0.6)), power);
    }
  }
  return { inspiration, expiration };
}

export function renderBreath(rng: Rng, patient: PatientPlan, cycles: CyclePlan[], rate: number, n: number): Float64Array {
  const [inspNoise, expNoise] = colouredNoisePair(
    rng,
    n,
    rate,
    kneeResponse(patient.kneeInspirationHz, patient.slopeDbPerOctave),
    kneeResponse(patient.kneeExpirationHz, patient.slopeDbPerOctave),
  );
  const { inspiration, expiration } = breathEnvelopes(rng, cycles, rate, n, patient.expirationLevel);
  const ri = rms(inspNoise) || 1;
  const re = rms(expNoise) || 1;
  const out = new Float64Array(n);
  let sumSq = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = (inspiration[i] * inspNoise[i]) / ri + (expiration[i] * expNoise[i]) / re;
    out[i] = v;
    if (inspiration[i] > 0) {
      sumSq += v * v;
      count++;
    }
  }
  const inspRms = count > 0 ? Math.sqrt(sumSq / count) : 1;
  for (let i = 0; i < n; i++) out[i] /= inspRms || 1;
  return out;
}
