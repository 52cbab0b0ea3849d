/**
 * A faster inference pass for LungCAM-style CNNs (a plain chain of layers): each conv followed by a ReLU
 * layer runs as one fused conv + bias + ReLU (one pass over the activations instead of two); every other
 * layer is applied as the model would. Same numbers as model.predict bit for bit (the fused kernels start
 * from the bias and clamp at 0 exactly as the separate ops do). Models that are not a plain chain, or have
 * layers this does not know, get model.predict.
 */
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;
type Step = (x: tf.Tensor) => tf.Tensor;

/** Layers applied as they are (inference mode). */
const AS_IS = new Set(['BatchNormalization', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Dense', 'Flatten', 'Dropout', 'ReLU', 'Activation']);

function isRelu(layer: Layer | undefined): boolean {
  if (!layer) return false;
  const name = layer.getClassName();
  if (name === 'ReLU') {
    const c = layer.getConfig() as { maxValue?: number | null; threshold?: number; negativeSlope?: number };
    return c.maxValue == null && !c.threshold && !c.negativeSlope;
  }
  return name === 'Activation' && (layer.getConfig() as { activation?: string }).activation === 'relu';
}

/** The layers of `model` as a chain (input first), or null when some layer has several inputs or users. */
function chain(model: tf.LayersModel): Layer[] | null {
  const layers = model.layers;
  for (let i = 1; i < layers.length; i++) {
    const inbound = (layers[i] as unknown as { inboundNodes: Array<{ inboundLayers: Layer[] }> }).inboundNodes;
    if (inbound.length !== 1 || inbound[0].inboundLayers.length !== 1 || inbound[0].inboundLayers[0] !== layers[i - 1]) return null;
  }
  return model.inputs.length === 1 && model.outputs.length === 1 && model.outputLayers[0] === layers[layers.length - 1] ? layers : null;
}

/** A conv layer (linear activation) fused with the ReLU after it. */
function fusedConvRelu(layer: Layer): Step | null {
  const c = layer.getConfig() as { activation?: string; dataFormat?: string; padding?: string; strides?: number[]; dilationRate?: number | number[]; useBias?: boolean };
  if (c.activation !== 'linear' || c.dataFormat === 'channelsFirst' || (c.padding !== 'same' && c.padding !== 'valid')) return null;
  const weights = layer.getWeights();
  const [kernel, bias] = [weights[0] as tf.Tensor4D, c.useBias ? (weights[1] as tf.Tensor1D) : undefined];
  const dilations = (Array.isArray(c.dilationRate) ? c.dilationRate : [c.dilationRate ?? 1, c.dilationRate ?? 1]) as [number, number];
  return (x) => tf.fused.conv2d({
    x: x as tf.Tensor4D, filter: kernel, strides: (c.strides ?? [1, 1]) as [number, number], pad: c.padding as 'same' | 'valid',
    dilations, bias, activation: 'relu',
  });
}

const plans = new WeakMap<tf.LayersModel, Step[] | null>();

/** The inference steps for `model` (cached), or null to use model.predict. */
function plan(model: tf.LayersModel): Step[] | null {
  if (plans.has(model)) return plans.get(model)!;
  let steps: Step[] | null = [];
  const layers = chain(model);
  if (!layers || layers[0].getClassName() !== 'InputLayer') steps = null;
  for (let i = 1; steps && layers && i < layers.length; i++) {
    const layer = layers[i];
    const name = layer.getClassName();
    if (name === 'Conv2D' && isRelu(layers[i + 1])) {
      const fused = fusedConvRelu(layer);
      if (fused) {
        steps.push(fused);
        i++;
        continue;
      }
    }
    if (name === 'Conv2D' || AS_IS.has(name)) steps.push((x) => layer.apply(x, { training: false }) as tf.Tensor);
    else steps = null;
  }
  plans.set(model, steps);
  return steps;
}

/** The model's output for x (inference), through the fused plan when the model allows it. Call in tf.tidy. */
export function inferLogits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const steps = plan(model);
  if (!steps) return model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor;
  return steps.reduce((t, step) => step(t), x);
}

/** Whether `model` runs through the fused plan (else model.predict). */
export function hasFusedPlan(model: tf.LayersModel): boolean {
  return plan(model) !== null;
}
