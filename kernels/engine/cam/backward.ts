/**
 * A hand-written backward pass for the common chain of layers above a conv layer (conv, batch-norm in
 * inference, ReLU, max-pool, dropout, flatten, global average pooling, dense), that reuses the forward
 * pass's activations and pushes every class through at once (the classes are stacked along the batch).
 * tf.grad would re-run the forward pass once per class; PyTorch keeps its graph and pays one forward pass.
 * Anything outside this list returns null and the caller uses tf.grad (cam.ts). Values are the same:
 * the tests compare both paths.
 */
import * as tf from '@tensorflow/tfjs';
import { STACKED_MAX_POOL_GRAD } from '../accel';

type Layer = tf.layers.Layer & Record<string, unknown>;
interface GraphNode { inputTensors: tf.SymbolicTensor[] }

const activationName = (l: Layer): string | null => {
  const a = l.activation as { getClassName?: () => string } | undefined;
  return a?.getClassName ? a.getClassName() : null;
};

/** The layers from just after `fromLayer` to the model's output, if they form a simple supported chain. */
export function supportedChain(model: tf.LayersModel, fromLayer: string): Layer[] | null {
  const chain: Layer[] = [];
  let t = model.outputs[0];
  for (;;) {
    const layer = t.sourceLayer as unknown as Layer;
    if (layer.name === fromLayer) break;
    const nodes = (layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes;
    if (nodes.length !== 1 || nodes[0].inputTensors.length !== 1) return null;
    if (!supported(layer)) return null;
    chain.unshift(layer);
    t = nodes[0].inputTensors[0];
  }
  return chain;
}

function supported(l: Layer): boolean {
  switch (l.getClassName()) {
    case 'Dense':
      return activationName(l) === 'linear';
    case 'Conv2D':
      return ['linear', 'relu'].includes(activationName(l) ?? '') && l.dataFormat === 'channelsLast';
    case 'Activation':
      return ['linear', 'relu'].includes(activationName(l) ?? '');
    case 'ReLU':
      return l.maxValue == null;
    case 'BatchNormalization':
      return l.axis === -1 || l.axis === 3;
    case 'MaxPooling2D':
      return l.dataFormat === 'channelsLast';
    case 'Dropout':
    case 'Flatten':
    case 'GlobalAveragePooling2D':
      return true;
    default:
      return false;
  }
}

/** [C·N, …] gradient with the per-patch mask [N, …] broadcast over the C stacked classes. */
function maskedByPositive(dy: tf.Tensor, y: tf.Tensor, classes: number): tf.Tensor {
  const mask = tf.cast(tf.greater(y, 0), 'float32');
  const stacked = tf.reshape(dy, [classes, ...y.shape]);
  return tf.reshape(tf.mul(stacked, mask), dy.shape);
}

const tileClasses = (x: tf.Tensor, classes: number) => tf.tile(x, [classes, ...x.shape.slice(1).map(() => 1)]);

/**
 * Spatial sums per channel of a stride-1 conv's input gradient, [B, Ci], straight from its output gradient
 * dy [B, H, W, Co] without the transposed convolution: Σ_p dX[p, ci] = Σ_{i,j,co} W[i, j, ci, co] ·
 * (Σ of dy over the output positions whose tap (i, j) lands inside the input).
 */
function convInputGradientSums(dy: tf.Tensor4D, kernel: tf.Tensor4D, inHeight: number, inWidth: number, padding: 'same' | 'valid'): tf.Tensor2D {
  const [kh, kw, ci, co] = kernel.shape;
  const [b, h, w] = dy.shape;
  const info = tf.backend_util.computeConv2DInfo([1, inHeight, inWidth, ci], kernel.shape, 1, 1, padding, undefined, false, 'channelsLast');
  const range = (tap: number, pad: number, outSize: number, inSize: number) =>
    [Math.max(0, pad - tap), Math.min(outSize, inSize + pad - tap)] as const;
  const colSums = Array.from({ length: kw }, (_, j) => {
    const [c0, c1] = range(j, info.padInfo.left, w, inWidth);
    return c1 > c0 ? tf.sum(tf.slice(dy, [0, 0, c0, 0], [-1, -1, c1 - c0, -1]), 2) : tf.zeros([b, h, co]);
  });
  const perTap: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    const [r0, r1] = range(i, info.padInfo.top, h, inHeight);
    for (let j = 0; j < kw; j++) perTap.push(r1 > r0 ? tf.sum(tf.slice(colSums[j], [0, r0, 0], [-1, r1 - r0, -1]), 1) : tf.zeros([b, co]));
  }
  const taps = tf.reshape(tf.stack(perTap, 1), [b, kh * kw * co]);
  return tf.matMul(taps, tf.reshape(tf.transpose(kernel, [0, 1, 3, 2]), [kh * kw * co, ci])) as tf.Tensor2D;
}

