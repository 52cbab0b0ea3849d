// `lungcam gradcam` end to end in a child process, on a small saved model: every output format, alignment
// with `lungcam features`, localisation from events.json, and one-line errors that list the valid choices.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertOneLineError, runLungcam } from '../cliHarness';
import { pcm16Wav, sine } from '../audio/wavBuilder';
import { decodeNpy } from '../../../kernels/engine/io/npy';
import { initBackend } from '../../../kernels/engine/model/backend';
import { buildModel, convLayerNames, CLASSES } from '../../../kernels/engine/model/model';
import { MODEL_FORMAT, saveModel } from '../../../kernels/engine/model/modelIO';

const PARAMS = { fmin: 100, fmax: 2000, bands: 32, bandCutoffHz: null };
let dir: string;
let modelDir: string;
let wav: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lungcam-gradcam-'));
  await initBackend('wasm', { quiet: true });
  const model = buildModel({ filters: [4, 8], seed: 2, bands: 32 });
  modelDir = path.join(dir, 'model');
  await saveModel(modelDir, model, {
    format: MODEL_FORMAT, name: 'tiny', classes: [...CLASSES], featureParams: PARAMS, inputBands: 32, convLayers: convLayerNames(model),
    architecture: { filters: [4, 8], batchNorm: true, inputNorm: false }, training: {} as never, data: {}, metrics: {}, backend: 'wasm', created: 'test',
  });
  // 2.5 s: a 300 Hz tone with a 1 kHz burst from 1.0 to 1.4 s (an "event").
  const x = sine(300, 2.5, 16000, 0.3);
  const burst = sine(1000, 0.4, 16000, 0.3);
  for (let i = 0; i < burst.length; i++) x[16000 + i] += burst[i];
  wav = path.join(dir, 'rec.wav');
  writeFileSync(wav, pcm16Wav(x));
  writeFileSync(path.join(dir, 'rec.events.json'), JSON.stringify({ events: [{ type: 'wheeze', startSeconds: 1.0, endSeconds: 1.4, lowHz: 900, highHz: 1100 }] }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const gradcam = (out: string, ...extra: string[]) => runLungcam(['gradcam', wav, '--model', modelDir, '--out', path.join(dir, out), '--quiet', ...extra], { timeoutMs: 120_000 });

describe('lungcam gradcam', () => {
  it('JSON: the map is aligned frame for frame with `lungcam features`, with axes, parameters and probabilities', () => {
    const r = gradcam('a.json', '--class', 'wheeze', '--faithfulness');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8'));
    const f = runLungcam(['features', wav, '--fmin', '100', '--fmax', '2000', '--bands', '32', '--out', path.join(dir, 'f.json'), '--quiet']);
    assert.equal(f.code, 0, f.stderr);
    const feat = JSON.parse(readFileSync(path.join(dir, 'f.json'), 'utf8'));
    assert.equal(doc.frames, feat.frames);
    assert.equal(doc.map.length, feat.frames);
    assert.equal(doc.map[0].length, feat.bands);
    assert.deepEqual(doc.bandCentersHz, feat.bandCentersHz);
    assert.equal(doc.hopSeconds, 0.01);
    assert.deepEqual(doc.params, PARAMS);
    assert.equal(doc.class, 'wheeze');
    assert.equal(doc.method, 'gradcam');
    assert.deepEqual(doc.layers, ['conv2']);
    assert.equal(doc.probabilities.length, doc.patches.count);
    for (const p of doc.probabilities) assert.ok(Math.abs(p.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-4);
    assert.ok(doc.map.flat().every((v: number) => v >= 0 && v <= 1));
    assert.equal(doc.localisation.events.length, 1, 'events.json beside the WAV is scored');
    assert.ok(Number.isFinite(doc.localisation.meanRatio));
    assert.ok(doc.faithfulness.deletion.cam.auc >= 0 && doc.faithfulness.insertion.random.auc >= 0);
    assert.equal(doc.summary.attentionByBand.length, 32);
  });

  it('NPY is the same [frames, bands] map; --raw gives unnormalised values', () => {
    assert.equal(gradcam('a.npy', '--class', 'wheeze').code, 0);
    const npy = decodeNpy(readFileSync(path.join(dir, 'a.npy')));
    const doc = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8'));
    assert.deepEqual(npy.shape, [doc.frames, 32]);
    for (let i = 0; i < npy.data.length; i += 97) assert.ok(Math.abs(npy.data[i] - doc.map[Math.floor(i / 32)][i % 32]) < 1e-5);
    // LayerCAM (relu(G)·A ≥ 0) so the untrained model's map is not all zero.
    assert.equal(gradcam('norm.npy', '--method', 'layercam', '--normalise', 'patch').code, 0);
    assert.equal(gradcam('raw.npy', '--method', 'layercam', '--raw').code, 0);
    const norm = decodeNpy(readFileSync(path.join(dir, 'norm.npy')));
    const raw = decodeNpy(readFileSync(path.join(dir, 'raw.npy')));
    assert.equal(raw.data.length, norm.data.length);
    assert.ok(Math.max(...norm.data) > 0.9, 'normalised map reaches 1 in some patch');
    assert.ok(raw.data.some((v, i) => Math.abs(v - norm.data[i]) > 1e-4), 'raw differs from normalised');
  });

  it('--normalise patch | recording | classes: different maps in 0..1, the JSON and the figure say which', () => {
    const values = (f: string) => decodeNpy(readFileSync(path.join(dir, f))).data;
    for (const how of ['patch', 'recording', 'classes']) assert.equal(gradcam(`n-${how}.npy`, '--method', 'layercam', '--normalise', how).code, 0);
    const [patch, recording, classes] = ['patch', 'recording', 'classes'].map((h) => values(`n-${h}.npy`));
    for (const m of [patch, recording, classes]) assert.ok(m.every((v) => v >= -1e-6 && v <= 1 + 1e-6), 'values 0..1');
    assert.ok(Math.max(...patch) > 0.9 && Math.max(...recording) > 0.9, 'per patch and per recording reach 1 somewhere');
    assert.ok(patch.some((v, i) => Math.abs(v - recording[i]) > 1e-3), 'per patch differs from per recording');
    assert.ok(classes.some((v, i) => Math.abs(v - recording[i]) > 1e-3), 'across classes differs from per recording');
    assert.equal(gradcam('n.json', '--method', 'layercam', '--normalise', 'recording').code, 0);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'n.json'), 'utf8')).normalisation, 'recording');
    assert.equal(gradcam('n.svg', '--method', 'layercam', '--normalise', 'patch').code, 0);
    assert.match(readFileSync(path.join(dir, 'n.svg'), 'utf8'), /Normalised per patch \(pytorch-grad-cam\)/);
    const bad = gradcam('x.npy', '--normalise', 'image');
    assert.equal(bad.code, 2);
    assert.match(assertOneLineError(bad), /--normalise.*classes, recording, patch/);
  });

  it('an annotated recording: the figure draws the cycle lane and says how many cycles are wrong', () => {
    const annotated = path.join(dir, 'cyc.wav');
    writeFileSync(annotated, readFileSync(wav));
    writeFileSync(path.join(dir, 'cyc.txt'), '0.1\t1.2\t0\t1\n1.2\t2.4\t0\t0\n');
    const r = runLungcam(['gradcam', annotated, '--model', modelDir, '--out', path.join(dir, 'cyc.svg'), '--quiet'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(path.join(dir, 'cyc.svg'), 'utf8');
    assert.ok(svg.includes('class="cycle-lane"'), 'the lane');
    assert.equal((svg.match(/<g class="cycle (right|wrong)">/g) ?? []).length, 2, 'both cycles, each right or wrong');
    const has = (re: RegExp, what: string) => assert.ok(re.test(svg), `${what}: ${re}`);
    has(/of 2 cycles wrong|All 2 cycles right/, 'the summary line');
    has(/Cycle 1, 0\.10–1\.20 s · annotated wheeze · predicted [\w+]+ \(p 0\.\d\d\) · (right|wrong)/, 'each cycle\'s hover text');
    has(/Normalised across classes × probability/, 'the normalisation is named');
    const r2 = runLungcam(['gradcam', annotated, '--model', modelDir, '--out', path.join(dir, 'cyc.json'), '--quiet'], { timeoutMs: 120_000 });
    assert.equal(r2.code, 0, r2.stderr);
    const doc = JSON.parse(readFileSync(path.join(dir, 'cyc.json'), 'utf8'));
    assert.deepEqual(doc.annotations.cycles.map((c: { label: string }) => c.label), ['wheeze', 'normal']);
    assert.equal(doc.annotations.source.format, 'icbhi');
  });

  it('PNG, SVG and a self-contained HTML page', () => {
    assert.equal(gradcam('a.png', '--layer', 'conv1,conv2').code, 0);
    const png = readFileSync(path.join(dir, 'a.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.readUInt32BE(16) > 400 && png.readUInt32BE(20) > 200, 'a figure-sized image');
    assert.equal(gradcam('a.svg', '--method', 'gradcam++').code, 0);
    const svg = readFileSync(path.join(dir, 'a.svg'), 'utf8');
    for (const s of ['time (s)', 'frequency (Hz)', 'data:image/png;base64,', 'cam-bar', 'class="event wheeze"']) assert.ok(svg.includes(s), s);
    assert.equal(gradcam('a.html').code, 0);
    const html = readFileSync(path.join(dir, 'a.html'), 'utf8');
    assert.ok(!/<script[^>]+src=/.test(html) && !/https?:\/\/(?!www\.w3\.org)[^"'\s]*\.(js|css)/.test(html), 'nothing loaded from elsewhere');
    assert.ok(html.includes('LungcamPage.showCamPage('), 'the notebook renderer\'s CAM view is inlined');
    const data = JSON.parse(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]);
    assert.equal(data.kind, 'cam');
    assert.deepEqual(Object.keys(data.maps), ['conv1', 'conv2']);
    assert.deepEqual(Object.keys(data.maps.conv1), [...CLASSES]);
  });

  it('the HTML page works offline in a browser: the renderer\'s view, no script errors, hover read-out, class switch redraws', { skip: existsSync('/usr/bin/chromium') ? false : 'no chromium' }, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      await page.goto('file://' + path.join(dir, 'a.html'));
      const box = (await page.locator('rect.lc-hit').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      assert.match((await page.textContent('.lc-readout')) ?? '', /^\d+\.\d\d s · \d+ Hz \(band \d+\) · log-mel -?\d+\.\d\d · CAM \d\.\d\d \(raw [^)]+\) · patch \d+/);
      assert.match((await page.textContent('.lc-host > .lc-reason')) ?? '', /Method: gradcam\. A saved page/, 'no host to recompute: the page says how');
      // A class whose map differs from the one shown (an untrained model has some all-zero maps).
      const html = readFileSync(path.join(dir, 'a.html'), 'utf8');
      const data = JSON.parse(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]);
      const shown = data.maps[data.defaultLayer];
      const other = data.classes.find((c: string) => shown[c].map.u8 !== shown[data.defaultClass].map.u8);
      assert.ok(other, 'some class has a different map');
      const checksum = () => page.evaluate(() => {
        const c = document.querySelector('canvas.lc-cam-overlay') as HTMLCanvasElement;
        return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.reduce((s, v, i) => (s + v * ((i % 97) + 1)) % 1e9, 0);
      });
      const before = await checksum();
      const dropdown = page.locator('vscode-dropdown[data-control="class"]');
      await dropdown.click();
      await dropdown.locator(`vscode-option[value="${other}"]`).click();
      await page.waitForFunction((c) => (document.querySelector('.lc-cam') as HTMLElement).dataset.className === c, other);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      assert.notEqual(await checksum(), before, 'another class, another picture');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  it('wrong layer, class, method or output: one line listing the valid choices, exit 2, no file', () => {
    const cases: [string[], RegExp][] = [
      [['--layer', 'conv9'], /unknown layer "conv9"; valid conv layers: conv1, conv2$/],
      [['--layer', 'logits'], /layer "logits" is not a convolution layer; valid conv layers: conv1, conv2$/],
      [['--class', 'stridor'], /unknown class "stridor"; valid classes: normal, crackle, wheeze, both$/],
      [['--method', 'gradcam3'], /unknown method "gradcam3"; valid methods: gradcam, gradcam\+\+, xgradcam, hirescam, layercam, eigencam, scorecam$/],
    ];
    for (const [args, message] of cases) {
      const before = readdirSync(dir).length;
      const r = gradcam('bad.json', ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(assertOneLineError(r), message);
      assert.ok(!existsSync(path.join(dir, 'bad.json')));
      assert.equal(readdirSync(dir).length, before, 'no temp files left');
    }
    const r = gradcam('bad.txt');
    assert.equal(r.code, 2);
    assert.match(assertOneLineError(r), /must end in \.json, \.npy, \.png, \.svg, \.html/);
    const m = gradcam('bad.json', '--bands', '64');
    assert.equal(m.code, 2);
    assert.match(assertOneLineError(m), /does not match the model/);
  });
});
