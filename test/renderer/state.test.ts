// The CAM view's choices and geometry as plain functions (no browser): what a new output opens on, how
// the time window stays inside the recording, what the keys do, and where the rows sit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedKeys, clampWindow, fitToOutput, initialState, windowForKey } from '../../webview/renderer/cam/state';
import { camLayout } from '../../webview/renderer/cam/layout';
import { makeCamOutput } from './fixtures';

test("a new view opens on the output's default layer and class; a long recording on its first 30 s", () => {
  const output = makeCamOutput({ durationSeconds: 600 });
  const s = fitToOutput(initialState(undefined, 'magma'), output, false);
  assert.equal(s.layer, output.defaultLayer);
  assert.equal(s.className, output.defaultClass);
  assert.equal(s.colormap, 'magma');
  assert.deepEqual(s.window, [0, 30]);
  const short = fitToOutput(initialState(undefined, undefined), makeCamOutput({ durationSeconds: 20 }), false);
  assert.equal(short.colormap, 'viridis');
  assert.ok(Math.abs(short.window[1] - 19.98) < 1e-9, `a 20 s recording is shown whole: ${short.window}`);
});

test('choices the output cannot show give way to its defaults; a window it still holds is kept', () => {
  const output = makeCamOutput({ durationSeconds: 60 });
  const restored = { ...initialState(undefined, 'jet'), layer: 'conv1', className: 'nope', attentionThresholdHz: 99999, window: [10, 20] as [number, number] };
  const s = fitToOutput(restored, output, true);
  assert.equal(s.layer, 'conv1', 'a layer the output has is kept');
  assert.equal(s.className, output.defaultClass, 'an unknown class falls back to the default');
  assert.ok(s.attentionThresholdHz <= output.axes.bandEdgesHz[output.axes.bands], `threshold inside the bands: ${s.attentionThresholdHz}`);
  assert.deepEqual(s.window, [10, 20]);
  const tooLate = fitToOutput({ ...restored, window: [100, 130] }, output, true);
  assert.deepEqual(tooLate.window, [0, output.axes.frames * output.axes.hopSeconds], 'a window past the end is not kept');
});

test('the window stays inside the recording and at least 1 s long; keys pan and zoom it', () => {
  const axes = makeCamOutput({ durationSeconds: 60 }).axes;
  const total = axes.frames * axes.hopSeconds;
  assert.deepEqual(clampWindow(axes, -5, 5), [0, 10]);
  assert.deepEqual(clampWindow(axes, total - 2, total + 8), [total - 10, total]);
  assert.deepEqual(clampWindow(axes, 3, 3.2), [3, 4], 'at least one second');
  assert.deepEqual(windowForKey('ArrowRight', [10, 20], axes), [12, 22]);
  assert.deepEqual(windowForKey('+', [10, 20], axes), [12.5, 17.5]);
  assert.deepEqual(windowForKey('-', [10, 20], axes), [5, 25]);
  assert.deepEqual(windowForKey('0', [10, 20], axes), [0, total]);
  assert.equal(windowForKey('x', [10, 20], axes), null);
});

test('changedKeys names only what differs (the window by its ends)', () => {
  const s = initialState(undefined, 'viridis');
  assert.deepEqual(changedKeys(s, { colormap: 'viridis', opacity: 0.3, window: [0, 1] }), ['opacity']);
  assert.deepEqual(changedKeys(s, { window: [0, 2] }), ['window']);
});

test('rows stack top to bottom; the overview rows only for recordings over 15 s', () => {
  const short = camLayout(1000, 10);
  const long = camLayout(1000, 600);
  assert.equal(short.rows.overview, undefined);
  assert.ok(long.rows.overview && long.rows.overviewAxis);
  assert.equal(long.height - short.height, long.rows.overview!.height + long.rows.overviewAxis!.height);
  const order = ['strip', 'cycles', 'map', 'timeProfile', 'timeAxis'] as const;
  for (let i = 1; i < order.length; i++) {
    const above = long.rows[order[i - 1]];
    assert.ok(long.rows[order[i]].top >= above.top + above.height, `${order[i]} under ${order[i - 1]}`);
  }
  assert.ok(long.bandProfileX > long.plotWidth && long.colorBarsX > long.bandProfileX, 'band profile, then colour bars, right of the map');
  assert.ok(camLayout(100, 10).width >= 560 && camLayout(5000, 10).width <= 1600, 'width within 560–1600 px');
});
