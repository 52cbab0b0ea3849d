// The generated files (WebAssembly kernels as base64 modules, winograd.wat) hold exactly what their
// sources give: a .wat edited without `npm run generate` would ship a kernel its source does not describe.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('every generated file matches its sources (npm run check:generated)', async () => {
  const { generatedFiles, staleFiles } = await import('../../scripts/wasm/generated.mjs');
  assert.ok((await generatedFiles()).size >= 10, 'the kernels and winograd.wat are all covered');
  assert.deepEqual(await staleFiles(), [], 'run npm run generate and commit the result');
});
