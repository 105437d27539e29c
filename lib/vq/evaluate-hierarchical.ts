// What the lecture measures of a (one- or two-level) VQ-VAE on a whole image set, in chunks:
// the normalised reconstruction error of its decoder means against the grey images (the measure of
// the Keras VQ-VAE example: mean squared error over the variance of the training pixels), how many
// codes of each level a full pass uses, and the bound -log p(x|z) - log p(z_top) - log p(z_bottom|z_top)
// in nats on binary images.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { ImageSet, checkBinary, pixelRange } from '../data';
import { Bernoulli } from '../distributions';
import { HierarchicalCodes, HierarchicalVqVae } from './hierarchical-vq-vae';
import { LocalCodePrior } from './local-code-prior';
import { TransformerCodePrior } from './transformer-code-prior';

/** Variance of all pixel intensities (in [0, 1]) of a set: the Keras example's normaliser. */
export function pixelVariance(set: ImageSet): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < set.pixels.length; i++) {
    const v = set.pixels[i] / 255;
    s += v;
    s2 += v * v;
  }
  const m = s / set.pixels.length;
  return s2 / set.pixels.length - m * m;
}

function chunks(set: ImageSet, chunk: number, each: (x: tf.Tensor2D, start: number) => void): void {
  checkInt('chunk', chunk, 1);
  for (let start = 0; start < set.n; start += chunk) {
    const x = pixelRange(set, start, chunk);
    try { each(x, start); } finally { x.dispose(); }
  }
}

/** Both levels' codes of every image of a set (grey images are encoded as they are). */
export function encodeSet(model: HierarchicalVqVae, set: ImageSet, chunk = 500): HierarchicalCodes {
  const top = new Int32Array(set.n * model.config.topCodes);
  const bottom = new Int32Array(set.n * model.cells);
  chunks(set, chunk, (x, start) => {
    const c = model.codes(x);
    top.set(c.top, start * model.config.topCodes);
    bottom.set(c.bottom, start * model.cells);
  });
  return { top, bottom };
}

/** Mean over images and pixels of (decoder mean - intensity)^2, divided by `variance`. */
export function normalizedError(model: HierarchicalVqVae, set: ImageSet, variance: number, chunk = 500): number {
  if (!(variance > 0)) throw new ParameterError(`variance ${variance}`, 'pass the positive pixel variance of the training set (pixelVariance)');
  let total = 0;
  chunks(set, chunk, (x) => {
    const logits = model.decodeCodes(model.codes(x));
    total += tf.tidy(() => tf.sum(tf.square(tf.sub(tf.sigmoid(logits), x))).dataSync()[0]);
    logits.dispose();
  });
  return total / (set.n * model.config.side ** 2) / variance;
}

/** How often each code of each level is chosen over a set of codes. */
export function codeCounts(codes: Int32Array, codebookSize: number): Float64Array {
  const counts = new Float64Array(codebookSize);
  codes.forEach((k) => { counts[k] += 1; });
  return counts;
}

export interface BoundParts {
  /** Per image, nats: -log p(x|z), -log p(z_top), -log p(z_bottom | z_top). */
  reconstruction: Float64Array;
  top: Float64Array;
  bottom: Float64Array;
}

/**
 * The terms of -log p(x) <= -log p(x|z) - log p(z_top) - log p(z_bottom|z_top) for every binary image
 * of a set, z the image's codes (the posterior is one-hot, so this is the negative ELBO). A one-level
 * model passes no top prior and its bottom prior has no context.
 */
export function hierarchicalBound(model: HierarchicalVqVae, bottomPrior: LocalCodePrior, topPrior: TransformerCodePrior | null,
  binary: ImageSet, chunk = 250): BoundParts {
  if ((model.config.topCodes > 0) !== (topPrior !== null)) {
    throw new ParameterError('a two-level model needs a top prior and a one-level model none', 'pass the prior that matches the model');
  }
  const out: BoundParts = { reconstruction: new Float64Array(binary.n), top: new Float64Array(binary.n), bottom: new Float64Array(binary.n) };
  chunks(binary, chunk, (x, start) => {
    checkBinary('images', x);
    const codes = model.codes(x);
    const rec = tf.tidy(() => new Bernoulli(model.decodeCodes(codes), { eventRank: 1, validate: false }).logProb(x).dataSync());
    const bottom = tf.tidy(() => bottomPrior.logProb(codes.bottom, topPrior ? codes.top : undefined).dataSync());
    const top = topPrior ? tf.tidy(() => topPrior.logProb(codes.top).dataSync()) : new Float32Array(rec.length);
    for (let i = 0; i < rec.length; i++) {
      out.reconstruction[start + i] = -rec[i];
      out.bottom[start + i] = -bottom[i];
      out.top[start + i] = -top[i];
    }
  });
  return out;
}
