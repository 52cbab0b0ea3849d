/**
 * 16-bit PCM mono/stereo → mono float32 in WebAssembly SIMD (pcm16.wat), eight samples a step: the file is
 * read straight into the module's memory and decoded there (about 5× faster than the JS loop, same
 * values bit for bit). Unavailable (null) without wasm SIMD, with LUNGCAM_NO_WASM, or for other layouts;
 * wav.ts then decodes in JS.
 */
import { PCM16_WASM_BASE64 } from './pcm16Wasm';

type DecodeFn = (src: number, frames: number, dst: number) => void;

let compiled: WebAssembly.Module | null | undefined;
const sharedDecoders = new Map<string, Pcm16Decoder | null>();

function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(PCM16_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export class Pcm16Decoder {
  private readonly memory: WebAssembly.Memory;
  private readonly decode: DecodeFn;
  private readonly dst: number;

  private constructor(instance: WebAssembly.Instance, private readonly channels: 1 | 2, readonly blockFrames: number) {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.decode = instance.exports[channels === 1 ? 'mono' : 'stereo'] as DecodeFn;
    this.dst = Math.ceil((blockFrames * channels * 2) / 16) * 16;
    const need = this.dst + blockFrames * 4;
    if (need > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / 65536));
  }

  /**
   * This thread's decoder for the layout, made once: every open stream shares it (a decode finishes before
   * readFrames returns). One per stream left a wasm memory per opened file for the GC, which does not
   * count them: a feature worker opening the file per job grew by ≈ 70 MB over a 1-hour recording.
   */
  static shared(channels: number, blockFrames: number): Pcm16Decoder | null {
    const key = `${channels}:${blockFrames}`;
    if (!sharedDecoders.has(key)) sharedDecoders.set(key, Pcm16Decoder.create(channels, blockFrames));
    return sharedDecoders.get(key)!;
  }

  /** A decoder for blocks of up to `blockFrames` frames, or null where it does not apply. */
  static create(channels: number, blockFrames: number): Pcm16Decoder | null {
    if (process.env.LUNGCAM_NO_WASM || (channels !== 1 && channels !== 2)) return null;
    const mod = wasmModule();
    if (!mod) return null;
    try {
      return new Pcm16Decoder(new WebAssembly.Instance(mod, {}), channels, blockFrames);
    } catch {
      return null;
    }
  }

  /** Where to read up to blockFrames frames of raw little-endian int16 (a view of the module memory). */
  rawBlock(): Uint8Array {
    return new Uint8Array(this.memory.buffer, 0, this.blockFrames * this.channels * 2);
  }

  /** Decodes the first `frames` frames of rawBlock() into out[at…]. */
  decodeInto(frames: number, out: Float32Array, at: number): void {
    this.decode(0, frames, this.dst);
    out.set(new Float32Array(this.memory.buffer, this.dst, frames), at);
  }
}
