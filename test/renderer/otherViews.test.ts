// The audio, spectrogram and predictions views in Chromium: what they show, and screenshots to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MIME } from '../../kernels/shared/outputTypes';
import { ARTIFACTS, openPage, render } from './harness';
import { browserPerFile } from './browserPerFile';
import { makeAudioOutput, makePredictionsOutput, makeSpectrogramOutput } from './fixtures';

const browser = browserPerFile();

test('spectrogram, audio and predictions views render with axes, player and numbers (light and dark)', async () => {
  for (const theme of ['light', 'dark'] as const) {
    const page = await openPage(browser(), theme);
    const spec = await render(page, MIME.spectrogram, makeSpectrogramOutput({ durationSeconds: 12 }));
    const audio = await render(page, MIME.audio, makeAudioOutput({ durationSeconds: 4 }));
    const pred = await render(page, MIME.predictions, makePredictionsOutput({ durationSeconds: 12 }));
    const seen = await page.evaluate(([s, a, p]) => {
      const q = (id: string, sel: string) => [...document.getElementById(id)!.querySelectorAll(sel)];
      const canvas = q(s, 'canvas')[0] as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let lit = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 60) lit++;
      return {
        specTitles: q(s, '.lc-axis-title').map((t) => t.textContent),
        specLit: lit / (d.length / 4),
        audioSrc: (q(a, 'audio')[0] as HTMLAudioElement | undefined)?.src.slice(0, 22),
        audioTicks: q(a, '.lc-axis-time .tick').length,
        predRows: q(p, 'table tr').length,
        predBars: q(p, 'svg rect').length,
        predTitle: q(p, '.lc-title')[0].textContent,
      };
    }, [spec.id, audio.id, pred.id] as const);
    assert.deepEqual(seen.specTitles, ['Frequency (Hz)', 'Time (s)']);
    assert.ok(seen.specLit > 0.2, `the spectrogram is drawn (${seen.specLit})`);
    assert.equal(seen.audioSrc, 'data:audio/wav;base64,');
    assert.ok(seen.audioTicks >= 3);
    assert.equal(seen.predRows, 1 + 13, 'header + one row per patch');
    assert.ok(seen.predBars >= 4 + 13 * 4, 'class bars + stacked patch cells');
    assert.match(seen.predTitle!, /\((0\.\d\d)\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, `views-${theme}.png`), fullPage: true });
    await page.context().close();
  }
});
