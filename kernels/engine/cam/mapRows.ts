/**
 * A recording's [frames, bands] map read back in row blocks: held in memory, or (a long recording's, for
 * a JSON output) in a private temporary file, so writing the document never needs the whole map and the
 * recording's log-mel in memory at once. The summaries are computed from the blocks.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureAxes } from '../../shared/outputTypes';
import { writeAllSync } from '../io/atomicWrite';
import { RegionFinder, shareAboveCutoff } from '../../shared/view/summaries';
import type { CamSummary } from './explain';

export interface MapRows {
  frames: number;
  bands: number;
  /** Rows start … start + count − 1, [count, bands] (a view valid until the next call). */
  rows(start: number, count: number): Float32Array;
}

export function mapInMemory(data: Float32Array, frames: number, bands: number): MapRows {
  return { frames, bands, rows: (start, count) => data.subarray(start * bands, (start + count) * bands) };
}

/** A map written row block by row block into a temporary file (removed by close()). */
export class MapFile implements MapRows {
  private readonly dir = mkdtempSync(join(tmpdir(), 'lungcam-map-'));
  private readonly fd = openSync(join(this.dir, 'map.f32'), 'w+', 0o600);
  private block = new Float32Array(0);

  constructor(readonly frames: number, readonly bands: number) {}

  write(rowStart: number, rows: Float32Array): void {
    writeAllSync(this.fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength), rowStart * this.bands * 4);
  }

  rows(start: number, count: number): Float32Array {
    if (this.block.length < count * this.bands) this.block = new Float32Array(count * this.bands);
    const view = this.block.subarray(0, count * this.bands);
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let done = 0; done < bytes.length;) done += readSync(this.fd, bytes, done, bytes.length - done, start * this.bands * 4 + done);
    return view;
  }

  close(): void {
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Blocks of floats kept in a private temporary file in the order they come and read back in that order
 * (removed by close()): what a recording-wide scale needs from every chunk before it can be applied.
 */
export class FloatSpool {
  private readonly dir = mkdtempSync(join(tmpdir(), 'lungcam-spool-'));
  private readonly fd = openSync(join(this.dir, 'blocks.f32'), 'w+', 0o600);
  private written = 0;
  private read = 0;

  append(values: Float32Array): void {
    writeAllSync(this.fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength), this.written);
    this.written += values.byteLength;
  }

  /** The next `count` values (a fresh array). */
  next(count: number): Float32Array {
    const out = new Float32Array(count);
    const bytes = new Uint8Array(out.buffer);
    for (let done = 0; done < bytes.length;) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, this.read + done);
      if (n === 0) throw new Error('read past the end of the spooled maps');
      done += n;
    }
    this.read += bytes.length;
    return out;
  }

  close(): void {
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const BLOCK_ROWS = 4096;

/** Each block of rows in order. */
export function forEachBlock(map: MapRows, visit: (start: number, rows: Float32Array, count: number) => void): void {
  for (let start = 0; start < map.frames; start += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, map.frames - start);
    visit(start, map.rows(start, count), count);
  }
}

/** summariseCam's numbers (attentionByBand/Time, the share above the attention threshold, topRegions) from the map's blocks: two passes. */
export function summariseRows(map: MapRows, axes: Pick<FeatureAxes, 'hopSeconds' | 'bandCentersHz' | 'bandEdgesHz'>, attentionThresholdHz: number | null): CamSummary {
  const { frames, bands } = map;
  const byBand = new Float64Array(bands);
  const byTime = new Float64Array(frames);
  let max = 0;
  let total = 0;
  forEachBlock(map, (start, rows, count) => {
    for (let r = 0; r < count; r++) {
      let s = 0;
      for (let b = 0; b < bands; b++) {
        const v = rows[r * bands + b];
        byBand[b] += v;
        s += v;
        if (v > max) max = v;
        total += v;
      }
      byTime[start + r] = bands > 0 ? s / bands : 0;
    }
  });
  if (frames > 0) for (let b = 0; b < bands; b++) byBand[b] /= frames;
  const finder = new RegionFinder(bands, 0.5 * max);
  if (max > 0) forEachBlock(map, (_start, rows, count) => { for (let r = 0; r < count; r++) finder.addRow(rows.subarray(r * bands, (r + 1) * bands)); });
  return {
    attentionByBand: Array.from(byBand),
    attentionByTime: Array.from(byTime),
    aboveThreshold: attentionThresholdHz === null ? null : shareAboveCutoff(byBand, axes.bandCentersHz, attentionThresholdHz),
    topRegions: max > 0 ? finder.regions(axes, total, 3) : [],
  };
}
