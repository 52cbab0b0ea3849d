/** Which layers of a model Grad-CAM can target, and one-line errors that list the valid choices. */
import * as tf from '@tensorflow/tfjs';
import { LungcamInputError } from '../errors';
import { CAM_METHODS, isCamMethod, type CamMethodName } from '../../shared/view/methods';

const CONV_CLASSES = new Set(['Conv2D', 'SeparableConv2D', 'DepthwiseConv2D', 'Conv2DTranspose']);

/** Names of the model's 2-D convolution layers, input side first. */
export function camLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => CONV_CLASSES.has(l.getClassName())).map((l) => l.name);
}

/** Per-element layers that belong to a conv block (its normalisation and activation). */
const BLOCK_CLASSES = new Set(['BatchNormalization', 'ReLU', 'Activation', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax']);

/**
 * The layer whose output is "the conv layer's activations" A: the conv layer itself, or, when it is followed
 * only by its batch-norm and activation layers (Keras style: conv → bn → relu), the last of those, so A is
 * the block's output as in pytorch-grad-cam's usual target (relu(conv(x))).
 */
export function activationLayerFor(model: tf.LayersModel, convName: string): string {
  let layer = model.getLayer(convName);
  for (;;) {
    const consumers = (layer as unknown as { outboundNodes: { outboundLayer: tf.layers.Layer }[] }).outboundNodes
      .map((n) => n.outboundLayer)
      .filter((l) => model.layers.includes(l));
    if (consumers.length !== 1) return layer.name;
    const next = consumers[0];
    if (!BLOCK_CLASSES.has(next.getClassName()) || next.getClassName() === 'Softmax') return layer.name;
    layer = next;
  }
}

/** Checks layer names against the model's conv layers; the default is the last conv layer. */
export function resolveLayers(model: tf.LayersModel, requested: string[] | undefined, convLayers = camLayerNames(model)): string[] {
  const choices = convLayers.join(', ');
  if (convLayers.length === 0) throw new LungcamInputError('the model has no 2-D convolution layer to explain');
  if (!requested || requested.length === 0) return [convLayers[convLayers.length - 1]];
  const all = new Set(model.layers.map((l) => l.name));
  for (const name of requested) {
    if (!all.has(name)) throw new LungcamInputError(`unknown layer "${name}"; valid conv layers: ${choices}`);
    if (!convLayers.includes(name)) {
      throw new LungcamInputError(`layer "${name}" is not a convolution layer; valid conv layers: ${choices}`);
    }
  }
  return [...new Set(requested)];
}

/** Class names or indices → indices; 'all' (the default) → every class. */
export function resolveClasses(requested: (string | number)[] | 'all' | undefined, classNames: string[]): number[] {
  if (requested === undefined || requested === 'all') return classNames.map((_, i) => i);
  const choices = classNames.join(', ');
  return requested.map((c) => {
    const i = typeof c === 'number' ? c : classNames.indexOf(c);
    if (!Number.isInteger(i) || i < 0 || i >= classNames.length) {
      throw new LungcamInputError(`unknown class "${c}"; valid classes: ${choices}`);
    }
    return i;
  });
}

export function resolveMethod(name: string | undefined): CamMethodName {
  if (name === undefined) return 'gradcam';
  if (!isCamMethod(name)) throw new LungcamInputError(`unknown method "${name}"; valid methods: ${CAM_METHODS.join(', ')}`);
  return name;
}
