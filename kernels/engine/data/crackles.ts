/**
 * Crackles: short explosive transients (< 20 ms). The waveform follows the clinical measures: the
 * initial deflection width (IDW: fine ≈ 0.7 ms, coarse ≈ 1.5 ms) and the two-cycle duration
 * (2CD: fine ≈ 5 ms, coarse ≈ 10 ms). A warped sine gets both right: cycles(t) = 2·(t/2CD)^γ with γ chosen
 * so the first half cycle ends at IDW, under a decaying envelope. Crackles come in clusters, mostly on
 * inspiration (about twice as common as expiratory ones): fine crackles mid-to-late inspiratory, coarse
 * crackles early inspiratory and expiratory. Each crackle reaches the stethoscope through the lung and
 * chest wall, a low-pass (PatientPlan.crackleTransmissionHz) that makes many real crackles dull, low-band
 * clicks rather than full-band lines; the peak is set after that filter, so the level stays in control.
 */
import type { Rng } from './random';
import type { CrackleKind, CyclePlan, PatientPlan, BreathPhase } from './plan';
import type { CrackleEvent } from './events';
import { filterSignal, kneeResponse } from './spectrum';

/** Time the transmission filter may spread a crackle before its onset (zero-phase filter), seconds. */
const PRE_RINGING_SECONDS = 0.003;

export interface CrackleShape {
  initialDeflectionMs: number;
  twoCycleDurationMs: number;
  /**
   * How the period lengthens over the two cycles: 'power' warps time (cycles = 2·(t/2CD)^γ), 'chirp'
   * sweeps the frequency down exponentially. Two families, so a model cannot key on one waveform's details.
   */
  sweep: 'power' | 'chirp';
  /** Envelope decay time as a share of 2CD. */
  decayShare: number;
}

export function drawCrackleShape(rng: Rng, kind: CrackleKind): CrackleShape {
  const sweep = rng.chance(0.5) ? 'power' : 'chirp';
  const decayShare = rng.uniform(0.5, 1.2);
  return kind === 'fine'
    ? { initialDeflectionMs: rng.uniform(0.5, 0.9), twoCycleDurationMs: rng.uniform(4, 6), sweep, decayShare }
    : { initialDeflectionMs: rng.uniform(1.2, 2.0), twoCycleDurationMs: rng.uniform(8, 12), sweep, decayShare };
}

/** Cycles completed t seconds after the onset: 0.5 at IDW (for 'power'; ≈ for 'chirp'), 2 at 2CD. */
function crackleCycles(shape: CrackleShape, t: number): number {
  const t2 = shape.twoCycleDurationMs / 1000;
  const idw = shape.initialDeflectionMs / 1000;
  if (shape.sweep === 'power') {
    const gamma = Math.log(0.25) / Math.log(idw / t2); // 2·(idw/t2)^γ = 0.5
    return 2 * Math.pow(t / t2, gamma);
  }
  // f(t) = f0·r^(t/2CD) from f0 = 1/(2·IDW), with r set so that two cycles end at 2CD:
  // cycles(t) = f0·2CD·(r^(t/2CD) − 1)/ln r, and f0·2CD·(r − 1)/ln r = 2.
  const f0 = 1 / (2 * idw);
  const r = sweepRatio(f0 * t2);
  return r === 1 ? f0 * t : ((f0 * t2) / Math.log(r)) * (Math.pow(r, t / t2) - 1);
}

