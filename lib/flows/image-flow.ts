// A RealNVP-style flow for binary images: dequantize each pixel into its half of [0, 1], map the unit
// cube to R^D with the logit transform, then alternate affine couplings over checkerboard masks.
import * as tf from '../core/tf';
import { DataError, checkInt, checkNumber } from '../core/errors';
import { Key, uniform } from '../core/random';
import { AffineCoupling } from './layers';
import { LogitTransform } from './logit';
import { compose } from './bijection';
import { Flow } from './flow';
import { ImageSet, batchIndices, binarizeDynamic, checkBinary, gatherPixels, pixelRange } from '../data';
import { TrainResult, train } from '../core/train';
import { meanAndStderr } from '../core/stats';
import { adam } from '../core/adam';

export interface ImageFlowConfig {
  side: number;
  couplings: number;
  hidden: number;
  /** The logit transform's margin. */
  lambda: number;
}

export function imageFlow(config: ImageFlowConfig, key: Key): { flow: Flow; namedVariables: () => [string, tf.Variable][] } {
  checkInt('side', config.side, 2);
  checkInt('couplings', config.couplings, 1);
  checkInt('hidden', config.hidden, 1);
  const dim = config.side * config.side;
  const board = Array.from({ length: dim }, (_, i) => (Math.floor(i / config.side) + (i % config.side)) % 2);
  const logit = LogitTransform(dim, config.lambda); // checks lambda before any weights exist
  const couplings = Array.from({ length: config.couplings }, (_, i) => AffineCoupling(i % 2 ? board : board.map((m) => 1 - m), [config.hidden], key.foldIn(i)));
  const flow = new Flow(compose('image flow', [logit, ...couplings]));
  return { flow, namedVariables: () => flow.variables.map((v, i) => [`flow/${i}`, v]) };
}

/** Uniform dequantization of binary pixels: y = (x + u) / 2 with u ~ U[0, 1), so y lies in x's half of [0, 1]. */
export function dequantizeBinary(key: Key, x: tf.Tensor2D): tf.Tensor2D {
  checkBinary('the images', x);
  return tf.tidy(() => tf.div(tf.add(x, uniform(key, x.shape)), 2) as tf.Tensor2D);
}

/**
 * Bits per dimension of the discrete data from a continuous model's NLL (nats per image) on
 * dequantized data: -log2 P(x) / D <= nll / (D ln 2) + log2(levels), since each bin has width 1 / levels.
 */
export function bitsPerDim(nll: number, dim: number, levels = 2): number {
  checkInt('dim', dim, 1);
  checkNumber('levels', levels, (v) => v >= 2, '>= 2');
  return nll / (dim * Math.LN2) + Math.log2(levels);
}

/** The training loss on one keyed minibatch: dynamic binarization, dequantization, negative log-likelihood. */
export function imageFlowLoss(flow: Flow, images: ImageSet, key: Key, batchSize: number): tf.Scalar {
  const [kBatch, kBinary, kNoise] = key.split(3);
  return tf.tidy(() => {
    const x = binarizeDynamic(kBinary, gatherPixels(images, batchIndices(kBatch, images.n, batchSize, 0))) as tf.Tensor2D;
    return flow.forwardKl(dequantizeBinary(kNoise, x));
  });
}

export async function trainImageFlow(flow: Flow, images: ImageSet, key: Key, options: { steps: number; batchSize?: number; learningRate?: number; progress?: 'auto' | 'lines' | 'off'; onStep?: (step: number, loss: number) => void }): Promise<TrainResult> {
  const optimizer = adam(options.learningRate ?? 1e-3);
  try {
    return await train(key, (k) => imageFlowLoss(flow, images, k, options.batchSize ?? 64),
      { steps: options.steps, optimizer, variables: flow.variables, label: 'image flow', progress: options.progress, onStep: options.onStep });
  } finally {
    optimizer.dispose();
  }
}

/** Test bits per dimension on the first `count` images of a binarized set, one dequantization each, with its standard error. */
export function evaluateBitsPerDim(flow: Flow, binaryImages: ImageSet, key: Key, count = binaryImages.n, batch = 500): { mean: number; stderr: number } {
  const dim = binaryImages.rows * binaryImages.cols;
  const perImage: number[] = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const nll = tf.tidy(() => Array.from(tf.neg(flow.logProb(dequantizeBinary(key.foldIn(start), pixelRange(binaryImages, start, n)))).dataSync()));
    perImage.push(...nll.map((v) => bitsPerDim(v, dim)));
  }
  return meanAndStderr(perImage);
}
