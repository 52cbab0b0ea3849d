/**
 * `lungcam view` (what Quick Analysis and renderer recomputation run) and the analysis notebook that
 * Open WAV File in Notebook writes: the outputs the renderer gets, bad input as one line, and cells that
 * name the right files.
 */
import { describe, it, after } from 'node:test';
import * as assert from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runLungcam } from '../cliHarness';
import { analysisNotebook, cellPath, notebookPathFor } from '../../../extension/analysisNotebook';
import { joinSource } from '../../../extension/nbformat';

const wav = path.join(repoRoot, 'samples', 'wav', 'S003_1b1_Lr_sc_SYNTH.wav');
const model = path.join(repoRoot, 'samples', 'models', 'baseline');
const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-view-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lungcam view', () => {
  it('writes the spectrogram, predictions and CAM (every layer × class) with the requestId and method', () => {
    const out = path.join(dir, 'v.json');
    const r = runLungcam(['view', wav, '--model', model, '--out', out, '--method', 'gradcam++', '--request-id', 'abc'], { timeoutMs: 120_000 });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /progress: computing Grad-CAM/);
    const v = JSON.parse(readFileSync(out, 'utf8'));
    assert.strictEqual(v.spectrogram.kind, 'spectrogram');
    assert.strictEqual(v.predictions.kind, 'predictions');
    assert.strictEqual(v.cam.kind, 'cam');
    assert.strictEqual(v.cam.method, 'gradcam++');
    assert.strictEqual(v.cam.requestId, 'abc');
    assert.strictEqual(v.cam.source.fileName, 'S003_1b1_Lr_sc_SYNTH.wav');
    for (const layer of v.cam.layers) assert.deepStrictEqual(Object.keys(v.cam.maps[layer]).sort(), [...v.cam.classes].sort(), `${layer}: a map per class`);
    assert.ok(v.cam.annotations?.events?.length > 0, 'the ground-truth events beside the WAV are included');
    assert.strictEqual(v.predictions.label, v.predictions.classes[v.predictions.recordingProbabilities.indexOf(Math.max(...v.predictions.recordingProbabilities))]);
  });

  it('a text file: one line, exit 2, no output; a cutoff outside the model\'s band: names the valid range', () => {
    const notWav = path.join(dir, 'notes.wav');
    writeFileSync(notWav, 'not audio\n');
    const out = path.join(dir, 'bad.json');
    const r = runLungcam(['view', notWav, '--model', model, '--out', out]);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr.trim().split('\n').pop()!, /^lungcam: .*notes\.wav.*not a WAV/);
    // (a cutoff inside the band is answered: the what-if, test/unit/cutoff/cli-cutoff.test.ts)
    const c = runLungcam(['view', wav, '--model', model, '--out', out, '--cutoff', '99999']);
    assert.strictEqual(c.code, 2);
    assert.match(c.stderr, /99999 Hz is outside the band: model \S+ answers cutoffs above [\d.]+ Hz \(its lowest band centre\) up to [\d.]+ Hz/);
    assert.ok(!existsSync(out));
    assert.deepStrictEqual(readdirSync(dir).filter((f) => f.includes('bad')), [], 'no temp file left');
  });
});

describe('the analysis notebook of Open WAV File in Notebook', () => {
  it('names the WAV relative to the notebook, a shipped model by its name, a nearby one relatively, another by its path', () => {
    const nbPath = '/data/rec/a.lungnb';
    const cells = (modelDir: string, method?: string) => analysisNotebook({ wavPath: '/data/rec/a.wav', notebookPath: nbPath, modelDir, method })
      .cells.filter((c) => c.cell_type === 'code').map((c) => joinSource(c.source));
    const code = cells(model, 'layercam');
    assert.strictEqual(code.length, 4);
    assert.match(code[0], /const wavPath = "\.\/a\.wav";/);
    assert.match(code[1], /lc\.loadModel\("baseline"\)/, 'the shipped model by name: survives sharing and upgrades');
    assert.match(code[2], /lc\.readRecordingAnnotations\(wavPath\)/, 'the annotations beside the recording');
    assert.match(code[2], /lc\.classifyLogMel\(model, logMel, truth\)/);
    // `prediction: prediction`, not the shorthand: tslab does not rewrite shorthand properties to its cell variables
    assert.match(code[3], /lc\.recordingCam\(model, logMel, \{ everything: true, prediction: prediction, method: "layercam" \}\)/, 'the cycle lane goes into the Grad-CAM view');
    assert.doesNotMatch(code[1], /lc\.show\(logMel\)/, 'the spectrogram is kept once, in the Grad-CAM view');
    assert.match(cells('/data/rec/models/m')[1], /lc\.loadModel\("\.\/models\/m"\)/);
    assert.match(cells('/opt/elsewhere/m')[1], /lc\.loadModel\("\/opt\/elsewhere\/m"\)/);
    assert.ok(!code.join('\n').includes(repoRoot), 'no path inside the installed extension');
    assert.strictEqual((analysisNotebook({ wavPath: '/data/rec/a.wav', notebookPath: nbPath, modelDir: model }).metadata.kernelspec as { name: string }).name, 'lungcam');
  });

  it('cellPath and free notebook names', () => {
    assert.strictEqual(cellPath('/a/b/models/m', '/a/b/n.lungnb', 0), './models/m');
    assert.strictEqual(cellPath('/a/models/m', '/a/b/n.lungnb', 0), '/a/models/m');
    assert.strictEqual(cellPath('/a/x.wav', '/a/b/n.lungnb'), '../x.wav');
    const taken = new Set(['/r/a.lungnb', '/r/a-2.lungnb']);
    assert.strictEqual(notebookPathFor('/r/a.wav', (p) => taken.has(p)), '/r/a-3.lungnb');
  });
});