/** r with a·(r − 1)/ln r = 2 (bisection; (r − 1)/ln r rises with r). */
function sweepRatio(a: number): number {
  if (a <= 2) return 1;
  let lo = 1e-6;
  let hi = 1 - 1e-9;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if ((a * (mid - 1)) / Math.log(mid) > 2) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** Samples of one crackle of peak 1 (first deflection positive). Lasts 2.5 × 2CD, at most 20 ms. */
export function crackleWaveform(shape: CrackleShape, rate: number): Float64Array {
  const t2 = shape.twoCycleDurationMs / 1000;
  const length = Math.max(4, Math.round(Math.min(2.5 * t2, 0.02) * rate));
  const out = new Float64Array(length);
  const taper = Math.round(0.2 * length);
  for (let i = 0; i < length; i++) {
    const t = i / rate;
    const cycles = crackleCycles(shape, t);
    let env = Math.exp(-t / (shape.decayShare * t2));
    if (i > length - taper) env *= 0.5 - 0.5 * Math.cos((Math.PI * (length - i)) / taper);
    out[i] = env * Math.sin(2 * Math.PI * cycles);
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  for (let i = 0; i < length; i++) out[i] /= peak || 1;
  return out;
}

/**
 * A crackle as heard: the waveform low-passed by the lung and chest wall (zero-phase, so it may ring up
 * to PRE_RINGING_SECONDS before the onset, which is where the returned samples start), peak 1.
 */
export function transmittedCrackle(shape: CrackleShape, rate: number, transmissionHz: number): Float64Array {
  const pad = Math.round(PRE_RINGING_SECONDS * rate);
  const raw = crackleWaveform(shape, rate);
  const padded = new Float64Array(raw.length + 2 * pad);
  padded.set(raw, pad);
  const out = filterSignal(padded, rate, kneeResponse(transmissionHz, 12), 2 * pad);
  // Taper the ends so the truncated ringing does not click.
  for (let i = 0; i < pad; i++) {
    const w = 0.5 - 0.5 * Math.cos((Math.PI * i) / pad);
    out[i] *= w;
    out[out.length - 1 - i] *= w;
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  for (let i = 0; i < out.length; i++) out[i] /= peak || 1;
  return out;
}

/** Frequency band of a crackle: from its last cycle's frequency to twice its first half-cycle's. */
export function crackleBandHz(shape: CrackleShape, ceilingHz: number): [number, number] {
  const t2 = shape.twoCycleDurationMs / 1000;
  const idw = shape.initialDeflectionMs / 1000;
  const gamma = Math.log(0.25) / Math.log(idw / t2);
  const lastHz = (2 * gamma) / t2;
  const firstHz = 1 / (2 * idw);
  const high = Math.min(2 * firstHz, ceilingHz);
  return [Math.round(Math.min(0.7 * lastHz, 0.5 * high)), Math.round(high)];
}

function phaseBounds(c: CyclePlan, phase: BreathPhase): [number, number] {
  return phase === 'inspiration' ? [c.startSeconds, c.inspirationEndSeconds] : [c.inspirationEndSeconds, c.endSeconds];
}

/**
 * Where in its phase (0..1) cluster k of n sits: stratified over the part of the phase this kind favours
 * (fine: mid-to-late inspiration; coarse: early inspiration; expiration: while air still flows).
 */
function clusterCentre(rng: Rng, kind: CrackleKind, phase: BreathPhase, k: number, n: number): number {
  const [lo, hi] = phase === 'expiration' ? [0.05, 0.75] : kind === 'fine' ? [0.3, 0.95] : [0.05, 0.7];
  return lo + ((hi - lo) * (k + rng.uniform(0.15, 0.85))) / n;
}

/**
 * Adds crackles to every annotated cycle whose label has crackles; returns their events.
 * `cycleIndex` maps cycles to annotation line indices. Amplitudes are relative to the breath sound's
 * inspiratory RMS (1 in the signal being built).
 */
export function addCrackles(
  rng: Rng,
  signal: Float64Array,
  rate: number,
  cycles: CyclePlan[],
  patient: PatientPlan,
  ceilingHz: number,
): CrackleEvent[] {
  const events: CrackleEvent[] = [];
  let annotatedIndex = -1;
  for (const c of cycles) {
    if (!c.annotated) continue;
    annotatedIndex++;
    if (c.label !== 'crackle' && c.label !== 'both') continue;
    // About one cluster per 0.9 s of cycle, two thirds of them inspiratory, spread over each phase
    // (stratified), so that every part of a crackle cycle a 0.96 s patch can see holds crackles as often
    // as physiology allows: a cycle label should be visible in the patches it labels.
    const clusterCount = Math.max(2, Math.round((c.endSeconds - c.startSeconds) / 0.9));
    const inspiratory = Math.max(1, Math.round((2 / 3) * clusterCount));
    const expiratory = clusterCount - inspiratory;
    const count = Math.max(2 * clusterCount, Math.round(patient.cracklesPerCycle * rng.logUniform(0.6, 1.6)));
    const clusters = [
      ...Array.from({ length: inspiratory }, (_, k) => ({ phase: 'inspiration' as BreathPhase, centre: clusterCentre(rng, patient.crackleKind, 'inspiration', k, inspiratory), spreadSeconds: rng.uniform(0.03, 0.15) })),
      ...Array.from({ length: expiratory }, (_, k) => ({ phase: 'expiration' as BreathPhase, centre: clusterCentre(rng, patient.crackleKind, 'expiration', k, expiratory), spreadSeconds: rng.uniform(0.03, 0.15) })),
    ];
    const before = events.length;
    for (let k = 0; k < count || events.length === before; k++) {
      // Should every drawn position miss (a very short phase), fall back to mid-inspiration.
      const fallback = k >= count;
      const cluster = fallback ? { phase: 'inspiration' as BreathPhase, centre: 0.5, spreadSeconds: 0 } : clusters[k % clusters.length];
      const shape = drawCrackleShape(rng, patient.crackleKind);
      const lengthSeconds = Math.min(2.5 * shape.twoCycleDurationMs / 1000, 0.02) + 2 * PRE_RINGING_SECONDS;
      const [p0, p1] = phaseBounds(c, cluster.phase);
      const margin = 0.01;
      const lo = p0 + margin;
      const hi = p1 - margin - lengthSeconds;
      if (hi <= lo) {
        if (fallback) break;
        continue;
      }
      const at = p0 + cluster.centre * (p1 - p0) + cluster.spreadSeconds * rng.normal();
      const start = Math.min(hi, Math.max(lo, at));
      const wave = transmittedCrackle(shape, rate, patient.crackleTransmissionHz);
      const amplitude = patient.crackleLevel * rng.logUniform(0.7, 1.5) * (rng.chance(0.5) ? 1 : -1);
      const i0 = Math.round(start * rate);
      const pad = Math.round(PRE_RINGING_SECONDS * rate);
      for (let i = 0; i < wave.length && i0 + i < signal.length; i++) signal[i0 + i] += amplitude * wave[i];
      // The transmission low-pass takes away most of what lies above twice its knee.
      const [lowHz, highHz] = crackleBandHz(shape, Math.min(ceilingHz, 2 * patient.crackleTransmissionHz));
      events.push({
        type: 'crackle',
        kind: patient.crackleKind,
        // The crackle itself: from its onset (after the filter's pre-ringing) for its waveform's length.
        startSeconds: round4((i0 + pad) / rate),
        endSeconds: round4((i0 + wave.length - pad) / rate),
        lowHz,
        highHz,
        phase: cluster.phase,
        cycle: annotatedIndex,
        initialDeflectionMs: round4(shape.initialDeflectionMs),
        twoCycleDurationMs: round4(shape.twoCycleDurationMs),
      });
    }
  }
  return events.sort((a, b) => a.startSeconds - b.startSeconds);
}

export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
