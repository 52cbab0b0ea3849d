/**
 * CAM methods as small weight functions over one conv layer's activations A [N, h, w, K] and the gradients
 * G = d logit_c / dA, following pytorch-grad-cam (anchors.md) so maps can be compared with it. Each returns
 * the map before ReLU, [N, h, w]; the pipeline in cam.ts does ReLU, normalisation, resizing and stitching.
 */
import * as tf from '@tensorflow/tfjs';
import type { CamMethodName } from '../../shared/view/methods';

/**
 * What a method needs of G = d raw logit / dA: nothing (Score-CAM), only G's spatial mean per channel
 * (Grad-CAM's weights: the pipeline then takes the fast route that never builds G per class and turns
 * every class's map into one product), or G itself.
 */
export type GradientNeed = 'none' | 'spatialMeans' | 'full';

export interface CamMethodInputs {
  activations: tf.Tensor4D;
  /** G, when the method's need is 'full' (eigencam uses it for its sign). */
  gradients: tf.Tensor4D | null;
  classIndex: number;
  /** scorecam only: logits of the input masked by each channel of A, [N, K, classes]. */
  maskedScores?: () => tf.Tensor3D;
}

export interface CamMethod {
  name: CamMethodName;
  gradients: GradientNeed;
  /** Logits of the input masked by each channel of A (Score-CAM). */
  needsMaskedScores: boolean;
  /** The class map before ReLU, [N, h, w]. Runs inside the caller's tf.tidy. */
  camImage(inputs: CamMethodInputs): tf.Tensor3D;
}

/** Σ_k w_k A^k for per-channel weights [N, K]. */
export function weightedSum(activations: tf.Tensor4D, weights: tf.Tensor2D): tf.Tensor3D {
  const [n, , , k] = activations.shape;
  return tf.sum(tf.mul(activations, tf.reshape(weights, [n, 1, 1, k])), 3) as tf.Tensor3D;
}

/** Grad-CAM: w_k = mean over space of G. */
export function gradCamWeights(g: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(g, [1, 2]) as tf.Tensor2D;
}

/** Grad-CAM++: α = g² / (2g² + ΣA·g³ + 1e-6), 0 where g = 0; w = Σ relu(g)·α. */
export function gradCamPlusPlusWeights(a: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor2D {
  const g2 = tf.square(g);
  const g3 = tf.mul(g2, g);
  const sumA = tf.sum(a, [1, 2], true);
  const alpha = tf.div(g2, tf.add(tf.add(tf.mul(g2, 2), tf.mul(sumA, g3)), 1e-6));
  const alphaWhereGrad = tf.where(tf.notEqual(g, 0), alpha, tf.zerosLike(alpha));
  return tf.sum(tf.mul(tf.relu(g), alphaWhereGrad), [1, 2]) as tf.Tensor2D;
}

/** XGrad-CAM: w = Σ g·A / (ΣA + 1e-7). */
export function xGradCamWeights(a: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor2D {
  const sumA = tf.sum(a, [1, 2], true);
  return tf.sum(tf.div(tf.mul(g, a), tf.add(sumA, 1e-7)), [1, 2]) as tf.Tensor2D;
}

/**
 * First principal component of A per patch (pytorch-grad-cam's get_2d_projection: rows = positions,
 * columns = channels, centred per channel), by power iteration on the K×K covariance. The sign of a
 * principal component is arbitrary: it is chosen so the map correlates positively with the class's
 * Grad-CAM map (Σ mean(G)·A), i.e. it agrees with the class evidence.
 */
export function eigenProjection(a: tf.Tensor4D, signReference: tf.Tensor3D | null, iterations = 100): tf.Tensor3D {
  const [n, h, w, k] = a.shape;
  const x = tf.reshape(a, [n, h * w, k]);
  const xc = tf.sub(x, tf.mean(x, 1, true)) as tf.Tensor3D;
  const cov = tf.matMul(xc, xc, true, false) as tf.Tensor3D; // [n, k, k]
  // Deterministic, non-symmetric start so it is not orthogonal to the component by construction.
  const start = Array.from({ length: k }, (_, i) => 1 + ((i * 7919) % 13) / 13);
  let v = tf.tile(tf.reshape(tf.tensor1d(start), [1, k, 1]), [n, 1, 1]) as tf.Tensor3D;
  for (let i = 0; i < iterations; i++) {
    const next = tf.matMul(cov, v) as tf.Tensor3D;
    const norm = tf.add(tf.norm(next, 'euclidean', 1, true), 1e-30);
    v = tf.div(next, norm) as tf.Tensor3D;
  }
  let projection = tf.reshape(tf.matMul(xc, v), [n, h, w]) as tf.Tensor3D;
  if (signReference) {
    const p = tf.reshape(projection, [n, h * w]);
    const r = tf.reshape(signReference, [n, h * w]);
    const cov2 = tf.sum(tf.mul(tf.sub(p, tf.mean(p, 1, true)), tf.sub(r, tf.mean(r, 1, true))), 1);
    const sign = tf.where(tf.less(cov2, 0), tf.fill([n], -1), tf.fill([n], 1));
    projection = tf.mul(projection, tf.reshape(sign, [n, 1, 1])) as tf.Tensor3D;
  }
  return projection;
}

function byWeights(name: CamMethodName, weights: (a: tf.Tensor4D, g: tf.Tensor4D) => tf.Tensor2D, gradients: GradientNeed = 'full'): CamMethod {
  return {
    name,
    gradients,
    needsMaskedScores: false,
    camImage: ({ activations, gradients }) => weightedSum(activations, weights(activations, gradients!)),
  };
}

export const METHODS: Record<CamMethodName, CamMethod> = {
  // Grad-CAM: w = the gradients' spatial means, which is all it needs (the pipeline computes just those).
  gradcam: byWeights('gradcam', (_a, g) => gradCamWeights(g), 'spatialMeans'),
  'gradcam++': byWeights('gradcam++', gradCamPlusPlusWeights),
  xgradcam: byWeights('xgradcam', xGradCamWeights),
  // HiResCAM: element-wise G ⊙ A summed over channels (no spatial averaging of the gradient).
  hirescam: {
    name: 'hirescam', gradients: 'full', needsMaskedScores: false,
    camImage: ({ activations, gradients }) => tf.sum(tf.mul(gradients!, activations), 3) as tf.Tensor3D,
  },
  // LayerCAM: relu(G) ⊙ A summed over channels.
  layercam: {
    name: 'layercam', gradients: 'full', needsMaskedScores: false,
    camImage: ({ activations, gradients }) => tf.sum(tf.mul(tf.relu(gradients!), activations), 3) as tf.Tensor3D,
  },
  eigencam: {
    name: 'eigencam', gradients: 'full', needsMaskedScores: false,
    camImage: ({ activations, gradients }) =>
      eigenProjection(activations, weightedSum(activations, gradCamWeights(gradients!))),
  },
  // Score-CAM: w = softmax over channels of the class logit of the input masked by each channel.
  scorecam: {
    name: 'scorecam', gradients: 'none', needsMaskedScores: true,
    camImage: ({ activations, classIndex, maskedScores }) => {
      const scores = maskedScores!(); // [N, K, C]
      const [n, k] = scores.shape;
      const classScores = tf.reshape(tf.slice(scores, [0, 0, classIndex], [n, k, 1]), [n, k]);
      return weightedSum(activations, tf.softmax(classScores) as tf.Tensor2D);
    },
  },
};
