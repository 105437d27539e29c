// The group-lasso penalty of oi-VAE and its proximal step. Each group g reads the latent code through
// its own matrix W^(g); the penalty λ Σ_g Σ_j ‖W^(g)[:, j]‖₂ sums the norms of the weights from each
// latent j into each group, so whole columns go to zero and a latent stops driving that group. The
// penalty has no gradient at zero, so it is not added to the loss: after each optimiser step every
// column is shrunk by its proximal operator, w ← w · max(0, 1 − ηλ / ‖w‖), the exact minimiser of
// ½‖v − w‖² + ηλ‖v‖. Here W^(g) is stored as [latents, units], so latent j's column is row j.
import * as tf from '../core/tf';
import { ParameterError } from '../core/errors';

function checkThreshold(name: string, t: number): void {
  if (!(t >= 0) || !Number.isFinite(t)) throw new ParameterError(`${name} = ${t}`, 'use a finite λ ≥ 0 (0 switches the penalty off)');
}

/** λ Σ_j ‖w_j‖ over the rows of each matrix: the penalty's value. */
export function groupLassoPenalty(weights: tf.Tensor2D[], lambda: number): number {
  checkThreshold('lambda', lambda);
  return lambda * weights.reduce((s, w) => s + tf.tidy(() => tf.sum(tf.norm(w, 'euclidean', 1)).dataSync()[0]), 0);
}

/** The proximal step of threshold t = ηλ applied to each row of w: a new tensor. */
export function proxGroupLasso(w: tf.Tensor2D, threshold: number): tf.Tensor2D {
  checkThreshold('threshold', threshold);
  return tf.tidy(() => {
    const norms = tf.norm(w, 'euclidean', 1, true);
    // max(0, 1 − t/‖w‖), with 0 where ‖w‖ = 0 (then w is 0 anyway)
    const scale = tf.relu(tf.sub(1, tf.div(threshold, tf.maximum(norms, 1e-30))));
    return tf.mul(w, scale) as tf.Tensor2D;
  });
}

/** Applies the proximal step to every variable in place. */
export function applyGroupLassoProx(variables: tf.Variable<tf.Rank.R2>[], threshold: number): void {
  checkThreshold('threshold', threshold);
  for (const v of variables) {
    const shrunk = proxGroupLasso(v, threshold);
    v.assign(shrunk);
    shrunk.dispose();
  }
}
