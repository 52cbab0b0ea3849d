/**
 * The recording device: a stethoscope chest piece and electronics that band-limit the sound (many
 * devices low-pass between 1.2 and 2.5 kHz, which leaves the upper band of a 4 kHz-wide spectrum dark, as
 * in Littmann 3200 recordings), a high-pass from the diaphragm, a white noise floor, and the sample
 * format. The device stage also upsamples from the render rate to the file's rate.
 */
import type { DevicePlan } from './plan';
import type { MagnitudeResponse } from './spectrum';
import { filterSignal, highPassResponse, kneeResponse, upsample } from './spectrum';
import type { Rng } from './random';

export function deviceResponse(device: DevicePlan): MagnitudeResponse {
  const low = kneeResponse(device.lowpassHz, device.lowpassDbPerOctave);
  const high = highPassResponse(device.highpassHz, device.highpassDbPerOctave);
  return (hz) => low(hz) * high(hz);
}

/** Filters through the device and upsamples from `renderRate` to `sampleRate`. */
export function throughDevice(signal: Float64Array, renderRate: number, sampleRate: number, device: DevicePlan): Float64Array {
  const factor = Math.round(sampleRate / renderRate);
  // Pad by 0.25 s so the zero-phase filter's tails do not wrap around the circular transform.
  return upsample(filterSignal(signal, renderRate, deviceResponse(device), Math.round(0.25 * renderRate)), factor);
}

/** Adds the device's white noise floor; its density is the same at every sample rate. */
export function addNoiseFloor(rng: Rng, signal: Float64Array, sampleRate: number, floorRms16k: number): void {
  const sigma = floorRms16k * Math.sqrt(sampleRate / 2 / 8000);
  for (let i = 0; i < signal.length; i++) signal[i] += sigma * rng.whiteNoiseSample();
}
