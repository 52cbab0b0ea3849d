/**
 * WAV (RIFF/WAVE) reading: sample decoding to mono floats, whole files in memory or streamed block by block
 * (the header is read by wavHeader.ts).
 *
 * Supported: PCM 8-bit unsigned and 16/24/32-bit signed (any container width 1–4 bytes), IEEE float 32/64,
 * μ-law and A-law (G.711), WAVE_FORMAT_EXTENSIBLE with any of those sub-formats, any channel count
 * (averaged to mono, as VGGish does), chunks in any order, odd-sized chunks with their pad byte, unknown
 * chunks skipped. Scaling follows libsndfile (what soundfile/VGGish used for the golden files):
 * integer PCM / 2^(bits−1), 8-bit (x − 128)/128, floats as stored, G.711 via the 16-bit tables / 32768.
 */
import { readSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import { openRegularFile } from '../io/inputFile';
import type { DecodedAudio } from '../types';
import { checkAudio, noStats, scanSamples } from './audioCheck';
import { Pcm16Decoder } from '../accel';
import { parseWavLayout, type ReadAt, type WavFormat, type WavLayout } from './wavHeader';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** 16-bit G.711 decoding tables (index = the byte as stored). */
export const ULAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
export const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));
const ULAW_FLOAT = Float32Array.from(ULAW_TABLE, (v) => v / 32768);
const ALAW_FLOAT = Float32Array.from(ALAW_TABLE, (v) => v / 32768);

// The two common layouts in small monomorphic loops (V8 optimises them far better inside the big switch).
function int16Mono(ints: Int16Array, frames: number, out: Float32Array, at: number): void {
  const scale = 1 / 32768;
  for (let i = 0; i < frames; i++) out[at + i] = ints[i] * scale;
}

function int16Stereo(ints: Int16Array, frames: number, out: Float32Array, at: number): void {
  const scale = 0.5 / 32768;
  for (let i = 0; i < frames; i++) out[at + i] = (ints[2 * i] + ints[2 * i + 1]) * scale;
}

/**
 * Decodes `frames` whole sample frames from `bytes` (starting at byte 0) into `out[outOffset…]`, averaging
 * channels to mono.
 */
export function decodeFramesToMono(bytes: Uint8Array, frames: number, format: WavFormat, out: Float32Array, outOffset: number): void {
  const { channels, bytesPerSample, blockAlign, encoding } = format;
  const n = frames * channels;
  const invChannels = 1 / channels;
  const view = new DataView(bytes.buffer, bytes.byteOffset, frames * blockAlign);
  // Per-sample reader; the 16-bit mono/stereo cases get their own loops (the common, big files).
  if (encoding === 'pcm' && bytesPerSample === 2) {
    const scale = invChannels / 32768;
    // A typed view is several times faster than DataView; it needs 2-byte alignment (little-endian host).
    const ints = bytes.byteOffset % 2 === 0 && LITTLE_ENDIAN_HOST ? new Int16Array(bytes.buffer, bytes.byteOffset, n) : null;
    if (ints && channels === 1) {
      int16Mono(ints, frames, out, outOffset);
    } else if (ints && channels === 2) {
      int16Stereo(ints, frames, out, outOffset);
    } else if (channels === 1) {
      for (let i = 0; i < frames; i++) out[outOffset + i] = view.getInt16(2 * i, true) / 32768;
    } else if (channels === 2) {
      for (let i = 0; i < frames; i++) out[outOffset + i] = (view.getInt16(4 * i, true) + view.getInt16(4 * i + 2, true)) * scale;
    } else {
      for (let i = 0, k = 0; i < frames; i++) {
        let s = 0;
        for (let c = 0; c < channels; c++, k++) s += view.getInt16(2 * k, true);
        out[outOffset + i] = s * scale;
      }
    }
    return;
  }
  let read: (k: number) => number;
  if (encoding === 'pcm') {
    if (bytesPerSample === 1) read = (k) => (bytes[k] - 128) / 128;
    else if (bytesPerSample === 3) {
      read = (k) => {
        const at = 3 * k;
        const v = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
        return ((v << 8) >> 8) / 8388608;
      };
    } else read = (k) => view.getInt32(4 * k, true) / 2147483648;
  } else if (encoding === 'float') {
    read = bytesPerSample === 4 ? (k) => view.getFloat32(4 * k, true) : (k) => view.getFloat64(8 * k, true);
  } else {
    const table = encoding === 'mulaw' ? ULAW_FLOAT : ALAW_FLOAT;
    read = (k) => table[bytes[k]];
  }
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[outOffset + i] = read(i);
    return;
  }
  for (let i = 0, k = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++, k++) s += read(k);
    out[outOffset + i] = s * invChannels;
  }
}

function bytesReader(bytes: Uint8Array): ReadAt {
  return (offset, length) => bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
}

