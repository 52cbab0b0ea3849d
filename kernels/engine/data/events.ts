/**
 * Ground-truth events of a synthetic recording (`NAME.events.json`): where each adventitious sound is in
 * time and frequency, so localisation (does Grad-CAM look at the crackle?) can be scored exactly.
 */
import type { BreathPhase, CrackleKind } from './plan';

export interface CrackleEvent {
  type: 'crackle';
  kind: CrackleKind;
  startSeconds: number;
  endSeconds: number;
  /** Band holding most of the crackle's energy (from its last to its first half-cycle frequency). */
  lowHz: number;
  highHz: number;
  phase: BreathPhase;
  /** Index into the recording's annotated cycles (the line of NAME.txt, 0-based). */
  cycle: number;
  initialDeflectionMs: number;
  twoCycleDurationMs: number;
}

export interface HarmonicBand {
  /** 2 = first overtone, … */
  order: number;
  lowHz: number;
  highHz: number;
}

export interface WheezeEvent {
  type: 'wheeze';
  startSeconds: number;
  endSeconds: number;
  /** Range swept by the fundamental. */
  lowHz: number;
  highHz: number;
  fundamentalStartHz: number;
  fundamentalEndHz: number;
  /** Overtones that lie below the device low-pass (and Nyquist). */
  harmonics: HarmonicBand[];
  /** Fundamental below 200 Hz: a rhonchus. */
  rhonchus: boolean;
  phase: BreathPhase;
  cycle: number;
}

export type SynthEvent = CrackleEvent | WheezeEvent;
