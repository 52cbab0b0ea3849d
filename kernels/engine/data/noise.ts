/**
 * What a stethoscope picks up besides the lungs and heart: muscle and body rumble (below ≈ 100 Hz),
 * room noise, friction clicks and knocks from moving the chest piece, and mains hum from the electronics.
 * Clicks are broadband and scattered at random times (unlike crackles, which cluster in a breath phase),
 * so a model must learn the difference, as it must on real recordings.
 */
import type { Rng } from './random';
import { colouredNoisePair, kneeResponse, rms } from './spectrum';

/** Body rumble and room noise, each at unit RMS. */
export function renderBackground(rng: Rng, rate: number, n: number): { body: Float64Array; ambient: Float64Array } {
  const [body, ambient] = colouredNoisePair(
    rng,
    n,
    rate,
    kneeResponse(rng.uniform(60, 150), 24),
    kneeResponse(rng.uniform(400, 2000), rng.uniform(3, 9)),
  );
  const rb = rms(body) || 1;
  const ra = rms(ambient) || 1;
  for (let i = 0; i < n; i++) {
    body[i] /= rb;
    ambient[i] /= ra;
  }
  return { body, ambient };
}

/** Adds friction clicks (1–4 ms broadband bursts) and knocks (low thumps) at random times. */
export function addArtefacts(rng: Rng, signal: Float64Array, rate: number, perSecond: number): number {
  const duration = signal.length / rate;
  const count = Math.round(perSecond * duration * rng.uniform(0.5, 1.5));
  for (let k = 0; k < count; k++) {
    const at = Math.floor(rng.uniform(0, duration) * rate);
    if (rng.chance(0.7)) {
      const length = Math.max(2, Math.round(rng.uniform(0.001, 0.004) * rate));
      const amp = rng.logUniform(2, 20);
      for (let i = 0; i < length && at + i < signal.length; i++) {
        signal[at + i] += amp * rng.normal() * Math.exp((-3 * i) / length);
      }
    } else {
      const length = Math.round(rng.uniform(0.03, 0.12) * rate);
      const hz = rng.uniform(40, 200);
      const amp = rng.logUniform(2, 8);
      for (let i = 0; i < length && at + i < signal.length; i++) {
        const u = i / length;
        signal[at + i] += amp * Math.sin(Math.PI * u) * Math.exp(-4 * u) * Math.sin((2 * Math.PI * hz * i) / rate);
      }
    }
  }
  return count;
}

/** Adds mains hum: the fundamental and its harmonics up to ≈ 1 kHz, odd ones stronger. */
export function addHum(rng: Rng, signal: Float64Array, rate: number, hz: number, rmsLevel: number): void {
  const harmonics: Array<{ k: number; amp: number; phase: number }> = [];
  for (let k = 1; k * hz < Math.min(1000, rate / 2); k++) {
    harmonics.push({ k, amp: (k % 2 === 1 ? 1 : 0.3) * rng.uniform(0.5, 1) / k, phase: rng.uniform(0, 2 * Math.PI) });
  }
  const power = harmonics.reduce((s, h) => s + (h.amp * h.amp) / 2, 0);
  const scale = rmsLevel / Math.sqrt(power || 1);
  // Whole-hertz harmonics repeat every second exactly: compute one second and tile it.
  const period = Math.min(signal.length, rate);
  const second = new Float64Array(period);
  for (let i = 0; i < period; i++) {
    let s = 0;
    for (const h of harmonics) s += h.amp * Math.sin((2 * Math.PI * h.k * hz * i) / rate + h.phase);
    second[i] = scale * s;
  }
  for (let i = 0; i < signal.length; i++) signal[i] += second[i % period];
}
