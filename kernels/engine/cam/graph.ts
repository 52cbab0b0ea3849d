/**
 * Runs part of a tf.LayersModel with some intermediate tensors fed in: the "split at A" that Grad-CAM needs
 * (gradients of the logits with respect to a conv layer's activations A). tfjs-layers keeps its own
 * executor private, so this walks the same symbolic graph (SymbolicTensor → source layer → inbound node)
 * and calls each layer on concrete tensors. Fed tensors stop the walk, so only what depends on them is run.
 */
import * as tf from '@tensorflow/tfjs';

type Symbolic = tf.SymbolicTensor;

interface GraphNode {
  inputTensors: Symbolic[];
  outputTensors: Symbolic[];
  callArgs?: Record<string, unknown>;
}

/** The symbolic output of a named layer inside the model (first inbound node). */
export function layerOutput(model: tf.LayersModel, name: string): Symbolic {
  const layer = model.getLayer(name);
  const node = (layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes[0];
  return node.outputTensors[0];
}

interface ConvInternals {
  kernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor1D } | null;
  useBias: boolean;
  strides: [number, number];
  padding: 'same' | 'valid';
  dataFormat: string;
  dilationRate: [number, number];
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

/**
 * A Conv2D layer on concrete tensors without tfjs-layers' fused kernel: the fused op's custom gradient also
 * computes the (unneeded) filter gradient, which costs as much as the rest of a Grad-CAM backward pass.
 * The unfused ops let the tape skip it. Same values (same conv, then bias, then activation).
 */
function applyUnfusedConv(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor | null {
  const l = layer as unknown as ConvInternals;
  if (layer.getClassName() !== 'Conv2D' || l.dataFormat !== 'channelsLast' || !l.kernel) return null;
  let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, l.kernel.read(), l.strides, l.padding, 'NHWC', l.dilationRate);
  if (l.useBias && l.bias) y = tf.add(y, l.bias.read());
  return l.activation ? l.activation.apply(y) : y;
}

/**
 * Values of `fetches`, given values for `feeds` (keyed by SymbolicTensor id). Each layer runs in inference
 * mode (training: false: dropout off, batch-norm moving statistics). `probes` are added to the outputs of
 * the given symbolic tensors (zeros whose gradient is the gradient with respect to that tensor).
 */
export function runGraph(
  feeds: Map<number, tf.Tensor>, fetches: Symbolic[],
  opts: { probes?: Map<number, tf.Tensor>; forGradient?: boolean; record?: Map<number, tf.Tensor> } = {},
): tf.Tensor[] {
  const { probes, forGradient } = opts;
  // `record` (when given) receives every value computed, keyed by SymbolicTensor id.
  const values = opts.record ?? new Map<number, tf.Tensor>();
  feeds.forEach((v, k) => values.set(k, v));
  const compute = (t: Symbolic): tf.Tensor => {
    const known = values.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer as unknown as tf.layers.Layer & { inboundNodes: GraphNode[] };
    const node = layer.inboundNodes[t.nodeIndex];
    if (!node || node.inputTensors.length === 0) {
      throw new Error(`graph: no value fed for model input "${t.name}"`);
    }
    const inputs = node.inputTensors.map(compute);
    const out = (forGradient && inputs.length === 1 ? applyUnfusedConv(layer, inputs[0]) : null)
      ?? layer.apply(inputs.length === 1 ? inputs[0] : inputs, { ...(node.callArgs ?? {}), training: false });
    const outs = Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
    node.outputTensors.forEach((s, i) => {
      const probe = probes?.get(s.id);
      values.set(s.id, probe ? tf.add(outs[i], probe) : outs[i]);
    });
    return values.get(t.id)!;
  };
  return fetches.map(compute);
}

/**
 * One forward pass: the model's first output plus the outputs of the named layers. `record` receives every
 * intermediate value (Grad-CAM's backward pass reuses them instead of running the layers again).
 */
export function forwardWithActivations(
  model: tf.LayersModel,
  input: tf.Tensor,
  layerNames: string[],
  record?: Map<number, tf.Tensor>,
): { logits: tf.Tensor2D; activations: tf.Tensor4D[] } {
  const feeds = new Map<number, tf.Tensor>([[model.inputs[0].id, input]]);
  const fetched = runGraph(feeds, [model.outputs[0], ...layerNames.map((n) => layerOutput(model, n))], { record });
  return { logits: fetched[0] as tf.Tensor2D, activations: fetched.slice(1) as tf.Tensor4D[] };
}

/** True when `target` is computed from `sourceId` (walking inbound nodes towards the inputs). */
export function dependsOn(target: Symbolic, sourceId: number): boolean {
  const seen = new Set<number>();
  const walk = (t: Symbolic): boolean => {
    if (t.id === sourceId) return true;
    if (seen.has(t.id)) return false;
    seen.add(t.id);
    const node = (t.sourceLayer as unknown as { inboundNodes: GraphNode[] }).inboundNodes[t.nodeIndex];
    return !!node && node.inputTensors.some(walk);
  };
  return walk(target);
}

/**
 * Logits as a function of the earliest layer's activations plus zero "probes" on later layers' outputs:
 * one backward pass then gives d logit / dA for every layer (the gradient with respect to a probe is the
 * gradient with respect to that layer's output). Null when a later layer is not downstream of the first.
 */
export function headWithProbes(model: tf.LayersModel, layerNames: string[], input: tf.Tensor): ((a: tf.Tensor, probes: tf.Tensor[]) => tf.Tensor2D) | null {
  const [first, ...rest] = layerNames.map((n) => layerOutput(model, n));
  if (!rest.every((t) => dependsOn(t, first.id))) return null;
  return (a: tf.Tensor, probeValues: tf.Tensor[]) => {
    const feeds = new Map<number, tf.Tensor>([[model.inputs[0].id, input], [first.id, a]]);
    const probes = new Map(rest.map((t, i) => [t.id, probeValues[i]] as [number, tf.Tensor]));
    return runGraph(feeds, [model.outputs[0]], { probes, forGradient: true })[0] as tf.Tensor2D;
  };
}

/**
 * The rest of the model above a layer: logits as a function of that layer's activations A (the model
 * input is fed too, for graphs whose skip connections bypass A; it is a constant for the gradient).
 */
export function headFrom(model: tf.LayersModel, layerName: string, input: tf.Tensor): (a: tf.Tensor) => tf.Tensor2D {
  const at = layerOutput(model, layerName);
  return (a: tf.Tensor) => {
    const feeds = new Map<number, tf.Tensor>([[model.inputs[0].id, input], [at.id, a]]);
    return runGraph(feeds, [model.outputs[0]], { forGradient: true })[0] as tf.Tensor2D;
  };
}