/**
 * Gradients of each class's logit with respect to the outputs of `targets` (layer names on the chain, or
 * `fromLayer` itself), given every chain layer's forward input and output. Returns [class][target] tensors
 * [N, h, w, K]. Call inside tf.tidy.
 * `fromLayerMeans`: Grad-CAM needs only the spatial mean of `fromLayer`'s gradient; when the chain just above
 * it is max-pools (which keep gradient sums) then a stride-1 conv, that mean comes from the conv's output
 * gradient directly (convInputGradientSums), skipping the largest transposed convolution and max-pool
 * gradient of the pass. `fromLayer`'s entries are then [N, K] means instead of [N, h, w, K].
 */
export function chainGradients(
  chain: Layer[],
  inputOf: (l: Layer) => tf.Tensor,
  outputOf: (l: Layer) => tf.Tensor,
  fromLayer: string,
  targets: string[],
  classIndices: number[],
  batch: number,
  fromLayerMeans = false,
): tf.Tensor[][] {
  const C = classIndices.length;
  const k = (chain[chain.length - 1].getWeights()[0]?.shape[1] as number) ?? 0;
  const oneHot = tf.oneHot(tf.tensor1d(classIndices, 'int32'), k); // [C, K]
  let dy: tf.Tensor = tf.reshape(tf.tile(tf.expandDims(oneHot, 1), [1, batch, 1]), [C * batch, k]);
  const found = new Map<string, tf.Tensor>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const l = chain[i];
    if (targets.includes(l.name)) found.set(l.name, dy);
    const x = inputOf(l);
    const y = outputOf(l);
    switch (l.getClassName()) {
      case 'Dense':
        dy = tf.matMul(dy, (l.kernel as { read(): tf.Tensor2D }).read(), false, true);
        break;
      case 'Dropout':
        break;
      case 'Flatten':
        dy = tf.reshape(dy, [C * batch, ...x.shape.slice(1)]);
        break;
      case 'GlobalAveragePooling2D': {
        const [, h, w, ch] = x.shape;
        dy = tf.mul(tf.tile(tf.reshape(dy, [C * batch, 1, 1, ch]), [1, h, w, 1]), 1 / (h * w));
        break;
      }
      case 'ReLU':
        dy = maskedByPositive(dy, y, C);
        break;
      case 'Activation':
        if (activationName(l) === 'relu') dy = maskedByPositive(dy, y, C);
        break;
      case 'BatchNormalization': {
        const gamma = l.scale ? (l.gamma as { read(): tf.Tensor }).read() : tf.scalar(1);
        const variance = (l.movingVariance as { read(): tf.Tensor }).read();
        dy = tf.mul(dy, tf.div(gamma, tf.sqrt(tf.add(variance, l.epsilon as number))));
        break;
      }
      case 'MaxPooling2D': {
        const [ph, pw] = l.poolSize as [number, number];
        const [sh, sw] = l.strides as [number, number];
        const attrs = { filterSize: [ph, pw], strides: [sh, sw], pad: l.padding as string, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
        // On wasm one kernel serves every class (each window's maximum found once); elsewhere tile the input.
        dy = tf.getKernel(STACKED_MAX_POOL_GRAD, tf.getBackend())
          ? tf.engine().runKernel(STACKED_MAX_POOL_GRAD, { dy, input: x } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor
          : tf.engine().runKernel('MaxPoolGrad', { dy, input: tileClasses(x, C), output: tileClasses(y, C) } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
        break;
      }
      case 'Conv2D': {
        if (activationName(l) === 'relu') dy = maskedByPositive(dy, y, C);
        const kernel = (l.kernel as { read(): tf.Tensor4D }).read();
        const [sh, sw] = l.strides as [number, number];
        const [dh, dw] = (l.dilationRate as [number, number]) ?? [1, 1];
        if (dh !== 1 || dw !== 1) throw new Error('dilated conv: unsupported');
        const below = chain.slice(0, i);
        if (fromLayerMeans && sh === 1 && sw === 1 && !targets.some((t) => below.some((b) => b.name === t))
          && below.every((b) => b.getClassName() === 'MaxPooling2D' || b.getClassName() === 'Dropout')) {
          const fromShape = (below.length ? inputOf(below[0]) : x).shape as number[];
          const [, inHeight, inWidth] = x.shape as number[];
          const sums = convInputGradientSums(dy as tf.Tensor4D, kernel, inHeight, inWidth, l.padding as 'same' | 'valid');
          const means = tf.div(sums, fromShape[1] * fromShape[2]);
          return classIndices.map((_, c) => targets.map((name) => (name === fromLayer
            ? tf.slice(means, [c * batch, 0], [batch, -1])
            : tf.slice(found.get(name)!, [c * batch, 0, 0, 0], [batch, -1, -1, -1]))));
        }
        dy = tf.conv2dTranspose(dy as tf.Tensor4D, kernel, [C * batch, ...x.shape.slice(1)] as [number, number, number, number], [sh, sw], l.padding as 'same' | 'valid');
        break;
      }
      default:
        throw new Error(`backward: unsupported layer ${l.getClassName()}`);
    }
  }
  found.set(fromLayer, dy);
  return classIndices.map((_, c) => targets.map((name) => {
    const g = found.get(name)!;
    return tf.slice(g, [c * batch, 0, 0, 0], [batch, -1, -1, -1]) as tf.Tensor4D;
  }));
}