/** Decodes a whole WAV file held in memory to mono floats at its own sample rate. */
export function decodeWav(bytes: Uint8Array, fileName = 'input.wav'): DecodedAudio {
  const layout = parseWavLayout(bytesReader(bytes), bytes.length, fileName);
  const { format, frames } = layout;
  const samples = new Float32Array(frames);
  decodeFramesToMono(bytes.subarray(layout.dataOffset, layout.dataOffset + frames * format.blockAlign), frames, format, samples, 0);
  return checkedAudio(samples, format, layout.warnings, fileName);
}

/** DecodedAudio with its stats; refuses audio nothing can be computed from (audioCheck.ts). */
function checkedAudio(samples: Float32Array, format: WavFormat, warnings: string[], subject: string): DecodedAudio {
  const audio = scanSamples(samples, 0, noStats());
  return {
    sampleRate: format.sampleRate,
    channels: format.channels,
    samples,
    durationSeconds: samples.length / format.sampleRate,
    warnings: [...warnings, ...checkAudio(audio, format.sampleRate, subject)],
    audio,
  };
}

/** An open WAV file read block by block (for files too big to hold in memory). */
export interface WavStream {
  layout: WavLayout;
  /** Yields mono float blocks of at most `blockFrames` frames, in order (the same buffer each time: copy what you keep). */
  blocks(blockFrames?: number): Generator<Float32Array>;
  /**
   * Decodes sample frames [first, first + out.length) (first ≥ 0) to mono into `out` (any range, in any
   * order: jobs read their own overlapping slices) and returns how many it wrote: fewer where the audio ends.
   */
  readFrames(first: number, out: Float32Array): number;
  close(): void;
}

/** Frames read and decoded per read() call. */
const READ_BLOCK_FRAMES = 65536;

/**
 * Opens a WAV file for streaming decode: a regular file only (a pipe, device or folder is refused before
 * any read). Errors name the file as the user gave it.
 */
export function openWavStream(path: string): WavStream {
  const { fd, stats: st } = openRegularFile(path);
  try {
    const readAt = (offset: number, length: number, into?: Uint8Array): Uint8Array => {
      const want = Math.max(0, Math.min(length, st.size - offset));
      const buf = into && into.length >= want ? into.subarray(0, want) : new Uint8Array(want);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    };
    const layout = parseWavLayout(readAt, st.size, path);
    const { format, frames, dataOffset } = layout;
    // 16-bit mono/stereo (most recordings) is read straight into WebAssembly memory and decoded with SIMD;
    // everything else through one reused read buffer and the JS decoder. No garbage per block either way.
    const simd = format.encoding === 'pcm' && format.bytesPerSample === 2 ? Pcm16Decoder.shared(format.channels, READ_BLOCK_FRAMES) : null;
    let raw: Uint8Array | null = null;
    const readFrames = (first: number, out: Float32Array): number => {
      if (!(first >= 0)) throw new RangeError(`readFrames: first frame ${first} < 0`);
      const end = Math.min(frames, first + out.length);
      let done = 0;
      for (let start = first; start < end; start += READ_BLOCK_FRAMES) {
        const count = Math.min(READ_BLOCK_FRAMES, end - start);
        const into = simd ? simd.rawBlock() : (raw ??= new Uint8Array(READ_BLOCK_FRAMES * format.blockAlign));
        const got = readAt(dataOffset + start * format.blockAlign, count * format.blockAlign, into);
        const whole = Math.floor(got.length / format.blockAlign);
        if (simd) simd.decodeInto(whole, out, start - first);
        else decodeFramesToMono(got, whole, format, out, start - first);
        done = start - first + whole;
        if (whole < count) break; // the file shrank while we read it
      }
      return done;
    };
    return {
      layout,
      readFrames,
      *blocks(blockFrames = READ_BLOCK_FRAMES) {
        // One decoded block, reused: consumers copy what they keep before asking for the next block.
        const decoded = new Float32Array(blockFrames);
        for (let start = 0; start < frames; start += blockFrames) {
          const count = Math.min(blockFrames, frames - start);
          const whole = readFrames(start, decoded.subarray(0, count));
          yield decoded.subarray(0, whole);
          if (whole < count) return; // the file shrank while we read it
        }
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads a WAV file (any size) to mono floats at its own rate, decoding block by block. */
export async function readWav(path: string): Promise<DecodedAudio> {
  const stream = openWavStream(path);
  try {
    const { format, frames, warnings } = stream.layout;
    const samples = new Float32Array(frames);
    let at = 0;
    for (const block of stream.blocks()) {
      samples.set(block, at);
      at += block.length;
    }
    return checkedAudio(at === frames ? samples : samples.slice(0, at), format, warnings, path);
  } finally {
    stream.close();
  }
}

/** The file name to show for a path (display only). */
export const displayName = (path: string) => basename(path);
