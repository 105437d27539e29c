// Gaussian-process regression with a given kernel: posterior mean and variance, marginal likelihood.
import * as tf from '../core/tf';
import { ShapeError, checkNumber, fmtShape } from '../core/errors';
import { choleskyWithJitter, diagonal, solveLower, solveUpperTransposed } from '../linalg/cholesky';

export interface GpFit {
  /** Cholesky factor of K + (noise + jitter) I: [n, n]. */
  L: tf.Tensor2D;
  /** (K + noise I)^-1 Y: [n, m]. */
  alpha: tf.Tensor2D;
  /** Observation noise variance used (without jitter). */
  noiseVariance: number;
  /** Jitter added (as a fraction of the mean diagonal) to make the factorisation succeed. */
  jitter: number;
  /** log p(Y) summed over the m output columns. */
  logMarginalLikelihood: number;
}

/** Conditions a zero-mean GP with train covariance `kTrain` [n, n] on targets `y` [n, m]. */
export function gpFit(kTrain: tf.Tensor2D, y: tf.Tensor2D, noiseVariance: number, blockSize = 128): GpFit {
  checkNumber('noiseVariance', noiseVariance, (v) => v >= 0, 'non-negative');
  const n = kTrain.shape[0];
  if (kTrain.rank !== 2 || kTrain.shape[1] !== n || y.shape[0] !== n) {
    throw new ShapeError(`kernel ${fmtShape(kTrain.shape)} and targets ${fmtShape(y.shape)} do not match`, 'pass K [n, n] and Y [n, m]');
  }
  const { L, jitter } = choleskyWithJitter(kTrain, 0, 1e-2, blockSize, noiseVariance);
  const z = solveLower(L, y, blockSize);
  const alpha = solveUpperTransposed(L, z, blockSize);
  const logMarginalLikelihood = tf.tidy(() => {
    const fit = tf.sum(tf.square(z)).dataSync()[0];
    const logDet = 2 * tf.sum(tf.log(diagonal(L))).dataSync()[0];
    const m = y.shape[1];
    return -0.5 * fit - 0.5 * m * logDet - 0.5 * m * n * Math.log(2 * Math.PI);
  });
  z.dispose();
  return { L, alpha, noiseVariance, jitter, logMarginalLikelihood };
}

/**
 * Posterior mean [t, m] and variance [t] (of the latent function, without the noise) at test
 * points with cross-covariance `kCross` [t, n] and prior variances `kTestDiag` [t].
 */
export function gpPredict(fit: GpFit, kCross: tf.Tensor2D, kTestDiag: tf.Tensor1D, blockSize = 128): { mean: tf.Tensor2D; variance: tf.Tensor1D } {
  const n = fit.L.shape[0];
  if (kCross.shape[1] !== n || kTestDiag.shape[0] !== kCross.shape[0]) {
    throw new ShapeError(`cross-covariance ${fmtShape(kCross.shape)} and test variances ${fmtShape(kTestDiag.shape)} do not fit ${n} training points`, 'pass K(test, train) [t, n] and diag K(test, test) [t]');
  }
  const mean = tf.tidy(() => tf.matMul(kCross, fit.alpha) as tf.Tensor2D);
  const kt = tf.transpose(kCross) as tf.Tensor2D;
  const v = solveLower(fit.L, kt, blockSize); // [n, t]
  kt.dispose();
  const variance = tf.tidy(() => tf.sub(kTestDiag, tf.sum(tf.square(v), 0)) as tf.Tensor1D);
  v.dispose();
  return { mean, variance };
}

export function disposeFit(fit: GpFit): void {
  tf.dispose([fit.L, fit.alpha]);
}
