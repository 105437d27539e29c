// Starting a generative network's output layer at the data's marginals: the bias of each pixel is the
// logit of how often it is on in the training set, so training begins from the best model that
// ignores the latents instead of from a grey image (a common start for binary-data models).
import * as tf from '../core/tf';
import { ShapeError } from '../core/errors';
import { ImageSet } from '../data';
import { Dense } from '../nn/dense';

/**
 * Logits of each pixel's mean value over the set (the probability that it is on after binarization).
 * The mean is Laplace-smoothed, (Σ x + 1) / (n + 2), so that a pixel never on gets a finite logit.
 */
export function marginalLogits(set: ImageSet): Float32Array {
  const d = set.rows * set.cols;
  const sums = new Float64Array(d);
  for (let i = 0; i < set.n; i++) for (let j = 0; j < d; j++) sums[j] += set.pixels[i * d + j] / 255;
  return Float32Array.from(sums, (s) => {
    const p = (s + 1) / (set.n + 2);
    return Math.log(p / (1 - p));
  });
}

/** Sets the bias of the layer that outputs the data's logits to `logits`. */
export function setOutputBias(layer: Dense, logits: Float32Array): void {
  if (logits.length !== layer.outputSize) {
    throw new ShapeError(`${logits.length} logits for a layer with ${layer.outputSize} outputs`, 'pass one logit per output unit (per pixel)');
  }
  const t = tf.tensor1d(logits);
  layer.bias.assign(t);
  t.dispose();
}
