// Names the manifest (package.json) repeats from the code must agree with the one place the code
// declares them: a setting that offered a method, colour map or backend the engine does not know would
// fail only when a user picked it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CAM_METHODS } from '../../kernels/shared/view/methods';
import { CAM_COLORMAPS } from '../../kernels/shared/view/colormaps';
import { KERNELSPEC, NOTEBOOK_TYPE } from '../../kernels/shared/notebook';
import { BACKEND_PREFERENCES } from '../../kernels/engine/types';
import { defaultNotebookMetadata } from '../../extension/nbformat';
import { KERNEL_NAME } from '../../kernels/cli/jupyterInstall';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const setting = (name: string) => pkg.contributes.configuration.properties[name];

test('the lungcam.method, lungcam.colormap and lungcam.backend settings offer what the code knows', () => {
  assert.deepEqual(setting('lungcam.method').enum, [...CAM_METHODS]);
  assert.deepEqual(setting('lungcam.colormap').enum, [...CAM_COLORMAPS]);
  assert.deepEqual(setting('lungcam.backend').enum, [...BACKEND_PREFERENCES]);
});

test('one notebook type and one kernelspec: the one jupyter-install registers is the one new notebooks name', () => {
  assert.deepEqual(
    pkg.contributes.notebooks.map((n: { type: string }) => n.type),
    [NOTEBOOK_TYPE],
  );
  assert.equal(KERNEL_NAME, KERNELSPEC.name);
  assert.deepEqual(defaultNotebookMetadata().kernelspec, { ...KERNELSPEC });
});
