// Training a masked classifier with early stopping, as in Frankle and Carbin: Adam on minibatches,
// the validation loss measured every few iterations, and the test accuracy taken at the iteration
// where the validation loss was lowest. MNIST's 60,000 training digits are split 55,000/5,000.
import * as tf from '../core/tf';
import { DataError, checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { progressBar } from '../core/progress';
import { ImageDataset, ImageSet, sliceImages } from '../data/images';
import { batchIndices, gatherPixels } from '../data/batches';
import { classLogProb } from '../nn/class-log-prob';
import { MaskedNetwork, NetworkState } from './masked-network';

export interface ClassifierData {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
}

/** The first `validationSize` training images for validation, the rest for training (TensorFlow's MNIST split). */
export function validationSplit(dataset: ImageDataset, validationSize = 5000): ClassifierData {
  checkInt('validationSize', validationSize, 1);
  const all = dataset.train;
  if (validationSize >= all.n) throw new DataError(`a validation set of ${validationSize} leaves nothing of ${all.n} training images`, 'use a smaller validation set');
  return { validation: sliceImages(all, 0, validationSize), train: sliceImages(all, validationSize, all.n - validationSize), test: dataset.test };
}

/** Mean cross-entropy (nats) of the logits against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(classLogProb(logits, tf.tensor1d(Array.from(labels), 'int32')))) as tf.Scalar);
}

/** Mean cross-entropy and accuracy of the network on a whole set, in chunks. */
export function evaluate(net: MaskedNetwork, set: ImageSet, chunk = 2500): { loss: number; accuracy: number } {
  let lossSum = 0, correct = 0;
  for (let start = 0; start < set.n; start += chunk) {
    const count = Math.min(chunk, set.n - start);
    const labels = set.labels.subarray(start, start + count);
    const [loss, predicted] = tf.tidy(() => {
      const logits = net.apply(gatherPixels(set, Array.from({ length: count }, (_, i) => start + i)));
      return [crossEntropy(logits, labels).dataSync()[0], tf.argMax(logits, 1).dataSync()];
    }) as unknown as [number, Int32Array];
    lossSum += loss * count;
    for (let i = 0; i < count; i++) correct += Number(predicted[i] === labels[i]);
  }
  return { loss: lossSum / set.n, accuracy: correct / set.n };
}

export interface TrainClassifierOptions {
  /** Training iterations (minibatches). */
  iterations: number;
  /** Minibatch size; Frankle and Carbin use 60 for LeNet. */
  batchSize?: number;
  /** Adam's learning rate; 1.2e-3 for LeNet in the paper. */
  learningRate?: number;
  /** Iterations between validation measurements. */
  evaluateEvery?: number;
  /** Keep a copy of the weights after this many iterations (for rewinding to iteration k). */
  saveAt?: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
}

export interface ClassifierRun {
  /** Iteration with the lowest validation loss (the early-stopping iteration). */
  earlyStopIteration: number;
  /** Test accuracy of the weights at that iteration. */
  testAccuracy: number;
  validationAccuracy: number;
  /** Test accuracy at the last iteration. */
  finalTestAccuracy: number;
  /** Validation loss at every measurement, with its iteration. */
  curve: { iteration: number; validationLoss: number; validationAccuracy: number }[];
  seconds: number;
  /** The weights after `saveAt` iterations, when asked for. */
  saved?: NetworkState;
}

/**
 * Trains `net` in place for `iterations` minibatches; batches come from `key`. The network ends
 * with its early-stopped weights (those of the lowest validation loss), which is what gets pruned.
 */
export async function trainClassifier(net: MaskedNetwork, data: ClassifierData, key: Key, options: TrainClassifierOptions): Promise<ClassifierRun> {
  const { iterations, batchSize = 60, learningRate = 1.2e-3, evaluateEvery = 100 } = options;
  checkInt('iterations', iterations, 1);
  checkInt('batchSize', batchSize, 1);
  checkInt('evaluateEvery', evaluateEvery, 1);
  checkNumber('learningRate', learningRate, (r) => r > 0, 'a learning rate is positive');
  const optimizer = adam(learningRate);
  const bar = progressBar(options.label ?? 'training', iterations, options.progress ?? 'auto');
  const start = Date.now();
  const curve: ClassifierRun['curve'] = [];
  let saved: NetworkState | undefined;
  let best: { iteration: number; loss: number; state: NetworkState } = { iteration: -1, loss: Infinity, state: net.state() };
  try {
    for (let it = 1; it <= iterations; it++) {
      const idx = batchIndices(key, data.train.n, batchSize, it - 1);
      const labels = Array.from(idx, (i) => data.train.labels[i]);
      tf.tidy(() => {
        const x = gatherPixels(data.train, idx);
        optimizer.minimize(() => crossEntropy(net.apply(x), labels), false, net.variables);
      });
      if (it === options.saveAt) saved = net.state();
      if (it % evaluateEvery === 0 || it === iterations) {
        const v = evaluate(net, data.validation);
        curve.push({ iteration: it, validationLoss: v.loss, validationAccuracy: v.accuracy });
        if (v.loss < best.loss) best = { iteration: it, loss: v.loss, state: net.state() };
        await bar.update(it, { 'val loss': v.loss });
      }
    }
  } finally {
    optimizer.dispose();
  }
  const finalTestAccuracy = evaluate(net, data.test).accuracy;
  net.load(best.state);
  const validationAccuracy = curve.find((c) => c.iteration === best.iteration)!.validationAccuracy;
  const testAccuracy = evaluate(net, data.test).accuracy;
  await bar.finish({ 'test acc': testAccuracy });
  return { earlyStopIteration: best.iteration, testAccuracy, validationAccuracy, finalTestAccuracy, curve, seconds: (Date.now() - start) / 1000, saved };
}
