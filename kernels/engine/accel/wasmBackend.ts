/**
 * TensorFlow.js on WebAssembly the way LungCAM runs it: tfjs-backend-wasm with LungCAM's training kernels
 * registered, XNNPACK on several threads where the shims allow it (wasmThreads.ts, else one thread), and
 * LungCAM's own kernels on as many threads as XNNPACK.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { kernelsUseFma, setKernelThreads } from './conv/kernelThreads';
import { registerWasmTrainingKernels } from './wasmKernels';
import { threadsAvailable, unrefPthreadWorkers, wantedWasmThreads, withWasmThreadShims } from './wasmThreads';

/** The folder holding the .wasm binaries: next to the package's main file (also in the packaged extension). */
export function wasmBinaryFolder(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** Makes the wasm backend tfjs's backend: a one-line description of it, or null when it cannot start. */
export async function startWasmBackend(): Promise<string | null> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBinaryFolder());
    registerWasmTrainingKernels();
    const threads = wantedWasmThreads();
    let ok = false;
    if (threads > 1 && threadsAvailable()) {
      // XNNPACK on several threads (wasmThreads.ts); PyTorch uses every core too.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      wasm.setThreadsCount(threads);
      ok = await withWasmThreadShims(threads, () => tf.setBackend('wasm')).catch((e) => {
        if (process.env.LUNGCAM_DEBUG_THREADS) console.error(e);
        return false;
      });
      if (ok) unrefPthreadWorkers((tf.backend() as unknown as { wasm: unknown }).wasm);
    }
    if (!ok) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
      ok = await tf.setBackend('wasm');
    }
    if (!ok) return null;
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const used = wasm.getThreadsCount();
    setKernelThreads(used); // LungCAM's own wasm kernels use as many threads as XNNPACK
    return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${used} thread${used === 1 ? '' : 's'}, LungCAM conv kernels${kernelsUseFma() ? ' with FMA' : ''})`;
  } catch {
    return null;
  }
}
