// Training the oi-VAE: Adam on the negative ELBO per image over shuffled mini-batches, then after every
// step the group lasso's proximal step with threshold η·λ (η the learning rate), as in the paper's
// code. λ is per image here, like the loss; the paper's full-data objective sums the ELBO over N
// images, so its λ corresponds to ours times N.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { TrainResult, train } from '../core/train';
import { batchIndices } from '../data/batches';
import { applyGroupLassoProx } from './group-lasso';
import { OiVae, checkLambda } from './oi-vae';

export interface OiVaeTraining {
  steps: number;
  batch: number;
  learningRate: number;
  /** Group-lasso weight per image (0: a plain VAE). */
  lambda: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
}

/** Trains `model` on the rows of `x` (keyed shuffling); returns the loss (negative ELBO per image) of every step. */
export async function trainOiVae(model: OiVae, x: tf.Tensor2D, key: Key, o: OiVaeTraining): Promise<TrainResult> {
  checkInt('batch', o.batch, 1);
  checkLambda(o.lambda);
  const [kb, ks] = key.split(2);
  const optimizer = adam(o.learningRate);
  try {
    return await train(ks, (k, step) => tf.tidy(() => {
      const rows = tf.tensor1d(batchIndices(kb, x.shape[0], o.batch, step), 'int32');
      return tf.neg(tf.mean(model.elbo(tf.gather(x, rows) as tf.Tensor2D, k).elbo)) as tf.Scalar;
    }), {
      steps: o.steps, optimizer, variables: model.variables, label: o.label ?? 'oi-VAE', progress: o.progress,
      onStep: () => { if (o.lambda > 0) applyGroupLassoProx(model.groupWeights, o.learningRate * o.lambda); },
    });
  } finally {
    optimizer.dispose();
  }
}

/** The mean ELBO per image over x, in nats, one draw of z per image (in blocks of 1,000 rows). */
export function meanElbo(model: OiVae, x: tf.Tensor2D, key: Key): number {
  let total = 0;
  for (let start = 0; start < x.shape[0]; start += 1000) {
    const n = Math.min(1000, x.shape[0] - start);
    total += tf.tidy(() => tf.sum(model.elbo(tf.slice(x, [start, 0], [n, -1]), key.foldIn(start)).elbo).dataSync()[0]);
  }
  return total / x.shape[0];
}
