/**
 * Chooses the TensorFlow.js backend once per process: `@tensorflow/tfjs-node` when it is installed
 * (native, fastest), else `@tensorflow/tfjs-backend-wasm` with LungCAM's fast training kernels, else the
 * pure-JS `cpu` backend (≈100× slower for convolutions: fine for tiny tests, not for training).
 * States the choice in one line on stderr.
 */
import * as tf from '@tensorflow/tfjs';
import { LungcamInputError } from '../errors';
import { BACKEND_PREFERENCES, type BackendPreference } from '../types';
import { startWasmBackend } from '../accel';

export type { BackendPreference };

let chosen: Promise<string> | null = null;
let chosenName = '';
let chosenDetail = '';

/** The name of the backend in use ('tensorflow', 'wasm' or 'cpu'); '' before initBackend. */
export function backendName(): string {
  return chosenName;
}

/** A human description, e.g. `wasm (SIMD, 1 thread)`. */
export function backendDescription(): string {
  return chosenDetail || chosenName;
}

/**
 * Initialises TensorFlow.js (idempotent: later calls return the first choice).
 * `preference` (or env LUNGCAM_BACKEND) forces a backend; 'auto' tries tensorflow → wasm → cpu.
 * `quiet` suppresses the one-line stderr notice (tests).
 */
export function initBackend(preference?: BackendPreference, opts: { quiet?: boolean } = {}): Promise<string> {
  if (!chosen) {
    chosen = choose(preference ?? backendFromEnv()).then((name) => {
      chosenName = name;
      if (!opts.quiet && !process.env.LUNGCAM_QUIET_BACKEND) {
        process.stderr.write(`lungcam: TensorFlow.js backend ${chosenDetail}\n`);
      }
      return name;
    });
  }
  return chosen;
}

/** LUNGCAM_BACKEND (set by the VS Code extension from `lungcam.backend`), else auto. */
function backendFromEnv(): BackendPreference {
  const value = process.env.LUNGCAM_BACKEND?.trim();
  if (!value) return 'auto';
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(value)) {
    throw new LungcamInputError(`unknown TensorFlow.js backend "${value}"; valid: ${BACKEND_PREFERENCES.join(', ')}`, 'LUNGCAM_BACKEND');
  }
  return value as BackendPreference;
}

async function choose(pref: BackendPreference): Promise<string> {
  if (pref === 'auto' || pref === 'tensorflow') {
    if (await tryNode()) return 'tensorflow';
    if (pref === 'tensorflow') throw new Error('@tensorflow/tfjs-node is not installed or does not load');
  }
  if (pref === 'auto' || pref === 'wasm') {
    const ok = await tryWasm();
    if (ok) return 'wasm';
    if (pref === 'wasm') throw new Error('@tensorflow/tfjs-backend-wasm failed to initialise');
  }
  await tf.setBackend('cpu');
  await tf.ready();
  chosenDetail = 'cpu (pure JavaScript: slow; install @tensorflow/tfjs-node or keep tfjs-backend-wasm)';
  return 'cpu';
}

async function tryNode(): Promise<boolean> {
  try {
    // Optional dependency: its install script needs a libtensorflow download, so it is often absent.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    if (!(await tf.setBackend('tensorflow'))) return false;
    await tf.ready();
    chosenDetail = 'tensorflow (tfjs-node, native)';
    return true;
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  const detail = await startWasmBackend();
  if (detail) chosenDetail = detail;
  return detail !== null;
}

/** Runs `fn` on another registered backend, then switches back (tests compare wasm against cpu). */
export async function withBackend<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(name);
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

/** Bytes the wasm backend's heap holds (it grows to the largest pass and never shrinks); 0 on other backends. */
export function wasmHeapBytes(): number {
  if (chosenName !== 'wasm') return 0;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return heap?.length ?? 0;
}
