/** Builds WAV files byte by byte for tests (independent of the decoder under test). */

export interface Chunk { id: string; body: Uint8Array }

export function chunk(id: string, body: Uint8Array): Chunk {
  return { id, body };
}

/** RIFF/WAVE file from chunks, in the given order; odd chunks get their pad byte. */
export function riff(chunks: Chunk[], opts: { riffSize?: number; padOdd?: boolean } = {}): Uint8Array {
  const padOdd = opts.padOdd ?? true;
  const bodyBytes = chunks.reduce((n, c) => n + 8 + c.body.length + (padOdd && c.body.length % 2 ? 1 : 0), 0);
  const out = new Uint8Array(12 + bodyBytes);
  const dv = new DataView(out.buffer);
  out.set([0x52, 0x49, 0x46, 0x46], 0);
  dv.setUint32(4, opts.riffSize ?? 4 + bodyBytes, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  let at = 12;
  for (const c of chunks) {
    for (let k = 0; k < 4; k++) out[at + k] = c.id.charCodeAt(k);
    dv.setUint32(at + 4, c.body.length, true);
    out.set(c.body, at + 8);
    at += 8 + c.body.length + (padOdd && c.body.length % 2 ? 1 : 0);
  }
  return out;
}

export function fmtBody(tag: number, channels: number, rate: number, bits: number, extensibleSubTag?: number): Uint8Array {
  const bytes = Math.ceil(bits / 8);
  const ext = extensibleSubTag !== undefined;
  const b = new Uint8Array(ext ? 40 : 16);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, ext ? 0xfffe : tag, true);
  dv.setUint16(2, channels, true);
  dv.setUint32(4, rate, true);
  dv.setUint32(8, rate * channels * bytes, true);
  dv.setUint16(12, channels * bytes, true);
  dv.setUint16(14, bits, true);
  if (ext) {
    dv.setUint16(16, 22, true);
    dv.setUint16(18, bits, true);
    dv.setUint32(20, 0, true);
    dv.setUint16(24, extensibleSubTag, true);
    b.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return b;
}

export type Encoding = 'u8' | 'i16' | 'i24' | 'i32' | 'f32' | 'f64' | 'raw8';

/** Interleaved samples encoded as stored (values are the raw integers for PCM, floats for f32/f64). */
export function encodeSamples(values: number[], enc: Encoding): Uint8Array {
  const width = { u8: 1, raw8: 1, i16: 2, i24: 3, i32: 4, f32: 4, f64: 8 }[enc];
  const b = new Uint8Array(values.length * width);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => {
    const at = i * width;
    if (enc === 'u8' || enc === 'raw8') dv.setUint8(at, v);
    else if (enc === 'i16') dv.setInt16(at, v, true);
    else if (enc === 'i24') { dv.setUint8(at, v & 0xff); dv.setUint8(at + 1, (v >> 8) & 0xff); dv.setUint8(at + 2, (v >> 16) & 0xff); }
    else if (enc === 'i32') dv.setInt32(at, v, true);
    else if (enc === 'f32') dv.setFloat32(at, v, true);
    else dv.setFloat64(at, v, true);
  });
  return b;
}

/** A simple PCM16 WAV of mono or interleaved samples in −1..1. */
export function pcm16Wav(samples: ArrayLike<number>, rate = 16000, channels = 1): Uint8Array {
  const ints = Array.from(samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  return riff([chunk('fmt ', fmtBody(1, channels, rate, 16)), chunk('data', encodeSamples(ints, 'i16'))]);
}

export function sine(hz: number, seconds: number, rate: number, amplitude = 1): Float32Array {
  const n = Math.round(seconds * rate);
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}
