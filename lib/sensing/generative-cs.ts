// Compressed sensing with a generative model (Bora, Jalal, Price and Dimakis, ICML 2017): recover x
// as G(z_hat), with z_hat minimising ||y - W G(z)||^2 + prior ||z||^2 by Adam from several random
// starts, keeping per signal the start whose fit to the measurements is best. G here is a trained
// decoder's mean image (lecture 1's VAE: sigmoid of its logits).
import * as tf from '../core/tf';
import { ShapeError, checkInt, checkNumber, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';
import { adam } from '../core/adam';
import { variableFrom } from '../core/ops';

export interface GenerativeRecovery {
  /** z -> G(z) for z [batch, latent]. */
  generator: (z: tf.Tensor2D) => tf.Tensor2D;
  latentDim: number;
  /** Weight of ||z||^2 (Bora et al. use 0.1 for MNIST). */
  prior: number;
  steps: number;
  restarts: number;
  learningRate: number;
}

/** Recovers each row of y [batch, m] measured by W [m, n]; returns G(z_hat) [batch, n]. */
export function recoverWithGenerator(y: tf.Tensor2D, w: tf.Tensor2D, o: GenerativeRecovery, key: Key): tf.Tensor2D {
  checkInt('steps', o.steps, 1);
  checkInt('restarts', o.restarts, 1);
  checkNumber('prior', o.prior, (v) => v >= 0, 'non-negative');
  if (y.rank !== 2 || y.shape[1] !== w.shape[0]) throw new ShapeError(`measurements of shape ${fmtShape(y.shape)} do not fit W of shape ${fmtShape(w.shape)}`, 'pass y as [batch, m] and W as [m, n]');
  const batch = y.shape[0];
  let best: tf.Tensor2D | null = null;
  let bestFit: tf.Tensor1D | null = null;
  for (let r = 0; r < o.restarts; r++) {
    const z = variableFrom(() => normal(key.foldIn(r), [batch, o.latentDim]) as tf.Tensor2D);
    const optimizer = adam(o.learningRate);
    // the per-signal losses are independent, so their sum's gradient moves each z on its own loss
    const objective = () => tf.tidy(() => {
      const fit = tf.matMul(o.generator(z), w, false, true).sub(y).square().sum(1);
      return fit.add(z.square().sum(1).mul(o.prior)).sum() as tf.Scalar;
    });
    for (let s = 0; s < o.steps; s++) optimizer.minimize(objective, false, [z]);
    const [image, fit] = tf.tidy(() => {
      const g = o.generator(z);
      return [g, tf.matMul(g, w, false, true).sub(y).square().sum(1) as tf.Tensor1D];
    });
    optimizer.dispose();
    z.dispose();
    if (!best || !bestFit) { best = image; bestFit = fit; continue; }
    const better = tf.tidy(() => fit.less(bestFit!));
    const nextBest = tf.tidy(() => tf.where(better.reshape([batch, 1]).tile([1, image.shape[1]]), image, best!) as tf.Tensor2D);
    const nextFit = tf.tidy(() => tf.minimum(fit, bestFit!) as tf.Tensor1D);
    tf.dispose([best, bestFit, image, fit, better]);
    best = nextBest;
    bestFit = nextFit;
  }
  bestFit!.dispose();
  return best!;
}
