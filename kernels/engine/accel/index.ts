/**
 * The engine's speed code behind one face: LungCAM's WebAssembly SIMD kernels, the base64 modules they are
 * assembled into (scripts/gen-*-wasm.mjs), their loaders and helper threads. Domain code (model/, cam/,
 * audio/) calls only what is exported here; nothing in accel/ knows a model, a CAM method or a file.
 */
// TensorFlow.js on WebAssembly with LungCAM's training kernels and threads.
export { startWasmBackend } from './wasmBackend';
// Grad-CAM: every class's map from the gradients' spatial means in one product; the binary-mask
// correlations behind the fast mean gradients; the kernel name of the stacked max-pool gradient.
export { camProduct } from './cam/camProduct';
export { maskCorrelator, type MaskCorrelator, type StrideOneConv } from './cam/binaryFilterGrad';
export { STACKED_MAX_POOL_GRAD } from './wasmJsKernels';
// Audio: 512-point FFT power spectra of frames, PCM16 decoding, the resampler's inner loop.
export { WasmFrameSpectra } from './audio/fftWasm';
export { Pcm16Decoder } from './audio/pcm16Simd';
export { wasmResampler, type PolyphaseKernel, type WasmResampler } from './audio/resampler';
