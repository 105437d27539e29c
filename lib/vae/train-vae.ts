// Training and evaluation of the VAE on an image set: dynamic binarization for training, a fixed
// stochastic binarization for testing, bounds reported in nats per image.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { train, TrainResult } from '../core/train';
import { meanAndStderr } from '../core/stats';
import { checkInt } from '../core/errors';
import { ImageSet, batchIndices, binarizeDynamic, binarizeStatic, gatherPixels, pixelRange } from '../data';
import { Vae } from './vae';
import { adam } from '../core/adam';

export interface VaeTrainOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Multiply the learning rate by this factor at the listed fractions of training, e.g. [0.6, 0.85]. */
  decayAt: number[];
  decayFactor: number;
  progress: 'auto' | 'lines' | 'off';
  onStep?: (step: number, loss: number) => void | Promise<void>;
}

export function defaultVaeTrainOptions(): VaeTrainOptions {
  return { steps: 1000, batchSize: 128, learningRate: 1e-3, decayAt: [], decayFactor: 0.3, progress: 'auto' };
}

/** Trains `vae` on `data` with Adam; step i uses batch i of epochs shuffled by `key`. */
export async function trainVae(vae: Vae, data: ImageSet, key: Key, options: Partial<VaeTrainOptions> = {}): Promise<TrainResult> {
  const o = { ...defaultVaeTrainOptions(), ...options };
  const optimizer = adam(o.learningRate);
  const [batchKey, noiseKey] = key.split(2);
  const decaySteps = o.decayAt.map((f) => Math.round(f * o.steps));
  try {
    return await train(noiseKey, (k, step) => {
      if (decaySteps.includes(step)) {
        // AdamOptimizer reads its learningRate field at every step
        (optimizer as unknown as { learningRate: number }).learningRate *= o.decayFactor;
      }
      const [kBin, kElbo] = k.split(2);
      const x = gatherPixels(data, batchIndices(batchKey, data.n, o.batchSize, step));
      const xb = binarizeDynamic(kBin, x) as tf.Tensor2D;
      x.dispose();
      const loss = vae.loss(xb, kElbo);
      xb.dispose();
      return loss;
    }, { steps: o.steps, optimizer, variables: vae.variables, label: 'VAE training', progress: o.progress, onStep: o.onStep });
  } finally {
    optimizer.dispose();
  }
}

export interface BoundSummary {
  /** Mean over images, nats. */
  mean: number;
  /** Standard error of the mean, nats. */
  stderr: number;
  /** Per-image values. */
  values: Float32Array;
}

function summarise(values: Float32Array): BoundSummary {
  return { ...meanAndStderr(values), values };
}

/** Per-image ELBO (nats) over the first `count` images of a binarized set, its KL analytic or drawn ('mc'). */
export function evaluateElbo(vae: Vae, data: ImageSet, key: Key, count = data.n, batch = 500, klMode: 'analytic' | 'mc' = 'analytic'): BoundSummary {
  checkInt('count', count, 1);
  checkInt('batch', batch, 1);
  const values = new Float32Array(Math.min(count, data.n));
  for (let start = 0, b = 0; start < values.length; start += batch, b++) {
    const part = tf.tidy(() => vae.elbo(pixelRange(data, start, Math.min(batch, values.length - start)), key.foldIn(b), klMode));
    values.set(part.dataSync(), start);
    part.dispose();
  }
  return summarise(values);
}

/** The ELBO averaged over several draws per image, with the two errors of its mean (nats). */
export interface DrawnElbo extends BoundSummary {
  /** Draws of z per image. */
  draws: number;
  /**
   * The standard error of the mean from the draws alone, given these images: the error that matters
   * when another number is measured on the same images (a code length, say), so that the spread
   * between images (`stderr`) is common to both.
   */
  drawStderr: number;
}

/**
 * Per-image ELBO (nats) averaged over `draws` independent draws of z (draw d uses key.foldIn(d)),
 * over the first `count` images; `drawStderr` from each image's variance over its draws.
 */
export function evaluateElboDraws(vae: Vae, data: ImageSet, key: Key, draws: number, count = data.n, batch = 500, klMode: 'analytic' | 'mc' = 'analytic'): DrawnElbo {
  checkInt('draws', draws, 2);
  const runs = Array.from({ length: draws }, (_, d) => evaluateElbo(vae, data, key.foldIn(d), count, batch, klMode).values);
  const n = runs[0].length;
  const means = new Float32Array(n);
  let varianceSum = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const r of runs) sum += r[i];
    const mean = sum / draws;
    let squares = 0;
    for (const r of runs) squares += (r[i] - mean) ** 2;
    means[i] = mean;
    varianceSum += squares / (draws - 1);
  }
  return { ...summarise(means), draws, drawStderr: Math.sqrt(varianceSum / draws) / n };
}

/** Per-image importance-weighted bound with k samples (nats) over the first `count` images. */
export async function evaluateIwae(vae: Vae, data: ImageSet, key: Key, k: number, count = data.n, batch = 20,
  onProgress?: (done: number) => void | Promise<void>): Promise<BoundSummary> {
  checkInt('importance samples k', k, 1);
  checkInt('count', count, 1);
  checkInt('batch', batch, 1);
  const values = new Float32Array(Math.min(count, data.n));
  for (let start = 0, b = 0; start < values.length; start += batch, b++) {
    const x = pixelRange(data, start, Math.min(batch, values.length - start));
    const part = vae.iwae(x, key.foldIn(b), k);
    values.set(part.dataSync(), start);
    tf.dispose([x, part]);
    if (onProgress) await onProgress(Math.min(start + batch, values.length));
  }
  return summarise(values);
}

/** Seed of the fixed stochastic binarization of test images shared by all lectures. */
export const TEST_BINARIZATION_SEED = 20241;

/** The test images of a dataset binarized once, the same way in every lecture and script. */
export function binarizedTestSet(test: ImageSet): ImageSet {
  return binarizeStatic(test, Key.fromSeed(TEST_BINARIZATION_SEED));
}
