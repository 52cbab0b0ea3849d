/**
 * Compares the synthetic corpus with real ICBHI recordings on the statistics the model sees: the log-mel
 * (VGGish recipe, 100–2000 Hz, 64 bands, the seed paper's setting) per cycle class.
 *
 *   npx tsx scripts/calibrate-synth.ts --synth DIR [--real /work/shared/realdata] [--png OUTDIR]
 *
 * Prints, per class (cycle level) and for real vs synthetic:
 *   profile   mean log-mel in 8 groups of 8 bands (low → high); ln(0.01) = −4.61 is silence
 *   upper     mean log-mel of bands centred above 1500 Hz, and its height above silence
 *   centroid  spectral centroid (Hz) of the mel energies exp(x) − 0.01 within 100–2000 Hz
 *   contrast  mean of bands 0–7 minus bands 24–31 (how much the energy sits low)
 *   p10/p90   10th/90th percentile of frame means (floor between breaths / breath peaks)
 *   jumps     share of frames whose mean over bands jumps > 0.4 from the previous (transients)
 *   tonal     mean over frames of (max − median) across bands (tonal lines stand out)
 * and the share of recordings whose upper band is "blank" (within 0.25 of silence).
 * With --png, writes one spectrogram image per recording (needs ImageMagick's `convert`).
 * Reads the real recordings in place; writes nothing next to them.
 */
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readDataset, logMelFromFile, cycleFrames, CYCLE_LABELS, type LogMel, type CycleLabel } from '../kernels/engine/index';

const PARAMS = { fmin: 100, fmax: 2000, bands: 64 };
const SILENCE = Math.log(0.01);

interface Acc {
  frames: number;
  bandSum: Float64Array;
  frameMeans: number[];
  jumps: number;
  tonal: number;
  centroidNum: number;
  centroidDen: number;
}

const newAcc = (bands: number): Acc => ({ frames: 0, bandSum: new Float64Array(bands), frameMeans: [], jumps: 0, tonal: 0, centroidNum: 0, centroidDen: 0 });

