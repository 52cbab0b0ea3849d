/**
 * Patches per Grad-CAM forward/backward pass. The wasm heap grows to the largest pass and never shrinks:
 * every layer's activations and each class's gradients for 32 patches took it to ≈ 217 MB, for 4 to
 * ≈ 42 MB, for 2 to ≈ 23 MB, with the same CPU time per patch. (Its own file: the CLI names it in its help
 * without loading TensorFlow.js.)
 */
export const CAM_BATCH = 2;
