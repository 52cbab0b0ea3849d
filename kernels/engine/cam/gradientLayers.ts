/**
 * The layers the fast Grad-CAM gradients go through, as the formulas see them: which Keras layer is a ReLU,
 * an identity, a max-pool or a stride-1 conv, a batch-norm's factor on the gradient, a conv's geometry and
 * tap ranges, and the max-pool gradient's routing of a class-free map.
 */
import * as tf from '@tensorflow/tfjs';

export type Layer = tf.layers.Layer & Record<string, unknown>;

export const className = (l: Layer) => l.getClassName();
export const activationName = (l: Layer): string | null => {
  const a = l.activation as { getClassName?: () => string } | undefined;
  return a?.getClassName ? a.getClassName() : null;
};
export const read = (v: unknown) => (v as { read(): tf.Tensor }).read();
export const isRelu = (l: Layer) => className(l) === 'ReLU' && l.maxValue == null
  || (className(l) === 'Activation' && activationName(l) === 'relu');
export const isIdentity = (l: Layer) => className(l) === 'Dropout' || (className(l) === 'Activation' && activationName(l) === 'linear');
export const isMaxPool = (l: Layer) => className(l) === 'MaxPooling2D' && l.dataFormat === 'channelsLast';

/** A Conv2D the formulas here cover: channels last, stride 1, no dilation, linear or ReLU activation. */
export function plainConv(l: Layer): boolean {
  if (className(l) !== 'Conv2D' || l.dataFormat !== 'channelsLast' || !['same', 'valid'].includes(l.padding as string)) return false;
  const [sh, sw] = l.strides as [number, number];
  const [dh, dw] = (l.dilationRate as [number, number]) ?? [1, 1];
  return sh === 1 && sw === 1 && dh === 1 && dw === 1 && ['linear', 'relu'].includes(activationName(l) ?? '');
}

/** Per-channel factor of an inference batch-norm on the gradient: γ / √(var + ε). */
export function batchNormScale(l: Layer): tf.Tensor1D {
  const variance = read(l.movingVariance);
  const gamma = l.scale ? read(l.gamma) : tf.onesLike(variance);
  return tf.div(gamma, tf.sqrt(tf.add(variance, l.epsilon as number))) as tf.Tensor1D;
}

// 1 where y > 0, else 0 (one kernel; greater + cast is two and slower on wasm).
export const positive = (y: tf.Tensor) => tf.step(y);

/** Output rows [lo, hi) of a stride-1 conv whose tap `t` lands inside an input of `inSize` (pad = leading padding). */
export function tapRange(t: number, pad: number, outSize: number, inSize: number): [number, number] {
  return [Math.max(0, pad - t), Math.min(outSize, inSize + pad - t)];
}

export interface ConvGeometry { padding: 'same' | 'valid'; kh: number; kw: number; padTop: number; padLeft: number; inH: number; inW: number; outH: number; outW: number }

export function geometry(kernel: tf.Tensor4D, inShape: number[], outShape: number[], padding: string): ConvGeometry {
  const [kh, kw, ci] = kernel.shape;
  const info = tf.backend_util.computeConv2DInfo([1, inShape[1], inShape[2], ci], kernel.shape, 1, 1, padding as 'same' | 'valid', undefined, false, 'channelsLast');
  return { padding: padding as 'same' | 'valid', kh, kw, padTop: info.padInfo.top, padLeft: info.padInfo.left, inH: inShape[1], inW: inShape[2], outH: outShape[1], outW: outShape[2] };
}

/** Max-pool gradient routing of a class-independent map (each window's gradient to its maximum). */
export function maxPoolRoute(l: Layer, dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor): tf.Tensor4D {
  const attrs = {
    filterSize: l.poolSize as [number, number], strides: l.strides as [number, number], pad: l.padding as string, dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor4D;
}
