/**
 * The playable preview an audio output carries: mono, at most 8 kHz (breath sounds' energy lies below
 * 4 kHz; a lower-rate recording keeps its rate), G.711 μ-law 8-bit — a WAV every browser plays, 8 KB a
 * second, so a 20 s recording's notebook holds its audio in 160 KB instead of 1.7 MB of 44.1 kHz PCM.
 * Listening quality, not analysis: the engine always reads the recording itself.
 */
import { resample } from '../audio/resample';

export const PREVIEW_MAX_RATE = 8000;
/** No preview above this many bytes of audio (about 10 minutes): the view says the recording is too long to embed. */
export const PREVIEW_MAX_BYTES = 5 * 1024 * 1024;

const BIAS = 0x84;
const CLIP = 32635;

/** G.711 μ-law code of a 16-bit sample (the Sun reference encoder, the inverse of wav.ts's decoder table). */
export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s = Math.min(CLIP, s) + BIAS;
  const exponent = Math.min(7, 31 - Math.clz32(s >> 7));
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** A μ-law WAV data: URL of `samples` (−1..1) at `sampleRate`, at most 8 kHz; null when too long to embed. */
export function previewWavDataUrl(samples: Float32Array, sampleRate: number): string | null {
  const rate = Math.min(PREVIEW_MAX_RATE, sampleRate);
  const x = rate === sampleRate ? samples : resample(samples, sampleRate, rate);
  if (x.length > PREVIEW_MAX_BYTES) return null;
  const bytes = Buffer.alloc(44 + x.length);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(36 + x.length, 4);
  bytes.write('WAVEfmt ', 8, 'ascii');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(7, 20); // WAVE_FORMAT_MULAW
  bytes.writeUInt16LE(1, 22); // mono
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate, 28); // one byte a sample
  bytes.writeUInt16LE(1, 32);
  bytes.writeUInt16LE(8, 34);
  bytes.write('data', 36, 'ascii');
  bytes.writeUInt32LE(x.length, 40);
  for (let i = 0; i < x.length; i++) bytes[44 + i] = linearToUlaw(x[i] * 32768);
  return `data:audio/wav;base64,${bytes.toString('base64')}`;
}
