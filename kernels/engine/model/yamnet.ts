/**
 * A LungCAM classifier on YAMNet's first blocks (Google's AudioSet-pretrained MobileNet-v1, Apache-2.0;
 * ../shared/pretrained/yamnet holds it as a TensorFlow.js layers model): its conv and depthwise-conv layers
 * 1…N with their pretrained weights, then global average pooling and a dense layer of logits, on LungCAM's
 * log-mel patches [96, bands, 1] (any band count: the blocks are convolutions). Layer names are YAMNet's
 * (`layer1_conv`, `layer2_depthwise_conv`, `layer2_pointwise_conv`, …) so Grad-CAM can name every conv layer.
 * Built synchronously from the two files (model.json + weights), so buildModel stays synchronous.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { PATCH_FRAMES } from '../types';

export interface YamnetBackbone {
  /** Folder of YAMNet's model.json + weights (tfjs layers format). */
  dir: string;
  /** Keep YAMNet's blocks 1…layers (1–14). */
  layers: number;
  /** Blocks below this one keep their pretrained weights (not trained); default 1: everything trains. */
  trainableFrom?: number;
}

/** Where the pretrained weights come from and under which licence (kept in a derived model's metadata). */
export const YAMNET_NOTICE = 'Conv layers initialised from YAMNet (tensorflow/models research/audioset/yamnet, Copyright Google, Apache License 2.0), then fine-tuned';

interface LayerSpec { className: string; config: Record<string, unknown> }

/** YAMNet's layer configs and weights by variable name, read from its files. */
function readYamnet(dir: string): { layers: LayerSpec[]; weights: Map<string, tf.Tensor> } {
  const file = path.join(dir, 'model.json');
  if (!existsSync(file)) throw new LungcamInputError('no YAMNet model.json here (expected the tfjs layers model of ../shared/pretrained/yamnet)', dir);
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  const weights = new Map<string, tf.Tensor>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype !== 'float32') throw new LungcamInputError(`weight ${w.name} is ${w.dtype}; expected float32`, file);
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n));
      weights.set(w.name, tf.tensor(values, w.shape));
      offset += 4 * n;
    }
  }
  return { layers: json.modelTopology.config.layers.map((l) => ({ className: l.class_name, config: l.config })), weights };
}

const blockOf = (name: string) => Number(/^layer(\d+)_/.exec(name)?.[1] ?? 0);

/** Builds the YAMNet-based classifier (logits out), weights from YAMNet, head initialised from `seed`. */
export function buildYamnetModel(backbone: YamnetBackbone, opts: { classes: number; seed: number; bands?: number | null }): tf.LayersModel {
  if (!(Number.isInteger(backbone.layers) && backbone.layers >= 1 && backbone.layers <= 14)) {
    throw new LungcamInputError(`YAMNet has blocks 1–14 (got ${backbone.layers})`, '--backbone');
  }
  const { layers, weights } = readYamnet(backbone.dir);
  try {
    const input = tf.input({ shape: [PATCH_FRAMES, opts.bands ?? null, 1], name: 'logmel' });
    let x: tf.SymbolicTensor = input;
    for (const spec of layers) {
      const name = String(spec.config.name);
      const block = blockOf(name);
      if (block === 0 || block > backbone.layers) continue;
      const c = spec.config as { kernel_size: [number, number]; strides: [number, number]; padding: 'same' | 'valid'; activation: string; use_bias: boolean; filters?: number; depth_multiplier?: number };
      const common = {
        name, kernelSize: c.kernel_size, strides: c.strides, padding: c.padding, useBias: c.use_bias,
        activation: c.activation as 'relu', trainable: block >= (backbone.trainableFrom ?? 1),
      };
      const layer = spec.className === 'Conv2D' ? tf.layers.conv2d({ ...common, filters: c.filters as number })
        : spec.className === 'DepthwiseConv2D' ? tf.layers.depthwiseConv2d({ ...common, kernelSize: c.kernel_size, depthMultiplier: c.depth_multiplier ?? 1 })
          : null;
      if (!layer) throw new LungcamInputError(`unexpected YAMNet layer ${spec.className} (${name})`, backbone.dir);
      x = layer.apply(x) as tf.SymbolicTensor;
      const own = layer.weights.map((w) => {
        const t = weights.get(`${name}/${w.originalName.split('/').pop()}`);
        if (!t) throw new LungcamInputError(`YAMNet weights lack ${name}/${w.originalName.split('/').pop()}`, backbone.dir);
        return t;
      });
      layer.setWeights(own);
    }
    x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
    const logits = tf.layers.dense({
      name: 'logits', units: opts.classes, kernelInitializer: tf.initializers.glorotUniform({ seed: opts.seed }),
    }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: logits, name: `yamnet${backbone.layers}_lungcam` });
  } finally {
    weights.forEach((t) => t.dispose());
  }
}
