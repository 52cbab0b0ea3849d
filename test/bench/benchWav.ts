/** Benchmark recordings: a 16-bit PCM WAV of a breath-like test signal, written block by block (never all in memory). */
import { closeSync, openSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export function writeWav(file: string, rate: number, channels: number, seconds: number): void {
  const n = Math.round(seconds * rate);
  const dataBytes = n * channels * 2;
  const fd = openSync(file, 'w');
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + dataBytes, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(channels, 22); h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * 2, 28); h.writeUInt16LE(channels * 2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(dataBytes, 40);
  writeSync(fd, h);
  const block = 1 << 16;
  const buf = Buffer.alloc(block * channels * 2);
  let seed = 12345;
  for (let s = 0; s < n; s += block) {
    const m = Math.min(block, n - s);
    for (let i = 0; i < m; i++) {
      const t = (s + i) / rate;
      seed = (seed * 1103515245 + 12345) >>> 0;
      const breath = Math.sin(2 * Math.PI * 0.25 * t) ** 2;
      const v = 0.25 * breath * ((seed / 4294967296) - 0.5) + 0.1 * Math.sin(2 * Math.PI * 440 * t) * breath;
      for (let c = 0; c < channels; c++) buf.writeInt16LE(Math.round(v * 32767 * (c ? 0.8 : 1)), 2 * (i * channels + c));
    }
    writeSync(fd, buf, 0, m * channels * 2);
  }
  closeSync(fd);
}

/** The machine's load as `uptime` prints it (benchmarks quote it beside their figures). */
export function loadLine(): string {
  return `load average ${loadavg().map((v) => v.toFixed(2)).join(', ')} on ${availableParallelism()} cores`;
}
