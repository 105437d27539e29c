// Training a sequence model on a set of sequences by Adam: minibatches drawn by key, the loss the
// negative bound per time step (the ELBO, or the importance-weighted bound with `particles` > 1).
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { DataError, ParameterError, checkNumber } from '../core/errors';
import { adam } from '../core/adam';
import { train, TrainResult } from '../core/train';
import { batchIndices, binarizeDynamic } from '../data/batches';
import { SequenceLatentModel, checkSequences, sequenceElbo, sequenceIwae } from './sequence-model';

export interface SequenceTraining {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** 1 (default): the ELBO; more: the importance-weighted bound with that many draws of q. */
  particles?: number;
  /**
   * Draw each batch's binary data afresh, each entry 1 with probability equal to it (dynamic
   * binarization of intensities in [0, 1]); off (default), the data are used as they are.
   */
  binarize?: boolean;
  /** Weight of the practice error, in nats per step beside the bound's (default 0: none). */
  practice?: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
  /** Called after every step with the step number and that step's loss. */
  onStep?: (step: number, loss: number) => void | Promise<void>;
}

/**
 * The training loss of one batch x [batch, T, d], in nats per step: the negative bound (the ELBO,
 * or the importance-weighted bound with `particles` > 1) plus `practice` times the practice error.
 */
export function sequenceLoss(model: SequenceLatentModel, x: tf.Tensor3D, key: Key, particles = 1, practice = 0): tf.Scalar {
  return tf.tidy(() => {
    const [b, steps] = x.shape;
    const [kBound, kPractice] = key.split(2);
    const bound = particles === 1 ? sequenceElbo(model, x, kBound) : sequenceIwae(model, x, particles, kBound);
    const loss = tf.div(tf.neg(tf.mean(bound)), steps) as tf.Scalar;
    if (practice === 0) return loss;
    return tf.add(loss, tf.mul(tf.mean(model.practiceError!(b, steps, kPractice)), practice)) as tf.Scalar;
  });
}

/** Throws unless every entry lies in [0, 1]: the probabilities a binarization draws from. */
function checkIntensities(data: tf.Tensor3D): void {
  const range = [tf.min(data), tf.max(data)];
  const [lo, hi] = range.map((t) => t.dataSync()[0]);
  tf.dispose(range);
  if (!(lo >= 0 && hi <= 1)) {
    throw new DataError(`sequences to binarize hold values from ${lo} to ${hi}, not intensities in [0, 1]`, 'scale the data to [0, 1] first (pixel bytes / 255)');
  }
}

/** Trains on data [N, T, d]; step i uses key.foldIn(i) for its batch and its draws. Losses are nats per step. */
export async function trainSequenceModel(model: SequenceLatentModel, data: tf.Tensor3D, key: Key, o: SequenceTraining): Promise<TrainResult> {
  checkSequences(data, model.data);
  const [n, steps] = data.shape;
  const particles = o.particles ?? 1;
  const practice = o.practice ?? 0;
  checkNumber('practice', practice, (v) => v >= 0 && Number.isFinite(v), 'a finite weight of at least 0');
  if (practice > 0 && !model.practiceError) {
    throw new ParameterError('this model has no practice error', 'train a PredictiveCodingModel, or leave practice at 0');
  }
  if (o.binarize) checkIntensities(data);
  const optimizer = adam(o.learningRate);
  // split(3) begins with the keys split(2) gave: runs without binarization draw what they drew before
  const [kBatch, kDraw, kPixels] = key.split(3);
  try {
    return await train(kDraw, (k, step) => tf.tidy(() => {
      const idx = tf.tensor1d(batchIndices(kBatch, n, o.batchSize, step), 'int32');
      const gathered = tf.gather(data, idx) as tf.Tensor3D;
      const x = o.binarize ? binarizeDynamic(kPixels.foldIn(step), gathered) as tf.Tensor3D : gathered;
      return sequenceLoss(model, x, k, particles, practice);
    }), { steps: o.steps, optimizer, variables: model.variables, label: o.label ?? 'sequence model', progress: o.progress, onStep: o.onStep });
  } finally {
    optimizer.dispose();
  }
}
