// The ELBO cannot see a rotation of the latent space. For an orthogonal R, the model with decoder
// z -> p(x | R^T z) and posterior N(R mu, R diag(s^2) R^T) has the same ELBO as the original, because
// the N(0, I) prior is rotation invariant. The rotated posterior is no longer diagonal, so its KL is
// computed here from the full covariance (trace, log-determinant by Cholesky, in float64, with the
// matrix helpers of lib/models): nothing
// in the computation assumes the answer.
import * as tf from '../core/tf';
import { ParameterError } from '../core/errors';
import { Key, normal } from '../core/random';
import { Matrix, dot, logDetSpd, matmul, matvec, orthonormalRows, trace, transpose } from '../linalg/matrix';
import { LatentVae } from './latent-vae';

/** KL(N(m, C) || N(0, I)) = (tr C + |m|^2 - d - log det C) / 2, with log det C from a Cholesky factor. */
export function fullCovarianceKl(mean: number[], cov: Matrix): number {
  return 0.5 * (trace(cov) + dot(mean, mean) - mean.length - logDetSpd(cov));
}

/**
 * Per-example ELBO of the rotated model, [batch]: z' = R (mu + s * eps) with the given key's eps,
 * decoded as R^T z', minus the full-covariance KL of N(R mu, R diag(s^2) R^T). With the same key,
 * `model.elbo` gives the unrotated value.
 */
export function rotatedElbo(model: LatentVae, x: tf.Tensor2D, key: Key, rotation: number[][]): Float64Array {
  const d = model.latentDim;
  if (rotation.length !== d || rotation.some((r) => r.length !== d)) {
    throw new ParameterError(`the rotation must be ${d} x ${d}`, 'pass an orthogonal matrix of the latent size');
  }
  const { loc, scale } = model.encode(x);
  const mu = loc.arraySync();
  const s = scale.arraySync();
  const batch = x.shape[0];
  const reconstruction = tf.tidy(() => {
    const r = tf.tensor2d(rotation); // rows of z' = z R^T in row-vector form
    const z = tf.add(loc, tf.mul(scale, normal(key, loc.shape)));
    const zRotated = tf.matMul(z, r, false, true);
    return model.decoder.logProb(x, tf.matMul(zRotated, r) as tf.Tensor2D).arraySync(); // decoder sees R^T z'
  });
  tf.dispose([loc, scale]);
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const cov = matmul(matmul(rotation, s[b].map((v, k) => rotation.map((_, j) => (j === k ? v * v : 0)))), transpose(rotation));
    out[b] = reconstruction[b] - fullCovarianceKl(matvec(rotation, mu[b]), cov);
  }
  return out;
}

/** A random d x d orthogonal matrix: Gram-Schmidt on keyed Gaussian rows. */
export function randomRotation(key: Key, d: number): number[][] {
  return orthonormalRows(Array.from({ length: d }, (_, i) => Array.from(key.foldIn(i).normals(d))));
}
