// LungCAM's layering, written once: eslint.config.mjs enforces it (no-restricted-imports) and
// scripts/structure.mjs measures the tree against it. Arrows run one way: extension → the engine's faces
// (kernels/engine/formats.ts for the extension host, index.ts for notebook cells) and kernels/shared;
// webview → kernels/shared; inside the engine each folder imports only the folders below it.

/** The engine's folders from the ground up: a folder may import those before it, never those after it. */
export const ENGINE_FLOORS = ['io', 'accel', 'audio', 'data', 'model', 'cam', 'export', 'show', 'cutoff', 'study'];

/** The engine's faces: what the rest of the product may import of it. */
export const ENGINE_FACES = {
  /** The `lungcam` module of notebook cells (loads TensorFlow.js). */
  notebook: 'kernels/engine/index.ts',
  /** Files and pictures without TensorFlow.js: the only part of the engine the extension host loads. */
  extension: 'kernels/engine/formats.ts',
};

/** The speed code's face: engine code outside accel/ imports accel/index.ts only. */
export const ACCEL_FACE = 'kernels/engine/accel/index.ts';

/** Files written by a generator (scripts/wasm/generated.mjs) or embedded data: no line limit. */
export const GENERATED = ['kernels/engine/accel/**/*Wasm.ts', 'kernels/engine/export/font.ts'];

/** The longest a hand-written file may be. */
export const MAX_LINES = 400;
