// Assembles the Grad-CAM wasm SIMD kernels (kernels/engine/accel/cam/*.wat) into <name>Wasm.ts
// (scripts/lib/wasm-kernels.mjs): one variant importing a shared memory (the threaded tfjs wasm backend),
// one a plain memory. Run after editing a .wat: node scripts/gen-cam-wasm.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeKernelModules } from './lib/wasm-kernels.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await writeKernelModules(path.join(root, 'kernels/engine/accel/cam'), 'scripts/gen-cam-wasm.mjs', [
  ['camProduct', 'CAM_PRODUCT', 0], ['binaryFilterGrad', 'BINARY_FILTER_GRAD', 0],
]);
