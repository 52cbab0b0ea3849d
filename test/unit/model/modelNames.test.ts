// Models by portable name (kernels/engine/model/modelNames.ts): what a notebook writes survives being
// shared, moved or an extension upgrade, and a name that matches nothing says what exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isModelName, portableModelRef, resolveModelDir, shippedModelNames } from '../../../kernels/engine/model/modelNames';
import { readModelMetadata } from '../../../kernels/engine/model/modelIO';
import { isInputError } from '../../../kernels/engine/errors';

const repoRoot = path.resolve(__dirname, '../../..');
const shipped = path.join(repoRoot, 'samples', 'models');

test('a shipped model by name, a folder by a path relative to where the cell runs', () => {
  assert.ok(shippedModelNames().includes('baseline'));
  assert.equal(resolveModelDir('baseline'), path.join(shipped, 'baseline'));
  assert.equal(readModelMetadata('baseline').classes.length, 4, 'loading by name reads the shipped folder');
  const base = mkdtempSync(path.join(tmpdir(), 'lungcam-names-'));
  try {
    mkdirSync(path.join(base, 'mine'));
    writeFileSync(path.join(base, 'mine', 'metadata.json'), '{}');
    assert.equal(resolveModelDir('./mine', base), path.join(base, 'mine'));
    assert.equal(resolveModelDir('mine', base), path.join(base, 'mine'), 'a bare name that is no shipped model: a folder there');
    assert.equal(resolveModelDir('../x', path.join(base, 'mine')), path.join(base, 'x'));
    assert.throws(() => resolveModelDir('nosuch', base), (e: Error) => isInputError(e) && /no model called "nosuch": the shipped models are .*baseline.*; for your own model give its folder as a path/.test(e.message));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  for (const [ref, name] of [['baseline', true], ['./m', false], ['../m', false], ['/abs/m', false], ['a/b', false], ['.hidden', false]] as const) {
    assert.equal(isModelName(ref), name, ref);
  }
});

test('how a notebook names a model: shipped by name, nearby relatively, elsewhere absolutely', () => {
  assert.equal(portableModelRef(path.join(shipped, 'baseline'), '/data/notebooks'), 'baseline');
  assert.equal(portableModelRef('/data/notebooks/models/m', '/data/notebooks'), './models/m');
  assert.equal(portableModelRef('/data/models/m', '/data/notebooks'), '../models/m');
  assert.equal(portableModelRef('/opt/a/b/c/m', '/data/notebooks'), '/opt/a/b/c/m');
});
