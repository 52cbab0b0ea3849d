// A long recording's figure gathers its map into the plot's columns as the CAM streams out (PlotColumns in
// kernels/shared/view/figure.ts) instead of holding the whole map: the picture must be the one the whole
// map gives, pixel for pixel, whatever the chunk sizes, and the raw colour bar must reach the same top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout, plotRaster, plotWidth, PlotColumns, type CamFigure } from '../../../kernels/shared/view/figure';

function figure(frames: number, bands: number, map: CamFigure['map']): CamFigure {
  const logMel = Float32Array.from({ length: frames * bands }, (_, i) => Math.sin(i * 0.37) * 3 - 5);
  return {
    title: 't', logMel: { data: logMel, frames, bands }, map, hopSeconds: 0.01,
    bandCentersHz: Array.from({ length: bands }, (_, b) => 125 + b * 100), valueRange: [0, 1], valueLabel: 'attention',
  };
}

test('the plot of a map gathered column by column equals the plot of the whole map, whatever the chunks', () => {
  for (const frames of [1201, 3000, 36_017]) {
    const bands = 16;
    let seed = frames;
    const map = Float32Array.from({ length: frames * bands }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32));
    const columns = new PlotColumns(frames, bands);
    for (let row = 0, chunk = 1; row < frames; row += chunk, chunk = (chunk * 7 + 3) % 500 + 1) {
      const n = Math.min(chunk, frames - row);
      columns.add(row, map.subarray(row * bands, (row + n) * bands));
    }
    const whole = figure(frames, bands, { data: map, frames, bands });
    const gathered = figure(frames, bands, columns.grid());
    const { plot } = layout(whole);
    assert.equal(plot.w, plotWidth(frames));
    assert.deepEqual(layout(gathered).plot, plot, 'the same geometry');
    assert.deepEqual(plotRaster(gathered, plot.w, plot.h), plotRaster(whole, plot.w, plot.h), `${frames} frames: the same pixels`);
    assert.equal(columns.max, map.reduce((a, b) => Math.max(a, b), 0), 'the largest value, for a raw colour bar');
  }
});

test('a recording no longer than its plot is wide is drawn from its whole map: PlotColumns refuses it', () => {
  assert.throws(() => new PlotColumns(1200, 64), /1200 frames fit the plot's 1200 columns/);
  assert.throws(() => new PlotColumns(300, 64), /fit the plot/);
});
