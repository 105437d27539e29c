// The training loop of the Helmholtz-machine lecture: any learner, Adam, keyed minibatches of binary
// data, and an optional learning curve (held-out log p(x), or any score of the learner).
import * as tf from '../core/tf';
import { checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { train } from '../core/train';
import { ImageSet, batchIndices, binarizeDynamic, checkBinary, gatherPixels } from '../data';
import { Learner } from './learners';

/** The binary minibatch of a training step. */
export type Batches = (key: Key, step: number) => tf.Tensor2D;

/** Minibatches of the rows of a binary tensor, epochs shuffled by `shuffleKey`. */
export function tensorBatches(data: tf.Tensor2D, batchSize: number, shuffleKey: Key): Batches {
  checkBinary('data', data);
  checkInt('batchSize', batchSize, 1);
  return (_key, step) => tf.tidy(() => tf.gather(data, tf.tensor1d(batchIndices(shuffleKey, data.shape[0], batchSize, step), 'int32')) as tf.Tensor2D);
}

/** Minibatches of grey images binarized afresh at every step (dynamic binarization). */
export function binarizedBatches(set: ImageSet, batchSize: number, shuffleKey: Key): Batches {
  checkInt('batchSize', batchSize, 1);
  return (key, step) => tf.tidy(() => binarizeDynamic(key, gatherPixels(set, batchIndices(shuffleKey, set.n, batchSize, step))) as tf.Tensor2D);
}

export interface FitOptions {
  steps: number;
  learningRate: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
  /** A score of the learner (e.g. held-out log p(x), meanLogMarginal) every `every` steps and after the last. */
  evaluate?: { every: number; score: (learner: Learner) => number };
}

export interface FitResult {
  losses: number[];
  seconds: number;
  /** The score after each evaluated step (steps counted from 1). */
  curve: { step: number; value: number }[];
}

/** Mean importance-sampled log p(x) over the rows of x, in nats. */
export function meanLogMarginal(learner: Learner, key: Key, x: tf.Tensor2D, particles: number): number {
  const values = learner.logMarginal(key, x, particles);
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * log p(x) of every row of x, importance-sampled with `particles` draws, `rows` rows at a time so that
 * memory stays small when K is in the thousands; the rows of block b use key.foldIn(b). `onBlock`
 * hears the number of rows done after each block (for a progress line on long scorings).
 */
export function logMarginalByRows(learner: Learner, key: Key, x: tf.Tensor2D, particles: number, rows = 20, onBlock?: (done: number) => void): Float64Array {
  checkInt('rows', rows, 1);
  const n = x.shape[0];
  const out = new Float64Array(n);
  for (let start = 0, b = 0; start < n; start += rows, b++) {
    const block = tf.slice(x, [start, 0], [Math.min(rows, n - start), -1]);
    try {
      out.set(learner.logMarginal(key.foldIn(b), block, particles), start);
    } finally {
      block.dispose();
    }
    onBlock?.(Math.min(start + rows, n));
  }
  return out;
}

/** Trains `learner` with Adam for `steps` steps; step i uses batches(key_i, i). */
export async function fitLearner(learner: Learner, batches: Batches, key: Key, o: FitOptions): Promise<FitResult> {
  checkNumber('learningRate', o.learningRate, (v) => v > 0 && Number.isFinite(v), 'a positive learning rate');
  if (o.evaluate) checkInt('evaluate.every', o.evaluate.every, 1);
  const optimizer = adam(o.learningRate);
  const curve: FitResult['curve'] = [];
  const [batchKey, lossKey] = key.split(2);
  try {
    const result = await train(lossKey, (k, step) => {
      const x = batches(batchKey.foldIn(step), step);
      const loss = learner.loss(k, x);
      x.dispose();
      return loss;
    }, {
      steps: o.steps,
      optimizer,
      variables: learner.variables,
      label: o.label ?? learner.name,
      progress: o.progress,
      onStep: (step) => {
        if (o.evaluate && ((step + 1) % o.evaluate.every === 0 || step + 1 === o.steps)) {
          curve.push({ step: step + 1, value: o.evaluate.score(learner) });
        }
      },
    });
    return { ...result, curve };
  } finally {
    optimizer.dispose();
  }
}
