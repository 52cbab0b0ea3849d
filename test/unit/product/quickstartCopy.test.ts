/**
 * Open the Quickstart Notebook copies the shipped quickstart and its recordings into the extension's
 * storage: the copy runs there (its WAV path resolves, its model is named portably), and a copy the user
 * has edited is opened as it is, never overwritten.
 */
import { test } from 'node:test';
import * as assert from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../cliHarness';
import { copyQuickstart } from '../../../extension/quickstartCopy';

const SAMPLES = path.join(repoRoot, 'samples');

test('the quickstart copy holds the notebook and the recording its first cell reads; its model is named portably', (t) => {
  const dest = mkdtempSync(path.join(tmpdir(), 'lungcam-quickstart-'));
  t.after(() => rmSync(dest, { recursive: true, force: true }));
  const notebook = copyQuickstart(SAMPLES, dest);
  assert.strictEqual(notebook, path.join(dest, 'notebooks', 'quickstart.lungnb'));
  const text = readFileSync(notebook, 'utf8');
  assert.strictEqual(text, readFileSync(path.join(SAMPLES, 'notebooks', 'quickstart.lungnb'), 'utf8'), 'the shipped notebook, outputs and all');
  const wav = /const wavPath = \\"([^"\\]+)\\"/.exec(text)?.[1];
  assert.ok(wav, 'the notebook names its recording');
  assert.ok(existsSync(path.resolve(path.dirname(notebook), wav!)), `${wav} resolves in the copy`);
  for (const m of text.matchAll(/lc\.loadModel\(\\"([^"\\]+)\\"\)/g)) assert.ok(!/[\\/]/.test(m[1]), `the model is named, not a path into the package: ${m[1]}`);
});

test('a copy the user edited is kept; only missing files are copied again', (t) => {
  const dest = mkdtempSync(path.join(tmpdir(), 'lungcam-quickstart-'));
  t.after(() => rmSync(dest, { recursive: true, force: true }));
  const notebook = copyQuickstart(SAMPLES, dest);
  writeFileSync(notebook, '{"edited": true}');
  const wav = path.join(dest, 'wav', 'S003_1b1_Lr_sc_SYNTH.wav');
  rmSync(wav);
  assert.strictEqual(copyQuickstart(SAMPLES, dest), notebook);
  assert.strictEqual(readFileSync(notebook, 'utf8'), '{"edited": true}', 'the user\'s notebook stays as they left it');
  assert.ok(existsSync(wav), 'a recording deleted from the copy comes back');
});

test('a package without its quickstart says so in one line', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'lungcam-no-samples-'));
  try {
    assert.throws(() => copyQuickstart(empty, path.join(empty, 'dest')), /the shipped quickstart is missing .*: reinstall LungCAM/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
