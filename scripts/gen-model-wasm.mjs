// Assembles the conv and training WebAssembly SIMD kernels (kernels/engine/accel/conv/*.wat) into <name>Wasm.ts
// (scripts/lib/wasm-kernels.mjs): shared or plain memory, plain SIMD or relaxed-SIMD multiply-add
// (kernelThreads.ts uses the FMA variants only where the engine accepts them).
// Run after editing a .wat (or winogradWat.mjs, which writes winograd.wat): node scripts/gen-model-wasm.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeKernelModules } from './lib/wasm-kernels.mjs';
import { winogradWat } from './wasm/winogradWat.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'kernels/engine/accel/conv');
// winograd.wat is generated from its transform matrices (winogradWat.mjs).
writeFileSync(path.join(dir, 'winograd.wat'), winogradWat());
await writeKernelModules(dir, 'scripts/gen-model-wasm.mjs', [
  ['convFilterGrad', 'CONV_FILTER_GRAD', 8], ['convForward', 'CONV_FORWARD', 8], ['trainOps', 'TRAIN_OPS', 0], ['winograd', 'WINOGRAD', 16],
]);
