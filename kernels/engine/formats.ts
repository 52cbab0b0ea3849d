/**
 * The part of the engine's public face that needs no TensorFlow.js: its file formats and pictures (NPY,
 * the heatmap figure as PNG and SVG, the fallback image and text of an output, atomic writes, model families
 * and portable model names). The VS Code extension imports only this (and kernels/shared), so the extension
 * host never loads TensorFlow.js; index.ts, the `lungcam` module, re-exports all of it.
 */
export { encodeNpy, decodeNpy, readNpy, writeNpy } from './io/npy';
export type { NpyArray } from './io/npy';
export { atomicWriteFile, checkOutputPath } from './io/atomicWrite';
export { camFigurePng } from './export/png';
export { camFigureSvg } from './export/svg';
export { fallbackPng, summaryText } from './show/fallbacks';
export { isModelFamilyFolder, readModelFamily, describeFamily } from './model/family';
export { portableModelRef, relativeWhenNear } from './model/modelNames';
