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

/**
 * Values of `fetches`, given values for `feeds` (keyed by SymbolicTensor id). Each layer runs in inference
 * mode (training: false: dropout off, batch-norm moving statistics).
 */
export function runGraph(feeds: Map<number, tf.Tensor>, fetches: Symbolic[]): tf.Tensor[] {
  const values = new Map(feeds);
  const compute = (t: Symbolic): tf.Tensor => {
    const known = values.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer as unknown as tf.layers.Layer & { inboundNodes: GraphNode[] };
    const node = layer.inboundNodes[t.nodeIndex];
    if (!node || node.inputTensors.length === 0) {
      throw new Error(`graph: no value fed for model input "${t.name}"`);
    }
    const inputs = node.inputTensors.map(compute);
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { ...(node.callArgs ?? {}), training: false });
    const outs = Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
    node.outputTensors.forEach((s, i) => values.set(s.id, outs[i]));
    return values.get(t.id)!;
  };
  return fetches.map(compute);
}

/** One forward pass: the model's first output plus the outputs of the named layers. */
export function forwardWithActivations(
  model: tf.LayersModel,
  input: tf.Tensor,
  layerNames: string[],
): { logits: tf.Tensor2D; activations: tf.Tensor4D[] } {
  const feeds = new Map<number, tf.Tensor>([[model.inputs[0].id, input]]);
  const fetched = runGraph(feeds, [model.outputs[0], ...layerNames.map((n) => layerOutput(model, n))]);
  return { logits: fetched[0] as tf.Tensor2D, activations: fetched.slice(1) as tf.Tensor4D[] };
}

/**
 * The rest of the model above a layer: logits as a function of that layer's activations A (the model
 * input is fed too, for graphs whose skip connections bypass A; it is a constant for the gradient).
 */
export function headFrom(model: tf.LayersModel, layerName: string, input: tf.Tensor): (a: tf.Tensor) => tf.Tensor2D {
  const at = layerOutput(model, layerName);
  return (a: tf.Tensor) => {
    const feeds = new Map<number, tf.Tensor>([[model.inputs[0].id, input], [at.id, a]]);
    return runGraph(feeds, [model.outputs[0]])[0] as tf.Tensor2D;
  };
}
