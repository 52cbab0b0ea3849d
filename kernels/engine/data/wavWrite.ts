/**
 * WAV encoder: mono PCM 16/24-bit or IEEE float 32-bit at any sample rate, little-endian RIFF.
 * Samples are floats in −1..1; PCM clips outside that range and rounds to the nearest step (so the same
 * floats always give the same bytes).
 */

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

export function encodeWav(samples: ArrayLike<number>, sampleRate: number, format: WavSampleFormat = 'pcm16'): Buffer {
  const bytesPerSample = format === 'pcm16' ? 2 : format === 'pcm24' ? 3 : 4;
  const dataBytes = samples.length * bytesPerSample;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(format === 'float32' ? 3 : 1, 20); // 1 = PCM, 3 = IEEE float
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * bytesPerSample, 28);
  buf.writeUInt16LE(bytesPerSample, 32);
  buf.writeUInt16LE(bytesPerSample * 8, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  if (format === 'pcm16') {
    // A typed array is several times faster than writeInt16LE per sample.
    const pcm = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const x = Math.max(-1, Math.min(1, samples[i]));
      pcm[i] = Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
    }
    if (littleEndianHost) Buffer.from(pcm.buffer).copy(buf, 44);
    else pcm.forEach((v, i) => buf.writeInt16LE(v, 44 + 2 * i));
    return buf;
  }
  let o = 44;
  for (let i = 0; i < samples.length; i++) {
    const x = Math.max(-1, Math.min(1, samples[i]));
    if (format === 'pcm24') {
      buf.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608))), o, 3);
    } else {
      buf.writeFloatLE(samples[i], o);
    }
    o += bytesPerSample;
  }
  return buf;
}
