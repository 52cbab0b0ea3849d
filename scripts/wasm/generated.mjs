// Every generated file of the repository and the text it must hold, computed from its sources: the
// Winograd kernel's text (winograd.wat, from its transform matrices) and each WebAssembly kernel's
// <name>Wasm.ts (its binary as base64, assembled from <name>.wat). `npm run generate` writes them;
// `npm run check:generated` (and a unit test) fails when a committed one differs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelModules, plainModule } from '../lib/wasm-kernels.mjs';
import { winogradWat } from './winogradWat.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ACCEL = 'kernels/engine/accel';
const GENERATOR = 'scripts/generate.mjs';

/** Map of repository path → generated text. */
export async function generatedFiles() {
  const files = new Map();
  const winograd = `${ACCEL}/conv/winograd.wat`;
  files.set(winograd, winogradWat());
  const watIn = (dir) => (name) => files.get(`${dir}/${name}.wat`) ?? readFileSync(path.join(root, dir, `${name}.wat`), 'utf8');
  // Conv and training kernels: shared and plain memory, and relaxed-SIMD multiply-add variants where
  // conv/kernelThreads.ts uses them (the number is how many multiply-adds each must fuse).
  const conv = await kernelModules(
    GENERATOR,
    [
      ['convFilterGrad', 'CONV_FILTER_GRAD', 8],
      ['convForward', 'CONV_FORWARD', 8],
      ['trainOps', 'TRAIN_OPS', 0],
      ['winograd', 'WINOGRAD', 16],
    ],
    watIn(`${ACCEL}/conv`),
  );
  for (const [name, text] of conv) files.set(`${ACCEL}/conv/${name}Wasm.ts`, text);
  // Grad-CAM kernels: shared and plain memory.
  const cam = await kernelModules(
    GENERATOR,
    [
      ['camProduct', 'CAM_PRODUCT', 0],
      ['binaryFilterGrad', 'BINARY_FILTER_GRAD', 0],
    ],
    watIn(`${ACCEL}/cam`),
  );
  for (const [name, text] of cam) files.set(`${ACCEL}/cam/${name}Wasm.ts`, text);
  // Audio kernels: a memory of their own.
  for (const [name, constant] of [
    ['fft512', 'FFT512_WASM_BASE64'],
    ['resample', 'RESAMPLE_WASM_BASE64'],
    ['pcm16', 'PCM16_WASM_BASE64'],
  ]) {
    files.set(`${ACCEL}/audio/${name}Wasm.ts`, await plainModule(GENERATOR, name, constant, watIn(`${ACCEL}/audio`)(name)));
  }
  return files;
}

/** The generated files whose committed text differs from what their sources give (missing ones too). */
export async function staleFiles() {
  const stale = [];
  for (const [file, text] of await generatedFiles()) {
    let committed = null;
    try {
      committed = readFileSync(path.join(root, file), 'utf8');
    } catch {
      /* missing */
    }
    if (committed !== text) stale.push(file);
  }
  return stale;
}