function addFrames(acc: Acc, lm: LogMel, first: number, end: number): void {
  const b = lm.bands;
  const centres = lm.axes.bandCentersHz;
  let prev: number | null = null;
  const row = new Float64Array(b);
  for (let f = first; f < end; f++) {
    let mean = 0;
    for (let k = 0; k < b; k++) {
      const v = lm.data[f * b + k];
      row[k] = v;
      acc.bandSum[k] += v;
      mean += v;
      const e = Math.exp(v) - 0.01;
      acc.centroidNum += e * centres[k];
      acc.centroidDen += e;
    }
    mean /= b;
    acc.frameMeans.push(mean);
    if (prev !== null && mean - prev > 0.4) acc.jumps++;
    prev = mean;
    const sorted = Array.from(row).sort((x, y) => x - y);
    acc.tonal += sorted[b - 1] - sorted[b >> 1];
    acc.frames++;
  }
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function renderPng(lm: LogMel, file: string): void {
  const w = lm.frames;
  const h = lm.bands * 3;
  const pix = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) {
    const k = lm.bands - 1 - Math.floor(y / 3);
    for (let x = 0; x < w; x++) {
      const v = (lm.data[x * lm.bands + k] - -4.7) / (0.5 - -4.7);
      pix[y * w + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  const pgm = `${file}.pgm`;
  writeFileSync(pgm, Buffer.concat([Buffer.from(`P5 ${w} ${h} 255\n`), pix]));
  try {
    execFileSync('convert', [pgm, `${file}.png`]);
  } finally {
    rmSync(pgm, { force: true });
  }
}

async function collect(dir: string, pngDir: string | null, limit: number) {
  const ds = readDataset(dir);
  const byClass = new Map<CycleLabel | 'all', Acc>();
  const upperPerRecording: number[] = [];
  for (const r of ds.recordings.slice(0, limit)) {
    const lm = await logMelFromFile(r.wavPath, PARAMS);
    const upper = lm.axes.bandCentersHz.map((hz, k) => (hz > 1500 ? k : -1)).filter((k) => k >= 0);
    let u = 0;
    for (let f = 0; f < lm.frames; f++) for (const k of upper) u += lm.data[f * lm.bands + k];
    upperPerRecording.push(u / (lm.frames * upper.length));
    for (const c of r.cycles) {
      const [first, end] = cycleFrames(lm, c.startSeconds, c.endSeconds);
      for (const key of [c.label, 'all'] as const) {
        if (!byClass.has(key)) byClass.set(key, newAcc(lm.bands));
        addFrames(byClass.get(key) as Acc, lm, first, end);
      }
    }
    if (pngDir) renderPng(lm, path.join(pngDir, r.name));
  }
  return { byClass, upperPerRecording, recordings: Math.min(limit, ds.recordings.length), centres: PARAMS };
}

function row(name: string, acc: Acc | undefined): string {
  if (!acc || acc.frames === 0) return `  ${name.padEnd(14)} (no cycles)`;
  const b = acc.bandSum.length;
  const profile: string[] = [];
  for (let g = 0; g < 8; g++) {
    let s = 0;
    for (let k = g * 8; k < g * 8 + 8; k++) s += acc.bandSum[k];
    profile.push((s / (8 * acc.frames)).toFixed(2).padStart(6));
  }
  const mean = (k0: number, k1: number) => {
    let s = 0;
    for (let k = k0; k < k1; k++) s += acc.bandSum[k];
    return s / ((k1 - k0) * acc.frames);
  };
  const upper = mean(Math.round(b * 0.84), b); // bands 54–63 ≈ above 1500 Hz for 100–2000 Hz
  return (
    `  ${name.padEnd(14)}${profile.join('')} | upper ${upper.toFixed(2)} (+${(upper - SILENCE).toFixed(2)})` +
    ` centroid ${(acc.centroidNum / acc.centroidDen).toFixed(0).padStart(4)} Hz contrast ${(mean(0, 8) - mean(24, 32)).toFixed(2)}` +
    ` p10 ${percentile(acc.frameMeans, 0.1).toFixed(2)} p90 ${percentile(acc.frameMeans, 0.9).toFixed(2)}` +
    ` jumps ${((100 * acc.jumps) / acc.frames).toFixed(1)}% tonal ${(acc.tonal / acc.frames).toFixed(2)}`
  );
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const realDir = opt('--real') ?? '/work/shared/realdata';
  const synthDir = opt('--synth');
  const pngDir = opt('--png') ?? null;
  const limit = Number(opt('--limit') ?? 60);
  if (!synthDir) {
    console.error('usage: npx tsx scripts/calibrate-synth.ts --synth DIR [--real DIR] [--png OUTDIR] [--limit N]');
    process.exit(2);
  }
  if (pngDir && !existsSync(pngDir)) mkdirSync(pngDir, { recursive: true });
  const sets = [
    ['real', await collect(realDir, pngDir, limit)],
    ['synthetic', await collect(synthDir, pngDir, limit)],
  ] as const;
  console.log(`log-mel ${PARAMS.fmin}–${PARAMS.fmax} Hz, ${PARAMS.bands} bands; profile = mean of band groups 0–7 … 56–63`);
  for (const label of ['all', ...CYCLE_LABELS] as const) {
    console.log(`${label}:`);
    for (const [name, s] of sets) console.log(row(name, s.byClass.get(label)));
  }
  for (const [name, s] of sets) {
    const blank = s.upperPerRecording.filter((u) => u - SILENCE < 0.25).length;
    console.log(
      `${name}: ${s.recordings} recordings; upper band (>1500 Hz) mean per recording ` +
        `${s.upperPerRecording.map((u) => u.toFixed(2)).slice(0, 12).join(' ')}${s.upperPerRecording.length > 12 ? ' …' : ''}; ` +
        `blank (< silence + 0.25): ${blank}/${s.upperPerRecording.length}`,
    );
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
