/**
 * The LungCAM CNN: a compact VGG-style network on log-mel patches [96 frames, bands, 1].
 * Named conv layers `conv1`…`convN` (input side first) so users can pick one for Grad-CAM; global average
 * pooling makes the band axis free (input shape [96, null, 1]), so one architecture serves full-band and
 * cut-band features; the output is raw logits (softmax is applied in classify, Grad-CAM targets logits).
 */
import * as tf from '@tensorflow/tfjs';
import { PATCH_FRAMES } from '../types';
import { buildYamnetModel, type YamnetBackbone } from './yamnet';

export const CLASSES = ['normal', 'crackle', 'wheeze', 'both'] as const;
export type ClassName = (typeof CLASSES)[number];

export interface ModelOptions {
  /** Filters per conv block, input side first; a 2×2 max-pool follows every block but the last. */
  filters?: number[];
  /** Batch norm after every conv (off by default: slow to train on wasm). */
  batchNorm?: boolean;
  /** A batch-norm layer on the input log-mel (learns the feature scale; on by default). */
  inputNorm?: boolean;
  classes?: number;
  /** Seed for the weight initialisers (reproducible training). */
  seed?: number;
  /** Fixed band count, or null for any (the default). */
  bands?: number | null;
  /** Start from YAMNet's pretrained blocks instead of the small CNN (yamnet.ts). */
  backbone?: YamnetBackbone;
}

export const DEFAULT_FILTERS = [16, 32, 64, 128];

/** Names of the conv layers of a model built here, input side first. */
export function convLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.getClassName() === 'Conv2D' || l.getClassName() === 'DepthwiseConv2D').map((l) => l.name);
}

/** Builds the LungCAM CNN (logits out). Layer names are fixed so saved models and CAM code agree. */
export function buildModel(opts: ModelOptions = {}): tf.LayersModel {
  if (opts.backbone) return buildYamnetModel(opts.backbone, { classes: opts.classes ?? CLASSES.length, seed: opts.seed ?? 1, bands: opts.bands });
  const filters = opts.filters ?? DEFAULT_FILTERS;
  // Batch norm after every conv costs more than the convs themselves on wasm (its gradient is a dozen
  // full-size elementwise ops per layer), so the default normalises the input only.
  const batchNorm = opts.batchNorm ?? false;
  const inputNorm = opts.inputNorm ?? true;
  const classes = opts.classes ?? CLASSES.length;
  let seed = opts.seed ?? 1;
  const nextSeed = () => seed++;
  const input = tf.input({ shape: [PATCH_FRAMES, opts.bands ?? null, 1], name: 'logmel' });
  let x: tf.SymbolicTensor = input;
  if (inputNorm) x = tf.layers.batchNormalization({ name: 'input_norm', momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  filters.forEach((n, i) => {
    const k = i + 1;
    x = tf.layers.conv2d({
      name: `conv${k}`, filters: n, kernelSize: 3, padding: 'same', useBias: !batchNorm,
      kernelInitializer: tf.initializers.heNormal({ seed: nextSeed() }),
    }).apply(x) as tf.SymbolicTensor;
    if (batchNorm) x = tf.layers.batchNormalization({ name: `bn${k}`, momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `relu${k}` }).apply(x) as tf.SymbolicTensor;
    if (i < filters.length - 1) {
      x = tf.layers.maxPooling2d({ name: `pool${k}`, poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  // No dropout layer: tfjs's seeded dropout draws the same mask on every batch (not reproducible
  // otherwise); augmentation regularises instead.
  const logits = tf.layers.dense({
    name: 'logits', units: classes,
    kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'lungcam_cnn' });
}

/**
 * The benchmark reference net of /work/shared/bench/torch_reference.py, layer for layer: conv 32/64/128
 * (3×3, same, ReLU), 2×2 max-pool after the first two, global average pooling, dense 4 logits.
 */
export function buildReferenceModel(bands = 64, seed = 0): tf.LayersModel {
  return buildModel({ filters: [32, 64, 128], batchNorm: false, inputNorm: false, bands, seed });
}
